"""build_application(): the one place where every handler is registered, in order."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBUserWarning

from bot.channels.email import EmailSender
from bot.channels.ratelimit import RelanceRateLimiter
from bot.context import ENGINE_KEY, SERVICES_KEY, Engine, RelanceApp, RelanceContext, Services
from bot.domain import zones
from bot.engine import jobs
from bot.engine.dispatcher import Dispatcher
from bot.engine.planner import ReminderPlanner
from bot.handlers import (
    account,
    bank_import,
    calls,
    client_actions,
    client_requests,
    clients,
    disputes,
    formal_notice,
    general,
    invitations,
    invoices,
    new_invoice,
    payment_plans,
    plans,
    profile,
    reminders,
    stats,
    summary,
    templates,
)
from bot.i18n import SUPPORTED, translator
from bot.storage.persistence import SqlitePersistence
from bot.update_processor import PerUserUpdateProcessor

CONVERSATION_TIMEOUT_SECONDS = 30 * 60
XML_DOCUMENT = (
    filters.Document.FileExtension("xml")
    | filters.Document.MimeType("application/xml")
    | filters.Document.MimeType("text/xml")
)

# Conversations mix message and button handlers on purpose (per_message=False): silence PTB's hint.
warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)


def _conversation(
    name: str, entry_points: list[Any], states: dict[object, list[Any]]
) -> ConversationHandler[Any]:
    """A persistent conversation that /cancel leaves, another command interrupts, and silence times out."""
    return ConversationHandler(
        entry_points=entry_points,
        states={**states, ConversationHandler.TIMEOUT: [TypeHandler(Update, general.timed_out)]},
        fallbacks=[
            CommandHandler("cancel", general.cancel),
            MessageHandler(filters.COMMAND, general.leave_for_command),
            CallbackQueryHandler(general.leave_for_command),  # another flow's button: one flow at a time
            MessageHandler(filters.Document.PDF, general.leave_for_command),  # a forwarded invoice: /new
            MessageHandler(
                ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, general.unsupported_message
            ),
        ],
        name=name,
        persistent=True,
        allow_reentry=True,
        conversation_timeout=CONVERSATION_TIMEOUT_SECONDS,
    )


def _profile_conversation() -> ConversationHandler[Any]:
    return _conversation(
        "profile",
        entry_points=[
            CommandHandler("start", profile.start, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(profile.change, pattern=r"^set:"),
        ],
        states={
            profile.ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, profile.on_text),
                CallbackQueryHandler(profile.on_pick, pattern=r"^pick:"),
                CallbackQueryHandler(profile.on_skip, pattern=r"^skip$"),
            ],
        },
    )


def _clients_conversation() -> ConversationHandler[Any]:
    return _conversation(
        "clients",
        entry_points=[
            CallbackQueryHandler(clients.conversation.start_add, pattern=r"^cl:add$"),
            CallbackQueryHandler(clients.conversation.start_rename, pattern=r"^cl:ren:"),
            CallbackQueryHandler(clients.conversation.start_notes, pattern=r"^cl:notes:"),
            CallbackQueryHandler(clients.conversation.start_add_contact, pattern=r"^cl:addct:"),
            CallbackQueryHandler(clients.conversation.start_edit_contact, pattern=r"^cl:cted:"),
        ],
        states={
            clients.conversation.ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, clients.conversation.on_text),
                CallbackQueryHandler(clients.conversation.on_skip, pattern=r"^cl:skip$"),
                # Any other button (another card, a page of the list…): the question is dropped, the button works.
                CallbackQueryHandler(general.leave_for_command),
            ],
        },
    )


def _new_invoice_conversation() -> ConversationHandler[Any]:
    return _conversation(
        "new_invoice",
        entry_points=[
            CommandHandler("new", new_invoice.conversation.start, filters=filters.ChatType.PRIVATE),
            MessageHandler(
                filters.ChatType.PRIVATE & filters.Document.PDF, new_invoice.conversation.start_from_pdf
            ),
            # An XML e-invoice (CII, UBL) starts /new too; any other XML goes on to the bank import.
            MessageHandler(filters.ChatType.PRIVATE & XML_DOCUMENT, new_invoice.conversation.start_from_xml),
        ],
        states={
            new_invoice.questions.ASK: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, new_invoice.conversation.on_text),
                MessageHandler(filters.Document.ALL | filters.PHOTO, new_invoice.conversation.on_file),
                CallbackQueryHandler(new_invoice.conversation.on_button, pattern=r"^nw:"),
            ],
        },
    )


def _invoice_conversations() -> list[ConversationHandler[Any]]:
    payment = _conversation(
        "payment",
        entry_points=[CallbackQueryHandler(invoices.start_partial, pattern=r"^inv:part:")],
        states={
            invoices.ASK_AMOUNT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, invoices.on_amount),
                CallbackQueryHandler(invoices.on_amount, pattern=r"^pay:(all|amt:[0-9]{1,15})$"),
            ],
            invoices.ASK_DATE: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, invoices.on_date),
                CallbackQueryHandler(invoices.on_date, pattern=r"^pay:date:"),
            ],
        },
    )
    edit = _conversation(
        "invoice_edit",
        entry_points=[CallbackQueryHandler(invoices.start_edit, pattern=r"^inv:edit:")],
        states={
            invoices.ASK_FIELD: [
                CallbackQueryHandler(invoices.pick_edit_field, pattern=r"^ied:"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, invoices.on_edit_value),
            ],
        },
    )
    return [payment, edit]


def _client_conversations() -> list[ConversationHandler[Any]]:
    """A client's answers (payment date, proof, new date, message, question), and the freelancer's reply."""
    typed = filters.TEXT & ~filters.COMMAND
    client = _conversation(
        "client_action",
        entry_points=[
            CallbackQueryHandler(client_actions.conversation.start_paid, pattern=r"^cp:paid:"),
            CallbackQueryHandler(client_actions.conversation.start_more_time, pattern=r"^cp:more:"),
            CallbackQueryHandler(client_actions.conversation.start_question, pattern=r"^cp:ask:"),
        ],
        states={
            client_actions.conversation.ASK_PAID_DATE: [
                CallbackQueryHandler(client_actions.conversation.on_paid_day, pattern=r"^cp:day:"),
                MessageHandler(typed, client_actions.conversation.on_paid_date),
            ],
            client_actions.conversation.ASK_PROOF: [
                MessageHandler(
                    typed | filters.PHOTO | filters.Document.ALL, client_actions.conversation.on_proof
                ),
                CallbackQueryHandler(client_actions.conversation.on_proof, pattern=r"^cp:skip$"),
            ],
            client_actions.conversation.ASK_NEW_DATE: [
                CallbackQueryHandler(client_actions.conversation.on_new_day, pattern=r"^cp:day:"),
                MessageHandler(typed, client_actions.conversation.on_new_date),
            ],
            client_actions.conversation.ASK_NOTE: [
                MessageHandler(typed, client_actions.conversation.on_note),
                CallbackQueryHandler(client_actions.conversation.on_note, pattern=r"^cp:skip$"),
            ],
            client_actions.conversation.ASK_QUESTION: [
                MessageHandler(typed, client_actions.conversation.on_question)
            ],
        },
    )
    reply = _conversation(
        "client_reply",
        entry_points=[CallbackQueryHandler(client_requests.start_reply, pattern=r"^cr:reply:")],
        states={client_requests.REPLY: [MessageHandler(typed, client_requests.on_reply)]},
    )
    return [client, reply]


def _invoice_buttons() -> list[CallbackQueryHandler[Any, Any]]:
    routes = {
        "list": invoices.list_invoices,
        "filter": invoices.choose_client_filter,
        "card": invoices.card,
        "paid": invoices.mark_paid,
        "undo": invoices.undo,
        "pause": invoices.set_paused,
        "resume": invoices.set_paused,
        "cancel": invoices.ask_cancel,
        "cancelok": invoices.confirm_cancel,
    }
    return [
        CallbackQueryHandler(callback, pattern=rf"^inv:{action}(:|$)") for action, callback in routes.items()
    ]


def _reminder_conversations() -> list[ConversationHandler[Any]]:
    plan = _conversation(
        "plan",
        entry_points=[CallbackQueryHandler(plans.start_custom, pattern=r"^pl:custom:")],
        states={plans.ASK_PLAN: [MessageHandler(filters.TEXT & ~filters.COMMAND, plans.on_custom)]},
    )
    template = _conversation(
        "templates",
        entry_points=[
            CallbackQueryHandler(templates.start_edit, pattern=r"^tp:edit:"),
            CallbackQueryHandler(templates.start_edit_for_reminder, pattern=r"^rp:text:"),
        ],
        states={
            templates.EDITING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, templates.on_text),
                CallbackQueryHandler(templates.save, pattern=r"^tp:save$"),
                CallbackQueryHandler(templates.discard, pattern=r"^tp:cancel$"),
            ],
        },
    )
    return [plan, template]


def _reminder_handlers() -> list[Any]:
    """The freelancer's side of reminders: plans, texts, the card's buttons, history, the evening preview."""
    return [
        CallbackQueryHandler(plans.show_picker, pattern=r"^pl:show:"),
        CallbackQueryHandler(plans.choose, pattern=r"^pl:set:"),
        CommandHandler("templates", templates.list_templates),
        CallbackQueryHandler(templates.list_templates, pattern=r"^tp:list$"),
        CallbackQueryHandler(templates.reset, pattern=r"^tp:reset:"),
        CallbackQueryHandler(reminders.remind_now, pattern=r"^rm:now:"),
        CallbackQueryHandler(reminders.send_test, pattern=r"^rm:test:"),
        CallbackQueryHandler(reminders.history_button, pattern=r"^rm:hist:"),
        CallbackQueryHandler(reminders.schedule_button, pattern=r"^rm:sched:"),
        CommandHandler("history", reminders.history_command),
        CommandHandler("schedule", reminders.schedule_command),
        CallbackQueryHandler(reminders.preview_action, pattern=r"^rp:(skip|later|ok):"),
    ]


async def after_start(app: RelanceApp) -> None:
    """Once Telegram is reachable: the command menu in every language, then the reminder jobs."""
    services: Services = app.bot_data[SERVICES_KEY]
    services.spawn(asyncio.to_thread(zones.warm_up))  # the city index, before the first /start needs it
    await jobs.install(app)
    for locale in SUPPORTED:
        commands = [BotCommand(c, d) for c, d in general.command_menu(translator(locale))]
        await app.bot.set_my_commands(commands, language_code=locale)
    default = general.command_menu(translator(services.config.default_locale))
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in default])


def default_rate_limiter(redis_url: str | None = None, token: str = "") -> BaseRateLimiter[Any]:
    """The process's own pacing; with a Redis URL, Telegram's limits are shared by every worker."""
    if not redis_url:
        return RelanceRateLimiter()
    from bot.channels.shared_rate import SharedSchedule

    bot_key = token.split(":", 1)[0] or "bot"  # the bot's numeric id: never the secret part
    return RelanceRateLimiter(shared=SharedSchedule.from_url(redis_url, bot_key))


async def _write_user_state(app: RelanceApp, update: object) -> None:
    """Several workers: the user's drafts and conversation states written before the next update."""
    user = update.effective_user if isinstance(update, Update) else None
    try:
        await app.update_persistence()
    finally:
        if user is not None and isinstance(app.persistence, SqlitePersistence):
            app.persistence.handled(user.id)


