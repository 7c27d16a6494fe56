"""Rendering for the freelancer's side of reminders: plans, problems, history, schedule, preview, digest.

Pure functions of their arguments (no I/O, no clock): handlers and the dispatcher fetch, these render.
Everything returned is HTML-safe: values are escaped by the translator.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from telegram import InlineKeyboardMarkup

from bot.domain.plans import (
    MAX_OFFSET,
    MAX_REPEAT_EVERY,
    MAX_REPEAT_MAX,
    MAX_STEPS,
    MIN_OFFSET,
    Plan,
    PlanErrorReason,
    Step,
)
from bot.domain.templates import MAX_TEMPLATE_LENGTH, PLACEHOLDERS, TemplateProblem, TemplateProblemReason
from bot.i18n import N_, Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import keyboard, nonempty
from bot.presentation.views import invoice_line
from bot.storage import Client, Invoice, Reminder
from bot.storage.formal_notices import FormalNoticeRecord

MAX_LISTED = 15
"""Longest list in a preview or digest section (each line is short; the rest is counted)."""
PREVIEW_WITH_BUTTONS = 12
"""Reminders of a preview that get their own buttons: four each stays under Telegram's 100 buttons."""
ESSENTIAL_PLACEHOLDERS = ("number", "amount", "payment_details")
WHEN = "EEE d MMM yyyy, HH:mm"

TONE_NAMES = {
    "courtesy": N_("courtesy heads-up"),
    "friendly": N_("friendly reminder"),
    "firm": N_("firm reminder"),
    "final": N_("final reminder"),
    "notice": N_("formal notice note (to you)"),
    "call": N_("courtesy call script (to you)"),
}
TONE_TITLES = {
    "courtesy": N_("Courtesy heads-up (before the due date)"),
    "friendly": N_("Friendly reminder (first one after the due date)"),
    "firm": N_("Firm reminder"),
    "final": N_("Final reminder"),
}
TONE_SHORT = {
    "courtesy": N_("Courtesy"),
    "friendly": N_("Friendly"),
    "firm": N_("Firm"),
    "final": N_("Final"),
}
PLACEHOLDER_MEANINGS = {
    "client": N_("the client's name"),
    "number": N_("the invoice number"),
    "amount": N_("the amount still due"),
    "due_date": N_("the due date"),
    "issue_date": N_("the issue date"),
    "days_overdue": N_("how late the payment is, such as “12 days”"),
    "payment_details": N_("your IBAN and payment link"),
    "freelancer": N_("your name"),
}


def tone_name(tr: Translator, tone: str) -> str:
    return tr.plain(TONE_NAMES.get(tone, TONE_NAMES["friendly"]))


def tone_title(tr: Translator, tone: str) -> str:
    return tr.plain(TONE_TITLES.get(tone, TONE_TITLES["friendly"]))


def tone_short(tr: Translator, tone: str) -> str:
    return tr.plain(TONE_SHORT.get(tone, TONE_SHORT["friendly"]))


def when(tr: Translator, instant: datetime, tz: str) -> str:
    """An instant in the freelancer's zone, with the weekday: "Mon 30 Nov 2026, 09:30"."""
    return tr.datetime(instant, tz, WHEN)


# Plans ---------------------------------------------------------------------------------------------
def plan_explanations(tr: Translator) -> list[Html]:
    return [
        tr._(
            "<b>Standard</b>: a courtesy heads-up 3 days before the due date, reminders 3 and 10 days after "
            "it, at 15 days a script for you to call the client, a final reminder at 20 days, and at 30 days "
            "a note to you with a button to draft the formal notice."
        ),
        tr._("<b>Gentle</b>: a reminder on the due date, then one a week, 5 more at most."),
        tr._("<b>Once</b>: a single reminder on the due date."),
        tr._(
            "<b>Custom</b>: your own days, for example <code>-7, 0, 7, 14, 30</code> or "
            "<code>0, 7 then every 7 days, at most 4</code>; add <code>call 12</code> for a courtesy call "
            "script on day 12."
        ),
    ]


def step_line(tr: Translator, step: Step) -> Html:
    tone = tone_name(tr, step.tone.value)
    if step.offset_days < 0:
        return tr.n_(
            "• {n} day before the due date: {tone}",
            "• {n} days before the due date: {tone}",
            -step.offset_days,
            tone=tone,
        )
    if step.offset_days == 0:
        return tr._("• On the due date: {tone}", tone=tone)
    return tr.n_(
        "• {n} day after the due date: {tone}", "• {n} days after the due date: {tone}", step.offset_days,
        tone=tone,
    )  # fmt: skip


