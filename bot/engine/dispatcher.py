"""The reminder loop: due rows → checks → claim → deliver → record → tell the freelancer.

The database decides what is due (an indexed query on planned rows); APScheduler, through PTB's
JobQueue, only wakes this loop: at the next `scheduled_at` and on a one-minute safety sweep.

Guarantees:
- at most once: a row is claimed (planned → sending) by a conditional UPDATE before anything is
  sent; a crash or a timeout after that leaves it `uncertain`, reported, never resent by itself;
- paid wins: the invoice is read again after the claim, so a payment recorded meanwhile stops it;
- no burst after downtime: of several due client steps of one invoice only the latest goes, in a
  tone that never claims reminders the client did not get, and one more than a few days stale waits
  for the freelancer's decision (the one rule: `bot.domain.planning.decide_due`);
- courtesy: never outside 08:00–20:00 local time, never on Sunday, at most one per invoice and day.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.channels.email import (
    Attachment,
    EmailPermanentError,
    EmailSender,
    EmailTransientError,
    InvalidEmail,
)
from bot.channels.telegram import Delivery, Outcome, send_telegram
from bot.clock import Clock
from bot.domain.planning import Action, Decision, DueReminder, decide_due, localize
from bot.domain.plans import Tone
from bot.engine.planner import instalments_due
from bot.i18n import Translator, translator
from bot.presentation import charts, late_amounts
from bot.presentation import keyboards as kb
from bot.presentation.call_script import call_buttons, call_contact, notice_buttons, render_call_script
from bot.presentation.client_buttons import reminder_buttons
from bot.presentation.keyboards import keyboard
from bot.presentation.reminder_email import invoice_attachment, reminder_email, thread_key
from bot.presentation.reminder_text import (
    ReminderText,
    render_instalment_reminder,
    render_notice,
    render_reminder,
)
from bot.presentation.reminder_views import Planned, render_digest, render_preview
from bot.storage import Client, Contact, Freelancer, Invoice, Reminder, Store
from bot.storage.reminders import SentRecord

log = logging.getLogger(__name__)

BATCH_SIZE = 500
RECORD_EVERY = 50
CLAIM_CHUNK = 100
CONCURRENCY = 32
MAX_ATTEMPTS = 5
MAX_LISTED = 30
STALE_AFTER = timedelta(days=3)
CLAIM_LEASE = timedelta(minutes=2)
"""A claim older than this is a dead worker's: no live send waits that long (timeouts are shorter)."""
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
PREVIEW_HOUR = 18
DIGEST_HOUR = 9
MONDAY = 0


@dataclass(frozen=True)
class _Batch:
    """What one batch of due rows needs, read with one query per table."""

    invoices: dict[int, Invoice] = field(default_factory=dict)
    clients: dict[int, Client] = field(default_factory=dict)
    contacts: dict[int, list[Contact]] = field(default_factory=dict)
    history: dict[int, list[Reminder]] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """Everything needed to send one reminder, read fresh after the claim."""

    reminder: Reminder
    invoice: Invoice
    freelancer: Freelancer
    client: Client
    contacts: list[Contact]
    tone: str | None = None
    """The tone to write in when it differs from the row's (see planning.opening_tone)."""


def reminder_channels(contact: Contact) -> tuple[bool, bool]:
    """(by Telegram, by e-mail) for a contact chosen for reminders, from its channel choice.

    A contact who blocked the bot or turned Telegram off gets e-mail instead, even if Telegram was chosen.
    """
    if not contact.remind:
        return False, False
    reachable = contact.telegram_chat_id is not None and contact.telegram_status is None
    unreachable = contact.telegram_status is not None
    by_telegram = reachable and contact.channel in ("auto", "telegram", "both")
    by_email = (
        contact.channel in ("email", "both")
        or (contact.channel == "auto" and not reachable)
        or (contact.channel == "telegram" and unreachable)
    )
    return by_telegram, by_email and bool(contact.email)


def explain(tr: Translator, reasons: str) -> str:
    """Delivery failures in the freelancer's language; an unknown reason (a server's own words) as is."""
    return " ".join(_explain_one(tr, reason.strip()) for reason in reasons.split("; ") if reason.strip())


