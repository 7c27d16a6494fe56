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
from bot.presentation import keyboards as kb
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
            CallbackQueryHandler(profile.change, pattern=kb.SET.pattern),
        ],
        states={
            profile.ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, profile.on_text),
                CallbackQueryHandler(profile.on_pick, pattern=kb.PICK.pattern),
                CallbackQueryHandler(profile.on_skip, pattern=kb.SKIP.pattern),
            ],
        },
    )


def _clients_conversation() -> ConversationHandler[Any]:
    return _conversation(
        "clients",
        entry_points=[
            CallbackQueryHandler(clients.conversation.start_add, pattern=kb.CL_ADD.pattern),
            CallbackQueryHandler(clients.conversation.start_rename, pattern=kb.CL_REN.pattern),
            CallbackQueryHandler(clients.conversation.start_notes, pattern=kb.CL_NOTES.pattern),
            CallbackQueryHandler(clients.conversation.start_add_contact, pattern=kb.CL_ADDCT.pattern),
            CallbackQueryHandler(clients.conversation.start_edit_contact, pattern=kb.CL_CTED.pattern),
        ],
        states={
            clients.conversation.ASKING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, clients.conversation.on_text),
                CallbackQueryHandler(clients.conversation.on_skip, pattern=kb.CL_SKIP.pattern),
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
                CallbackQueryHandler(new_invoice.conversation.on_button, pattern=kb.family(kb.NEW_INVOICE)),
            ],
        },
    )


def _invoice_conversations() -> list[ConversationHandler[Any]]:
    payment = _conversation(
        "payment",
        entry_points=[CallbackQueryHandler(invoices.start_partial, pattern=kb.INV_PART.pattern)],
        states={
            invoices.ASK_AMOUNT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, invoices.on_amount),
                CallbackQueryHandler(invoices.on_amount, pattern=kb.either(kb.PAY_ALL, kb.PAY_AMT)),
            ],
            invoices.ASK_DATE: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, invoices.on_date),
                CallbackQueryHandler(invoices.on_date, pattern=kb.PAY_DATE.pattern),
            ],
        },
    )
    edit = _conversation(
        "invoice_edit",
        entry_points=[CallbackQueryHandler(invoices.start_edit, pattern=kb.INV_EDIT.pattern)],
        states={
            invoices.ASK_FIELD: [
                CallbackQueryHandler(invoices.pick_edit_field, pattern=kb.IED.pattern),
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
            CallbackQueryHandler(client_actions.conversation.start_paid, pattern=kb.CP_PAID.pattern),
            CallbackQueryHandler(client_actions.conversation.start_more_time, pattern=kb.CP_MORE.pattern),
            CallbackQueryHandler(client_actions.conversation.start_question, pattern=kb.CP_ASK.pattern),
        ],
        states={
            client_actions.conversation.ASK_PAID_DATE: [
                CallbackQueryHandler(client_actions.conversation.on_paid_day, pattern=kb.CP_DAY.pattern),
                MessageHandler(typed, client_actions.conversation.on_paid_date),
            ],
            client_actions.conversation.ASK_PROOF: [
                MessageHandler(
                    typed | filters.PHOTO | filters.Document.ALL, client_actions.conversation.on_proof
                ),
                CallbackQueryHandler(client_actions.conversation.on_proof, pattern=kb.CP_SKIP.pattern),
            ],
            client_actions.conversation.ASK_NEW_DATE: [
                CallbackQueryHandler(client_actions.conversation.on_new_day, pattern=kb.CP_DAY.pattern),
                MessageHandler(typed, client_actions.conversation.on_new_date),
            ],
            client_actions.conversation.ASK_NOTE: [
                MessageHandler(typed, client_actions.conversation.on_note),
                CallbackQueryHandler(client_actions.conversation.on_note, pattern=kb.CP_SKIP.pattern),
            ],
            client_actions.conversation.ASK_QUESTION: [
                MessageHandler(typed, client_actions.conversation.on_question)
            ],
        },
    )
    reply = _conversation(
        "client_reply",
        entry_points=[CallbackQueryHandler(client_requests.start_reply, pattern=kb.CR_REPLY.pattern)],
        states={client_requests.REPLY: [MessageHandler(typed, client_requests.on_reply)]},
    )
    return [client, reply]


def _invoice_buttons() -> list[CallbackQueryHandler[Any, Any]]:
    routes = {
        kb.INV_LIST: invoices.list_invoices,
        kb.INV_FILTER: invoices.choose_client_filter,
        kb.INV_CARD: invoices.card,
        kb.INV_PAID: invoices.mark_paid,
        kb.INV_UNDO: invoices.undo,
        kb.INV_PAUSE: invoices.set_paused,
        kb.INV_RESUME: invoices.set_paused,
        kb.INV_CANCEL: invoices.ask_cancel,
        kb.INV_CANCELOK: invoices.confirm_cancel,
    }
    return [CallbackQueryHandler(callback, pattern=button.pattern) for button, callback in routes.items()]


def _reminder_conversations() -> list[ConversationHandler[Any]]:
    plan = _conversation(
        "plan",
        entry_points=[CallbackQueryHandler(plans.start_custom, pattern=kb.PL_CUSTOM.pattern)],
        states={plans.ASK_PLAN: [MessageHandler(filters.TEXT & ~filters.COMMAND, plans.on_custom)]},
    )
    template = _conversation(
        "templates",
        entry_points=[
            CallbackQueryHandler(templates.start_edit, pattern=kb.TP_EDIT.pattern),
            CallbackQueryHandler(templates.start_edit_for_reminder, pattern=kb.RP_TEXT.pattern),
        ],
        states={
            templates.EDITING: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, templates.on_text),
                CallbackQueryHandler(templates.save, pattern=kb.TP_SAVE.pattern),
                CallbackQueryHandler(templates.discard, pattern=kb.TP_CANCEL.pattern),
            ],
        },
    )
    return [plan, template]


