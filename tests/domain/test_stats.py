"""The insight figures on small histories worked out by hand (today: Tuesday 24 November 2026)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.stats import (
    DailyPayments,
    InvoiceFacts,
    Period,
    ageing,
    forecast,
    grade_for,
    monthly,
    payer_score,
    payer_scores,
    period_start,
    report,
    worst_payers,
)

TODAY = date(2026, 11, 24)
_ids = iter(range(1, 10_000))


def paid(client: int, amount: int, due: date, paid_on: date, *, issue: date | None = None,
         reminders: int = 0, tone: str | None = None, currency: str = "EUR") -> InvoiceFacts:  # fmt: skip
    return InvoiceFacts(next(_ids), client, f"Client {client}", currency, amount, amount,
                        issue or due - timedelta(days=30), due, "paid", paid_on, reminders, tone)  # fmt: skip


def open_(client: int, amount: int, due: date, *, paid_minor: int = 0, issue: date | None = None,
          currency: str = "EUR") -> InvoiceFacts:  # fmt: skip
    return InvoiceFacts(next(_ids), client, f"Client {client}", currency, amount, paid_minor,
                        issue or due - timedelta(days=30), due, "open")  # fmt: skip


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("period", "start"),
    [(Period.MONTH, date(2026, 11, 1)), (Period.QUARTER, date(2026, 10, 1)), (Period.YEAR, date(2026, 1, 1)),
     (Period.ALL, date(2024, 3, 5))],
)  # fmt: skip
def test_periods_start_on_their_first_day(period: Period, start: date) -> None:
    assert period_start(period, TODAY, date(2024, 3, 5)) == start
    assert period_start(Period.QUARTER, date(2026, 3, 31)) == date(2026, 1, 1)


def test_month_figures_dso_lateness_and_on_time_share() -> None:
    invoices = [
        # Issued this month: 1,000 + 3,000 invoiced (4,000 €).
        open_(1, 100_000, days(10), issue=date(2026, 11, 2)),  # 1,000 € outstanding, not due
        paid(
            1,
            300_000,
            date(2026, 11, 10),
            date(2026, 11, 20),
            issue=date(2026, 11, 3),
            reminders=2,
            tone="firm",
        ),  # 10 days late  # fmt: skip
        # Issued before: counts for outstanding / settlement, not for invoiced.
        open_(2, 50_000, date(2026, 10, 1), paid_minor=20_000, issue=date(2026, 9, 1)),  # 300 € overdue
        paid(2, 80_000, date(2026, 11, 15), date(2026, 11, 12), issue=date(2026, 10, 15)),  # on time
        paid(2, 10_000, date(2026, 10, 1), date(2026, 10, 20), issue=date(2026, 9, 1)),  # settled last month
        open_(3, 7_000, days(-5), currency="USD"),  # other currency, 5 days overdue
    ]
    payments = [
        DailyPayments("EUR", date(2026, 11, 20), 300_000),
        DailyPayments("EUR", date(2026, 11, 12), 80_000),
        DailyPayments("EUR", date(2026, 10, 20), 10_000),  # last month: not collected this month
        DailyPayments("EUR", date(2026, 11, 5), 20_000),
    ]
    result = report(invoices, payments, Period.MONTH, TODAY)
    assert (result.start, result.end, result.days) == (date(2026, 11, 1), TODAY, 24)
    eur, usd = result.figures
    assert eur.currency == "EUR" and usd.currency == "USD"
    assert (eur.invoiced_minor, eur.invoiced_count) == (400_000, 2)
    assert eur.collected_minor == 300_000 + 80_000 + 20_000
    assert eur.outstanding_minor == 100_000 + 30_000
    assert eur.overdue_minor == 30_000
    assert eur.dso_days == pytest.approx(130_000 / 400_000 * 24)  # 7.8 days
    assert (eur.settled_count, eur.paid_on_time) == (2, 1)
    assert eur.on_time_share == 0.5
    assert eur.average_days_late == 5  # (10 + 0) / 2
    assert (usd.invoiced_minor, usd.outstanding_minor, usd.overdue_minor) == (0, 7_000, 7_000)
    assert usd.dso_days is None and usd.average_days_late is None and usd.on_time_share is None
    # Two invoices settled this month: one without reminder, one after the firm one (2 reminders).
    assert [(e.tone, e.invoices, e.reminders) for e in result.reminders] == [(None, 1, 0), ("firm", 1, 2)]
    assert result.average_reminders == 1.0


def test_year_dso_uses_the_days_since_the_first_of_january() -> None:
    invoices = [open_(1, 120_000, days(5), issue=date(2026, 3, 1)), paid(1, 240_000, days(-40), days(-30))]
    eur = report(invoices, [], Period.YEAR, TODAY).figures[0]
    assert eur.dso_days == pytest.approx(120_000 / 360_000 * 328)  # 1 January – 24 November: 328 days


def test_nothing_in_the_period_gives_no_figures() -> None:
    result = report([paid(1, 1000, date(2025, 1, 1), date(2025, 1, 5), issue=date(2024, 12, 1))], [],
                    Period.MONTH, TODAY)  # fmt: skip
    assert result.figures == [] and result.reminders == [] and result.average_reminders is None


def test_ageing_buckets_per_currency_largest_first() -> None:
    invoices = [
        open_(1, 100, days(0)),  # due today: not overdue yet
        open_(1, 200, days(-1)),
        open_(1, 300, days(-30)),
        open_(1, 400, days(-31)),
        open_(1, 500, days(-61)),
        open_(1, 600, days(-91), paid_minor=100),
        open_(2, 50, days(-200), currency="GBP"),
        paid(1, 9999, days(-100), days(-50)),  # paid: not outstanding
    ]
    eur, gbp = ageing(invoices, TODAY)
    assert eur.currency == "EUR" and eur.buckets == (100, 500, 400, 500, 500) and eur.total == 2000
    assert gbp.currency == "GBP" and gbp.buckets == (0, 0, 0, 0, 50)


def test_monthly_has_the_last_twelve_months_by_issue_and_payment_dates() -> None:
    invoices = [
        open_(1, 1000, days(10), issue=date(2026, 11, 3)),
        open_(1, 2000, days(10), issue=date(2025, 12, 31)),
        open_(1, 4000, days(10), issue=date(2025, 11, 30)),  # 13 months ago: outside
        open_(1, 8000, days(10), issue=date(2026, 11, 3), currency="USD"),  # other currency
    ]
    payments = [DailyPayments("EUR", date(2026, 6, 15), 700), DailyPayments("USD", date(2026, 6, 15), 5)]
    months = monthly(invoices, payments, "EUR", TODAY)
    assert [m.first_day for m in months][:2] == [date(2025, 12, 1), date(2026, 1, 1)]
    assert months[-1].first_day == date(2026, 11, 1) and len(months) == 12
    assert months[0].invoiced_minor == 2000 and months[-1].invoiced_minor == 1000
    assert months[6].first_day == date(2026, 6, 1) and months[6].collected_minor == 700
    assert sum(m.invoiced_minor for m in months) == 3000


# --- Payer score ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("average", "grade"),
    [(0, "A"), (2.49, "A"), (2.5, "B"), (7, "B"), (7.5, "C"), (15, "C"), (15.5, "D"), (30, "D"), (30.5, "E"),
     (90, "E")],
)  # fmt: skip
def test_grade_boundaries_on_rounded_days(average: float, grade: str) -> None:
    assert grade_for(average) == grade


def test_fewer_than_three_paid_invoices_is_a_new_client() -> None:
    two = [paid(1, 100, days(-90), days(-10)), paid(1, 100, days(-60), days(-1))]
    score = payer_score([*two, open_(1, 100, days(-100))], TODAY)
    assert score is not None and score.grade == "new" and not score.judged and score.paid == 2
    third = payer_score([*two, paid(1, 100, days(-30), days(-30))], TODAY)
    assert third is not None and third.judged


def test_score_averages_paid_lateness_and_open_overdue_so_far() -> None:
    history = [
        paid(7, 100, days(-100), days(-88)),  # 12 days late
        paid(7, 100, days(-70), days(-75)),  # early: 0
        paid(7, 100, days(-50), days(-35)),  # 15 days late
        open_(7, 100, days(-33)),  # unpaid, 33 days late so far
        open_(7, 100, days(10)),  # not due yet: not counted
    ]
    score = payer_score(history, TODAY)
    assert score is not None
    assert (score.paid, score.unpaid_overdue, score.invoices) == (3, 1, 4)
    assert score.average_days_late == 15  # (12 + 0 + 15 + 33) / 4
    assert score.grade == "C"


def test_worst_payers_are_judged_and_late_worst_first() -> None:
    invoices = [
        *(paid(1, 100, days(-60), days(-60 + 20)) for _ in range(3)),  # 20 days: D
        *(paid(2, 100, days(-60), days(-60 + 40)) for _ in range(3)),  # 40 days: E
        *(paid(3, 100, days(-60), days(-60)) for _ in range(3)),  # on time: not a late payer
        paid(4, 100, days(-90), days(-10)),  # 80 days late but only one invoice: new
    ]
    worst = worst_payers(payer_scores(invoices, TODAY).values())
    assert [(s.client_id, s.grade) for s in worst] == [(2, "E"), (1, "D")]


# --- Forecast -------------------------------------------------------------------------------------------


def test_forecast_shifts_each_invoice_by_its_clients_lateness() -> None:
    slow = [paid(1, 100, days(-200 + 30 * k), days(-180 + 30 * k)) for k in range(3)]  # 20 days late
    # Client 1: (20 + 20 + 20 + 30 so far for its overdue invoice) / 4 = 22.5, so 23 days after the due date.
    invoices = [
        *slow,
        open_(1, 10_000, days(5)),  # expected day 28: within 30
        open_(1, 20_000, days(15)),  # expected day 38: within 60
        open_(1, 30_000, days(-30)),  # expected 7 days ago: today
        open_(2, 40_000, days(50)),  # new client: the freelancer's paid average (20) → day 70: within 90
        open_(2, 50_000, days(75), paid_minor=10_000),  # day 95: later, 40,000 left
        open_(3, 700, days(45), currency="USD"),  # day 65
    ]
    eur, usd = forecast(invoices, TODAY)
    assert eur.currency == "EUR"
    assert eur.within == (10_000 + 30_000, 10_000 + 30_000 + 20_000, 100_000)
    assert eur.later == 40_000 and eur.outstanding == 140_000
    expected = dict(eur.expected)
    assert expected[invoices[3].id] == days(28) and expected[invoices[5].id] == TODAY
    assert (usd.within, usd.later) == ((0, 0, 700), 0)


def test_forecast_without_any_history_expects_the_due_date() -> None:
    (eur,) = forecast([open_(1, 500, days(30)), open_(1, 300, days(31))], TODAY)
    assert eur.within == (500, 800, 800) and eur.later == 0
