"""Commands available everywhere: /help, /cancel, leaving a conversation, and the error handler."""

from __future__ import annotations

import difflib
import html
import logging

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.handlers.common import answer, client_translator, freelancer_of, refuse_callback, tr_for
from bot.i18n import N_, Translator

log = logging.getLogger(__name__)

# (command, description) in menu order; descriptions are translated for setMyCommands and /help.
COMMANDS: list[tuple[str, str]] = [
    ("new", N_("Register an invoice")),
    ("invoices", N_("Open invoices")),
    ("overdue", N_("Overdue summary")),
    ("stats", N_("Statistics and charts")),
    ("clients", N_("Your clients")),
    ("paid", N_("Mark an invoice paid: /paid F-2026-014")),
    ("bank", N_("Bank payments to confirm (send me a statement file to import it)")),
    ("settings", N_("Your settings")),
    ("export", N_("Export invoices and payments (CSV)")),
    ("templates", N_("Your reminder texts")),
    ("schedule", N_("Upcoming reminders of an invoice: /schedule F-2026-014")),
    ("history", N_("Reminders sent for an invoice: /history F-2026-014")),
    ("deletemydata", N_("Delete all my data")),
    ("help", N_("What I can do")),
    ("cancel", N_("Stop what we are doing")),
]


# What a client (a chat bound by an invitation) and a newcomer can send.
CLIENT_COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Your invoices")),
    ("help", N_("What I can do")),
    ("cancel", N_("Stop what we are doing")),
]
NEWCOMER_COMMANDS = ("start", "help")
KNOWN_COMMANDS = frozenset({"start", *(command for command, _ in COMMANDS)})
MAX_SUGGESTIONS = 3


def command_menu(tr: Translator) -> list[tuple[str, str]]:
    return [(command, tr.plain(description)) for command, description in COMMANDS]


async def help_command(update: Update, ctx: RelanceContext) -> None:
    freelancer = await freelancer_of(update, ctx)
    if freelancer is None and (client_tr := await client_translator(update, ctx)):
        lines = [
            client_tr._(
                "I send you the reminders of freelancers you work with. Under each reminder, buttons let you "
                "say that you have paid, ask for more time or ask a question."
            ),
            "",
        ]
        lines += [f"/{c} — {html.escape(client_tr.plain(d))}" for c, d in CLIENT_COMMANDS]
        await answer(update, "\n".join(lines))
        return
    tr = tr_for(update, ctx, freelancer)
    lines = [tr._("I chase unpaid invoices for you. Here is what you can ask me:"), ""]
    lines += [f"/{command} — {html.escape(description)}" for command, description in command_menu(tr)]
    await answer(update, "\n".join(lines))


def closest_commands(typed: str, available: list[str]) -> list[str]:
    """The available commands nearest to a mistyped one (`/stat` → /settings…), and always /help."""
    close = difflib.get_close_matches(typed, available, n=MAX_SUGGESTIONS, cutoff=0.5)
    prefixed = [c for c in available if typed and c.startswith(typed) and c not in close]
    suggestions = [*close, *prefixed][:MAX_SUGGESTIONS]
    return [*(c for c in suggestions if c != "help"), "help"]


async def unknown_command(update: Update, ctx: RelanceContext) -> None:
    """A command nothing else handled: unknown (/stats, /foo), or known but not for this user or place
    (a freelancer command sent by a client, /start in a group). Say so, with the closest commands."""
    message = update.effective_message
    word = (message.text or "").split(maxsplit=1)[0] if message and message.text else "/"
    name, _, addressee = word[1:].partition("@")
    if addressee and addressee.lower() != (ctx.bot.username or "").lower():
        return  # a command for another bot in a group
    name = name.lower()[:32]
    freelancer = await freelancer_of(update, ctx)
    client_tr = await client_translator(update, ctx) if freelancer is None else None
    if client_tr is not None:
        tr, available = client_tr, [c for c, _ in CLIENT_COMMANDS]
    else:
        tr = tr_for(update, ctx, freelancer)
        onboarded = freelancer is not None and freelancer.onboarded
        available = ["start", *(c for c, _ in COMMANDS)] if onboarded else list(NEWCOMER_COMMANDS)
    commands = ", ".join(f"/{c}" for c in closest_commands(name, available))
    if name in KNOWN_COMMANDS:
        text = tr._(
            "The command /{command} does not work here. You can try: {commands}.",
            command=name,
            commands=commands,
        )
    else:
        text = tr._(
            "I do not know the command /{command}. Did you mean: {commands}?", command=name, commands=commands
        )
    await answer(update, text)


async def cancel(update: Update, ctx: RelanceContext) -> int:
    """/cancel inside a conversation: stop it; what was already saved stays saved."""
    ctx.drafts.clear()
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    await answer(update, tr._("Stopped. Send /help to see what I can do."))
    return ConversationHandler.END


async def nothing_to_cancel(update: Update, ctx: RelanceContext) -> None:
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    await answer(update, tr._("There is nothing to cancel. Send /help to see what I can do."))


async def leave_for_command(update: Update, ctx: RelanceContext) -> int:
    """Another command (or another flow's button) in a conversation: leave it, then handle that update."""
    ctx.services.spawn(ctx.application.process_update(update))
    return ConversationHandler.END


async def timed_out(update: Update, ctx: RelanceContext) -> None:
    ctx.drafts.clear()
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    if update.effective_chat:
        await update.effective_chat.send_message(
            tr._("I stopped waiting for an answer after 30 minutes. Start again whenever you like.")
        )


async def unknown_text(update: Update, ctx: RelanceContext) -> None:
    """Text outside any conversation: say what the bot understands instead of staying silent."""
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    await answer(update, tr._("I did not understand that. Send /help to see what I can do."))


async def stale_button(update: Update, ctx: RelanceContext) -> None:
    """A button nothing else claims: from a finished conversation, or forged."""
    await refuse_callback(update, tr_for(update, ctx, await freelancer_of(update, ctx)), "no handler")


async def unsupported_message(update: Update, ctx: RelanceContext) -> None:
    """A sticker, voice note, location…: say what works instead of staying silent."""
    tr = tr_for(update, ctx, await freelancer_of(update, ctx))
    await answer(
        update,
        tr._("I can only read text, buttons, and PDF or photo invoices. Send /help to see what I can do."),
    )


async def on_error(update: object, ctx: RelanceContext) -> None:
    """Log the failure with its update, and apologise to the user in their language."""
    log.error("error while handling %r", update, exc_info=ctx.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        tr = tr_for(update, ctx, await freelancer_of(update, ctx))
        if update.callback_query:
            await update.callback_query.answer()
        await update.effective_chat.send_message(
            tr._("Sorry, something went wrong on my side. Please try again in a moment.")
        )
    except Exception:  # the apology itself failed (Telegram down?): the log above is what matters
        log.warning("could not send the apology", exc_info=True)
