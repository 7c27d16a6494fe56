"""Onboarding (/start for a newcomer) and /settings: one conversation that asks profile fields.

Onboarding asks a queue of fields one after the other; a settings button asks just one. Every
answer is validated by the field and saved at once, so nothing typed is lost.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.channels.email import EmailDeliveryError, InvalidEmail, SmtpSettings, send_one
from bot.context import RelanceContext
from bot.domain.penalties import format_rate, legal_floor_bp
from bot.domain.zones import country_for_timezone, default_holiday_subdivision
from bot.handlers.client_actions.menu import show_menu
from bot.handlers.common import (
    answer,
    cb_parts,
    chunk,
    freelancer_of,
    keyboard,
    onboarded,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import FIELDS, ONBOARDING_FIELDS, Invalid, holiday_calendar_label
from bot.i18n import Html, Translator, escape, locale_from_telegram
from bot.presentation import keyboards as kb
from bot.presentation.reminder_email import sample_email
from bot.presentation.views import local_today, plan_label
from bot.storage import Freelancer

ASKING = "asking"
CALENDAR_FIELDS = {"timezone", "send_time", "country", "holiday_subdivision"}
END = ConversationHandler.END


def settings_card(
    freelancer: Freelancer, tr: Translator, smtp: SmtpSettings | None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [tr._("<b>Your settings</b>"), ""]
    lines += [
        f"<b>{escape(field.label(tr))}</b>: {escape(field.show(freelancer, tr))}" for field in FIELDS.values()
    ]
    plan = tr.plain("Reminder plan")
    lines.append(f"<b>{escape(plan)}</b>: {escape(plan_label(tr, freelancer.default_plan))}")
    copy_me = tr.plain("on") if freelancer.copy_me else tr.plain("off")
    copy_label = tr.plain("Copy me on e-mails")
    lines += [
        f"<b>{escape(copy_label)}</b>: {escape(copy_me)}",
        "",
        email_status(tr, smtp),
    ]
    lines += ["", tr._("Tap a setting to change it.")]
    fields = [(field.label(tr), kb.SET(key)) for key, field in FIELDS.items()]
    buttons = chunk([*fields, (plan, kb.PL_SHOW("d", 0))], 3)
    buttons.append(
        [
            (tr.plain("Copy me: {state}", state=copy_me), kb.MAIL_COPY()),
            (tr.plain("📧 Send me a test e-mail"), kb.MAIL_TEST()),
        ]
    )
    return "\n".join(lines), keyboard(buttons)


def email_status(tr: Translator, smtp: SmtpSettings | None) -> Html:
    if smtp is None:
        return tr._(
            "E-mail sending: off — set SMTP_HOST and SMTP_FROM in the bot's environment to send reminders "
            "by e-mail too."
        )
    return tr._("E-mail sending: on (from {sender})", sender=smtp.sender)


async def ask(update: Update, ctx: RelanceContext, freelancer: Freelancer) -> str:
    field = FIELDS[ctx.drafts["profile"]["queue"][0]]
    tr = tr_for(update, ctx, freelancer)
    rows = chunk([(label, kb.PICK(value)) for label, value in field.offered(freelancer, tr)], 3)
    if field.optional:
        rows.append([(tr.plain("Skip"), kb.SKIP())])
    await answer(update, field.question(freelancer, tr), keyboard(rows) if rows else None)
    return ASKING


async def start(update: Update, ctx: RelanceContext) -> str | int:
    """/start: a newcomer is welcomed and onboarded; a known freelancer gets a short reminder of what to do.

    A client (a chat bound by an invitation) is no freelancer: they get their invoices instead.
    """
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None and await show_menu(update, ctx):
        return END
    if freelancer and freelancer.onboarded:
        tr = tr_for(update, ctx, freelancer)
        await answer(
            update, tr._("Welcome back, {name}! Send /help to see what I can do.", name=freelancer.name)
        )
        return END
    if freelancer is None:
        user = update.effective_user
        assert user is not None
        freelancer = await ctx.store.freelancers.create(
            telegram_user_id=user.id,
            display_name=user.full_name[:80],
            language=locale_from_telegram(user.language_code, ctx.config.default_locale),
            timezone=ctx.config.default_timezone,
            now=ctx.clock.now(),
        )
    tr = tr_for(update, ctx, freelancer)
    await answer(
        update,
        tr._(
            "Hello! I am Relance. I chase your unpaid invoices for you: I send polite, gradually firmer "
            "reminders to your clients, at decent hours, and I stop the moment you are paid.\n\n"
            "A few questions to set things up (you can change everything later in /settings)."
        ),
    )
    ctx.drafts["profile"] = {"queue": list(ONBOARDING_FIELDS), "mode": "onboarding"}
    return await ask(update, ctx, freelancer)


async def settings(update: Update, ctx: RelanceContext) -> int:
    """/settings: every setting with a button to change it."""
    freelancer = await onboarded(update, ctx, finished=False)
    if freelancer is None:
        return END
    text, markup = settings_card(freelancer, tr_for(update, ctx, freelancer), ctx.services.smtp)
    await answer(update, text, markup)
    return END


async def change(update: Update, ctx: RelanceContext) -> str | int:
    """A settings button: ask for that one field."""
    freelancer = await freelancer_of(update, ctx)
    key = (cb_parts(update) or [""])[0]
    if freelancer is None or key not in FIELDS:
        await answer(
            update, tr_for(update, ctx, freelancer)._("This button is no longer valid. Send /settings.")
        )
        return END
    ctx.drafts["profile"] = {"queue": [key], "mode": "settings"}
    return await ask(update, ctx, freelancer)


async def on_text(update: Update, ctx: RelanceContext) -> str | int:
    text = update.effective_message.text if update.effective_message else None
    return await _take(update, ctx, text or "")


async def on_pick(update: Update, ctx: RelanceContext) -> str | int:
    """A choice button: the value is treated exactly like typed text, so it is validated too."""
    return await _take(update, ctx, ":".join(cb_parts(update)))


async def on_skip(update: Update, ctx: RelanceContext) -> str | int:
    return await _take(update, ctx, None)


async def _take(update: Update, ctx: RelanceContext, text: str | None) -> str | int:
    freelancer = await freelancer_of(update, ctx)
    flow = ctx.drafts.get("profile")
    if freelancer is None or not flow or not flow.get("queue"):
        await answer(update, tr_for(update, ctx, freelancer)._("Let's start again: send /settings."))
        return END
    field = FIELDS[flow["queue"][0]]
    tr = tr_for(update, ctx, freelancer)
    if text is None and not field.optional:
        return await ask(update, ctx, freelancer)
    try:
        value = None if text is None else field.read(text, tr, freelancer)
    except Invalid as exc:
        choices = [(label, kb.PICK(value)) for label, value in exc.choices]
        await answer(update, exc.message, keyboard([[choice] for choice in choices]) if choices else None)
        return ASKING
    changes: dict[str, object] = field.columns(value) if field.columns else {field.key: value}
    if field.key == "timezone" and (country := country_for_timezone(str(value))):
        changes["country"] = country  # and the region's holidays: Montréal → Quebec's
        changes["holiday_subdivision"] = default_holiday_subdivision(str(value), country)
    elif field.key == "country" and value != freelancer.country:
        changes["holiday_subdivision"] = default_holiday_subdivision(freelancer.timezone, str(value))
    freelancer = await ctx.store.freelancers.update(freelancer.id, **changes)
    if CALENDAR_FIELDS & changes.keys():
        for invoice in await ctx.store.invoices.open_with_reminders(freelancer.id):
            await ctx.services.invoice_changed(invoice)  # reminders move with the new calendar
    if field.key == "contractual_rate_bp" and isinstance(value, int):
        flow["note"] = _rate_floor_note(freelancer, tr, value, local_today(freelancer, ctx.clock.now()))
    flow["queue"].pop(0)
    if flow["queue"]:
        return await ask(update, ctx, freelancer)
    return await _finish(update, ctx, freelancer, flow["mode"], flow.get("note"))


def _rate_floor_note(freelancer: Freelancer, tr: Translator, rate_bp: int, today: date) -> Html | None:
    """A warning when a contractual rate is below the legal floor (France: 3 × the legal interest rate)."""
    floor = legal_floor_bp(freelancer.country, today)
    if floor is None or rate_bp >= floor:
        return None
    return tr._(
        "⚠️ {rate} is below the legal floor: in France a contractual late-payment rate may not be lower "
        "than three times the legal interest rate, {floor} this half-year (Code de commerce L441-10): "
        "please check your terms.",
        rate=tr.plain("{rate} %", rate=tr.number(Decimal(format_rate(rate_bp)))),
        floor=tr.plain("{rate} %", rate=tr.number(Decimal(format_rate(floor)))),
    )


async def _finish(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, mode: str, note: Html | None = None
) -> int:
    ctx.drafts.pop("profile", None)
    tr = tr_for(update, ctx, freelancer)
    if mode == "onboarding":
        freelancer = await ctx.store.freelancers.update(freelancer.id, onboarded=True)
        await answer(
            update,
            tr._(
                "All set, {name}! Register your first invoice with /new. Add your IBAN or a payment "
                "link in /settings so that reminders tell clients how to pay. /help lists everything.",
                name=freelancer.name,
            )
            + "\n\n"
            + tr._(
                "Reminders skip weekends and the public holidays of {calendar}. To change it: /settings, "
                "“Holidays of” and “Holiday region”.",
                calendar=holiday_calendar_label(freelancer, tr),
            ),
        )
        return END
    text, markup = settings_card(freelancer, tr, ctx.services.smtp)
    saved = tr._("Saved.") + (f"\n\n{note}" if note else "")
    await answer(update, saved + "\n\n" + text, markup)
    return END


async def toggle_copy_me(update: Update, ctx: RelanceContext) -> None:
    """The "Copy me" button: be copied (Cc) on the reminder e-mails to clients, or not."""
    freelancer = await freelancer_of(update, ctx)
    query = update.callback_query
    if freelancer is None or query is None:
        await refuse_callback(update, tr_for(update, ctx), "no freelancer")
        return
    freelancer = await ctx.store.freelancers.update(freelancer.id, copy_me=not freelancer.copy_me)
    tr = tr_for(update, ctx, freelancer)
    if freelancer.copy_me and not freelancer.reply_to_email:
        await query.answer(tr.plain("Set your reply-to e-mail too: the copy goes there."), show_alert=True)
    else:
        await query.answer()
    text, markup = settings_card(freelancer, tr, ctx.services.smtp)
    await query.edit_message_text(text, reply_markup=markup)


async def send_test_email(update: Update, ctx: RelanceContext) -> None:
    """The "Send me a test e-mail" button: a sample reminder to the freelancer's own address."""
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None:
        await refuse_callback(update, tr_for(update, ctx), "no freelancer")
        return
    tr, smtp, address = tr_for(update, ctx, freelancer), ctx.services.smtp, freelancer.reply_to_email
    if smtp is None:
        await answer(update, email_status(tr, smtp))
        return
    if not address:
        await answer(
            update, tr._("Set your reply-to e-mail first (in /settings): the test e-mail goes there.")
        )
        return
    today = ctx.clock.now().astimezone(ZoneInfo(freelancer.timezone)).date()
    custom = await ctx.store.templates.get(freelancer.id, "friendly", freelancer.language)
    try:
        await send_one(smtp, sample_email(freelancer, today, custom), ctx.clock.now())
    except (EmailDeliveryError, InvalidEmail) as exc:
        text = tr._("❌ The test e-mail to {email} was not sent: {reason}", email=address, reason=str(exc))
    else:
        text = tr._(
            "✅ Test e-mail sent to {email}: this is what your clients receive. If it does not arrive, look in "
            "the spam folder.",
            email=address,
        )
    await answer(update, text)
