"""Instalments: splits to the cent, dates, payments to the oldest first, the steps of each instalment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.domain.instalments import (
    InstalmentDue,
    InstalmentError,
    InstalmentErrorReason,
    allocate,
    first_missed,
    instalment_dates,
    instalment_schedule,
    instalment_steps,
    parse_amounts,
    shifted_dates,
    split_equal,
)
from bot.domain.plans import GENTLE_PLAN, ONCE_PLAN, STANDARD_PLAN, Tone


@pytest.mark.parametrize(
    ("balance", "count", "expected"),
    [(120_000, 3, [40_000, 40_000, 40_000]), (100_000, 3, [33_333, 33_333, 33_334]), (101, 2, [50, 51]),
     (1_000_01, 12, [8_333] * 11 + [8_338])],
)  # fmt: skip
def test_equal_split_leaves_no_cent_unaccounted_for(balance: int, count: int, expected: list[int]) -> None:
    parts = split_equal(balance, count)
    assert parts == expected and sum(parts) == balance


@pytest.mark.parametrize(
    ("count", "reason"), [(1, InstalmentErrorReason.COUNT), (13, InstalmentErrorReason.COUNT)]
)
def test_between_2_and_12_instalments(count: int, reason: InstalmentErrorReason) -> None:
    with pytest.raises(InstalmentError) as caught:
        split_equal(120_000, count)
    assert caught.value.reason == reason


def test_a_balance_smaller_than_the_count_cannot_be_split() -> None:
    with pytest.raises(InstalmentError) as caught:
        split_equal(2, 3)
    assert caught.value.reason == InstalmentErrorReason.TOO_SMALL


def test_monthly_dates_keep_the_day_or_take_the_month_end() -> None:
    assert instalment_dates(date(2027, 1, 31), 4, "monthly") == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)
    ]  # fmt: skip
    assert instalment_dates(date(2027, 11, 15), 3, "monthly") == [
        date(2027, 11, 15),
        date(2027, 12, 15),
        date(2028, 1, 15),
    ]
    assert instalment_dates(date(2027, 1, 4), 3, "weekly") == [
        date(2027, 1, 4),
        date(2027, 1, 11),
        date(2027, 1, 18),
    ]
    assert shifted_dates([date(2027, 1, 4), date(2027, 1, 11)], 14) == [date(2027, 1, 18), date(2027, 1, 25)]


def test_payments_go_to_the_oldest_instalment_first() -> None:
    assert allocate([40_000, 40_000, 40_000], 60_000) == [40_000, 20_000, 0]
    assert allocate([40_000, 40_000, 40_000], 0) == [0, 0, 0]
    assert allocate([40_000, 40_000, 40_000], 120_000) == [40_000, 40_000, 40_000]
    assert allocate([40_000, 40_000], -5) == [0, 0]


def test_typed_amounts_must_add_up_to_the_balance() -> None:
    assert parse_amounts("500; 400; 300", balance_minor=120_000, currency="EUR", locale="en") == [
        50_000,
        40_000,
        30_000,
    ]
    assert parse_amounts("600,50 €; 599,50 €", balance_minor=120_000, currency="EUR", locale="fr") == [
        60_050,
        59_950,
    ]
    for text, reason in [
        ("500; 400", InstalmentErrorReason.SUM), ("1200", InstalmentErrorReason.COUNT),
        ("500; lots", InstalmentErrorReason.AMOUNTS), ("600 USD; 600 USD", InstalmentErrorReason.AMOUNTS),
    ]:  # fmt: skip
        with pytest.raises(InstalmentError) as caught:
            parse_amounts(text, balance_minor=120_000, currency="EUR", locale="en")
        assert caught.value.reason == reason, text


def test_each_instalment_gets_the_heads_ups_and_one_reminder_when_missed() -> None:
    assert [(s.offset_days, s.tone) for s in instalment_steps(STANDARD_PLAN)] == [
        (-3, Tone.COURTESY),
        (3, Tone.FRIENDLY),
    ]
    assert [(s.offset_days, s.tone) for s in instalment_steps(GENTLE_PLAN)] == [(7, Tone.FRIENDLY)]
    assert [(s.offset_days, s.tone) for s in instalment_steps(ONCE_PLAN)] == [(3, Tone.FRIENDLY)]


def test_never_two_reminders_on_one_day_and_paid_instalments_get_none() -> None:
    dues = [
        InstalmentDue(1, 1, date(2027, 1, 4), 40_000, 40_000),  # paid
        InstalmentDue(2, 2, date(2027, 1, 11), 40_000, 0),
        InstalmentDue(3, 3, date(2027, 1, 17), 40_000, 0),  # its heads-up falls on 2's reminder day (14 Jan)
    ]
    steps = instalment_schedule(dues, STANDARD_PLAN, send_time=time(9, 30), tz="Europe/Paris", country="FR")
    days = [s.planned.local_date for s in steps]
    assert [s.instalment.seq for s in steps] == [2, 2, 3, 3]
    assert days == [date(2027, 1, 8), date(2027, 1, 14), date(2027, 1, 15), date(2027, 1, 20)]
    assert len(set(days)) == len(days)
    assert steps[0].planned.scheduled_at == datetime(2027, 1, 8, 8, 30, tzinfo=UTC)
    assert {s.planned.step.index for s in steps} == {200, 201, 300, 301}  # distinct from the invoice's steps


def test_first_missed_is_the_oldest_unpaid_past_its_date() -> None:
    dues = [InstalmentDue(1, 1, date(2027, 1, 4), 100, 100), InstalmentDue(2, 2, date(2027, 1, 11), 100, 50)]
    assert first_missed(dues, date(2027, 1, 11)) is None  # due today: not missed yet
    missed = first_missed(dues, date(2027, 1, 12))
    assert missed is not None and missed.seq == 2 and missed.left_minor == 50
