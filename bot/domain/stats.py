"""Insights: what was invoiced and collected, how late clients pay, and what cash to expect.

Pure code: facts about invoices come in as dataclasses, "today" is a parameter, figures come out as
dataclasses. Amounts are never added across currencies: every money figure is per currency.

Definitions (they are the product's, so they are spelled out here once):

* **invoiced** over a period: the amounts of the invoices issued in it (cancelled ones excluded);
* **collected**: the payments received in it, whatever the invoice's issue date;
* **outstanding**: what open invoices still owe at the period's end (today); **overdue**: the part
  of it whose due date has passed;
* **DSO** (days sales outstanding), the simple formula: outstanding ÷ invoiced over the period × the
  period's length in days (first day to today, both counted). "At the pace you invoiced, how many
  days of invoicing are still unpaid." None when nothing was invoiced in the period. Short periods
  (the first days of a month) give noisy values: the year shows the trend;
* **days late** of a paid invoice: from its due date to the day of its last payment, 0 when paid on
  or before the due date; **average days late** and the **share paid on time** are over the invoices
  settled in the period;
* **reminders it took**: for each invoice settled in the period, the client reminders sent before it
  was paid, grouped by the tone of the last one (none: paid without any reminder).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    ALL = "all"


AGEING_LIMITS = (30, 60, 90)
"""Days overdue closing the buckets 1–30, 31–60 and 61–90; a bucket "not due yet" comes first, "over 90" last."""
AGEING_BUCKETS = 1 + len(AGEING_LIMITS) + 1

MIN_PAID_FOR_SCORE = 3
"""A client with fewer paid invoices is "new": too little history to be judged."""
GRADE_LIMITS = ((2, "A"), (7, "B"), (15, "C"), (30, "D"))
"""Payer grades by average days late, rounded to whole days: 0–2 A, 3–7 B, 8–15 C, 16–30 D, over 30 E.

