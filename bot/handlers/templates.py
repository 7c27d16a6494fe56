"""/templates: the freelancer's own wording for each tone and client language, previewed before saving.

The text is data with `{placeholders}` (see `bot.domain.templates`): it is validated, every problem
named, then rendered exactly as a client would get it (`render_reminder`) on the freelancer's latest
open invoice, or a sample. Only Save stores it. Buttons: `tp:edit:<tone>:<locale>`, `tp:reset:…`,
`tp:save`, `tp:cancel`, `tp:list`; from the evening preview, `rp:text:<reminder id>`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.templates import validate_template
from bot.handlers.common import (
    answer,
    cb_parts,
    freelancer_of,
    keyboard,
    onboarded,
    owned_reminder,
    refuse_callback,
    tr_for,
)
from bot.i18n import SUPPORTED, Html, Translator, escape, translator
from bot.presentation import keyboards as kb
from bot.presentation.reminder_text import DEFAULT_TEMPLATES, ReminderText, client_locale, render_reminder
from bot.presentation.reminder_views import (
    missing_essentials,
    placeholder_help,
    template_problems,
    tone_name,
    tone_short,
    tone_title,
)
from bot.presentation.views import local_today
from bot.storage import Client, Freelancer, Invoice

EDITING = "template_text"
DRAFT = "template"
TONES = tuple(DEFAULT_TEMPLATES)
END = ConversationHandler.END


# Rendering ---------------------------------------------------------------------------------------
def template_list(tr: Translator, customised: set[tuple[str, str]]) -> tuple[Html, InlineKeyboardMarkup]:
    lines = [tr._("<b>Your reminder texts</b>"), ""]
    for tone in TONES:
        mine = [tr.language_name(loc) for loc in SUPPORTED if (tone, loc) in customised]
        state = (tr._("your own text in {languages}", languages=", ".join(mine)) if mine
                 else tr._("built-in text"))  # fmt: skip
        lines.append(tr._("• <b>{tone}</b>: {state}", tone=tone_title(tr, tone), state=state))
    lines += ["", tr._("Which text do you want to see or change? Clients get the one in their language.")]
    rows = [
        [(f"{tone_short(tr, tone)} · {tr.language_name(loc)}", kb.TP_EDIT(tone, loc)) for loc in SUPPORTED]
        for tone in TONES
    ]  # fmt: skip
    return Html("\n".join(lines)), keyboard(rows)


def edit_screen(
    tr: Translator, tone: str, locale: str, body: str, custom: bool
) -> tuple[Html, InlineKeyboardMarkup]:
    which = tr._("your own text") if custom else tr._("the built-in text")
    lines = [
        tr._(
            "<b>{tone}</b> · {language} — {which}:",
            tone=tone_title(tr, tone),
            language=tr.language_name(locale),
            which=which,
        ),  # fmt: skip
        Html(f"<pre>{escape(body)}</pre>"),
        "",
        tr._("Type a new text to replace it. You can use these placeholders:"),
        placeholder_help(tr),
    ]
    rows = [[(tr.plain("◀ All texts"), kb.TP_LIST())]]
    if custom:
        rows.insert(0, [(tr.plain("↩️ Reset to default"), kb.TP_RESET(tone, locale))])
    return Html("\n".join(lines)), keyboard(rows)


def preview_screen(
    tr: Translator, tone: str, locale: str, message: ReminderText, invoice: Invoice, client: Client, text: str
) -> tuple[Html, InlineKeyboardMarkup]:
    lines = [
        tr._("<b>Preview</b> with invoice {number} for {client}:", number=invoice.number, client=client.name),
        Html(f"<blockquote>{message.html}</blockquote>"),
        "",
    ]
    if missing := missing_essentials(text):
        lines.append(
            tr._("Tip: clients pay sooner when the reminder names {missing}.", missing=", ".join(missing))
        )
    lines.append(tr._("Save it as your {tone} in {language}?", tone=tone_name(tr, tone),
                      language=tr.language_name(locale)))  # fmt: skip
    rows = [[(tr.plain("💾 Save"), kb.TP_SAVE()), (tr.plain("Cancel"), kb.TP_CANCEL())]]
    return Html("\n".join(lines)), keyboard(rows)


def sample_invoice(freelancer: Freelancer, locale: str, tone: str, today: date) -> tuple[Invoice, Client]:
    """A made-up invoice for previews when the freelancer has no open invoice yet."""
    due = today + timedelta(days=3) if tone == "courtesy" else today - timedelta(days=12)
    client = Client(0, freelancer.id, "ACME SAS", locale, True, None, 0, 0)
    invoice = Invoice(
        0, freelancer.id, 0, client.name, "F-2026-014", 120_000, freelancer.default_currency, 0,
        due - timedelta(days=30), due, None, None, None, "open", True, False, None, 0,
    )  # fmt: skip
    return invoice, client


# Lookups -----------------------------------------------------------------------------------------
def tone_and_locale(update: Update) -> tuple[str, str] | None:
    parts = cb_parts(update) + ["", ""]
    tone, locale = parts[1], parts[2]
    return (tone, locale) if tone in TONES and locale in SUPPORTED else None


async def preview_sample(
    ctx: RelanceContext, freelancer: Freelancer, tone: str, locale: str
) -> tuple[Invoice, Client]:
    """The freelancer's latest open invoice (its client shown in the chosen language), else a sample."""
    today = local_today(freelancer, ctx.clock.now())
    invoice = await ctx.store.invoices.latest_open(freelancer.id)
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if invoice else None
    if invoice is None or client is None:
        return sample_invoice(freelancer, locale, tone, today)
    return invoice, replace(client, language=locale)


