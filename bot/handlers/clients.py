"""/clients: the client list, a client's card, and a small conversation to add or change clients.

Buttons carry `cl:<action>:<id>`. Every id that comes back is looked up again together with the
freelancer who pressed it, so a forged or stale button finds nothing, is refused and changes nothing.
Questions follow the profile conversation: a queue of fields kept in the user's drafts, each answer
validated and saved at once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.stats import PayerScore, payer_score, payer_scores
from bot.handlers.addresses import show_address, show_phone
from bot.handlers.common import (
    answer,
    cb,
    cb_int,
    cb_parts,
    chunk,
    edit_in_place,
    freelancer_of,
    keyboard,
    onboarded,
    refuse_callback,
    tr_for,
)
from bot.handlers.invitations import send_invitation
from bot.handlers.profile_fields import Invalid, clean_text, parse_name, validate_email_address
from bot.i18n import SUPPORTED, Html, Translator, escape
from bot.presentation.commitment_views import client_card_lines
from bot.presentation.stats_text import score_badge, score_line
from bot.presentation.views import invoice_line, local_today, plan_label
from bot.storage import Client, Contact, Freelancer, Invoice
from bot.storage.clients import PaymentHistory

ASKING = "asking"
END = ConversationHandler.END
DRAFT = "client"
PAGE_SIZE = 10
MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 500
MAX_CONTACTS = 5  # with the limits above, a full card stays under Telegram's 4,096 characters
MAX_INVOICES_ON_CARD = 5
LABEL_LENGTH = 28
SAME_AS_MINE = "-"
T = TypeVar("T")


class Gone(Exception):
    """The client or contact a question was about has been deleted meanwhile."""


# Validation -------------------------------------------------------------------------------------
def parse_notes(text: str, tr: Translator) -> str:
    """Free notes for the freelancer: line breaks kept, control characters dropped, 500 characters at most."""
    notes = "\n".join(clean_text(line) for line in text.splitlines()).strip()
    if not notes:
        raise Invalid(tr._("Please type your notes, or tap “No notes” to clear them."))
    if len(notes) > MAX_NOTES_LENGTH:
        raise Invalid(
            tr._(
                "Those notes are too long ({length} characters). Please keep them to {limit} at most, "
                "for example: <i>pays after the 10th of the month</i>.",
                length=len(notes),
                limit=MAX_NOTES_LENGTH,
            )
        )
    return notes


# Rendering --------------------------------------------------------------------------------------
def _label(text: str) -> str:
    """A button label: long names are shortened (the card shows them in full)."""
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1] + "…"


def client_list_line(
    tr: Translator, client: Client, balances: dict[str, int], score: PayerScore | None = None
) -> Html:
    """One client of the list with what it still owes, per currency (never summed across currencies),
    and its payer score once it has enough history."""
    amounts = ", ".join(tr.money(minor, cur) for cur, minor in sorted(balances.items()) if minor > 0)
    if grade := score_badge(score):
        if not amounts:
            return tr._("• <b>{name}</b> · score {grade}: nothing due", name=client.name, grade=grade)
        return tr._(
            "• <b>{name}</b> · score {grade}: {amounts} due", name=client.name, grade=grade, amounts=amounts
        )
    if not amounts:
        return tr._("• <b>{name}</b>: nothing due", name=client.name)
    return tr._("• <b>{name}</b>: {amounts} due", name=client.name, amounts=amounts)


def render_client_page(
    tr: Translator,
    clients: list[Client],
    total: int,
    page: int,
    balances: dict[int, dict[str, int]],
    scores: dict[int, PayerScore] | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    add = [(tr.plain("➕ Add a client"), cb("cl", "add"))]
    if total == 0:
        return tr._("You have no clients yet. Add your first one with the button below."), keyboard([add])
    pages = -(-total // PAGE_SIZE)
    lines: list[str] = [tr.n_("<b>Your client</b> ({n})", "<b>Your clients</b> ({n})", total)]
    if pages > 1:
        lines.append(tr._("Page {page} of {pages}", page=page + 1, pages=pages))
    scores = scores or {}
    lines += ["", *(client_list_line(tr, c, balances.get(c.id, {}), scores.get(c.id)) for c in clients), ""]
    lines.append(tr._("Tap a client to open its card."))
    rows = chunk([(_label(c.name), cb("cl", "card", c.id)) for c in clients], 2)
    nav = [("◀", cb("cl", "page", page - 1))] if page > 0 else []
    nav += [("▶", cb("cl", "page", page + 1))] if page + 1 < pages else []
    return Html("\n".join(lines)), keyboard([*rows, *([nav] if nav else []), add])


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
        [(tr.plain("✏️ Rename"), cb("cl", "ren", client.id)),
         (tr.plain("Language"), cb("cl", "lang", client.id)),
         (tr.plain("B2B/B2C"), cb("cl", "b2b", client.id))],
        [(tr.plain("Notes"), cb("cl", "notes", client.id)),
         (tr.plain("➕ Add contact"), cb("cl", "addct", client.id)),
         (tr.plain("🔔 Plan"), cb("pl", "show", "c", client.id))],
        [(tr.plain("📮 Postal address"), cb("ad", "addr", client.id))],
    ]  # fmt: skip
    for contact in contacts:
        label = _label(contact.name or contact.email or tr.plain("contact"))
        rows.append(
            [
                (tr.plain("✏️ Edit {contact}", contact=label), cb("cl", "cted", contact.id)),
                (tr.plain("✖ Remove {contact}", contact=label), cb("cl", "ctdel", contact.id)),
            ]
        )
        rows.append([(channel_label(tr, contact.channel), cb("cl", "chan", contact.id)),
                     (tr.plain("📞 Phone"), cb("ad", "phone", contact.id))])  # fmt: skip
        invite = [
            (tr.plain("📨 Invite {contact} in Telegram", contact=label), cb("cl", "invite", contact.id))
        ]
        if contact.id in invited:
            invite.append((tr.plain("🚫 Revoke the link"), cb("cl", "revoke", contact.id)))
        rows.append(invite)
    if not contacts:
        rows.append([(tr.plain("📨 Invite in Telegram"), cb("cl", "invnew", client.id))])
    rows.append(
        [
            (tr.plain("🗑 Delete client"), cb("cl", "del", client.id)),
            (tr.plain("◀ All clients"), cb("cl", "page", 0)),
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
        tr._("Reminder plan: {plan}", plan=plan_label(tr, client.plan))
        if client.plan
        else tr._("Reminder plan: your default ({plan})", plan=plan_label(tr, freelancer.default_plan)),
        "",
        tr._("<b>Contacts</b>"),
        *(
            [Html(contact_line(tr, c, invited.get(c.id)) + (f" — 📞 {show_phone(c.phone)}" if c.phone else ""))
             for c in contacts]  # fmt: skip
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


def prompt(
    tr: Translator, field: str, mode: str, client: Client | None, contact: Contact | None
) -> tuple[Html, str | None]:
    """The question for one field, and the label of its skip button (None: an answer is required)."""
    name = client.name if client else ""
    if field == "name" and client is None:
        return tr._(
            "What is your client's name? A company or a person, for example: <i>ACME SAS</i> or <i>Jean Dupont</i>."
        ), None
    if field == "name":
        return tr._("What is the new name for {name}? For example: <i>ACME SAS</i>.", name=name), None
    if field == "email":
        return tr._(
            "Which e-mail address should reminders for {name} go to? For example <i>compta@acme.fr</i>. "
            "You can skip this and add contacts later.",
            name=name,
        ), tr.plain("Skip")
    if field == "notes":
        return tr._(
            "Type your notes about {name}, up to 500 characters, for example <i>pays after the 10th of the "
            "month</i>. Only you see them.",
            name=name,
        ), tr.plain("No notes")
    if mode == "add_contact" and field == "contact_name":
        return tr._(
            "What is the name of the contact at {name}? For example: <i>Marie Dubois</i>.", name=name
        ), None
    if mode == "add_contact":
        return tr._(
            "What is the e-mail address of {contact}? For example <i>marie@acme.fr</i>. You can skip this.",
            contact=contact.name if contact else "",
        ), tr.plain("Skip")
    if field == "contact_name":
        return tr._(
            "What is this contact's name? For now it is: {current}.", current=contact.name if contact else ""
        ), tr.plain("Keep as is")
    return tr._(
        "What is this contact's e-mail address? For example <i>marie@acme.fr</i>. For now it is: {current}.",
        current=(contact.email if contact else None) or tr.plain("none"),
    ), tr.plain("Keep as is")


# Shared steps -------------------------------------------------------------------------------------
async def _owned_client(update: Update, ctx: RelanceContext) -> tuple[Freelancer, Translator, Client] | None:
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


async def _owned_contact(
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


async def _show_card(
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


async def _client_page(
    ctx: RelanceContext, freelancer: Freelancer, tr: Translator, page: int
) -> tuple[Html, InlineKeyboardMarkup]:
    clients, total = await ctx.store.clients.page(freelancer.id, page * PAGE_SIZE, PAGE_SIZE)
    if total and not clients:  # clients were deleted since the button was drawn: show the last page
        page = (total - 1) // PAGE_SIZE
        clients, total = await ctx.store.clients.page(freelancer.id, page * PAGE_SIZE, PAGE_SIZE)
    balances = await ctx.store.clients.open_balances(freelancer.id)
    facts = await ctx.store.stats.invoice_facts(freelancer.id, [c.id for c in clients])
    scores = payer_scores(facts, local_today(freelancer, ctx.clock.now()))
    return render_client_page(tr, clients, total, page, balances, scores)


async def _replace(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    """Redraw the message whose button was pressed (turning a page)."""
    await edit_in_place(update, text, markup)


# List and card ------------------------------------------------------------------------------------
async def list_clients(update: Update, ctx: RelanceContext) -> None:
    """/clients: the first page of clients with what each still owes."""
    freelancer = await onboarded(update, ctx, finished=False)
    if freelancer is None:
        return
    text, markup = await _client_page(ctx, freelancer, tr_for(update, ctx, freelancer), 0)
    await answer(update, text, markup)


async def on_page(update: Update, ctx: RelanceContext) -> None:
    """◀ ▶: another page of the list, in place."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    page = cb_int(update, 1)
    if freelancer is None or page is None or page < 0:
        await refuse_callback(update, tr, f"bad client page {page}")
        return
    await _replace(update, *await _client_page(ctx, freelancer, tr, page))


