"""A client's card and its buttons (language, B2B, channel, invitations, delete).

Buttons carry `cl:<action>:<id>`. Every id that comes back is looked up again together with the
freelancer who pressed it, so a forged or stale button finds nothing, is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from telegram import InlineKeyboardMarkup, Update

from bot.context import RelanceContext
from bot.domain.stats import PayerScore, payer_score
from bot.handlers.clients.listing import button_label
from bot.handlers.common import (
    answer,
    cb_int,
    cb_parts,
    chunk,
    freelancer_of,
    keyboard,
    refuse_callback,
    tr_for,
)
from bot.handlers.invitations import send_invitation
from bot.i18n import SUPPORTED, Html, Translator, escape
from bot.presentation import keyboards as kb
from bot.presentation.commitment_views import client_card_lines
from bot.presentation.contact_views import show_address, show_phone
from bot.presentation.einvoice_views import client_ids_line
from bot.presentation.stats_text import score_line
from bot.presentation.views import invoice_line, local_today, plan_label
from bot.storage import Client, Contact, Freelancer, Invoice
from bot.storage.clients import PaymentHistory

MAX_INVOICES_ON_CARD = 5
SAME_AS_MINE = "-"


def contact_line(tr: Translator, contact: Contact, invited_until: date | None = None) -> Html:
    if contact.telegram_chat_id and contact.telegram_status == "blocked":
        telegram = tr.plain("blocked the bot")
    elif contact.telegram_chat_id and contact.telegram_status == "off":
        telegram = tr.plain("turned Telegram reminders off")
    elif contact.telegram_chat_id:
        telegram = tr.plain("linked")
    elif invited_until:
        telegram = tr.plain("invited, the link works until {date}", date=tr.date(invited_until))
    else:
        telegram = tr.plain("not linked")
    if contact.name and contact.email:
        return tr._(
            "• {name} — {email} — Telegram: {telegram}",
            name=contact.name,
            email=contact.email,
            telegram=telegram,
        )
    if contact.name:
        return tr._("• {name} — no e-mail — Telegram: {telegram}", name=contact.name, telegram=telegram)
    if contact.email:
        return tr._("• {email} — Telegram: {telegram}", email=contact.email, telegram=telegram)
    return tr._("• A contact without name or e-mail — Telegram: {telegram}", telegram=telegram)


def open_invoice_lines(tr: Translator, invoices: list[Invoice], today: date) -> list[Html]:
    """The client's open invoices, soonest due first, overdue ones flagged with ⚠️."""
    if not invoices:
        return [tr._("No open invoice.")]
    lines = [tr.n_("<b>{n} open invoice</b>", "<b>{n} open invoices</b>", len(invoices))]
    for invoice in invoices[:MAX_INVOICES_ON_CARD]:
        flag = "⚠️" if invoice.days_overdue(today) > 0 else "•"
        lines.append(Html(f"{flag} {invoice_line(tr, invoice, today)}"))
    hidden = len(invoices) - MAX_INVOICES_ON_CARD
    if hidden > 0:
        lines.append(tr.n_("…and {n} more: see /invoices.", "…and {n} more: see /invoices.", hidden))
    return lines


def history_phrase(tr: Translator, history: PaymentHistory) -> Html:
    """How the client pays, in a sentence or three."""
    paid = history.paid_on_time + history.paid_late
    if paid == 0:
        return tr._("No invoice paid yet, so no payment history.")
    if history.paid_late == 0:
        return tr.n_("Always paid on time ({n} invoice).", "Always paid on time ({n} invoices).", paid)
    if history.paid_on_time == 0:
        sentences = [tr.n_("Always paid late ({n} invoice).", "Always paid late ({n} invoices).", paid)]
    else:
        sentences = [
            tr.n_("{n} invoice paid late.", "{n} invoices paid late.", history.paid_late),
            tr.n_("{n} invoice paid on time.", "{n} invoices paid on time.", history.paid_on_time),
        ]
    days = int((history.average_days_late or 0) + 0.5)
    if days >= 1:
        sentences.append(
            tr.n_(
                "On average, payment comes {n} day after the due date.",
                "On average, payment comes {n} days after the due date.",
                days,
            )
        )
    return Html(" ".join(sentences))