# Handlers ----------------------------------------------------------------------------------------
async def list_templates(update: Update, ctx: RelanceContext) -> None:
    """/templates and ◀ All texts."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    customised = await ctx.store.templates.customised(freelancer.id)
    await answer(update, *template_list(tr_for(update, ctx, freelancer), customised))


async def start_edit(update: Update, ctx: RelanceContext) -> str | int:
    """A tone and language: show the current text and wait for a new one."""
    freelancer = await freelancer_of(update, ctx)
    chosen = tone_and_locale(update)
    if freelancer is None or chosen is None:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "bad template button")
        return END
    return await begin(update, ctx, freelancer, *chosen)


async def start_edit_for_reminder(update: Update, ctx: RelanceContext) -> str | int:
    """✏️ Text in the evening preview: the text of that reminder's tone, in its client's language."""
    found = await owned_reminder(update, ctx)
    if found is None:
        return END
    freelancer, reminder = found
    invoice = await ctx.store.invoices.get(freelancer.id, reminder.invoice_id)
    client = await ctx.store.clients.get(freelancer.id, invoice.client_id) if invoice else None
    if client is None or reminder.tone not in TONES:
        await refuse_callback(update, tr_for(update, ctx, freelancer), "no client text for this reminder")
        return END
    return await begin(update, ctx, freelancer, reminder.tone, client_locale(freelancer, client))


async def begin(update: Update, ctx: RelanceContext, freelancer: Freelancer, tone: str, locale: str) -> str:
    custom = await ctx.store.templates.get(freelancer.id, tone, locale)
    body = custom or translator(locale).plain(DEFAULT_TEMPLATES[tone])
    ctx.drafts[DRAFT] = {"tone": tone, "locale": locale}
    await answer(
        update, *edit_screen(tr_for(update, ctx, freelancer), tone, locale, body, custom is not None)
    )
    return EDITING


async def on_text(update: Update, ctx: RelanceContext) -> str | int:
    """A new text: every problem named, or a preview with Save and Cancel."""
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.get(DRAFT) or {}
    tr = tr_for(update, ctx, freelancer)
    if freelancer is None or draft.get("tone") not in TONES:
        await answer(update, tr._("Let's start again: send /templates."))
        return END
    text = (update.effective_message.text if update.effective_message else None) or ""
    if problems := validate_template(text):
        await answer(update, template_problems(tr, problems))
        return EDITING
    tone, locale = draft["tone"], draft["locale"]
    invoice, client = await preview_sample(ctx, freelancer, tone, locale)
    message = render_reminder(freelancer=freelancer, client=client, invoice=invoice, tone=tone,
                              today=local_today(freelancer, ctx.clock.now()), custom=text)  # fmt: skip
    draft["pending"] = text
    await answer(update, *preview_screen(tr, tone, locale, message, invoice, client, text))
    return EDITING


async def save(update: Update, ctx: RelanceContext) -> int:
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.pop(DRAFT, None) or {}
    tr = tr_for(update, ctx, freelancer)
    text = draft.get("pending")
    if freelancer is None or not text or validate_template(text) or draft.get("tone") not in TONES:
        await answer(update, tr._("There is no new text to save. Send /templates to start again."))
        return END
    await ctx.store.templates.save(freelancer.id, draft["tone"], draft["locale"], text)
    await answer(
        update,
        tr._("Saved ✅ From now on, every {tone} in {language} uses your text.",
             tone=tone_name(tr, draft["tone"]), language=tr.language_name(draft["locale"])),
        keyboard([[(tr.plain("◀ All texts"), kb.TP_LIST())]]),
    )  # fmt: skip
    return END


async def discard(update: Update, ctx: RelanceContext) -> int:
    ctx.drafts.pop(DRAFT, None)
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    await answer(update, tr._("Nothing changed."), keyboard([[(tr.plain("◀ All texts"), kb.TP_LIST())]]))
    return END


async def reset(update: Update, ctx: RelanceContext) -> None:
    """↩️ Reset to default: the built-in text again for that tone and language."""
    freelancer = await freelancer_of(update, ctx)
    chosen = tone_and_locale(update)
    tr = tr_for(update, ctx, freelancer)
    if freelancer is None or chosen is None:
        await refuse_callback(update, tr, "bad template button")
        return
    await ctx.store.templates.reset(freelancer.id, *chosen)
    text = tr._("Your {tone} in {language} is back to the built-in text.",
                tone=tone_name(tr, chosen[0]), language=tr.language_name(chosen[1]))  # fmt: skip
    await answer(update, text, keyboard([[(tr.plain("◀ All texts"), kb.TP_LIST())]]))
