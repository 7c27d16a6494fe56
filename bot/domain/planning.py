"""When each reminder of a plan goes out: business days, the freelancer's send time, DST, quiet hours.

Everything here is a pure function of its arguments; "now" is always a parameter. Instants are
returned as timezone-aware UTC datetimes, ready to be stored and compared by the dispatcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import business_day_after, next_business_day
from bot.domain.plans import Plan, Step, Tone

EARLIEST_SEND_TIME = time(8, 0)
LATEST_SEND_TIME = time(20, 0)
SUNDAY = 6


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    local_date: date
    """The business day, in the freelancer's zone, on which the reminder goes out."""
    scheduled_at: datetime
    """Timezone-aware UTC instant."""


class SkipReason(StrEnum):
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class SkippedStep:
    planned: PlannedStep
    reason: SkipReason


@dataclass(frozen=True)
class CatchUp:
    """What to do with one invoice's reminders that came due while the bot was not running."""

    send: PlannedStep | None
    skip: tuple[SkippedStep, ...]
    stale: bool
    """True when even `send` is older than `stale_after`: ask the freelancer rather than send it."""


def clamp_send_time(send_time: time) -> time:
    """Bring a preferred send time into the 08:00–20:00 window (both ends allowed)."""
    wall = send_time.replace(tzinfo=None, fold=0)
    return min(max(wall, EARLIEST_SEND_TIME), LATEST_SEND_TIME)


def localize(day: date, wall_time: time, tz: str) -> datetime:
    """The instant showing `wall_time` on `day` in zone `tz`, as an aware datetime in that zone.

    A wall time that does not exist (the spring-forward gap) becomes the first instant after the gap,
    e.g. 02:30 on 29 March 2026 in Paris → 03:00 CEST. An ambiguous one (fall-back) takes its first
    occurrence (fold=0), so a reminder never goes out an hour later than the freelancer expects.
    """
    zone = ZoneInfo(tz)
    local = datetime.combine(day, wall_time.replace(tzinfo=None), tzinfo=zone).replace(fold=0)
    if _exists(local):
        return local
    return _end_of_gap(local)


def _exists(local: datetime) -> bool:
    """False for wall times skipped by a DST transition: they do not survive a round trip."""
    round_trip = local.astimezone(UTC).astimezone(local.tzinfo)
    return round_trip.replace(tzinfo=None) == local.replace(tzinfo=None)


