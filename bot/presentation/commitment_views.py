"""How payment plans, promises to pay and disputes read, and their buttons: shared by the handlers
(invoice card, client card, /overdue, the conversations) and the engine (missed instalments, broken
promises).

Freelancer buttons: `pp:ok|no:<plan>` answer a client's plan, `pm:resume|more:<plan>[:<days>]` decide
about a missed instalment, `dr:fix|explain|cancel:<dispute>` resolve a dispute. Client buttons:
`cq:ok|no:<invoice>:<plan>` answer the freelancer's plan. Every id is looked up again with the
pressing user, so a forged one finds nothing.
"""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup

from bot.domain.instalments import InstalmentDue
from bot.i18n import N_, Html, Translator, escape
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import keyboard
from bot.storage import Invoice
from bot.storage.disputes import Dispute
from bot.storage.payment_plans import PaymentPlan

MORE_TIME_CHOICES = (7, 14, 30)
"""Days a missed instalment (and the ones after it) can be pushed back by, from the freelancer's buttons."""

DISPUTE_REASONS: dict[str, str] = {
    "amount": N_("Wrong amount"),
    "not_delivered": N_("Not delivered"),
    "already_paid": N_("Already paid"),
    "other": N_("Other reason"),
}
FREQUENCY_NAMES: dict[str, str] = {"weekly": N_("weekly"), "monthly": N_("monthly")}


def reason_label(tr: Translator, reason: str) -> str:
    return tr.plain(DISPUTE_REASONS.get(reason, DISPUTE_REASONS["other"]))


def schedule_lines(
    tr: Translator, currency: str, dues: list[InstalmentDue], today: date | None = None
) -> str:
    """One line per instalment: "2/3 · 400,00 € · 12 janv. 2027", with ✅ when paid, ⏳ partly paid,
    ⚠️ when missed."""
    lines = []
    for due in dues:
        mark = ""
        if due.left_minor <= 0:
            mark = " ✅"
        elif today is not None and due.due_date < today:
            mark = " ⚠️"
        elif due.paid_minor > 0:
            mark = " ⏳ " + tr.plain("{paid} paid", paid=tr.money(due.paid_minor, currency))
        lines.append(
            f"{due.seq}/{len(dues)} · {tr.money(due.amount_minor, currency)} · {tr.date(due.due_date)}{mark}"
        )
    return escape("\n".join(lines))


def plan_summary(tr: Translator, invoice: Invoice, plan: PaymentPlan, dues: list[InstalmentDue]) -> Html:
    """The proposal as both sides read it before answering."""
    return tr._(
        "{count} {frequency} instalments for invoice {number} ({amount}):\n{schedule}",
        count=plan.count, frequency=tr.plain(FREQUENCY_NAMES[plan.frequency]), number=invoice.number,
        amount=tr.money(plan.total_minor, invoice.currency),
        schedule=schedule_lines(tr, invoice.currency, dues),
    )  # fmt: skip


def plan_card_line(
    tr: Translator, invoice: Invoice, plan: PaymentPlan, dues: list[InstalmentDue], today: date
) -> Html:
    """The plan on the invoice card."""
    schedule = schedule_lines(tr, invoice.currency, dues, today)
    if plan.status == "proposed":
        who = tr.plain("the client") if plan.proposed_by == "client" else tr.plain("you")
        return tr._("📆 Payment plan proposed by {who}, waiting for an answer:\n{schedule}", who=who,
                    schedule=schedule)  # fmt: skip
    if plan.status == "missed":
        return tr._(
            "📆 Payment plan: instalment {seq} was missed, reminders wait for your decision:\n{schedule}",
            seq=plan.missed_seq or "?", schedule=schedule,
        )  # fmt: skip
    return tr._("📆 Payment plan in {count} instalments:\n{schedule}", count=plan.count, schedule=schedule)


def freelancer_plan_buttons(tr: Translator, plan_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(tr.plain("✅ Accept the plan"), kb.PP_OK(plan_id)),
                      (tr.plain("✖️ Decline"), kb.PP_NO(plan_id))]])  # fmt: skip


def client_plan_buttons(tr: Translator, invoice_id: int, plan_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(tr.plain("✅ Accept the plan"), kb.CQ_OK(invoice_id, plan_id)),
                      (tr.plain("✖️ Decline"), kb.CQ_NO(invoice_id, plan_id))]])  # fmt: skip