def _reminder_handlers() -> list[Any]:
    """The freelancer's side of reminders: plans, texts, the card's buttons, history, the evening preview."""
    return [
        CallbackQueryHandler(plans.show_picker, pattern=kb.PL_SHOW.pattern),
        CallbackQueryHandler(plans.choose, pattern=kb.PL_SET.pattern),
        CommandHandler("templates", templates.list_templates),
        CallbackQueryHandler(templates.list_templates, pattern=kb.TP_LIST.pattern),
        CallbackQueryHandler(templates.reset, pattern=kb.TP_RESET.pattern),
        CallbackQueryHandler(reminders.remind_now, pattern=kb.RM_NOW.pattern),
        CallbackQueryHandler(reminders.send_test, pattern=kb.RM_TEST.pattern),
        CallbackQueryHandler(reminders.history_button, pattern=kb.RM_HIST.pattern),
        CallbackQueryHandler(reminders.schedule_button, pattern=kb.RM_SCHED.pattern),
        CommandHandler("history", reminders.history_command),
        CommandHandler("schedule", reminders.schedule_command),
        CallbackQueryHandler(reminders.preview_action, pattern=kb.either(kb.RP_SKIP, kb.RP_LATER, kb.RP_OK)),
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
    app.add_handler(CallbackQueryHandler(profile.toggle_copy_me, pattern=kb.MAIL_COPY.pattern))
    app.add_handler(CallbackQueryHandler(profile.send_test_email, pattern=kb.MAIL_TEST.pattern))
    app.add_handler(CommandHandler("overdue", summary.overdue))
    app.add_handler(CallbackQueryHandler(summary.overdue, pattern=kb.OV_PAGE.pattern))
    app.add_handler(CommandHandler("export", summary.export))
    app.add_handler(CommandHandler("stats", stats.stats_command))
    app.add_handler(CallbackQueryHandler(stats.show_button, pattern=kb.ST_SHOW.pattern))
    app.add_handler(CallbackQueryHandler(stats.on_period, pattern=kb.either(*kb.ST_PERIODS.values())))
    app.add_handler(CommandHandler("clients", clients.listing.list_clients))
    app.add_handler(CallbackQueryHandler(clients.listing.on_page, pattern=kb.CL_PAGE.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.show_card, pattern=kb.CL_CARD.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.toggle_b2b, pattern=kb.CL_B2B.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.ask_language, pattern=kb.CL_LANG.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.set_language, pattern=kb.CL_SETLANG.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.ask_delete, pattern=kb.CL_DEL.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.confirm_delete, pattern=kb.CL_DELOK.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.remove_contact, pattern=kb.CL_CTDEL.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.cycle_channel, pattern=kb.CL_CHAN.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.invite_contact, pattern=kb.CL_INVITE.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.invite_new_contact, pattern=kb.CL_INVNEW.pattern))
    app.add_handler(CallbackQueryHandler(clients.card.revoke_invitation, pattern=kb.CL_REVOKE.pattern))
    app.add_handler(CallbackQueryHandler(invitations.confirm, pattern=kb.IV_YES.pattern))
    app.add_handler(CallbackQueryHandler(invitations.decline, pattern=kb.IV_NO.pattern))
    app.add_handler(CallbackQueryHandler(client_actions.menu.menu, pattern=kb.CP_MENU.pattern))
    app.add_handler(CallbackQueryHandler(client_actions.menu.show_invoice, pattern=kb.CP_INV.pattern))
    app.add_handler(CallbackQueryHandler(client_actions.menu.stop_reminders, pattern=kb.CP_STOP.pattern))
    app.add_handler(CallbackQueryHandler(client_actions.menu.how_to_pay, pattern=kb.CP_PAY.pattern))
    app.add_handler(CallbackQueryHandler(client_requests.decide, pattern=kb.either(kb.CR_OK, kb.CR_NO)))
    app.add_handler(CallbackQueryHandler(reminders.decide, pattern=kb.either(kb.REM_GO, kb.REM_SKIP, kb.REM_AGAIN)))
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
    app.add_handler(CallbackQueryHandler(account.confirm_delete, pattern=kb.either(kb.ACC_DELETE, kb.ACC_KEEP)))
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