A (paid on time, give or take a bank transfer's delay) to E (more than a month late on average)."""
NEW = "new"

FORECAST_HORIZONS = (30, 60, 90)
WORST_PAYERS = 8
"""How many clients the days-late chart shows at most."""


# --- Facts (what storage gives) ------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFacts:
    """One invoice (open or paid; cancelled ones are left out by storage)."""

    id: int
    client_id: int
    client_name: str
    currency: str
    amount_minor: int
    paid_minor: int
    issue_date: date
    due_date: date
    status: str
    settled_on: date | None = None
    """Paid invoices: the day of the last payment (None for an invoice marked paid without payment)."""
    reminders_sent: int = 0
    """Client reminders sent for it (for paid invoices: before it was paid)."""
    last_tone: str | None = None
    """Tone of the last client reminder sent; None if none was sent."""

    @property
    def balance_minor(self) -> int:
        return self.amount_minor - self.paid_minor if self.status == "open" else 0

    @property
    def days_late(self) -> int | None:
        """For a paid invoice: days from the due date to the last payment, 0 if on time."""
        if self.status != "paid" or self.settled_on is None:
            return None
        return max(0, (self.settled_on - self.due_date).days)


@dataclass(frozen=True)
class DailyPayments:
    """The payments received on one day in one currency, summed (storage aggregates them)."""

    currency: str
    day: date
    amount_minor: int


# --- Figures (what the report shows) -------------------------------------------------------------


@dataclass(frozen=True)
class CurrencyFigures:
    currency: str
    invoiced_minor: int
    invoiced_count: int
    collected_minor: int
    outstanding_minor: int
    overdue_minor: int
    dso_days: float | None
    settled_count: int
    paid_on_time: int
    average_days_late: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.paid_on_time / self.settled_count if self.settled_count else None


@dataclass(frozen=True)
class ReminderEffect:
    """Invoices settled after the same last reminder tone (None: without any reminder)."""

    tone: str | None
    invoices: int
    reminders: int
    """Reminders sent for those invoices, in total."""


@dataclass(frozen=True)
class Report:
    period: Period
    start: date
    end: date
    figures: list[CurrencyFigures]
    """One per currency that has anything to show, by currency code."""
    reminders: list[ReminderEffect]
    """By tone in the plan's order, "none" first; only tones that settled something."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def settled_count(self) -> int:
        return sum(effect.invoices for effect in self.reminders)

    @property
    def average_reminders(self) -> float | None:
        settled = self.settled_count
        return sum(effect.reminders for effect in self.reminders) / settled if settled else None


TONE_ORDER = (None, "courtesy", "friendly", "firm", "final")


def period_start(period: Period, today: date, first_day: date | None = None) -> date:
    """The first day of the period that contains `today`; for ALL, `first_day` (the oldest invoice)."""
    if period is Period.MONTH:
        return today.replace(day=1)
    if period is Period.QUARTER:
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if period is Period.YEAR:
        return date(today.year, 1, 1)
    return min(first_day or today, today)


def _between(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def report(
    invoices: Sequence[InvoiceFacts], payments: Iterable[DailyPayments], period: Period, today: date
) -> Report:
    """The figures of `period` (up to today) per currency, and how many reminders payment took."""
    start = period_start(period, today, min((i.issue_date for i in invoices), default=today))
    days = (today - start).days + 1
    figures: dict[str, dict[str, int]] = {}
    lateness: dict[str, list[int]] = {}

    def row(currency: str) -> dict[str, int]:
        return figures.setdefault(currency, dict.fromkeys(
            ("invoiced", "count", "collected", "outstanding", "overdue", "settled", "on_time"), 0
        ))  # fmt: skip

    effects: dict[str | None, list[int]] = {}
    for invoice in invoices:
        if _between(invoice.issue_date, start, today):
            figure = row(invoice.currency)
            figure["invoiced"] += invoice.amount_minor
            figure["count"] += 1
        if invoice.balance_minor > 0:
            figure = row(invoice.currency)
            figure["outstanding"] += invoice.balance_minor
            if invoice.due_date < today:
                figure["overdue"] += invoice.balance_minor
        late = invoice.days_late
        if late is not None and _between(invoice.settled_on, start, today):
            figure = row(invoice.currency)
            figure["settled"] += 1
            figure["on_time"] += late == 0
            lateness.setdefault(invoice.currency, []).append(late)
            effect = effects.setdefault(invoice.last_tone, [0, 0])
            effect[0] += 1
            effect[1] += invoice.reminders_sent
    for payment in payments:
        if _between(payment.day, start, today):
            row(payment.currency)["collected"] += payment.amount_minor
    result = []
    for currency, f in sorted(figures.items()):
        late_days = lateness.get(currency, [])
        result.append(
            CurrencyFigures(
                currency=currency,
                invoiced_minor=f["invoiced"],
                invoiced_count=f["count"],
                collected_minor=f["collected"],
                outstanding_minor=f["outstanding"],
                overdue_minor=f["overdue"],
                dso_days=f["outstanding"] / f["invoiced"] * days if f["invoiced"] else None,
                settled_count=f["settled"],
                paid_on_time=f["on_time"],
                average_days_late=sum(late_days) / len(late_days) if late_days else None,
            )
        )
    order = {tone: rank for rank, tone in enumerate(TONE_ORDER)}
    reminders = [
        ReminderEffect(tone, n, sent)
        for tone, (n, sent) in sorted(effects.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    return Report(period, start, today, result, reminders)


# --- Ageing and months ------------------------------------------------------------------------------


def ageing_bucket(days_overdue: int) -> int:
    """0: not due yet (or due today); 1: 1–30 days overdue; 2: 31–60; 3: 61–90; 4: over 90."""
    if days_overdue <= 0:
        return 0
    return 1 + sum(days_overdue > limit for limit in AGEING_LIMITS)


@dataclass(frozen=True)
class Ageing:
    currency: str
    buckets: tuple[int, ...]
    """Outstanding balances: not due yet, 1–30, 31–60, 61–90 and over 90 days overdue."""

    @property
    def total(self) -> int:
        return sum(self.buckets)


def ageing(invoices: Iterable[InvoiceFacts], today: date) -> list[Ageing]:
    """What open invoices still owe, by how late they are, per currency (largest total first)."""
    sums: dict[str, list[int]] = {}
    for invoice in invoices:
        if invoice.balance_minor > 0:
            bucket = ageing_bucket((today - invoice.due_date).days)
            sums.setdefault(invoice.currency, [0] * AGEING_BUCKETS)[bucket] += invoice.balance_minor
    return sorted((Ageing(c, tuple(b)) for c, b in sums.items()), key=lambda a: (-a.total, a.currency))


@dataclass(frozen=True)
class Month:
    first_day: date
    invoiced_minor: int
    collected_minor: int


def month_starts(today: date, months: int = 12) -> list[date]:
    """The first days of the last `months` months, the current one last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def monthly(
    invoices: Iterable[InvoiceFacts],
    payments: Iterable[DailyPayments],
    currency: str,
    today: date,
    months: int = 12,
) -> list[Month]:
    """Invoiced (by issue date) and collected (by payment date) in `currency`, month by month."""
    starts = month_starts(today, months)
    index = {(d.year, d.month): k for k, d in enumerate(starts)}
    invoiced = [0] * months
    collected = [0] * months
    for invoice in invoices:
        k = index.get((invoice.issue_date.year, invoice.issue_date.month))
        if k is not None and invoice.currency == currency and invoice.issue_date <= today:
            invoiced[k] += invoice.amount_minor
    for payment in payments:
        k = index.get((payment.day.year, payment.day.month))
        if k is not None and payment.currency == currency and payment.day <= today:
            collected[k] += payment.amount_minor
    return [Month(d, i, c) for d, i, c in zip(starts, invoiced, collected, strict=True)]


def main_currency(invoices: Iterable[InvoiceFacts]) -> str | None:
    """The currency most invoices are in (ties: alphabetical), for the charts that show one currency."""
    counts: dict[str, int] = {}
    for invoice in invoices:
        counts[invoice.currency] = counts.get(invoice.currency, 0) + 1
    return min(counts, key=lambda c: (-counts[c], c)) if counts else None


# --- Payer score --------------------------------------------------------------------------------------


def whole_days(value: float) -> int:
    """Round half up, as people read "12.5 days" (never banker's rounding)."""
    return int(value + 0.5)


@dataclass(frozen=True)
class PayerScore:
    """How a client pays, A (on time) to E (over a month late on average), or "new".

    Judged on its paid invoices (days late at payment) and on its open invoices already overdue,
    counted with the days late so far: a client who paid three small invoices on time but has owed
    a big one for three months is not an A. A client with fewer than MIN_PAID_FOR_SCORE paid
    invoices is "new", whatever it owes: too little history to judge.
    """

    client_id: int
    client_name: str
    grade: str
    paid: int
    unpaid_overdue: int
    average_days_late: float | None

    @property
    def judged(self) -> bool:
        return self.grade != NEW

    @property
    def invoices(self) -> int:
        """How many invoices the average is over."""
        return self.paid + self.unpaid_overdue


def grade_for(average_days_late: float) -> str:
    days = whole_days(average_days_late)
    return next((grade for limit, grade in GRADE_LIMITS if days <= limit), "E")


def payer_score(invoices: Iterable[InvoiceFacts], today: date) -> PayerScore | None:
    """The score of one client from its invoices (None without any)."""
    samples: list[int] = []
    paid = overdue = 0
    client: InvoiceFacts | None = None
    for invoice in invoices:
        client = client or invoice
        late = invoice.days_late
        if late is not None:
            paid += 1
            samples.append(late)
        elif invoice.balance_minor > 0 and invoice.due_date < today:
            overdue += 1
            samples.append((today - invoice.due_date).days)
    if client is None:
        return None
    average = sum(samples) / len(samples) if samples else None
    grade = grade_for(average) if paid >= MIN_PAID_FOR_SCORE and average is not None else NEW
    return PayerScore(client.client_id, client.client_name, grade, paid, overdue, average)


def payer_scores(invoices: Iterable[InvoiceFacts], today: date) -> dict[int, PayerScore]:
    """Every client's score, by client id."""
    by_client: dict[int, list[InvoiceFacts]] = {}
    for invoice in invoices:
        by_client.setdefault(invoice.client_id, []).append(invoice)
    scores = {cid: payer_score(items, today) for cid, items in by_client.items()}
    return {cid: score for cid, score in scores.items() if score is not None}


def worst_payers(scores: Iterable[PayerScore], limit: int = WORST_PAYERS) -> list[PayerScore]:
    """Judged clients at least a day late on average, latest first (ties: by name)."""
    late = [
        s
        for s in scores
        if s.judged and s.average_days_late is not None and whole_days(s.average_days_late) >= 1
    ]
    return sorted(late, key=lambda s: (-(s.average_days_late or 0), s.client_name.casefold()))[:limit]


# --- Cash forecast ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Expected receipts in one currency, cumulative: within 30, 60 and 90 days, and later."""

    currency: str
    within: tuple[int, ...]
    """Sums expected within each of FORECAST_HORIZONS days from today (cumulative)."""
    later: int
    outstanding: int
    expected: list[tuple[int, date]] = field(default_factory=list, compare=False, repr=False)
    """(invoice id, expected day) of every open invoice, for the curious and the tests."""


def expected_delay(score: PayerScore | None, fallback: float) -> float:
    """Days after the due date a client is expected to pay: its own average once judged, else `fallback`."""
    if score is not None and score.judged and score.average_days_late is not None:
        return score.average_days_late
    return fallback


def forecast(invoices: Sequence[InvoiceFacts], today: date) -> list[Forecast]:
    """Each open invoice is expected on its due date plus its client's average days late (new clients:
    the average over all the freelancer's paid invoices, 0 without history); one already past that
    day is expected today. Largest outstanding first."""
    scores = payer_scores(invoices, today)
    paid_lateness = [late for i in invoices if (late := i.days_late) is not None]
    fallback = sum(paid_lateness) / len(paid_lateness) if paid_lateness else 0.0
    sums: dict[str, list[int]] = {}
    expected: dict[str, list[tuple[int, date]]] = {}
    for invoice in invoices:
        if invoice.balance_minor <= 0:
            continue
        delay = whole_days(expected_delay(scores.get(invoice.client_id), fallback))
        day = max(invoice.due_date + timedelta(days=delay), today)
        ahead = (day - today).days
        row = sums.setdefault(invoice.currency, [0] * (len(FORECAST_HORIZONS) + 1))
        for k, horizon in enumerate(FORECAST_HORIZONS):
            if ahead <= horizon:
                row[k] += invoice.balance_minor
        if ahead > FORECAST_HORIZONS[-1]:
            row[-1] += invoice.balance_minor
        expected.setdefault(invoice.currency, []).append((invoice.id, day))
    result = [Forecast(c, tuple(r[:-1]), r[-1], r[-2] + r[-1], expected[c]) for c, r in sums.items()]
    return sorted(result, key=lambda f: (-f.outstanding, f.currency))
