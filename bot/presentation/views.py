"""Rendering shared by the invoice, client and summary handlers: lines, cards and input problems.

Everything returned is HTML-safe: user-provided values are escaped by the translator.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.domain.dates import DateError, DateErrorReason
from bot.domain.money import AmountError, AmountErrorReason
from bot.domain.penalties import Penalties
from bot.domain.plans import CUSTOM_CODE, Plan, PlanError
from bot.i18n import N_, Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import keyboard
from bot.presentation.late_amounts import freelancer_line
from bot.storage import Freelancer, Invoice, Payment


def local_today(freelancer: Freelancer, now: datetime) -> date:
    """The freelancer's calendar date at this instant."""
    return now.astimezone(ZoneInfo(freelancer.timezone)).date()


def due_phrase(tr: Translator, invoice: Invoice, today: date) -> Html:
    days = invoice.days_overdue(today)
    if days > 0:
        return tr.n_("{n} day overdue", "{n} days overdue", days)
    if days == 0:
        return tr._("due today")
    return tr.n_("due in {n} day", "due in {n} days", -days)


def invoice_line(tr: Translator, invoice: Invoice, today: date) -> Html:
    """One line of a list: number, client, balance, due date and how late it is."""
    return tr._(
        "<b>{number}</b> · {client} · {amount} · {due_date} ({phrase})",
        number=invoice.number,
        client=invoice.client_name,
        amount=tr.money(invoice.balance_minor, invoice.currency),
        due_date=tr.date(invoice.due_date),
        phrase=due_phrase(tr, invoice, today),
    )


def status_phrase(tr: Translator, invoice: Invoice) -> Html:
    if invoice.status == "paid":
        return tr._("✅ Paid")
    if invoice.status == "cancelled":
        return tr._("Cancelled")
    if invoice.paid_minor:
        return tr._("Partly paid")
    return tr._("Open")


PLAN_NAMES = {"standard": N_("Standard"), "gentle": N_("Gentle"), "once": N_("Once"), "custom": N_("Custom")}


def plan_label(tr: Translator, spec: str | None) -> str:
    """A plan as freelancers know it: "Gentle", or "Custom (-7, 0, 7, then every 7 days, 4 more at most)"."""
    try:
        plan = Plan.from_spec(spec or "standard")
    except PlanError:
        return tr.plain("Standard")
    if plan.code != CUSTOM_CODE:
        return tr.plain(PLAN_NAMES[plan.code])
    days = ", ".join(str(offset) for offset in plan.offsets)
    if plan.repeat_every is not None and plan.repeat_max is not None:
        days = tr.plain_n(
            "{days}, then every day, {count} more at most",
            "{days}, then every {n} days, {count} more at most",
            plan.repeat_every, days=days, count=plan.repeat_max,
        )  # fmt: skip
    elif plan.repeat_every is not None:
        days = tr.plain_n(
            "{days}, then every day until paid", "{days}, then every {n} days until paid", plan.repeat_every,
            days=days,
        )  # fmt: skip
    if plan.call_offset is not None:
        days = tr.plain("{days}; a call on day {call}", days=days, call=plan.call_offset)
    return tr.plain("Custom ({days})", days=days)


def reminders_phrase(tr: Translator, invoice: Invoice) -> Html:
    if not invoice.reminders_enabled:
        return tr._("off")
    if invoice.reminders_paused:
        return tr._("paused")
    if invoice.plan is None:
        return tr._("on (the client's or your default plan)")
    return tr._("on ({plan})", plan=plan_label(tr, invoice.plan))


def payment_details_hint(tr: Translator, freelancer: Freelancer, invoice_has_file: bool) -> Html | None:
    """Reminders without an IBAN or a payment link cannot say how to pay: say where to add them.

    The invoice file only helps by e-mail (Telegram reminders never carry it), so it does not silence
    the hint; it changes its words.
    """
    if freelancer.iban or freelancer.payment_link:
        return None
    where = tr._("/settings → {iban} or {link}", iban=tr.plain("IBAN"), link=tr.plain("Payment link"))
    if invoice_has_file:
        return tr._(
            "💡 Only e-mailed reminders carry the invoice file; in Telegram they cannot say how to pay. "
            "Add your IBAN or a payment link: {where}.",
            where=where,
        )
    return tr._(
        "💡 Your reminders cannot tell the client how to pay yet. Add your IBAN or a payment link: {where}.",
        where=where,
    )