def card_buttons(
    tr: Translator, client: Client, contacts: list[Contact], invited: Collection[int] = ()
) -> InlineKeyboardMarkup:
    rows = [
        [(tr.plain("✏️ Rename"), kb.CL_REN(client.id)),
         (tr.plain("Language"), kb.CL_LANG(client.id)),
         (tr.plain("B2B/B2C"), kb.CL_B2B(client.id))],
        [(tr.plain("Notes"), kb.CL_NOTES(client.id)),
         (tr.plain("➕ Add contact"), kb.CL_ADDCT(client.id)),
         (tr.plain("🔔 Plan"), kb.PL_SHOW("c", client.id))],
        [(tr.plain("📮 Postal address"), kb.AD_ADDR(client.id))],
    ]  # fmt: skip
    for contact in contacts:
        label = button_label(contact.name or contact.email or tr.plain("contact"))
        rows.append(
            [
                (tr.plain("✏️ Edit {contact}", contact=label), kb.CL_CTED(contact.id)),
                (tr.plain("✖ Remove {contact}", contact=label), kb.CL_CTDEL(contact.id)),
            ]
        )
        rows.append([(channel_label(tr, contact.channel), kb.CL_CHAN(contact.id)),
                     (tr.plain("📞 Phone"), kb.AD_PHONE(contact.id))])  # fmt: skip
        invite = [
            (tr.plain("📨 Invite {contact} in Telegram", contact=label), kb.CL_INVITE(contact.id))
        ]
        if contact.id in invited:
            invite.append((tr.plain("🚫 Revoke the link"), kb.CL_REVOKE(contact.id)))
        rows.append(invite)
    if not contacts:
        rows.append([(tr.plain("📨 Invite in Telegram"), kb.CL_INVNEW(client.id))])
    rows.append(
        [
            (tr.plain("🗑 Delete client"), kb.CL_DEL(client.id)),
            (tr.plain("◀ All clients"), kb.CL_PAGE(0)),
        ]
    )
    return keyboard(rows)


