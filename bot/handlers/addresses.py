"""Postal addresses (a client's, from its card) and contacts' phone numbers: asked, checked, saved.

The freelancer's own address is a /settings field (bot.handlers.profile_fields); the checks are the
pure ones of bot.domain.contact_details, and every refusal says why with an example.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.contact_details import (
    PhoneError,
    PhoneProblem,
    parse_phone,
    phone_example,
)
from bot.handlers.common import answer, keyboard, owned_by_button, tr_for
from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.contact_views import ADDRESS_EXAMPLE, read_address, show_address, show_phone

END = ConversationHandler.END
ASK_CLIENT_ADDRESS = "ad_client_address"
ASK_PHONE = "ad_phone"
DRAFT = "addresses"




def phone_problem(tr: Translator, error: PhoneError, region: str) -> Html:
    if error.problem == PhoneProblem.TOO_LONG:
        reason = tr.plain("That is too long for a phone number.")
    elif error.problem == PhoneProblem.INVALID:
        reason = tr.plain("That number does not exist as typed.")
    else:
        reason = tr.plain("I could not read a phone number there.")
    return tr._(
        "{reason} Please type it again with its country code, for example <i>{example}</i>.",
        reason=reason,
        example=phone_example(region),
    )








def _back(tr: Translator, client_id: int) -> Any:
    return keyboard([[(tr.plain("◀ Back to the client"), kb.CL_CARD(client_id))]])


async def start_client_address(update: Update, ctx: RelanceContext) -> str | int:
    """📮 Address on a client card: the postal address printed on a formal notice."""
    found = await owned_by_button(update, ctx, ctx.store.clients.get, "client")
    if found is None:
        return END
    freelancer, client = found
    tr = tr_for(update, ctx, freelancer)
    ctx.drafts[DRAFT] = {"client_id": client.id}
    current = (
        tr._("For now it is: {address}.", address=show_address(tr, client.postal_address))
        if client.postal_address
        else Html("")
    )
    text = tr._(
        "What is the postal address of {name}? It is printed on formal notices. For example: "
        "<i>{example}</i>.",
        name=client.name,
        example=ADDRESS_EXAMPLE,
    )
    buttons = [[(tr.plain("Remove the address"), kb.AD_CLEAR())]] if client.postal_address else []
    await answer(update, Html(f"{text} {current}".strip()), keyboard(buttons))
    return ASK_CLIENT_ADDRESS


async def on_client_address(update: Update, ctx: RelanceContext) -> str | int:
    freelancer, tr, flow = await _flow(update, ctx)
    if freelancer is None or flow is None:
        return END
    message = update.effective_message
    clearing = update.callback_query is not None
    address, problem = (None, None) if clearing else read_address(tr, message.text or "" if message else "")
    if problem is not None:
        await answer(update, problem)
        return ASK_CLIENT_ADDRESS
    client = await ctx.store.clients.update(freelancer.id, flow["client_id"], postal_address=address)
    ctx.drafts.pop(DRAFT, None)
    if client is None:
        await answer(update, tr._("That client no longer exists. Send /clients to see your clients."))
        return END
    saved = (
        tr._("Saved: {address}.", address=show_address(tr, address)) if address else tr._("Address removed.")
    )
    await answer(update, saved, _back(tr, client.id))
    return END


async def start_phone(update: Update, ctx: RelanceContext) -> str | int:
    """📞 on a contact: an optional phone number, kept in E.164."""
    found = await owned_by_button(update, ctx, ctx.store.clients.contact, "contact")
    if found is None:
        return END
    freelancer, contact = found
    tr = tr_for(update, ctx, freelancer)
    ctx.drafts[DRAFT] = {"contact_id": contact.id, "client_id": contact.client_id}
    text = tr._(
        "What is the phone number of {contact}? For example <i>{example}</i>.",
        contact=contact.name or contact.email or tr.plain("this contact"),
        example=phone_example(freelancer.country),
    )
    if contact.phone:
        text = Html(f"{text} " + tr._("For now it is: {phone}.", phone=show_phone(contact.phone)))
    buttons = [[(tr.plain("Remove the number"), kb.AD_CLEAR())]] if contact.phone else []
    await answer(update, text, keyboard(buttons))
    return ASK_PHONE


async def on_phone(update: Update, ctx: RelanceContext) -> str | int:
    freelancer, tr, flow = await _flow(update, ctx)
    if freelancer is None or flow is None:
        return END
    message = update.effective_message
    phone: str | None = None
    if update.callback_query is None:
        try:
            phone = parse_phone(message.text or "" if message else "", freelancer.country)
        except PhoneError as exc:
            await answer(update, phone_problem(tr, exc, freelancer.country))
            return ASK_PHONE
    contact = await ctx.store.clients.edit_contact(freelancer.id, flow["contact_id"], phone=phone)
    ctx.drafts.pop(DRAFT, None)
    if contact is None:
        await answer(
            update, tr._("That client or contact no longer exists. Send /clients to see your clients.")
        )
        return END
    saved = tr._("Saved: {phone}.", phone=show_phone(phone)) if phone else tr._("Phone number removed.")
    await answer(update, saved, _back(tr, contact.client_id))
    return END


async def _flow(update: Update, ctx: RelanceContext) -> tuple[Any, Translator, dict[str, Any] | None]:
    freelancer = (
        await ctx.store.freelancers.by_telegram_id(update.effective_user.id)
        if update.effective_user
        else None
    )
    tr = tr_for(update, ctx, freelancer)
    flow = ctx.drafts.get(DRAFT) if freelancer is not None else None
    if freelancer is None or not flow:
        await answer(update, tr._("Let's start again: send /clients."))
        return None, tr, None
    return freelancer, tr, flow