def plan_steps(tr: Translator, plan: Plan) -> Html:
    """Every step of the plan, one per line, with its tone."""
    lines = [step_line(tr, step) for step in plan.steps()]
    lines.append(tr._("A day that is not a business day moves to the next one."))
    return Html("\n".join(lines))


def custom_plan_prompt(tr: Translator) -> Html:
    return tr._(
        "Type your own plan: days counted from the due date (negative before it), separated by commas, "
        "optionally followed by a repeat. For example:\n<code>-7, 0, 7, 14, 30</code>\n"
        "<code>0, 7 then every 7 days, at most 4</code>\n\nAdd <code>call N</code> to get, on day N, a short "
        "script to phone the client yourself (with buttons for what they said):\n"
        "<code>0, 7, call 12, 14, 30</code>\n\nSend /cancel to keep the current plan."
    )


def plan_problem(tr: Translator, reason: PlanErrorReason) -> Html:
    """Why a typed plan was refused, with an example that works."""
    if reason == PlanErrorReason.EMPTY:
        return tr._("Please type at least one day, for example: <code>-7, 0, 7, 14, 30</code>")
    if reason == PlanErrorReason.OUT_OF_RANGE:
        return tr._(
            "Reminders must stay between {low} and {high} days from the due date, repeats included. "
            "For example: <code>-7, 0, 7, 14, 30</code>",
            low=MIN_OFFSET,
            high=MAX_OFFSET,
        )
    if reason == PlanErrorReason.DUPLICATE_OFFSETS:
        return tr._("The same day appears twice. Give each day once, for example: <code>0, 7, 14</code>")
    if reason == PlanErrorReason.TOO_MANY_STEPS:
        return tr._(
            "That makes more than {limit} reminders, which would be too insistent. "
            "For example: <code>0, 7, 14 then every 7 days, at most 4</code>",
            limit=MAX_STEPS,
        )
    if reason == PlanErrorReason.BAD_CALL:
        return tr._(
            "A plan has at most one call, on a day after the due date (1 to {high}) with no reminder to the "
            "client, and before the formal notice note. For example: <code>0, 7, call 12, 14, 30</code>",
            high=MAX_OFFSET,
        )
    if reason == PlanErrorReason.BAD_REPEAT:
        return tr._(
            "A repeat needs “every N days” (N from 1 to {every}) and at most {count} repeats. "
            "For example: <code>0, 7 then every 7 days, at most 4</code>",
            every=MAX_REPEAT_EVERY,
            count=MAX_REPEAT_MAX,
        )
    return tr._(
        "I could not read that plan. Type days from the due date separated by commas, for example: "
        "<code>-7, 0, 7, 14, 30 then every 7 days, at most 4</code>"
    )


# Templates -----------------------------------------------------------------------------------------
def template_problem(tr: Translator, problem: TemplateProblem) -> Html:
    reason = problem.reason
    if reason == TemplateProblemReason.EMPTY:
        return tr._("The text is empty. Please type the words of the reminder.")
    if reason == TemplateProblemReason.TOO_LONG:
        return tr._(
            "The text is too long ({length} characters). Please keep it under {limit}.",
            length=problem.detail,
            limit=MAX_TEMPLATE_LENGTH,
        )
    if reason == TemplateProblemReason.UNKNOWN_PLACEHOLDER:
        return tr._(
            "I do not know the placeholder {placeholder}. You can use: {known}.",
            placeholder=problem.detail,
            known=placeholder_list(),
        )
    if reason == TemplateProblemReason.BAD_PLACEHOLDER:
        return tr._(
            "{placeholder} is not allowed: a placeholder is one of these names in braces: {known}.",
            placeholder=problem.detail,
            known=placeholder_list(),
        )
    return tr._(
        "A brace is not matched near “{context}”. Placeholders look like {example}; "
        "to write a brace itself, type it twice: {braces}.",
        context=problem.detail,
        example="{client}",
        braces="{{ }}",
    )


def template_problems(tr: Translator, problems: list[TemplateProblem]) -> Html:
    lines = [tr._("I cannot use this text:"), *(Html(f"• {template_problem(tr, p)}") for p in problems)]
    lines.append(tr._("Please send a corrected text, or /cancel."))
    return Html("\n".join(lines))


def placeholder_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def placeholder_help(tr: Translator) -> Html:
    lines = [
        tr._("{placeholder} — {meaning}", placeholder="{" + name + "}", meaning=tr.plain(meaning))
        for name, meaning in PLACEHOLDER_MEANINGS.items()
    ]
    return Html("\n".join(lines))


def missing_essentials(text: str) -> list[str]:
    """Key facts a reminder should name (see the product brief) that this text leaves out."""
    return ["{" + name + "}" for name in ESSENTIAL_PLACEHOLDERS if "{" + name + "}" not in text]