async def _take_user_state(app: RelanceApp, update: object) -> None:
    """Several workers: the user's conversation states as the database has them now (another
    worker may have handled the user's previous update). PTB keeps them in memory and offers no
    public way to reload one key, hence the handlers' `_conversations` (a PTB TrackingDict, changed
    without marking it written)."""
    user = update.effective_user if isinstance(update, Update) else None
    persistence = app.persistence
    if user is None or not isinstance(persistence, SqlitePersistence):
        return
    persistence.handling(user.id)
    stored = await persistence.conversations_of(user.id)
    for handlers in app.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler) and handler.persistent and handler.name:
                conversations: Any = handler._conversations  # noqa: SLF001
                for key in [k for k in conversations.data if k and k[-1] == user.id]:
                    del conversations.data[key]
                conversations.update_no_track(stored.get(handler.name, {}))


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    background_jobs: bool = True,
) -> RelanceApp:
    """The application with every handler; `background_jobs=False` leaves the JobQueue idle (tests)."""
    config = services.config
    shared = config.webhook is not None  # several workers may share the database: state is re-read
    processor = PerUserUpdateProcessor(  # a user's order kept across webhook workers too
        across_workers=services.store.inbound if shared else None, clock=services.clock
    )
    services.store.persistence.shared = shared
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.base_file_url)
        .context_types(ContextTypes(context=RelanceContext))
        .defaults(
            Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True))
        )
        .persistence(services.store.persistence)
        .concurrent_updates(processor)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    app: RelanceApp = builder.build()
    app.bot_data[SERVICES_KEY] = services
    if shared:
        processor.around(
            before=lambda update: _take_user_state(app, update),
            after=lambda update: _write_user_state(app, update),
        )
    smtp = services.smtp
    dispatcher = Dispatcher(
        services.store, services.clock, app.bot, mailer=None if smtp is None else (lambda: EmailSender(smtp))
    )
    app.bot_data[ENGINE_KEY] = Engine(dispatcher=dispatcher, background_jobs=background_jobs)
    planner = ReminderPlanner(services.store, services.clock, rearm=lambda: jobs.rearm(app))
    services.on_invoice_changed(planner.replan)

    # An invitation link (/start <token>) comes before the freelancer's /start and its onboarding.
    app.add_handler(
        CommandHandler("start", invitations.open_link, filters=filters.ChatType.PRIVATE, has_args=True)
    )
    app.add_handler(_profile_conversation())
    app.add_handler(_clients_conversation())
    app.add_handler(_new_invoice_conversation())
    for conversation in _invoice_conversations():
        app.add_handler(conversation)
    for conversation in _client_conversations():
        app.add_handler(conversation)
    # A bank statement sent as a document (a PDF is an invoice: /new above).
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.Document.ALL & ~filters.Document.PDF, bank_import.on_statement
        )
    )
    for handler in bank_import.handlers():
        app.add_handler(handler)
    app.add_handler(CommandHandler("invoices", invoices.list_invoices))
    app.add_handler(CommandHandler("paid", invoices.paid_command))
    for button in _invoice_buttons():
        app.add_handler(button)
    app.add_handler(CommandHandler("settings", profile.settings))
    app.add_handler(CallbackQueryHandler(profile.toggle_copy_me, pattern=r"^mail:copy$"))
    app.add_handler(CallbackQueryHandler(profile.send_test_email, pattern=r"^mail:test$"))
    app.add_handler(CommandHandler("overdue", summary.overdue))
    app.add_handler(CallbackQueryHandler(summary.overdue, pattern=r"^ov:page:"))
    app.add_handler(CommandHandler("export", summary.export))
    app.add_handler(CommandHandler("stats", stats.stats_command))
    app.add_handler(CallbackQueryHandler(stats.show_button, pattern=r"^st:show:"))
    app.add_handler(CallbackQueryHandler(stats.on_period, pattern=r"^st:(month|quarter|year|all):"))
    app.add_handler(CommandHandler("clients", clients.listing.list_clients))
    app.add_handler(CallbackQueryHandler(clients.listing.on_page, pattern=r"^cl:page:"))
    app.add_handler(CallbackQueryHandler(clients.card.show_card, pattern=r"^cl:card:"))
    app.add_handler(CallbackQueryHandler(clients.card.toggle_b2b, pattern=r"^cl:b2b:"))
    app.add_handler(CallbackQueryHandler(clients.card.ask_language, pattern=r"^cl:lang:"))
    app.add_handler(CallbackQueryHandler(clients.card.set_language, pattern=r"^cl:setlang:"))
    app.add_handler(CallbackQueryHandler(clients.card.ask_delete, pattern=r"^cl:del:"))
    app.add_handler(CallbackQueryHandler(clients.card.confirm_delete, pattern=r"^cl:delok:"))
    app.add_handler(CallbackQueryHandler(clients.card.remove_contact, pattern=r"^cl:ctdel:"))
    app.add_handler(CallbackQueryHandler(clients.card.cycle_channel, pattern=r"^cl:chan:"))
    app.add_handler(CallbackQueryHandler(clients.card.invite_contact, pattern=r"^cl:invite:"))
    app.add_handler(CallbackQueryHandler(clients.card.invite_new_contact, pattern=r"^cl:invnew:"))
    app.add_handler(CallbackQueryHandler(clients.card.revoke_invitation, pattern=r"^cl:revoke:"))
    app.add_handler(CallbackQueryHandler(invitations.confirm, pattern=r"^iv:yes:"))
    app.add_handler(CallbackQueryHandler(invitations.decline, pattern=r"^iv:no:"))
    app.add_handler(CallbackQueryHandler(client_actions.menu.menu, pattern=r"^cp:menu$"))
    app.add_handler(CallbackQueryHandler(client_actions.menu.show_invoice, pattern=r"^cp:inv:"))
    app.add_handler(CallbackQueryHandler(client_actions.menu.stop_reminders, pattern=r"^cp:stop:"))
    app.add_handler(CallbackQueryHandler(client_actions.menu.how_to_pay, pattern=r"^cp:pay:"))
    app.add_handler(CallbackQueryHandler(client_requests.decide, pattern=r"^cr:(ok|no):"))
    app.add_handler(CallbackQueryHandler(reminders.decide, pattern=r"^rem:(go|skip|again):"))
    for conversation in _reminder_conversations():
        app.add_handler(conversation)
    for handler in _reminder_handlers():
        app.add_handler(handler)
    for handler in formal_notice.handlers(_conversation):
        app.add_handler(handler)
    for handler in calls.handlers(_conversation):
        app.add_handler(handler)
    for handler in payment_plans.handlers(_conversation):
        app.add_handler(handler)
    for handler in disputes.handlers(_conversation):
        app.add_handler(handler)
    app.add_handler(CommandHandler("deletemydata", account.ask_delete))
    app.add_handler(CallbackQueryHandler(account.confirm_delete, pattern=r"^acc:(delete|keep)$"))
    app.add_handler(CommandHandler("help", general.help_command))
    app.add_handler(CommandHandler("cancel", general.nothing_to_cancel))
    # Last of all commands: a conversation that does not handle a command ends and passes it on
    # (general.leave_for_command), so this only gets what no handler wants.
    app.add_handler(MessageHandler(filters.COMMAND, general.unknown_command))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, general.unknown_text))
    app.add_handler(MessageHandler(~filters.COMMAND & ~filters.StatusUpdate.ALL, general.unsupported_message))
    app.add_handler(CallbackQueryHandler(general.stale_button))
    app.add_error_handler(general.on_error)
    return app