def missed_text(tr: Translator, invoice: Invoice, plan: PaymentPlan, due: InstalmentDue) -> Html:
    return tr._(
        "⚠️ {client} missed instalment {seq} of {count} for {number}: {amount} was due on {date}. They were "
        "reminded once. Resume the normal reminders on the whole balance ({balance}), or give more time?",
        client=invoice.client_name, seq=due.seq, count=plan.count, number=invoice.number,
        amount=tr.money(due.left_minor, invoice.currency), date=tr.date(due.due_date),
        balance=tr.money(invoice.balance_minor, invoice.currency),
    )  # fmt: skip


def missed_buttons(tr: Translator, plan_id: int) -> InlineKeyboardMarkup:
    more = [(tr.plain("+{n} days", n=days), kb.PM_MORE(plan_id, days)) for days in MORE_TIME_CHOICES]
    return keyboard(
        [[(tr.plain("▶️ Resume reminders on the whole balance"), kb.PM_RESUME(plan_id))], more]
    )


def dispute_text(tr: Translator, invoice: Invoice, dispute: Dispute) -> Html:
    """What the freelancer reads when a client disputes an invoice."""
    text = tr._(
        "⚠️ {client} disputes invoice {number} ({amount}): {reason}. Reminders for it are stopped until you "
        "resolve this.",
        client=invoice.client_name, number=invoice.number, amount=tr.money(invoice.balance_minor, invoice.currency),
        reason=reason_label(tr, dispute.reason),
    )  # fmt: skip
    if dispute.details:
        text = Html(f"{text}\n\n{tr._('Their words: {details}', details=dispute.details)}")
    return text


def resolve_buttons(tr: Translator, dispute_id: int) -> InlineKeyboardMarkup:
    return keyboard([
        [(tr.plain("📝 Send a corrected invoice"), kb.DR_FIX(dispute_id))],
        [(tr.plain("💬 Explain and resume reminders"), kb.DR_EXPLAIN(dispute_id))],
        [(tr.plain("🗑 Cancel the invoice"), kb.DR_CANCEL(dispute_id))],
    ])  # fmt: skip


def dispute_card_line(tr: Translator, dispute: Dispute) -> Html:
    return tr._(
        "⚠️ Disputed by the client since {date}: {reason}. No reminder goes out until you resolve it.",
        date=tr.date(dispute.created_at.date()), reason=reason_label(tr, dispute.reason),
    )  # fmt: skip


def dispute_history_line(tr: Translator, dispute: Dispute) -> str:
    """One line of /history and of the client card."""
    opened = tr.plain("⚠️ Dispute opened on {date}: {reason}", date=tr.date(dispute.created_at.date()),
                      reason=reason_label(tr, dispute.reason))  # fmt: skip
    if dispute.is_open or dispute.resolved_at is None:
        return opened
    outcome = {
        "corrected": tr.plain("resolved on {date} with a corrected invoice"),
        "resumed": tr.plain("resolved on {date}: explained, reminders resumed"),
        "cancelled": tr.plain("resolved on {date}: invoice cancelled"),
    }[dispute.status]
    return f"{opened} — {outcome.format(date=tr.date(dispute.resolved_at.date()))}"


def plan_history_line(tr: Translator, plan: PaymentPlan, currency: str) -> str:
    state = {
        "proposed": tr.plain("proposed"), "accepted": tr.plain("accepted"), "declined": tr.plain("declined"),
        "missed": tr.plain("an instalment was missed"), "ended": tr.plain("ended, normal reminders resumed"),
        "withdrawn": tr.plain("replaced by a new proposal"),
    }[plan.status]  # fmt: skip
    who = tr.plain("by the client") if plan.proposed_by == "client" else tr.plain("by you")
    return tr.plain(
        "📆 Payment plan of {count} instalments ({total}) proposed {who}: {state}",
        count=plan.count, total=tr.money(plan.total_minor, currency), who=who, state=state,
    )  # fmt: skip


MAX_DISPUTES_ON_CARD = 5


def client_card_lines(tr: Translator, kept: int, broken: int, disputes: list[Dispute], numbers: dict[int, str]) -> Html:
    """Promises kept and broken, and the client's disputes (open ones first), for the client card."""
    lines: list[str] = []
    if kept or broken:
        lines.append(tr._("🤝 Promises to pay: {kept} kept, {broken} broken.", kept=kept, broken=broken))
    ordered = sorted(disputes, key=lambda d: (not d.is_open, -d.id))[:MAX_DISPUTES_ON_CARD]
    for dispute in ordered:
        line = escape(f"{numbers.get(dispute.invoice_id, '?')}: {dispute_history_line(tr, dispute)}")
        lines.append(line)
    return Html("\n".join(lines))
