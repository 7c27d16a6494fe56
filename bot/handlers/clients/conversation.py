"""The small conversation that adds or changes a client: its name, notes and contacts.

Questions follow the profile conversation: a queue of fields kept in the user's drafts, each answer
validated and saved at once.
"""

from __future__ import annotations

from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.handlers.clients.card import owned_client, owned_contact, show_client_card
from bot.handlers.common import (
    answer,
    freelancer_of,
    keyboard,
    refuse_callback,
    tr_for,
)
from bot.handlers.profile_fields import Invalid, clean_text, parse_name, validate_email_address
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.storage import Client, Contact, Freelancer

ASKING = "asking"
END = ConversationHandler.END
DRAFT = "client"
MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 500
MAX_CONTACTS = 5  # with the limits above, a full card stays under Telegram's 4,096 characters
T = TypeVar("T")


class Gone(Exception):
    """The client or contact a question was about has been deleted meanwhile."""


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


async def start_add(update: Update, ctx: RelanceContext) -> str | int:
    """➕ Add a client: its name, then an optional e-mail address for reminders."""
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None:
        await refuse_callback(update, tr_for(update, ctx), "no account yet")
        return END
    return await _begin(update, ctx, freelancer, {"mode": "add", "queue": ["name", "email"]})


async def start_rename(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await owned_client(update, ctx)):
        return END
    return await _begin(
        update, ctx, owned[0], {"mode": "rename", "queue": ["name"], "client_id": owned[2].id}
    )


async def start_notes(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await owned_client(update, ctx)):
        return END
    return await _begin(
        update, ctx, owned[0], {"mode": "notes", "queue": ["notes"], "client_id": owned[2].id}
    )


async def start_add_contact(update: Update, ctx: RelanceContext) -> str | int:
    if not (owned := await owned_client(update, ctx)):
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
    if not (owned := await owned_contact(update, ctx)):
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
    await answer(update, text, keyboard([[(skip, kb.CL_SKIP())]]) if skip else None)
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
    await show_client_card(
        update, ctx, freelancer, client, tr._("Client added.") if flow["mode"] == "add" else tr._("Saved.")
    )
    return END


async def _gone(update: Update, ctx: RelanceContext, tr: Translator) -> int:
    ctx.drafts.pop(DRAFT, None)
    await answer(update, tr._("That client or contact no longer exists. Send /clients to see your clients."))
    return END