# History and schedule ------------------------------------------------------------------------------
def history_line(tr: Translator, reminder: Reminder, tz: str) -> Html:
    tone = tone_name(tr, reminder.tone)
    at = when(tr, reminder.scheduled_at, tz)
    reason = reminder.last_error or tr.plain("no reason recorded")
    status = reminder.status
    if status == "sent" and reminder.sent_at is not None:
        return tr._(
            "✅ {when} — {tone} sent by {channel} to {recipient}",
            when=when(tr, reminder.sent_at, tz), tone=tone, channel=reminder.channel or "?",
            recipient=reminder.recipient or "?",
        )  # fmt: skip
    if status == "planned":
        return tr._("🕑 {when} — {tone} planned", when=at, tone=tone)
    if status == "held":
        return tr._(
            "✋ {when} — {tone} waiting for your decision ({reason})", when=at, tone=tone, reason=reason
        )
    if status == "sending":
        return tr._("📤 {when} — {tone} being sent", when=at, tone=tone)
    if status == "skipped":
        return tr._("⏭ {when} — {tone} skipped: {reason}", when=at, tone=tone, reason=reason)
    if status == "failed":
        return tr._("❌ {when} — {tone} failed: {reason}", when=at, tone=tone, reason=reason)
    if status == "uncertain":
        return tr._("⚠️ {when} — {tone} may not have been delivered: {reason}", when=at, tone=tone,
                    reason=reason)  # fmt: skip
    return tr._("✖ {when} — {tone} cancelled: {reason}", when=at, tone=tone, reason=reason)


def render_history(tr: Translator, invoice: Invoice, reminders: list[Reminder], tz: str) -> list[Html]:
    """The title, then one line per reminder row in time order (sent ones at their sending time)."""
    title = tr._("<b>Reminders of {number}</b> ({client})", number=invoice.number, client=invoice.client_name)
    if not reminders:
        return [title, tr._("No reminder planned or sent yet.")]
    ordered = sorted(reminders, key=lambda r: (r.sent_at or r.scheduled_at, r.id))
    return [title, *(history_line(tr, r, tz) for r in ordered)]


def why_nothing_is_planned(tr: Translator, invoice: Invoice) -> Html:
    if not invoice.is_open:
        return tr._("Invoice {number} is paid or cancelled: no more reminders.", number=invoice.number)
    if not invoice.reminders_enabled:
        return tr._(
            "Reminders are off for {number}. Turn them on with ▶️ Resume reminders on its card.",
            number=invoice.number,
        )
    if invoice.reminders_paused:
        return tr._("Reminders are paused for {number}.", number=invoice.number)
    return tr._("No reminder left for {number}: its plan is complete.", number=invoice.number)


def render_schedule(tr: Translator, invoice: Invoice, reminders: list[Reminder], plan: str, tz: str) -> Html:
    """Upcoming reminders (planned or held), with dates in the freelancer's zone."""
    title = tr._(
        "<b>Upcoming reminders of {number}</b> ({client}) — plan: {plan}",
        number=invoice.number, client=invoice.client_name, plan=plan,
    )  # fmt: skip
    upcoming = sorted((r for r in reminders if r.status in ("planned", "held")), key=lambda r: r.scheduled_at)
    if not upcoming:
        return Html(f"{title}\n{why_nothing_is_planned(tr, invoice)}")
    lines = [
        tr._("• {when} — {tone}", when=when(tr, r.scheduled_at, tz), tone=tone_name(tr, r.tone))
        for r in upcoming
    ]
    return Html("\n".join([title, *lines]))


# Evening preview -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Planned:
    """A reminder with what it is about, for the preview and the digest."""

    reminder: Reminder
    invoice: Invoice
    client: Client


def preview_line(tr: Translator, item: Planned, tz: str) -> Html:
    return tr._(
        "• {time} — <b>{number}</b> · {client} · {amount} — {tone}",
        time=tr.datetime(item.reminder.scheduled_at, tz, "HH:mm"), number=item.invoice.number,
        client=item.client.name, amount=tr.money(item.invoice.balance_minor, item.invoice.currency),
        tone=tone_name(tr, item.reminder.tone),
    )  # fmt: skip


def sent_line(tr: Translator, item: Planned, tz: str) -> Html:
    return tr._(
        "• {time} — <b>{number}</b> · {client} — {tone}",
        time=tr.datetime(item.reminder.sent_at or item.reminder.scheduled_at, tz, "HH:mm"),
        number=item.invoice.number, client=item.client.name, tone=tone_name(tr, item.reminder.tone),
    )  # fmt: skip