def render_card(
    tr: Translator,
    freelancer: Freelancer,
    client: Client,
    contacts: list[Contact],
    invoices: list[Invoice],
    history: PaymentHistory,
    today: date,
    invited: dict[int, date] | None = None,
    score: PayerScore | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    """The card; `invited`: contacts with an unused invitation link, and the day it stops working."""
    invited = invited or {}
    if client.language is None:
        language = tr._(
            "Language of reminders: {language} (same as yours)",
            language=tr.language_name(freelancer.language),
        )
    else:
        language = tr._("Language of reminders: {language}", language=tr.language_name(client.language))
    lines = [
        Html(f"<b>{escape(client.name)}</b>"),
        tr._("Business client (B2B)") if client.is_b2b else tr._("Private individual (B2C)"),
        language,
        tr._("Notes: {notes}", notes=client.notes) if client.notes else tr._("Notes: none"),
        tr._("Postal address: {address}", address=show_address(tr, client.postal_address)),
        *[ids for ids in [client_ids_line(tr, client.siren, client.siret, client.vat_number)] if ids],
        tr._("Reminder plan: {plan}", plan=plan_label(tr, client.plan))
        if client.plan
        else tr._("Reminder plan: your default ({plan})", plan=plan_label(tr, freelancer.default_plan)),
        "",
        tr._("<b>Contacts</b>"),
        *(
            [
                Html(
                    contact_line(tr, c, invited.get(c.id))
                    + (f" — 📞 {show_phone(c.phone)}" if c.phone else "")
                )
                for c in contacts
            ]  # fmt: skip
            or [tr._("No contact yet: add one so reminders can reach them.")]
        ),
        "",
        *open_invoice_lines(tr, invoices, today),
        "",
        tr._("<b>Payment history</b>"),
        history_phrase(tr, history),
        score_line(tr, score),
    ]
    return Html("\n".join(lines)), card_buttons(tr, client, contacts, invited)


async def owned_client(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Translator, Client] | None:
    """The freelancer and the client named by the pressed button; None (refused) when it is not theirs."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    client_id = cb_int(update, 1)
    client = None
    if freelancer is not None and client_id is not None:
        client = await ctx.store.clients.get(freelancer.id, client_id)
    if freelancer is None or client is None:
        await refuse_callback(update, tr, f"client {client_id} is not this user's")
        return None
    return freelancer, tr, client


async def owned_contact(
    update: Update, ctx: RelanceContext
) -> tuple[Freelancer, Translator, Client, Contact] | None:
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    contact_id = cb_int(update, 1)
    contact = client = None
    if freelancer is not None and contact_id is not None:
        contact = await ctx.store.clients.contact(freelancer.id, contact_id)
        client = await ctx.store.clients.get(freelancer.id, contact.client_id) if contact else None
    if freelancer is None or contact is None or client is None:
        await refuse_callback(update, tr, f"contact {contact_id} is not this user's")
        return None
    return freelancer, tr, client, contact


async def show_client_card(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, client: Client, note: Html | None = None
) -> None:
    tr = tr_for(update, ctx, freelancer)
    contacts = await ctx.store.clients.contacts(client.id)
    invoices = await ctx.store.invoices.for_client(freelancer.id, client.id)
    history = await ctx.store.clients.history(client.id)
    now = ctx.clock.now()
    score = payer_score(
        await ctx.store.stats.invoice_facts(freelancer.id, [client.id]), local_today(freelancer, now)
    )
    invited = {
        contact_id: local_today(freelancer, until)
        for contact_id, until in (await ctx.store.invitations.pending(client.id, now)).items()
    }
    text, markup = render_card(
        tr, freelancer, client, contacts, invoices, history, local_today(freelancer, now), invited, score
    )
    kept, broken = await ctx.store.call_outcomes.promise_record(client.id)
    disputes = await ctx.store.disputes.for_client(client.id)
    numbers = {
        i.id: i.number for i in (await ctx.store.invoices.get_many_any([d.invoice_id for d in disputes])).values()
    }
    if extra := client_card_lines(tr, kept, broken, disputes, numbers):
        text = Html(f"{text}\n\n{extra}")
    await answer(update, f"{note}\n\n{text}" if note else text, markup)


async def show_card(update: Update, ctx: RelanceContext) -> None:
    if owned := await owned_client(update, ctx):
        await show_client_card(update, ctx, owned[0], owned[2])


async def toggle_b2b(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    client = await ctx.store.clients.update(freelancer.id, client.id, is_b2b=not client.is_b2b) or client
    await show_client_card(update, ctx, freelancer, client, tr._("Saved."))


async def ask_language(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    mine = tr.plain("Same as mine ({language})", language=tr.language_name(freelancer.language))
    rows = [[(mine, kb.CL_SETLANG(client.id, SAME_AS_MINE))]]
    rows += chunk([(tr.language_name(code), kb.CL_SETLANG(client.id, code)) for code in SUPPORTED], 3)
    await answer(
        update, tr._("In which language should {name} receive reminders?", name=client.name), keyboard(rows)
    )


async def set_language(update: Update, ctx: RelanceContext) -> None:
    code = (cb_parts(update) + ["", "", ""])[2]
    if code not in (*SUPPORTED, SAME_AS_MINE):
        await refuse_callback(
            update, tr_for(update, ctx, await freelancer_of(update, ctx)), f"language {code!r}"
        )
        return
    if not (owned := await owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    language = None if code == SAME_AS_MINE else code
    client = await ctx.store.clients.update(freelancer.id, client.id, language=language) or client
    await show_client_card(update, ctx, freelancer, client, tr._("Saved."))


async def ask_delete(update: Update, ctx: RelanceContext) -> None:
    """🗑 Delete client: always ask first, saying how many open invoices go with it."""
    if not (owned := await owned_client(update, ctx)):
        return
    _freelancer, tr, client = owned
    count = await ctx.store.clients.open_invoice_count(client.id)
    if count:
        question = tr.n_(
            "{name} has {n} open invoice; deleting removes it too. Delete?",
            "{name} has {n} open invoices; deleting removes them too. Delete?",
            count,
            name=client.name,
        )
    else:
        question = tr._(
            "Delete {name}, its contacts and its past invoices? This cannot be undone.", name=client.name
        )
    buttons = [
        [
            (tr.plain("Yes, delete"), kb.CL_DELOK(client.id)),
            (tr.plain("No"), kb.CL_CARD(client.id)),
        ]
    ]
    await answer(update, question, keyboard(buttons))


async def confirm_delete(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    await ctx.store.clients.delete(freelancer.id, client.id)
    back = keyboard([[(tr.plain("◀ All clients"), kb.CL_PAGE(0))]])
    await answer(update, tr._("{name} is deleted, with its contacts and invoices.", name=client.name), back)


CHANNELS = ("auto", "telegram", "email", "both")


def channel_label(tr: Translator, channel: str) -> str:
    labels = {
        "auto": tr.plain("📡 Channel: automatic"),
        "telegram": tr.plain("📡 Channel: Telegram"),
        "email": tr.plain("📡 Channel: e-mail"),
        "both": tr.plain("📡 Channel: Telegram and e-mail"),
    }
    return labels.get(channel, labels["auto"])


async def cycle_channel(update: Update, ctx: RelanceContext) -> None:
    """📡 Channel: automatic → Telegram → e-mail → both → automatic, per contact."""
    if not (owned := await owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    following = (
        CHANNELS[(CHANNELS.index(contact.channel) + 1) % len(CHANNELS)]
        if contact.channel in CHANNELS
        else "auto"
    )
    await ctx.store.clients.edit_contact(freelancer.id, contact.id, channel=following)
    await show_client_card(update, ctx, freelancer, client, tr._("Saved."))


async def remove_contact(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    await ctx.store.clients.remove_contact(freelancer.id, contact.id)
    await show_client_card(update, ctx, freelancer, client, tr._("Contact removed."))


async def invite_contact(update: Update, ctx: RelanceContext) -> None:
    """📨 Invite a contact in Telegram: a link to forward (an unused older one stops working)."""
    if owned := await owned_contact(update, ctx):
        freelancer, _tr, client, contact = owned
        await send_invitation(update, ctx, freelancer, client, contact)


async def invite_new_contact(update: Update, ctx: RelanceContext) -> None:
    """📨 Invite in Telegram, on a client without contacts: the invitation makes the contact."""
    if owned := await owned_client(update, ctx):
        freelancer, _tr, client = owned
        contact = await ctx.store.clients.add_contact(client.id, name="", email=None, now=ctx.clock.now())
        await send_invitation(update, ctx, freelancer, client, contact)


async def revoke_invitation(update: Update, ctx: RelanceContext) -> None:
    """🚫 Revoke the link: it no longer binds any chat."""
    if not (owned := await owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    revoked = await ctx.store.invitations.revoke(freelancer.id, contact.id, ctx.clock.now())
    note = (
        tr._("Invitation revoked: the link no longer works.")
        if revoked
        else tr._("There was no link to revoke.")
    )
    await show_client_card(update, ctx, freelancer, client, note)
