"""Telegram invitations: the link a freelancer forwards to a client contact, and the client opening it.

Telegram bots cannot write to someone who never pressed Start, so a client is reached after opening
`https://t.me/<bot>?start=<token>` once and confirming who they are. The token is shown once and
stored hashed; it binds one chat, within 30 days, unless the freelancer revokes it. "Yes, that's me"
works only in the chat that opened the link (its id waits in that user's drafts), so pressing a
forged "Yes" binds nothing.
"""

from __future__ import annotations

import logging
import re

from telegram import Update

from bot.context import RelanceContext
from bot.handlers.client_actions.menu import render_menu, show_menu
from bot.handlers.client_actions.shared import tell
from bot.handlers.common import answer, cb_int, edit_or_answer, keyboard, refuse_callback, tr_for
from bot.i18n import N_, Html, Translator, translator
from bot.presentation import keyboards as kb
from bot.presentation.reminder_text import client_locale
from bot.presentation.views import local_today
from bot.storage import Client, Contact, Freelancer
from bot.storage.invitations import VALID_FOR, Invitation

log = logging.getLogger(__name__)

DRAFT = "invitation"
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what Telegram allows in a start parameter
PROBLEMS = {
    "unknown": N_(
        "I do not recognise this invitation link. Please check that it was copied whole, or ask the person "
        "who sent it for a new one."
    ),
    "used": N_(
        "This invitation link has already been used in another chat, and it works only once. If that was not "
        "you, please ask the person who sent it for a new link."
    ),
    "revoked": N_(
        "This invitation link was withdrawn by the person who sent it. Ask them for a new one if you need it."
    ),
    "expired": N_(
        "This invitation link has expired: links work for 30 days. Please ask the person who sent it for a "
        "new one."
    ),
}


# The freelancer's side ------------------------------------------------------------------------------
async def send_invitation(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, client: Client, contact: Contact
) -> None:
    """A new link for the contact (an unused older one stops working), and a message to forward."""
    now = ctx.clock.now()
    token = await ctx.store.invitations.create(contact.id, now)
    link = f"https://t.me/{ctx.bot.username}?start={token}"
    until = local_today(freelancer, now + VALID_FOR)
    tr, ctr = translator(freelancer.language), translator(client_locale(freelancer, client))
    await answer(
        update,
        tr._(
            "📨 Here is the invitation for {contact} ({client}). Forward them the next message. Once they open "
            "the link and confirm, reminders reach them in Telegram and they can answer in one tap.\n\n"
            "The link works once, until {date}. You can revoke it from the client card.",
            contact=contact.name or contact.email or client.name,
            client=client.name,
            date=tr.date(until),
        ),
    )
    assert update.effective_chat is not None
    await update.effective_chat.send_message(
        ctr._(
            "Hello,\n\nI send my invoice reminders through Relance, a Telegram assistant. Open this link and "
            "confirm to receive them in Telegram; you can then tell me in one tap that you have paid, ask for "
            "more time or ask me a question:\n{link}\n\nThe link is personal and works until {date}.\n\n"
            "Thank you!\n{freelancer}",
            link=link,
            date=ctr.date(until),
            freelancer=freelancer.name,
        )
    )


# The client's side -------------------------------------------------------------------------------------
async def open_link(update: Update, ctx: RelanceContext) -> None:
    """/start <token>: who invites them and why, then "Yes, that's me" / "Not me"."""
    payload = (ctx.args or [""])[0]
    invitation = await ctx.store.invitations.find(payload) if PAYLOAD.fullmatch(payload) else None
    chat = update.effective_chat
    assert chat is not None
    state = invitation.state(chat.id, ctx.clock.now()) if invitation else "unknown"
    if state == "bound_here":  # opened again by the chat it bound: nothing to confirm
        await show_menu(update, ctx)
        return
    if invitation is None or state != "valid":
        await _refuse(update, ctx, state)
        return
    freelancer = await ctx.store.freelancers.get(invitation.freelancer_id)
    client = await ctx.store.clients.get(invitation.freelancer_id, invitation.client_id)
    contact = await ctx.store.clients.contact(invitation.freelancer_id, invitation.contact_id)
    if freelancer is None or client is None or contact is None:
        await _refuse(update, ctx, "unknown")
        return
    if freelancer.telegram_user_id == chat.id:
        await answer(update, translator(freelancer.language)._(
            "This is your own invitation link: forward it to your client so that they can open it."))  # fmt: skip
        return
    ctx.drafts[DRAFT] = invitation.id
    tr = translator(client_locale(freelancer, client))
    rows = [[(tr.plain("Yes, that's me"), kb.IV_YES(invitation.id)),
             (tr.plain("Not me"), kb.IV_NO(invitation.id))]]  # fmt: skip
    await answer(update, _welcome(tr, freelancer, client, contact), keyboard(rows))