def invoice_card(
    tr: Translator,
    invoice: Invoice,
    payments: list[Payment],
    today: date,
    freelancer: Freelancer | None = None,
    late: Penalties | None = None,
) -> Html:
    lines: list[str] = [
        tr._("<b>Invoice {number}</b> — {client}", number=invoice.number, client=invoice.client_name),
        tr._("Amount: {amount}", amount=tr.money(invoice.amount_minor, invoice.currency)),
    ]
    if invoice.paid_minor:
        lines.append(tr._("Still due: {amount}", amount=tr.money(invoice.balance_minor, invoice.currency)))
    lines += [
        tr._("Issued: {date}", date=tr.date(invoice.issue_date)),
        tr._("Due: {date}", date=tr.date(invoice.due_date))
        + (Html(f" ({due_phrase(tr, invoice, today)})") if invoice.is_open else Html("")),
        tr._("Status: {status}", status=status_phrase(tr, invoice)),
        tr._("Reminders: {state}", state=reminders_phrase(tr, invoice)),
    ]
    if late is not None and (line := freelancer_line(tr, late)):
        lines.append(line)
    if invoice.description:
        lines.append(tr._("Description: {text}", text=invoice.description))
    if invoice.file_name:
        lines.append(tr._("File: {name}", name=invoice.file_name))
    for payment in payments:
        lines.append(
            tr._(
                "💶 {amount} received on {date}",
                amount=tr.money(payment.amount_minor, invoice.currency),
                date=tr.date(payment.paid_on),
            )
        )
    hint = (
        payment_details_hint(tr, freelancer, bool(invoice.file_id))
        if freelancer and invoice.is_open
        else None
    )
    if hint and invoice.reminders_enabled:
        lines.append(hint)
    return Html("\n".join(lines))


def invoice_buttons(
    tr: Translator, invoice: Invoice, today: date | None = None, dispute_id: int | None = None
) -> InlineKeyboardMarkup:
    """The card's buttons; with `today`, an overdue unpaid invoice also offers a formal notice; with
    `dispute_id` (the client disputes it), the ways to resolve the dispute come first."""
    rows: list[list[tuple[str, str]]] = []
    if invoice.is_open and dispute_id is not None:
        rows += [
            [(tr.plain("📝 Send a corrected invoice"), kb.DR_FIX(dispute_id))],
            [(tr.plain("💬 Explain and resume reminders"), kb.DR_EXPLAIN(dispute_id))],
            [(tr.plain("🗑 Cancel the invoice"), kb.DR_CANCEL(dispute_id))],
        ]
    if invoice.is_open:
        rows.append([(tr.plain("✅ Mark paid"), kb.INV_PAID(invoice.id)),
                     (tr.plain("Partial payment"), kb.INV_PART(invoice.id))])  # fmt: skip
        if invoice.reminders_enabled and not invoice.reminders_paused:
            toggle = (tr.plain("⏸ Pause reminders"), kb.INV_PAUSE(invoice.id))
        else:
            toggle = (tr.plain("▶️ Resume reminders"), kb.INV_RESUME(invoice.id))
        rows.append([toggle, (tr.plain("✏️ Edit"), kb.INV_EDIT(invoice.id))])
        rows.append([(tr.plain("🔔 Remind now"), kb.RM_NOW(invoice.id)),
                     (tr.plain("🧪 Send me a test"), kb.RM_TEST(invoice.id))])  # fmt: skip
        rows.append([(tr.plain("🕑 History"), kb.RM_HIST(invoice.id)),
                     (tr.plain("📅 Schedule"), kb.RM_SCHED(invoice.id)),
                     (tr.plain("🔔 Plan"), kb.PL_SHOW("i", invoice.id))])  # fmt: skip
        rows.append([(tr.plain("📆 Instalments"), kb.PI_NEW(invoice.id)),
                     (tr.plain("🤝 Promise to pay"), kb.CALL_PROM(invoice.id))])  # fmt: skip
        if today is not None and invoice.balance_minor > 0 and today > invoice.due_date:
            rows.append([(tr.plain("⚖️ Formal notice…"), kb.FN_START(invoice.id))])
        if dispute_id is None:
            rows.append([(tr.plain("Cancel invoice"), kb.INV_CANCEL(invoice.id))])
    else:
        rows.append([(tr.plain("🕑 History"), kb.RM_HIST(invoice.id))])
    return keyboard(rows)


def amount_problem(tr: Translator, error: AmountError) -> Html:
    """Why an amount was refused, with an example of what works."""
    reason = error.reason
    if reason == AmountErrorReason.NOT_POSITIVE:
        return tr._("The amount must be more than zero, for example 1 200,50 €.")
    if reason == AmountErrorReason.TOO_LARGE:
        return tr._(
            "That amount looks far too large for an invoice. Please check it, for example 1 200,50 €."
        )
    if reason == AmountErrorReason.TOO_MANY_DECIMALS:
        return tr._(
            "Too many decimals for {currency}. For example: 1 200,50 €.", currency=error.currency or ""
        )
    if reason == AmountErrorReason.AMBIGUOUS_AMOUNT and len(error.readings) == 2:
        first, second = (tr.money(m.minor, m.currency) for m in error.readings)
        return tr._(
            "Did you mean {first} or {second}? Tap the right one, or type the amount again with its "
            "decimals, for example {second}.",
            first=first,
            second=second,
        )
    if reason == AmountErrorReason.UNKNOWN_CURRENCY:
        return tr._(
            "I do not know that currency. Use an ISO code or a symbol, for example 1 200 EUR or 99 £."
        )
    return tr._("I could not read that amount. Type it as on the invoice, for example 1 234,56 € or 1200.")


def date_problem(tr: Translator, error: DateError) -> Html:
    if error.reason == DateErrorReason.IMPOSSIBLE:
        return tr._("That date does not exist in the calendar. Please check it, for example 28/02/2027.")
    if error.reason == DateErrorReason.OUT_OF_RANGE:
        return tr._("That year looks wrong. Please type a date such as 15/12/2026.")
    return tr._("I could not read that date. For example: 15/12/2026, 15 Dec or today.")