def _end_of_gap(local: datetime) -> datetime:
    """The transition instant ending the gap that contains `local`, found by bisection in seconds.

    zoneinfo does not expose transitions; for a gap wall time, fold=1 resolves with the offset in
    force after the transition (an instant before it) and fold=0 with the earlier one (after it).
    """
    zone = local.tzinfo
    before = local.replace(fold=1).astimezone(UTC)
    after = local.replace(fold=0).astimezone(UTC)
    offset_after = after.astimezone(zone).utcoffset()
    low, high = 0, int((after - before).total_seconds())
    while low < high:
        middle = (low + high) // 2
        if (before + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle + 1
    return (before + timedelta(seconds=low)).astimezone(zone)


def plan_schedule(
    *,
    due_date: date,
    plan: Plan,
    send_time: time,
    tz: str,
    country: str,
    not_before: datetime | None = None,
) -> list[PlannedStep]:
    """Date and instant of every step of `plan` for an invoice due on `due_date`.

    Each step's local date is due_date + offset, moved to the next business day of `country`; a
    step that would share a day with (or fall before) the previous one moves to the next business day
    after it, so an invoice never gets two reminders on one day. The time is `send_time` clamped to
    08:00–20:00 in zone `tz`, converted to UTC.

    `not_before` is accepted for symmetry with the dispatcher but deliberately filters nothing: steps
    already in the past are returned too, and the dispatcher decides about catch-up (`catch_up`).
    """
    wall_time = clamp_send_time(send_time)
    planned: list[PlannedStep] = []
    for step in plan.steps():
        day = next_business_day(due_date + timedelta(days=step.offset_days), country)
        if planned and day <= planned[-1].local_date:
            day = business_day_after(planned[-1].local_date, country)
        scheduled_at = localize(day, wall_time, tz).astimezone(UTC)
        planned.append(PlannedStep(step, day, scheduled_at))
    return planned


def _within_quiet_rules(local: datetime) -> bool:
    return local.weekday() != SUNDAY and EARLIEST_SEND_TIME <= local.time() <= LATEST_SEND_TIME


def quiet_hours_next_allowed(at: datetime, tz: str) -> datetime:
    """`at` (in UTC) if a reminder may go out then, else the next allowed instant, in UTC.

    The dispatcher's hard rule: only 08:00–20:00 local time, never on Sunday. Holidays are not
    considered here; planned dates already avoid them.
    """
    if at.tzinfo is None:
        raise ValueError("quiet_hours_next_allowed needs an aware datetime")
    local = at.astimezone(ZoneInfo(tz))
    if _within_quiet_rules(local):
        return at.astimezone(UTC)
    day = local.date()
    if local.time() > LATEST_SEND_TIME:
        day += timedelta(days=1)
    if day.weekday() == SUNDAY:
        day += timedelta(days=1)
    return localize(day, EARLIEST_SEND_TIME, tz).astimezone(UTC)


def catch_up(due: list[PlannedStep], now: datetime, stale_after: timedelta) -> CatchUp:
    """After downtime, send only the latest due reminder of one invoice and skip the older ones.

    Clients must not receive a burst of reminders; the latest one carries the right tone. Steps
    scheduled after `now` are ignored (neither sent nor skipped). When the latest due step is older
    than `stale_after`, `stale` tells the dispatcher to ask the freelancer instead of sending.
    """
    overdue = sorted(
        (planned for planned in due if planned.scheduled_at <= now),
        key=lambda planned: (planned.scheduled_at, planned.step.index),
    )
    if not overdue:
        return CatchUp(send=None, skip=(), stale=False)
    latest = overdue[-1]
    skipped = tuple(SkippedStep(planned, SkipReason.SUPERSEDED) for planned in overdue[:-1])
    return CatchUp(send=latest, skip=skipped, stale=now - latest.scheduled_at > stale_after)


def pending_schedule(
    planned: list[PlannedStep],
    *,
    now: datetime,
    last_sent_day: date | None,
    send_time: time,
    tz: str,
    country: str,
) -> list[PlannedStep]:
    """The steps still to send when an invoice is (re)planned at `now`.

    Steps on or before the last day a reminder went out are done. A courtesy note whose moment has
    passed is pointless and dropped. When the next step's moment has already passed (an invoice
    registered late, a resumed invoice), the remaining sequence is shifted as a whole so that it
    starts at the next send slot and keeps its spacing: a client's first reminder is never the
    "final" one just because the invoice was entered late.
    """
    pending = [p for p in planned if last_sent_day is None or p.local_date > last_sent_day]
    pending = [p for p in pending if not (p.step.tone == Tone.COURTESY and p.scheduled_at <= now)]
    if not pending or pending[0].scheduled_at > now:
        return pending
    wall_time = clamp_send_time(send_time)
    today = now.astimezone(ZoneInfo(tz)).date()
    first_day = today if localize(today, wall_time, tz) > now else today + timedelta(days=1)
    shift = timedelta(days=(first_day - pending[0].local_date).days)
    shifted: list[PlannedStep] = []
    previous = last_sent_day
    for planned_step in pending:
        day = next_business_day(planned_step.local_date + shift, country)
        if previous is not None and day <= previous:
            day = business_day_after(previous, country)
        shifted.append(PlannedStep(planned_step.step, day, localize(day, wall_time, tz).astimezone(UTC)))
        previous = day
    return shifted