async def show_card(update: Update, ctx: RelanceContext) -> None:
    if owned := await _owned_client(update, ctx):
        await _show_card(update, ctx, owned[0], owned[2])


async def toggle_b2b(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await _owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    client = await ctx.store.clients.update(freelancer.id, client.id, is_b2b=not client.is_b2b) or client
    await _show_card(update, ctx, freelancer, client, tr._("Saved."))


async def ask_language(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await _owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    mine = tr.plain("Same as mine ({language})", language=tr.language_name(freelancer.language))
    rows = [[(mine, cb("cl", "setlang", client.id, SAME_AS_MINE))]]
    rows.append([(tr.language_name(code), cb("cl", "setlang", client.id, code)) for code in SUPPORTED])
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
    if not (owned := await _owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    language = None if code == SAME_AS_MINE else code
    client = await ctx.store.clients.update(freelancer.id, client.id, language=language) or client
    await _show_card(update, ctx, freelancer, client, tr._("Saved."))


async def ask_delete(update: Update, ctx: RelanceContext) -> None:
    """🗑 Delete client: always ask first, saying how many open invoices go with it."""
    if not (owned := await _owned_client(update, ctx)):
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
            (tr.plain("Yes, delete"), cb("cl", "delok", client.id)),
            (tr.plain("No"), cb("cl", "card", client.id)),
        ]
    ]
    await answer(update, question, keyboard(buttons))


async def confirm_delete(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await _owned_client(update, ctx)):
        return
    freelancer, tr, client = owned
    await ctx.store.clients.delete(freelancer.id, client.id)
    back = keyboard([[(tr.plain("◀ All clients"), cb("cl", "page", 0))]])
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
    if not (owned := await _owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    following = (
        CHANNELS[(CHANNELS.index(contact.channel) + 1) % len(CHANNELS)]
        if contact.channel in CHANNELS
        else "auto"
    )
    await ctx.store.clients.edit_contact(freelancer.id, contact.id, channel=following)
    await _show_card(update, ctx, freelancer, client, tr._("Saved."))


async def remove_contact(update: Update, ctx: RelanceContext) -> None:
    if not (owned := await _owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    await ctx.store.clients.remove_contact(freelancer.id, contact.id)
    await _show_card(update, ctx, freelancer, client, tr._("Contact removed."))


async def invite_contact(update: Update, ctx: RelanceContext) -> None:
    """📨 Invite a contact in Telegram: a link to forward (an unused older one stops working)."""
    if owned := await _owned_contact(update, ctx):
        freelancer, _tr, client, contact = owned
        await send_invitation(update, ctx, freelancer, client, contact)


async def invite_new_contact(update: Update, ctx: RelanceContext) -> None:
    """📨 Invite in Telegram, on a client without contacts: the invitation makes the contact."""
    if owned := await _owned_client(update, ctx):
        freelancer, _tr, client = owned
        contact = await ctx.store.clients.add_contact(client.id, name="", email=None, now=ctx.clock.now())
        await send_invitation(update, ctx, freelancer, client, contact)


async def revoke_invitation(update: Update, ctx: RelanceContext) -> None:
    """🚫 Revoke the link: it no longer binds any chat."""
    if not (owned := await _owned_contact(update, ctx)):
        return
    freelancer, tr, client, contact = owned
    revoked = await ctx.store.invitations.revoke(freelancer.id, contact.id, ctx.clock.now())
    note = (
        tr._("Invitation revoked: the link no longer works.")
        if revoked
        else tr._("There was no link to revoke.")
    )
    await _show_card(update, ctx, freelancer, client, note)


# Questions (the conversation) ------------------------------------------------------------------
async def start_add(update: Update, ctx: RelanceContext) -> str | int:
    """➕ Add a client: its name, then an optional e-mail address for reminders."""
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None:
        await refuse_callback(update, tr_for(update, ctx), "no account yet")
        return END
    return await _begin(update, ctx, freelancer, {"mode": "add", "queue": ["name", "email"]})


async def start_rename(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await _owned_client(update, ctx)):
        return END
    return await _begin(
        update, ctx, owned[0], {"mode": "rename", "queue": ["name"], "client_id": owned[2].id}
    )


async def start_notes(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await _owned_client(update, ctx)):
        return END
    return await _begin(
        update, ctx, owned[0], {"mode": "notes", "queue": ["notes"], "client_id": owned[2].id}
    )


async def start_add_contact(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await _owned_client(update, ctx)):
        return END
    freelancer, tr, client = owned
    if len(await ctx.store.clients.contacts(client.id)) >= MAX_CONTACTS:
        text = tr._(
            "{name} already has {limit} contacts. Remove one before adding another.",
            name=client.name,
            limit=MAX_CONTACTS,
        )
        await answer(update, text)
        return END
    flow = {"mode": "add_contact", "queue": ["contact_name", "contact_email"], "client_id": client.id}
    return await _begin(update, ctx, freelancer, flow)


async def start_edit_contact(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await _owned_contact(update, ctx)):
        return END
    freelancer, _tr, client, contact = owned
    flow = {"mode": "edit_contact", "queue": ["contact_name", "contact_email"], "client_id": client.id}
    return await _begin(update, ctx, freelancer, {**flow, "contact_id": contact.id})


async def on_text(update: Update, ctx: RelanceContext) -> str | int:
    message = update.effective_message
    return await _take(update, ctx, message.text if message and message.text else "")


async def on_skip(update: Update, ctx: RelanceContext) -> str | int:
    return await _take(update, ctx, None)


async def _begin(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, flow: dict[str, Any]
) -> str | int:
    ctx.drafts[DRAFT] = flow
    return await _ask(update, ctx, freelancer)


async def _targets(
    ctx: RelanceContext, freelancer: Freelancer, flow: dict[str, Any]
) -> tuple[Client | None, Contact | None]:
    """The client and contact of the current question, checked again against the freelancer."""
    client = contact = None
    if flow.get("client_id") is not None:
        client = await ctx.store.clients.get(freelancer.id, flow["client_id"])
        if client is None:
            raise Gone
    if flow.get("contact_id") is not None:
        contact = await ctx.store.clients.contact(freelancer.id, flow["contact_id"])
        if contact is None or client is None or contact.client_id != client.id:
            raise Gone
    return client, contact


async def _ask(update: Update, ctx: RelanceContext, freelancer: Freelancer) -> str | int:
    flow = ctx.drafts[DRAFT]
    tr = tr_for(update, ctx, freelancer)
    try:
        client, contact = await _targets(ctx, freelancer, flow)
    except Gone:
        return await _gone(update, ctx, tr)
    text, skip = prompt(tr, flow["queue"][0], flow["mode"], client, contact)
    await answer(update, text, keyboard([[(skip, cb("cl", "skip"))]]) if skip else None)
    return ASKING


async def _take(update: Update, ctx: RelanceContext, text: str | None) -> str | int:
    """One answer (None: the skip button): validate and save it, then ask the next field or finish."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    flow = ctx.drafts.get(DRAFT)
    if freelancer is None or not flow or not flow.get("queue"):
        await answer(update, tr._("Let's start again: send /clients."))
        return END
    try:
        await _save(ctx, freelancer, flow, text, tr)
    except Invalid as exc:
        await answer(update, exc.message)
        return ASKING
    except Gone:
        return await _gone(update, ctx, tr)
    flow["queue"].pop(0)
    if flow["queue"]:
        return await _ask(update, ctx, freelancer)
    return await _finish(update, ctx, freelancer)


async def _save(
    ctx: RelanceContext, freelancer: Freelancer, flow: dict[str, Any], text: str | None, tr: Translator
) -> None:
    """Store one answer at once, so nothing typed is lost if the conversation stops halfway."""
    clients, now = ctx.store.clients, ctx.clock.now()
    client, contact = await _targets(ctx, freelancer, flow)
    field = flow["queue"][0]
    if field == "name":
        name = await _unique_name(ctx, freelancer, client, text or "", tr)
        if client is None:
            flow["client_id"] = (await clients.create(freelancer.id, name, now=now)).id
        else:
            await clients.update(freelancer.id, client.id, name=name)
    elif field == "notes":
        notes = None if text is None else parse_notes(text, tr)
        await clients.update(freelancer.id, _known(client).id, notes=notes)
    elif field == "email" and text is not None:
        email = validate_email_address(text, tr)
        await clients.add_contact(_known(client).id, name="", email=email, now=now)
    elif field == "contact_name" and (text is not None or contact is None):
        name = parse_name(text or "", tr, "Marie Dubois")
        if contact is None:
            flow["contact_id"] = (
                await clients.add_contact(_known(client).id, name=name, email=None, now=now)
            ).id
        else:
            await clients.edit_contact(freelancer.id, contact.id, name=name)
    elif field == "contact_email" and text is not None:
        await clients.edit_contact(freelancer.id, _known(contact).id, email=validate_email_address(text, tr))


def _known(target: T | None) -> T:
    """The client or contact a question needs; missing means it was deleted meanwhile."""
    if target is None:
        raise Gone
    return target


async def _unique_name(
    ctx: RelanceContext, freelancer: Freelancer, client: Client | None, text: str, tr: Translator
) -> str:
    """A valid client name that no other client of the freelancer has (invoices find clients by name)."""
    name = parse_name(text, tr, "ACME SAS")
    same = await ctx.store.clients.find_by_name(freelancer.id, name)
    if same is not None and (client is None or same.id != client.id):
        raise Invalid(
            tr._(
                "You already have a client called {name}. Please choose another name, for example: {name} (Lyon).",
                name=name,
            )
        )
    return name


async def _finish(update: Update, ctx: RelanceContext, freelancer: Freelancer) -> int:
    flow = ctx.drafts.pop(DRAFT)
    tr = tr_for(update, ctx, freelancer)
    client = await ctx.store.clients.get(freelancer.id, flow["client_id"])
    if client is None:
        return await _gone(update, ctx, tr)
    await _show_card(
        update, ctx, freelancer, client, tr._("Client added.") if flow["mode"] == "add" else tr._("Saved.")
    )
    return END


async def _gone(update: Update, ctx: RelanceContext, tr: Translator) -> int:
    ctx.drafts.pop(DRAFT, None)
    await answer(update, tr._("That client or contact no longer exists. Send /clients to see your clients."))
    return END
