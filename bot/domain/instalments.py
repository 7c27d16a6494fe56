"""Payment plans in instalments: splitting a balance, dating the instalments, applying payments,
and the reminders each instalment gets. Pure functions of their arguments.

* An equal split gives every instalment the same amount in minor units; the last one takes the
  remainder, so the instalments always add up to the balance, to the cent.
* Monthly instalments fall on the first instalment's day of the month, or the month's last day when
  it is shorter (31 January → 28 February → 31 March).
* Payments go to the oldest instalment first.
* Each instalment gets the heads-ups of the invoice's reminder plan (its steps before the due date)
  and one reminder when it is missed (the plan's first step after the due date); never two
  reminders on one day for the plan.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta
from enum import StrEnum

from bot.domain.dates import business_day_after, next_business_day
from bot.domain.money import AmountError, parse_amount
from bot.domain.planning import PlannedStep, clamp_send_time, localize
from bot.domain.plans import Audience, Plan, Step, Tone

MIN_INSTALMENTS, MAX_INSTALMENTS = 2, 12
FREQUENCIES = ("weekly", "monthly")
DEFAULT_MISSED_AFTER = 3
"""Days after an instalment's due date its reminder goes out when the plan has no step after the due date."""
INSTALMENT_STEP_BASE = 100
"""Reminder rows of instalment k carry step k × 100 + the plan step's index: distinct from the invoice's."""


class InstalmentErrorReason(StrEnum):
    COUNT = "count"
    AMOUNTS = "amounts"
    SUM = "sum"
    NOT_POSITIVE = "not_positive"
    TOO_SMALL = "too_small"


class InstalmentError(ValueError):
    def __init__(self, reason: InstalmentErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


def check_count(count: int, balance_minor: int) -> None:
    if not MIN_INSTALMENTS <= count <= MAX_INSTALMENTS:
        raise InstalmentError(InstalmentErrorReason.COUNT)
    if balance_minor < count:  # every instalment must be at least one cent
        raise InstalmentError(InstalmentErrorReason.TOO_SMALL)


def split_equal(balance_minor: int, count: int) -> list[int]:
    """`count` equal instalments of `balance_minor`; the last one takes the remainder."""
    check_count(count, balance_minor)
    share = balance_minor // count
    return [share] * (count - 1) + [balance_minor - share * (count - 1)]


_SEPARATORS = re.compile(r"\s*[;+/|\n]\s*|\s+-\s+|,\s+")


def parse_amounts(text: str, *, balance_minor: int, currency: str, locale: str) -> list[int]:
    """Amounts typed one after the other ("400; 400; 434.50" or "400, 400, 434,50" with a space after
    each comma), which must add up to the balance exactly."""
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if not MIN_INSTALMENTS <= len(parts) <= MAX_INSTALMENTS:
        raise InstalmentError(InstalmentErrorReason.COUNT)
    amounts: list[int] = []
    for part in parts:
        try:
            money = parse_amount(part, locale=locale, default_currency=currency)
        except AmountError:
            raise InstalmentError(InstalmentErrorReason.AMOUNTS) from None
        if money.currency != currency:
            raise InstalmentError(InstalmentErrorReason.AMOUNTS)
        if money.minor <= 0:
            raise InstalmentError(InstalmentErrorReason.NOT_POSITIVE)
        amounts.append(money.minor)
    if sum(amounts) != balance_minor:
        raise InstalmentError(InstalmentErrorReason.SUM)
    return amounts


def add_months(day: date, months: int, anchor_day: int | None = None) -> date:
    """The same day of the month `months` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    wanted = anchor_day or day.day
    return date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def instalment_dates(first: date, count: int, frequency: str) -> list[date]:
    if frequency == "weekly":
        return [first + timedelta(weeks=k) for k in range(count)]
    if frequency == "monthly":
        return [add_months(first, k, first.day) for k in range(count)]
    raise ValueError(f"unknown frequency {frequency!r}")


def shifted_dates(dates: Sequence[date], days: int) -> list[date]:
    """Give more time: the missed instalment and every later one move by the same number of days."""
    return [d + timedelta(days=days) for d in dates]


def allocate(amounts: Sequence[int], paid_minor: int) -> list[int]:
    """What is paid of each instalment when `paid_minor` went to the oldest ones first."""
    left = max(paid_minor, 0)
    paid = []
    for amount in amounts:
        part = min(amount, left)
        paid.append(part)
        left -= part
    return paid


@dataclass(frozen=True)
class InstalmentDue:
    """One instalment as the planner sees it."""

    id: int
    seq: int
    due_date: date
    amount_minor: int
    paid_minor: int

    @property
    def left_minor(self) -> int:
        return self.amount_minor - self.paid_minor


def instalment_steps(plan: Plan) -> list[Step]:
    """The steps each instalment gets: the plan's heads-ups, then one reminder once it is missed."""
    client = [s for s in plan.steps() if s.audience == Audience.CLIENT]
    before = [s for s in client if s.offset_days < 0]
    after = next((s for s in client if s.offset_days > 0), None)
    missed = (
        Step(after.index, after.offset_days, Tone.FRIENDLY, Audience.CLIENT)
        if after
        else Step(len(client), DEFAULT_MISSED_AFTER, Tone.FRIENDLY, Audience.CLIENT)
    )
    return [Step(s.index, s.offset_days, Tone.COURTESY, Audience.CLIENT) for s in before] + [missed]


@dataclass(frozen=True)
class InstalmentStep:
    instalment: InstalmentDue
    planned: PlannedStep


def instalment_schedule(
    instalments: Sequence[InstalmentDue],
    plan: Plan,
    *,
    send_time: time,
    tz: str,
    country: str,
) -> list[InstalmentStep]:
    """Every step of every instalment still owed, in time order, never two on one day: a step that
    would share a day with the previous one moves to the next business day."""
    wall_time = clamp_send_time(send_time)
    wanted: list[tuple[date, int, InstalmentDue, Step]] = []
    for inst in instalments:
        if inst.left_minor <= 0:
            continue
        for step in instalment_steps(plan):
            day = next_business_day(inst.due_date + timedelta(days=step.offset_days), country)
            wanted.append((day, inst.seq, inst, step))
    wanted.sort(key=lambda w: (w[0], w[1]))
    out: list[InstalmentStep] = []
    for day, _, inst, step in wanted:
        if out and day <= out[-1].planned.local_date:
            day = business_day_after(out[-1].planned.local_date, country)
        numbered = Step(
            inst.seq * INSTALMENT_STEP_BASE + step.index, step.offset_days, step.tone, step.audience
        )
        out.append(
            InstalmentStep(inst, PlannedStep(numbered, day, localize(day, wall_time, tz).astimezone(UTC)))
        )
    return out


def first_missed(instalments: Sequence[InstalmentDue], today: date) -> InstalmentDue | None:
    """The oldest instalment past its due date and not fully paid."""
    return next((i for i in instalments if i.due_date < today and i.left_minor > 0), None)
