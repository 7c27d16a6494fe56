"""When each reminder of a plan goes out: business days, the freelancer's send time, DST, quiet hours.

Everything here is a pure function of its arguments; "now" is always a parameter. Instants are
returned as timezone-aware UTC datetimes, ready to be stored and compared by the dispatcher.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import business_day_after, next_business_day
from bot.domain.plans import Audience, Plan, Step, Tone

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


class Action(StrEnum):
    SEND = "send"
    SKIP = "skip"
    HOLD = "hold"
    """Wait for the freelancer: a stale reminder, or one waiting for approval."""
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"


@dataclass(frozen=True)
class DueReminder:
    """What the decision needs of one planned reminder row whose moment has come."""

    id: int
    step: int
    tone: str
    audience: str
    scheduled_at: datetime
    approved: bool = False


@dataclass(frozen=True)
class Decision:
    reminder: DueReminder
    action: Action
    reason: str = ""
    """Why, in the words stored with the row (the freelancer sees them in the history)."""
    tone: str | None = None
    """For SEND: the tone to write in, which may be gentler than the row's (see `opening_tone`)."""
    at: datetime | None = None
    """For RESCHEDULE: the next moment a reminder may go out."""
    approval: bool = False
    """For HOLD: True when waiting for the freelancer's approval, False when stale."""


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
) -> list[PlannedStep]:
    """Date and instant of every step of `plan` for an invoice due on `due_date`.

    Each step's local date is due_date + offset, moved to the next business day of `country`; a
    step that would share a day with (or fall before) the previous one moves to the next business day
    after it, so an invoice never gets two reminders on one day. The time is `send_time` clamped to
    08:00–20:00 in zone `tz`, converted to UTC. Steps already in the past are returned too:
    `pending_schedule` and the dispatcher (`decide_due`) decide what happens to them.
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


_CLAIMS_EARLIER_REMINDERS = frozenset({Tone.FINAL.value})
"""Tones whose wording says reminders were already sent ("Despite my previous reminders...")."""
_CHASING_TONES = frozenset({Tone.FRIENDLY.value, Tone.FIRM.value, Tone.FINAL.value})


def opening_tone(tone: str, earlier_tones: Collection[str]) -> str:
    """The tone to write in, given the tones of the reminders the client already received.

    A client who never got a reminder after the due date (the bot was down, the invoice was entered
    late, the freelancer approved late) must not read "despite my previous reminders": the final
    step is written in the firm tone instead, which states the facts without claiming a history.
    """
    if tone in _CLAIMS_EARLIER_REMINDERS and not _CHASING_TONES & set(earlier_tones):
        return Tone.FIRM.value
    return tone


def decide_due(
    due: Sequence[DueReminder],
    *,
    now: datetime,
    tz: str,
    wanted: bool,
    manual_approval: bool,
    last_client_sent_at: datetime | None,
    earlier_tones: Collection[str],
    stale_after: timedelta,
) -> list[Decision]:
    """What to do with one invoice's reminders whose moment has come: the one catch-up policy.

    - An invoice paid, cancelled or paused cancels them all (`wanted` False).
    - After downtime the client gets only the latest due client step (no burst); older ones are
      skipped as superseded. Freelancer steps (the formal-notice alert) are decided on their own:
      they never replace, nor are replaced by, a client reminder.
    - A client step more than `stale_after` late waits for the freelancer (HOLD), as does one
      needing approval in manual mode.
    - Outside 08:00–20:00 local time or on Sunday the step moves to the next allowed moment.
    - A client step on a day a client reminder already went out is skipped (one a day).
    - The tone sent never claims earlier reminders the client did not receive (`opening_tone`).
    Steps scheduled after `now` are left alone.
    """
    ripe = [r for r in due if r.scheduled_at <= now]
    if not wanted:
        return [Decision(r, Action.CANCEL, "invoice paid, cancelled or paused") for r in ripe]
    decisions: list[Decision] = []
    for audience in (Audience.CLIENT.value, Audience.FREELANCER.value):
        rows = sorted((r for r in ripe if r.audience == audience), key=lambda r: (r.scheduled_at, r.step))
        if not rows:
            continue
        *older, latest = rows
        decisions += [Decision(r, Action.SKIP, "superseded by a later reminder after a delay") for r in older]
        decisions.append(
            _decide_latest(
                latest,
                now=now,
                tz=tz,
                manual_approval=manual_approval,
                last_client_sent_at=last_client_sent_at,
                earlier_tones=earlier_tones,
                stale_after=stale_after,
            )  # fmt: skip
        )
    return decisions


def _decide_latest(
    row: DueReminder,
    *,
    now: datetime,
    tz: str,
    manual_approval: bool,
    last_client_sent_at: datetime | None,
    earlier_tones: Collection[str],
    stale_after: timedelta,
) -> Decision:
    for_client = row.audience == Audience.CLIENT.value
    if for_client and now - row.scheduled_at > stale_after:  # before any move: a moved row looks fresh
        return Decision(row, Action.HOLD, f"stale: planned more than {stale_after.days} days ago")
    if for_client and manual_approval and not row.approved:
        return Decision(row, Action.HOLD, "waiting for the freelancer's approval", approval=True)
    allowed = quiet_hours_next_allowed(now, tz)
    if allowed > now:
        return Decision(row, Action.RESCHEDULE, "quiet hours", at=allowed)
    zone = ZoneInfo(tz)
    if (
        for_client
        and last_client_sent_at is not None
        and last_client_sent_at.astimezone(zone).date() == now.astimezone(zone).date()
    ):
        # Plan steps are on distinct days, so this one was overtaken by a reminder the freelancer
        # sent by hand: the plan goes on with its next step rather than repeating it tomorrow.
        return Decision(row, Action.SKIP, "a reminder already went out today")
    tone = opening_tone(row.tone, earlier_tones) if for_client else row.tone
    return Decision(row, Action.SEND, tone=tone)


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
    pending = [p for p in pending if not (p.step.tone == Tone.COURTESY and p.scheduled_at < now)]
    if not pending or pending[0].scheduled_at >= now:  # a step due exactly now is sent now, as planned
        return pending
    wall_time = clamp_send_time(send_time)
    today = now.astimezone(ZoneInfo(tz)).date()
    first_day = today if localize(today, wall_time, tz) >= now else today + timedelta(days=1)
    shift = timedelta(days=(first_day - pending[0].local_date).days)
    shifted: list[PlannedStep] = []
    for planned_step in pending:
        day = next_business_day(planned_step.local_date + shift, country)
        if shifted:
            # A holiday that pushed the previous step must not squeeze this one: keep the plan's spacing.
            gap = planned_step.step.offset_days - shifted[-1].step.offset_days
            day = next_business_day(max(day, shifted[-1].local_date + timedelta(days=max(gap, 1))), country)
        elif last_sent_day is not None and day <= last_sent_day:
            day = business_day_after(last_sent_day, country)  # never on the day a reminder went out
        shifted.append(PlannedStep(planned_step.step, day, localize(day, wall_time, tz).astimezone(UTC)))
    return shifted