def preview_buttons(tr: Translator, items: list[Planned], manual: bool) -> InlineKeyboardMarkup:
    """Two rows per reminder, every label naming its invoice (rows cannot have headings)."""
    rows: list[list[tuple[str, str]]] = []
    for item in items[:PREVIEW_WITH_BUTTONS]:
        number, rid = item.invoice.number[:16], item.reminder.id
        first = [(tr.plain("⏭ Skip {number}", number=number), kb.RP_SKIP(rid))]
        if manual:
            first.insert(0, (tr.plain("✅ Approve {number}", number=number), kb.RP_OK(rid)))
        rows.append(first)
        rows.append([(tr.plain("📅 +7 days {number}", number=number), kb.RP_LATER(rid)),
                     (tr.plain("✏️ Text {number}", number=number), kb.RP_TEXT(rid))])  # fmt: skip
    return keyboard(rows)


def more_line(tr: Translator, hidden: int) -> list[Html]:
    return [tr.n_("…and {n} more.", "…and {n} more.", hidden)] if hidden > 0 else []


def render_preview(
    tr: Translator, tz: str, tomorrow: date, planned: list[Planned], sent_today: list[Planned], manual: bool
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The 18:00 message: tomorrow's reminders with their buttons, and in daily mode what went out today."""
    lines: list[str] = []
    if planned:
        lines.append(
            tr.n_(
                "🌙 <b>Tomorrow, {date}</b>, {n} reminder is planned:",
                "🌙 <b>Tomorrow, {date}</b>, {n} reminders are planned:",
                len(planned),
                date=tr.date(tomorrow, "full"),
            )
        )
        lines += [preview_line(tr, item, tz) for item in planned[:MAX_LISTED]]
        lines += more_line(tr, len(planned) - MAX_LISTED)
        lines.append(
            tr._("Only the reminders you approve will go out.")
            if manual
            else tr._("They will go out unless you skip them.")
        )
    if sent_today:
        lines += ["", tr.n_("📨 <b>{n} reminder sent today:</b>", "📨 <b>{n} reminders sent today:</b>",
                            len(sent_today))]  # fmt: skip
        lines += [sent_line(tr, item, tz) for item in sent_today[:MAX_LISTED]]
        lines += more_line(tr, len(sent_today) - MAX_LISTED)
    return Html("\n".join(lines).strip()), nonempty(preview_buttons(tr, planned, manual))


# Weekly digest -------------------------------------------------------------------------------------
def overdue_totals(invoices: list[Invoice]) -> dict[str, tuple[int, int]]:
    """Balance and count of invoices per currency (never summed across currencies)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for invoice in invoices:
        totals[invoice.currency][0] += invoice.balance_minor
        totals[invoice.currency][1] += 1
    return {currency: (minor, count) for currency, (minor, count) in sorted(totals.items())}


def render_digest(
    tr: Translator, tz: str, today: date, overdue: list[Invoice], sent: list[Planned], due_soon: list[Invoice]
) -> Html:
    lines: list[str] = [tr._("📊 <b>Your week</b> — {date}", date=tr.date(today, "full")), ""]
    lines.append(tr._("<b>Overdue</b>"))
    totals = overdue_totals(overdue)
    lines += [
        tr.n_("• {amount} on {n} invoice", "• {amount} on {n} invoices", count, amount=tr.money(minor, cur))
        for cur, (minor, count) in totals.items()
    ] or [tr._("Nothing is overdue. 🎉")]
    lines += ["", tr._("<b>Sent last week</b>")]
    lines += (
        [
            tr._(
                "• {when} — <b>{number}</b> · {client} — {tone}",
                when=tr.datetime(item.reminder.sent_at or item.reminder.scheduled_at, tz, "EEE d MMM"),
                number=item.invoice.number,
                client=item.client.name,
                tone=tone_name(tr, item.reminder.tone),
            )  # fmt: skip
            for item in sent[:MAX_LISTED]
        ]
        or [tr._("No reminder went out last week.")]
    )
    lines += more_line(tr, len(sent) - MAX_LISTED)
    lines += ["", tr._("<b>Due this week</b>")]
    lines += [invoice_line(tr, invoice, today) for invoice in due_soon[:MAX_LISTED]] or [
        tr._("No invoice falls due this week.")
    ]
    lines += more_line(tr, len(due_soon) - MAX_LISTED)
    return Html("\n".join(lines))


def formal_notice_line(tr: Translator, record: FormalNoticeRecord, tz: str) -> Html:
    drafted = tr._(
        "⚖️ {date} — formal notice drafted ({days} days to pay)",
        date=tr.date(record.letter_date), days=record.deadline_days,
    )  # fmt: skip
    if record.emailed_at is None:
        return drafted
    sent = tr._(
        "e-mailed to {recipient} on {when}",
        recipient=record.emailed_to or "?", when=tr.datetime(record.emailed_at, tz),
    )  # fmt: skip
    return Html(f"{drafted}, {sent}")