def _welcome(tr: Translator, freelancer: Freelancer, client: Client, contact: Contact) -> Html:
    intro = tr._(
        "👋 Hello! <b>{freelancer}</b> sends the reminders for their invoices with Relance, and invites "
        "<b>{client}</b> to receive them here in Telegram.\n\nHere you will see your open invoices from "
        "{freelancer}, and you can tell them in one tap that you have paid, ask for more time or ask a "
        "question. You can stop Telegram reminders at any time.",
        freelancer=freelancer.name,
        client=client.name,
    )
    if contact.name:
        question = tr._("Are you {contact}, at {client}?", contact=contact.name, client=client.name)
    else:
        question = tr._("Are you the right person at {client}?", client=client.name)
    return Html(f"{intro}\n\n{question}")


async def _refuse(update: Update, ctx: RelanceContext, state: str) -> None:
    """A link that cannot bind: say why, politely, in the language Telegram reports; log it."""
    user = update.effective_user
    log.warning("invitation link refused for user %s: %s", user.id if user else None, state)
    ctx.drafts.pop(DRAFT, None)
    await edit_or_answer(update, tr_for(update, ctx)._(PROBLEMS[state]), None)


async def _pending(update: Update, ctx: RelanceContext) -> Invitation | None:
    """The invitation this chat opened; a button naming any other one is refused."""
    invitation_id = cb_int(update, 1)
    invitation = None
    if invitation_id is not None and ctx.drafts.get(DRAFT) == invitation_id:
        invitation = await ctx.store.invitations.get(invitation_id)
    if invitation is None:
        await refuse_callback(update, tr_for(update, ctx), f"invitation {invitation_id} was not opened here")
    return invitation


async def confirm(update: Update, ctx: RelanceContext) -> None:
    """Yes, that's me: bind the chat, then show the open invoices from that freelancer only."""
    if not (invitation := await _pending(update, ctx)):
        return
    chat = update.effective_chat
    assert chat is not None
    if not await ctx.store.invitations.bind(invitation.id, chat.id, ctx.clock.now()):
        fresh = await ctx.store.invitations.get(invitation.id)  # used, revoked or expired meanwhile
        state = fresh.state(chat.id, ctx.clock.now()) if fresh else "unknown"
        await _refuse(update, ctx, state if state in PROBLEMS else "used")
        return
    ctx.drafts.pop(DRAFT, None)
    freelancer = await ctx.store.freelancers.get(invitation.freelancer_id)
    client = await ctx.store.clients.get(invitation.freelancer_id, invitation.client_id)
    assert freelancer is not None and client is not None
    tr, ftr = translator(client_locale(freelancer, client)), translator(freelancer.language)
    thanks = tr._(
        "✅ Thank you, you are connected! From now on, the reminders of {freelancer} for {client} come here.",
        freelancer=freelancer.name,
        client=client.name,
    )
    menu = await render_menu(ctx, [client])
    assert menu is not None
    await edit_or_answer(update, f"{thanks}\n\n{menu[0]}", menu[1])
    user = update.effective_user
    text = ftr._(
        "✅ {name} accepted your invitation: reminders for {client} now reach them in Telegram.",
        name=user.full_name if user else client.name,
        client=client.name,
    )
    await tell(ctx.bot, freelancer.telegram_user_id, text)


async def decline(update: Update, ctx: RelanceContext) -> None:
    """Not me: nothing is bound; a polite goodbye."""
    if not (invitation := await _pending(update, ctx)):
        return
    ctx.drafts.pop(DRAFT, None)
    freelancer = await ctx.store.freelancers.get(invitation.freelancer_id)
    client = await ctx.store.clients.get(invitation.freelancer_id, invitation.client_id)
    tr = translator(client_locale(freelancer, client)) if freelancer and client else tr_for(update, ctx)
    await edit_or_answer(
        update,
        tr._("No problem: nothing was linked, and you will not hear from me. Sorry for the bother!"),
        None,
    )