def _explain_one(tr: Translator, reason: str) -> str:
    lowered = reason.lower()
    if lowered.startswith("no channel:") and "blocked the bot" in lowered:
        who = reason.split(":", 1)[1].replace("blocked the bot in Telegram", "").strip()
        return tr.plain("{name} blocked the bot in Telegram and has no other way to be reached.", name=who)
    if "smtp_host is not set" in lowered:
        return tr.plain("E-mail sending is off on this bot (SMTP_HOST is not set).")
    if lowered.startswith("no channel:"):
        return tr.plain(
            "No contact of this client is linked in Telegram or has an e-mail address: add one on the client card."
        )
    if "blocked by the user" in lowered or "can't initiate conversation" in lowered:
        return tr.plain("The client blocked the bot in Telegram, or never opened the invitation.")
    if "chat not found" in lowered:
        return tr.plain("The client's Telegram chat no longer exists.")
    if lowered.startswith("mail server:"):
        return tr.plain(
            "The mail server could not be reached ({detail}).", detail=reason.split(":", 1)[1].strip()
        )
    if lowered.startswith("e-mail not sent:"):
        return tr.plain(
            "The mail server refused the e-mail ({detail}).", detail=reason.split(":", 1)[1].strip()
        )
    return reason


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        bot: ExtBot[Any],
        concurrency: int = CONCURRENCY,
        *,
        mailer: Callable[[], EmailSender] | None = None,
    ) -> None:
        """`mailer` opens an SMTP sender (one per run, on the first e-mail); None: e-mail is off."""
        self.store, self.clock, self.bot = store, clock, bot
        self._new_mailer = mailer
        self._mailer: EmailSender | None = None  # one SMTP connection per run, opened on the first e-mail
        self._mail_down: str | None = None  # the server was unreachable in this run: the rest waits too
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(concurrency)
        self._sent: dict[int, tuple[Freelancer, list[Job]]] = {}
        self._stopping = False
        self._freelancers: dict[int, Freelancer] = {}
        self._templates: dict[tuple[int, str, str], str | None] = {}
        self._batch = _Batch()
        self._records: list[SentRecord] | None = None  # during a run: sends recorded in batches
        self._records_lock = asyncio.Lock()

    def stop(self) -> None:
        """Shutting down: claim nothing more; sends already under way finish and are recorded."""
        self._stopping = True

    async def run_once(self) -> int:
        """Handle every reminder due now; return how many rows were looked at.

        Invoices are handled concurrently (sends overlap their network waits; the rate limiter
        paces them); the freelancer gets one notice per run listing what went out.
        """
        async with self._lock:
            self._freelancers, self._templates = {}, {}
            self._records = []
            handled = 0
            try:
                while True:
                    due = await self.store.reminders.due(self.clock.now(), BATCH_SIZE)
                    await self._run_batch(due)
                    handled += len(due)
                    if len(due) < BATCH_SIZE or self._stopping:
                        return handled
            finally:
                await self._flush_records()
                self._records, self._batch = None, _Batch()
                await self._flush_sent_notices()
                await self._close_mailer()

    async def _run_batch(self, due: list[Reminder]) -> None:
        """One batch of due rows in a few round trips: read what they need at once, decide per
        invoice, claim every send in one statement, re-check the invoices, send concurrently, and
        record the sends in groups (`RECORD_EVERY`)."""
        by_invoice: dict[int, list[Reminder]] = defaultdict(list)
        for reminder in due:
            by_invoice[reminder.invoice_id].append(reminder)
        await self._preload(list(by_invoice))
        sends: list[tuple[Reminder, Job]] = []
        for rows in by_invoice.values():
            try:
                sends += await self._handle_invoice(rows)
            except Exception:  # one broken invoice must not stop the others
                log.exception("dispatch of invoice %s failed", rows[0].invoice_id)
        # Claimed a chunk at a time, the next chunk once the previous one is mostly sent: a claim
        # never waits long for its send, and a chat's paced second message does not stall the rest.
        running: set[asyncio.Task[None]] = set()
        for start in range(0, len(sends), CLAIM_CHUNK):
            if self._stopping:
                break
            while len(running) > CLAIM_CHUNK // 2:
                _done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            chunk = sends[start : start + CLAIM_CHUNK]
            claimed = await self.store.reminders.claim_many([row.id for row, _job in chunk], self.clock.now())
            wanted = await self.store.invoices.wanting_reminders(
                list({row.invoice_id for row, _job in chunk if row.id in claimed})
            )
            for row, job in chunk:
                if row.id in claimed:
                    running.add(asyncio.create_task(self._guarded(row, job, wanted=row.invoice_id in wanted)))
        if running:
            await asyncio.wait(running)
        await self._flush_records()

    async def _preload(self, invoice_ids: list[int]) -> None:
        """What a batch needs, read with one query per table instead of several per reminder."""
        invoices = await self.store.invoices.get_many_any(invoice_ids)
        missing = list({i.freelancer_id for i in invoices.values()} - set(self._freelancers))
        self._freelancers.update(await self.store.freelancers.get_many(missing))
        client_ids = list({i.client_id for i in invoices.values()})
        self._batch = _Batch(
            invoices=invoices,
            clients=await self.store.clients.get_many_any(client_ids),
            contacts=await self.store.clients.contacts_of(client_ids),
            history=await self.store.reminders.client_history(invoice_ids),
        )

    async def _guarded(self, row: Reminder, job: Job, *, wanted: bool) -> None:
        """Send one claimed row (paid, cancelled or paused meanwhile: `wanted` is False)."""
        async with self._slots:
            try:
                if self._stopping:  # shutting down: nothing was sent, the row goes back to planned
                    await self.store.reminders.unclaim(row.id)
                    return
                if not wanted:
                    await self.store.reminders.finish(
                        row.id, "cancelled", "invoice paid, cancelled or paused"
                    )
                    return
                await self._send_job(row, job)
            except Exception:  # the row stays `sending`: reported as uncertain, never resent by itself
                log.exception("dispatch of reminder %s failed", row.id)

    async def recover(self, *, stale_only: bool | None = None) -> None:
        """Rows a crash left in `sending` become `uncertain`, and the freelancer is told.

        At start-up on SQLite (one process) every such row is from the crashed run. On PostgreSQL
        other workers may be sending right now: only claims older than `CLAIM_LEASE` are released,
        at start-up and by every sweep, so a killed worker's rows are settled by the live ones.
        """
        if stale_only is None:
            stale_only = self.store.db.dialect != "sqlite"
        before = self.clock.now() - CLAIM_LEASE if stale_only else None
        for reminder in await self.store.reminders.release_interrupted(before):
            job = await self._load(reminder)
            if job is not None:
                await self._report_uncertain(job)

    # One invoice -------------------------------------------------------------------------------
    async def _handle_invoice(self, rows: list[Reminder]) -> list[tuple[Reminder, Job]]:
        """Apply the domain's catch-up decision (`decide_due`) to one invoice's due rows; return the
        rows to send (claimed by the caller, with the rest of the batch)."""
        job = await self._load(rows[0])
        if job is None:
            for row in rows:
                await self.store.reminders.settle_planned(row.id, "cancelled", "invoice gone")
            return []
        invoice, freelancer, now = job.invoice, job.freelancer, self.clock.now()
        history = self._batch.history.get(invoice.id)
        if history is None:
            history = [r for r in await self.store.reminders.for_invoice(invoice.id)
                       if r.audience == "client" and r.status in ("sent", "uncertain")]  # fmt: skip
        decisions = decide_due(
            [DueReminder(r.id, r.step, r.tone, r.audience, r.scheduled_at, r.approved) for r in rows],
            now=now, tz=freelancer.timezone,
            wanted=invoice.is_open and invoice.reminders_enabled and not invoice.reminders_paused,
            manual_approval=freelancer.approval_mode == "manual",
            last_client_sent_at=max((r.sent_at or r.scheduled_at for r in history), default=None),
            earlier_tones=[r.tone for r in history], stale_after=STALE_AFTER,
        )  # fmt: skip
        by_id = {r.id: r for r in rows}
        sends: list[tuple[Reminder, Job]] = []
        for decision in decisions:
            row = by_id[decision.reminder.id]
            if decision.action == Action.SEND:
                sends.append((row, replace(job, reminder=row, tone=decision.tone or row.tone)))
            else:
                await self._apply(decision, row, replace(job, reminder=row))
        return sends

    async def _apply(self, decision: Decision, row: Reminder, job: Job) -> None:
        # Every outcome but a send is conditional on the row still being planned: with several
        # workers, another one may have claimed (and sent) it since it was read.
        if decision.action == Action.CANCEL:
            await self.store.reminders.settle_planned(row.id, "cancelled", decision.reason)
        elif decision.action == Action.SKIP:
            await self.store.reminders.settle_planned(row.id, "skipped", decision.reason)
        elif decision.action == Action.HOLD:
            if await self.store.reminders.hold(row.id, decision.reason):
                await self._ask_about_stale(job, approval=decision.approval)
        elif decision.action == Action.RESCHEDULE:
            assert decision.at is not None
            await self.store.reminders.postpone_planned(row.id, decision.at, decision.reason)

    async def _template(self, freelancer_id: int, tone: str, locale: str) -> str | None:
        """The freelancer's own wording, read once per run and kind of reminder."""
        key = (freelancer_id, tone, locale)
        if key not in self._templates:
            self._templates[key] = await self.store.templates.get(freelancer_id, tone, locale)
        return self._templates[key]

    async def _load(self, reminder: Reminder) -> Job | None:
        """The invoice, freelancer, client and contacts of a row: from the batch read at once when
        the row is part of it, else from the database."""
        batch = self._batch
        invoice = batch.invoices.get(reminder.invoice_id) or await self.store.invoices.get_any(
            reminder.invoice_id
        )
        if invoice is None:
            return None
        freelancer = self._freelancers.get(invoice.freelancer_id)
        if freelancer is None:  # read once per run: a freelancer often has several reminders due
            freelancer = await self.store.freelancers.get(invoice.freelancer_id)
            if freelancer is not None:
                self._freelancers[freelancer.id] = freelancer
        client = batch.clients.get(invoice.client_id)
        if client is None or client.freelancer_id != invoice.freelancer_id:
            client = await self.store.clients.get(invoice.freelancer_id, invoice.client_id)
        if freelancer is None or client is None:
            return None
        contacts = batch.contacts.get(client.id)
        if contacts is None:
            contacts = await self.store.clients.contacts(client.id)
        return Job(reminder, invoice, freelancer, client, contacts)

    # Sending -----------------------------------------------------------------------------------
    async def send_claimed(self, reminder: Reminder, job: Job | None = None) -> None:
        """Deliver a row this process has claimed (status `sending`) and record the outcome.

        The invoice is read again after the claim: a payment recorded meanwhile wins.
        """
        if job is None:
            job = await self._load(reminder)
        if job is None or not await self.store.invoices.wants_reminders(job.invoice.id):
            await self.store.reminders.finish(reminder.id, "cancelled", "invoice paid, cancelled or paused")
            return
        await self._send_job(reminder, job)

    async def _send_job(self, reminder: Reminder, job: Job) -> None:
        try:
            deliveries = await self._deliver(job)
        except Exception:  # a bug must not leave the row `sending` forever, nor resend it
            log.exception("delivery of reminder %s crashed", reminder.id)
            await self.store.reminders.finish(reminder.id, "uncertain", "internal error while sending")
            await self._report_uncertain(job)
            return
        await self._record(job, deliveries)

    async def _deliver(self, job: Job) -> list[Delivery]:
        today = self.clock.now().astimezone(ZoneInfo(job.freelancer.timezone)).date()
        if job.reminder.audience == "freelancer":
            text, markup = self._freelancer_step(job, today)
            return [await send_telegram(self.bot, job.freelancer.telegram_user_id, text, markup)]
        custom = await self._template(
            job.freelancer.id, job.tone or job.reminder.tone, job.client.language or job.freelancer.language
        )
        tone = job.tone or job.reminder.tone
        late = (
            await late_amounts.for_invoice(
                self.store, job.freelancer, job.invoice, today, is_b2b=job.client.is_b2b
            )
            if tone == "final"
            else None
        )
        message = await self._instalment_text(job, tone, today) or render_reminder(
            freelancer=job.freelancer, client=job.client, invoice=job.invoice, tone=tone,
            today=today, custom=custom, late=late,
        )  # fmt: skip
        deliveries: list[Delivery] = []
        emailed: list[Contact] = []
        for contact in job.contacts:
            by_telegram, by_email = reminder_channels(contact)
            if by_telegram and contact.telegram_chat_id is not None:
                buttons = reminder_buttons(job.freelancer, job.client, job.invoice.id)  # the client's answers
                delivery = await send_telegram(self.bot, contact.telegram_chat_id, message.html, buttons)
                if delivery.blocked:  # 403: e-mail takes over in this very run when the contact has one
                    by_email = await self._telegram_blocked(job, contact) or by_email
                    if not by_email:
                        reason = f"no channel: {contact.name or job.client.name} blocked the bot in Telegram"
                        deliveries.append(replace(delivery, reason=reason))
                else:
                    deliveries.append(delivery)
            if by_email:
                emailed.append(contact)
        if emailed:
            deliveries += await self._send_email(job, message, emailed)
        return deliveries

    async def _instalment_text(self, job: Job, tone: str, today: date) -> ReminderText | None:
        """The words of a reminder about one instalment of a payment plan (None: about the invoice)."""
        if job.reminder.instalment_id is None:
            return None
        found = await self.store.payment_plans.instalment(job.reminder.instalment_id)
        if found is None:
            return None
        plan, instalment = found
        due = {i.id: i for i in instalments_due(job.invoice, plan)}[instalment.id]
        return render_instalment_reminder(
            freelancer=job.freelancer, client=job.client, invoice=job.invoice, tone=tone, today=today,
            seq=instalment.seq, count=plan.count, left_minor=due.left_minor, due_date=instalment.due_date,
        )  # fmt: skip

    def _freelancer_step(self, job: Job, today: date) -> tuple[str, InlineKeyboardMarkup]:
        """A step for the freelancer: the courtesy call script, or the end-of-plan formal-notice alert."""
        tr = translator(job.freelancer.language)
        if job.reminder.tone == Tone.CALL.value:
            script = render_call_script(
                tr, freelancer=job.freelancer, client=job.client, invoice=job.invoice,
                contact=call_contact(job.contacts), today=today,
            )  # fmt: skip
            return script, call_buttons(tr, job.invoice.id)
        text = render_notice(job.freelancer, job.client, job.invoice, today)
        return text, notice_buttons(tr, job.invoice.id)

    async def _send_email(self, job: Job, message: ReminderText, contacts: list[Contact]) -> list[Delivery]:
        """One e-mail to every e-mail contact chosen for reminders, in the invoice's thread."""
        addresses = tuple(dict.fromkeys(c.email for c in contacts if c.email))
        recipient = "email:" + ", ".join(addresses)
        if self._new_mailer is None:
            reason = "no channel: e-mail sending is off on this bot (SMTP_HOST is not set)"
            return [Delivery(Outcome.PERMANENT, "email", recipient, reason=reason)]
        if self._mail_down is not None:  # no need to wait for one connection timeout per reminder
            return [Delivery(Outcome.TRANSIENT, "email", recipient, reason=self._mail_down)]
        invoice = job.invoice
        email = reminder_email(
            freelancer=job.freelancer, client=job.client, invoice=invoice, text=message, to=addresses,
            thread=thread_key(invoice.id, await self.store.invoices.thread_token(invoice.id)),
            sequence=1 + await self.store.reminders.emails_sent(invoice.id),
            attachment=await self._invoice_file(invoice),
        )  # fmt: skip
        try:
            result = await self._email_sender().send(email, now=self.clock.now())
        except EmailTransientError as exc:
            if exc.code is None:  # no SMTP answer at all: unreachable, refused or dropped
                self._mail_down = f"mail server: {exc}"
            return [Delivery(Outcome.TRANSIENT, "email", recipient, reason=f"mail server: {exc}")]
        except (EmailPermanentError, InvalidEmail) as exc:  # shown to the freelancer as the server said it
            return [Delivery(Outcome.PERMANENT, "email", recipient, reason=f"e-mail not sent: {exc}")]
        refused = {r.address: f"{r.address}: {r.code} {r.reason}" for r in result.refused}
        accepted = ", ".join(a for a in (*addresses, *email.cc) if a not in refused)
        sent = Delivery(Outcome.SENT, "email", f"email:{accepted}", message_id=result.message_id)
        return [
            sent,
            *(Delivery(Outcome.PERMANENT, "email", f"email:{a}", reason=r) for a, r in refused.items()),
        ]

    async def _invoice_file(self, invoice: Invoice) -> Attachment | None:
        """The invoice file, downloaded from Telegram at send time and never kept on disk."""
        if not invoice.file_id:
            return None
        try:
            file = await self.bot.get_file(invoice.file_id)
            content = await file.download_as_bytearray()
        except TelegramError as exc:  # the reminder matters more than the attachment
            log.warning("invoice %s: file download failed, sending without attachment: %s", invoice.id, exc)
            return None
        return invoice_attachment(invoice, bytes(content), file.file_path)

    async def _telegram_blocked(self, job: Job, contact: Contact) -> bool:
        """Remember the 403 and tell the freelancer once; True when the contact has an e-mail address."""
        if await self.store.clients.set_telegram_status(contact.id, "blocked"):
            tr = translator(job.freelancer.language)
            values = {
                "name": contact.name or job.client.name,
                "client": job.client.name,
                "email": contact.email,
            }
            if not contact.email:
                text = tr._(
                    "🚫 {name} ({client}) blocked the bot in Telegram, and I have no other channel to remind "
                    "them. Add their e-mail address in /clients.",
                    **values,
                )
            elif self._new_mailer is None:
                text = tr._(
                    "🚫 {name} ({client}) blocked the bot in Telegram, and e-mail sending is off on this bot: "
                    "I have no other channel to remind them.",
                    **values,
                )
            else:
                text = tr._("🚫 {name} ({client}) blocked the bot in Telegram; reminders go to {email} by e-mail now.",
                            **values)  # fmt: skip
            await self._tell(job.freelancer, text)
        return bool(contact.email)

    def _email_sender(self) -> EmailSender:
        assert self._new_mailer is not None
        if self._mailer is None:
            self._mailer = self._new_mailer()
        return self._mailer

    async def _close_mailer(self) -> None:
        mailer, self._mailer, self._mail_down = self._mailer, None, None
        if mailer is not None:
            await mailer.close()

    async def _record(self, job: Job, deliveries: list[Delivery]) -> None:
        reminder, now = job.reminder, self.clock.now()
        sent = [d for d in deliveries if d.outcome == Outcome.SENT]
        if sent:
            await self._record_sent(SentRecord(
                reminder.id, now, channel=",".join(sorted({d.channel for d in sent})),
                recipient=", ".join(d.recipient for d in sent), message_ids=[d.message_id or "" for d in sent],
            ))  # fmt: skip
            if reminder.audience == "client":
                await self._notify_sent(job, sent)
            missed = [d for d in deliveries if d.outcome != Outcome.SENT]
            if missed:
                await self._report_partial(job, missed)
            return
        if any(d.outcome == Outcome.AMBIGUOUS for d in deliveries):
            await self.store.reminders.finish(
                reminder.id, "uncertain", "no answer from Telegram after sending"
            )
            await self._report_uncertain(job)
            return
        transient = [d for d in deliveries if d.outcome == Outcome.TRANSIENT]
        if transient and reminder.attempts < MAX_ATTEMPTS:
            wait = max((d.retry_after or 0 for d in transient), default=0)
            backoff = min(FIRST_RETRY * 2 ** (reminder.attempts - 1), MAX_RETRY)
            await self.store.reminders.reschedule(
                reminder.id, now + max(backoff, timedelta(seconds=wait)), transient[0].reason
            )
            return
        reason = "; ".join(d.reason or "" for d in deliveries) or (
            "no channel: no contact chosen for reminders is linked in Telegram or has an e-mail address"
        )
        await self.store.reminders.finish(reminder.id, "failed", reason)
        await self._report_failed(job, reason)

    async def _record_sent(self, record: SentRecord) -> None:
        """During a run, sends are recorded in groups of `RECORD_EVERY` (one transaction each); a
        crash before a group is written leaves its rows `sending`: reported uncertain, not resent."""
        if self._records is None:
            await self.store.reminders.mark_sent_many([record])
            return
        self._records.append(record)
        if len(self._records) >= RECORD_EVERY:
            await self._flush_records()

    async def _flush_records(self) -> None:
        async with self._records_lock:
            if self._records:
                pending, self._records = self._records, []
                await self.store.reminders.mark_sent_many(pending)

    # Telling the freelancer ---------------------------------------------------------------------
    def _invoice_buttons(self, job: Job) -> InlineKeyboardMarkup:
        tr = translator(job.freelancer.language)
        return keyboard([[(tr.plain("✅ Mark paid"), kb.INV_PAID(job.invoice.id)),
                          (tr.plain("⏸ Pause reminders"), kb.INV_PAUSE(job.invoice.id))]])  # fmt: skip

    async def _tell(
        self, freelancer: Freelancer, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        delivery = await send_telegram(self.bot, freelancer.telegram_user_id, text, markup)
        if delivery.outcome != Outcome.SENT:
            log.warning("could not tell freelancer %s: %s", freelancer.id, delivery.reason)

    async def _notify_sent(self, job: Job, sent: list[Delivery]) -> None:
        if job.freelancer.notify_mode == "each":
            self._sent.setdefault(job.freelancer.id, (job.freelancer, []))[1].append(job)

    async def _flush_sent_notices(self) -> None:
        """One message per freelancer and run: a single reminder with its buttons, or a short list."""
        pending, self._sent = self._sent, {}
        for freelancer, jobs in pending.values():
            tr = translator(freelancer.language)
            lines = [
                tr._("{number} ({client}, {amount})", number=job.invoice.number, client=job.client.name,
                     amount=tr.money(job.invoice.balance_minor, job.invoice.currency))
                for job in jobs[:MAX_LISTED]
            ]  # fmt: skip
            if len(jobs) > MAX_LISTED:
                lines.append(tr.n_("…and {n} more.", "…and {n} more.", len(jobs) - MAX_LISTED))
            title = tr.n_("📨 {n} reminder sent:", "📨 {n} reminders sent:", len(jobs))
            markup = self._invoice_buttons(jobs[0]) if len(jobs) == 1 else None
            await self._tell(freelancer, "\n".join([title, *lines]), markup)

    async def _report_uncertain(self, job: Job) -> None:
        tr = translator(job.freelancer.language)
        text = tr._(
            "⚠️ The reminder for {number} ({client}) may not have been delivered: the connection broke while "
            "sending. I will not send it again by myself.",
            number=job.invoice.number, client=job.client.name,
        )  # fmt: skip
        await self._tell(
            job.freelancer, text, keyboard([[(tr.plain("Send again"), kb.REM_AGAIN(job.reminder.id))]])
        )

    async def _report_failed(self, job: Job, reason: str) -> None:
        tr = translator(job.freelancer.language)
        text = tr._(
            "❌ I could not send the reminder for {number} ({client}): {reason}",
            number=job.invoice.number, client=job.client.name, reason=explain(tr, reason),
        )  # fmt: skip
        await self._tell(job.freelancer, text)

    async def _report_partial(self, job: Job, missed: list[Delivery]) -> None:
        tr = translator(job.freelancer.language)
        text = tr._(
            "⚠️ The reminder for {number} ({client}) went out, but not to {recipients}: {reason}",
            number=job.invoice.number, client=job.client.name,
            recipients=", ".join(d.recipient.partition(":")[2] for d in missed),
            reason=explain(tr, "; ".join(d.reason or "" for d in missed)),
        )  # fmt: skip
        await self._tell(job.freelancer, text)

    async def _ask_about_stale(self, job: Job, *, approval: bool = False) -> None:
        """A held reminder: the freelancer decides (Send now / Skip)."""
        tr = translator(job.freelancer.language)
        values = {
            "number": job.invoice.number, "client": job.client.name,
            "date": tr.date(job.reminder.scheduled_at.astimezone(ZoneInfo(job.freelancer.timezone)).date()),
        }  # fmt: skip
        if approval:
            text = tr._(
                "The reminder for {number} ({client}) planned on {date} waits for your approval. Send it now?",
                **values,
            )
        else:
            text = tr._(
                "While I was offline, the reminder for {number} ({client}) planned on {date} was not sent. Send it now?",
                **values,
            )
        rows = [
            [
                (tr.plain("Send now"), kb.REM_GO(job.reminder.id)),
                (tr.plain("Skip"), kb.REM_SKIP(job.reminder.id)),
            ]
        ]
        await self._tell(job.freelancer, text, keyboard(rows))

    async def next_wake(self) -> datetime | None:
        return await self.store.reminders.next_due_at()

    # The hourly job: evening preview and weekly digest -------------------------------------------
    async def hourly(self, now: datetime) -> None:
        """For every freelancer whose local time is 18:xx, tomorrow's preview; Monday 09:xx, the digest.

        Run once an hour, on the hour: each zone's 18:xx hour contains exactly one such run. A
        day mark claimed in the database makes a second run within the hour send nothing.
        """
        zones = await self.store.freelancers.zones()
        local = {zone: now.astimezone(ZoneInfo(zone)) for zone in zones}
        evening = [zone for zone, at in local.items() if at.hour == PREVIEW_HOUR]
        monday = [zone for zone, at in local.items() if at.weekday() == MONDAY and at.hour == DIGEST_HOUR]
        for freelancer in await self.store.freelancers.onboarded_in_zones(evening):
            await self._safely(self.send_preview(freelancer, now), freelancer)
        for freelancer in await self.store.freelancers.onboarded_in_zones(monday):
            if freelancer.digest_enabled:
                await self._safely(self.send_digest(freelancer, now), freelancer)

    async def _safely(self, work: Awaitable[bool], freelancer: Freelancer) -> None:
        try:
            await work
        except Exception:  # one freelancer's broken preview must not stop the others'
            log.exception("preview or digest for freelancer %s failed", freelancer.id)

    async def _planned_items(self, reminders: list[Reminder]) -> list[Planned]:
        items = []
        for reminder in reminders:
            job = await self._load(reminder)
            if job is not None and reminder.audience == "client":
                items.append(Planned(reminder, job.invoice, job.client))
        return items

    async def send_preview(self, freelancer: Freelancer, now: datetime) -> bool:
        """Tomorrow's client reminders with Skip / Postpone / Edit text (and Approve in manual mode);
        in daily notice mode, what went out today too. Nothing to say: no message. True if sent."""
        tz = freelancer.timezone
        today = now.astimezone(ZoneInfo(tz)).date()
        if not await self.store.freelancers.claim_day(freelancer.id, "last_preview_on", today):
            return False
        tomorrow = today + timedelta(days=1)
        start, end = (localize(day, time(0), tz) for day in (tomorrow, tomorrow + timedelta(days=1)))
        planned = await self._planned_items(
            await self.store.reminders.planned_between(freelancer.id, start, end)
        )
        sent: list[Planned] = []
        if freelancer.notify_mode == "daily":
            since = localize(today, time(0), tz)
            sent = await self._planned_items(
                await self.store.reminders.sent_between(freelancer.id, since, now)
            )
        if not planned and not sent:
            return False
        tr = translator(freelancer.language)
        text, markup = render_preview(tr, tz, tomorrow, planned, sent, freelancer.approval_mode == "manual")
        await self._tell(freelancer, text, markup)
        return True

    async def send_digest(self, freelancer: Freelancer, now: datetime) -> bool:
        """Monday's digest: overdue totals per currency, last week's reminders, this week's due dates."""
        tz = freelancer.timezone
        today = now.astimezone(ZoneInfo(tz)).date()
        if not await self.store.freelancers.claim_day(freelancer.id, "last_digest_on", today):
            return False
        overdue = await self.store.invoices.open_due_before(freelancer.id, today - timedelta(days=1))
        week = [localize(today - timedelta(days=7), time(0), tz), localize(today, time(0), tz)]
        sent = await self._planned_items(await self.store.reminders.sent_between(freelancer.id, *week))
        coming = await self.store.invoices.open_due_before(freelancer.id, today + timedelta(days=6))
        due_soon = [invoice for invoice in coming if invoice.due_date >= today]
        if not overdue and not sent and not due_soon:
            return False
        tr = translator(freelancer.language)
        if freelancer.digest_chart:
            await self._send_ageing_chart(freelancer, tr, today)
        stats_button = keyboard([[(tr.plain("📊 Stats"), kb.ST_SHOW(freelancer.id))]])
        await self._tell(freelancer, render_digest(tr, tz, today, overdue, sent, due_soon), stats_button)
        return True

    async def _send_ageing_chart(self, freelancer: Freelancer, tr: Translator, today: date) -> None:
        """The digest's optional picture: what is outstanding by lateness (drawn off the event loop).

        A chart that cannot be drawn or sent never holds back the digest's text."""
        invoices = await self.store.stats.invoice_facts(freelancer.id)
        try:
            picture = await asyncio.to_thread(charts.ageing_picture, tr, invoices, today)
            if picture is not None:
                png, caption = picture
                await self.bot.send_photo(freelancer.telegram_user_id, png, caption=caption)
        except TelegramError as exc:
            log.warning("digest chart for freelancer %s not sent: %s", freelancer.id, exc)
