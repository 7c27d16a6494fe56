"""Re-planning an invoice at `now`: what is still to send, and when (late registration, resumed chase)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.planning import pending_schedule, plan_schedule
from bot.domain.plans import STANDARD_PLAN, Plan

SYDNEY, PARIS = "Australia/Sydney", "Europe/Paris"
NINE_THIRTY = time(9, 30)


def at(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def pending(due: date, plan: Plan, now: datetime, *, tz=PARIS, country="FR", last_sent_day=None):
    planned = plan_schedule(due_date=due, plan=plan, send_time=NINE_THIRTY, tz=tz, country=country)
    return pending_schedule(
        planned, now=now, last_sent_day=last_sent_day, send_time=NINE_THIRTY, tz=tz, country=country
    )


def test_late_registration_keeps_the_plans_spacing_across_easter_in_sydney():
    # Due Tue 2 March 2027, registered Thu 25 March at 10:00: the sequence restarts on Friday 26,
    # which is Good Friday, and Easter Monday follows: the friendly step goes on Tuesday 30 March.
    steps = pending(date(2027, 3, 2), STANDARD_PLAN, at(SYDNEY, 2027, 3, 25, 10), tz=SYDNEY, country="AU-NSW")
    days = [p.local_date for p in steps]
    assert days[0] == date(2027, 3, 30)
    offsets = [p.step.offset_days for p in steps]
    for i in range(1, len(days)):
        assert (days[i] - days[i - 1]).days >= offsets[i] - offsets[i - 1]  # firm 7 days after friendly
    assert days[1] >= date(2027, 4, 6)


def test_a_step_due_exactly_now_is_not_moved():
    planned = plan_schedule(due_date=date(2026, 6, 10), plan=Plan("custom", (0, 7)), send_time=NINE_THIRTY,
                            tz=PARIS, country="FR")  # fmt: skip
    now = planned[0].scheduled_at
    steps = pending_schedule(
        planned, now=now, last_sent_day=None, send_time=NINE_THIRTY, tz=PARIS, country="FR"
    )
    assert steps == planned


def test_a_courtesy_step_due_exactly_now_is_kept():
    planned = plan_schedule(due_date=date(2026, 6, 12), plan=Plan("custom", (-2, 3)), send_time=NINE_THIRTY,
                            tz=PARIS, country="FR")  # fmt: skip
    now = planned[0].scheduled_at
    steps = pending_schedule(
        planned, now=now, last_sent_day=None, send_time=NINE_THIRTY, tz=PARIS, country="FR"
    )
    assert [s.step.tone.value for s in steps] == ["courtesy", "friendly"]
    later = pending_schedule(planned, now=now + timedelta(seconds=1), last_sent_day=None, send_time=NINE_THIRTY,
                             tz=PARIS, country="FR")  # fmt: skip
    assert [s.step.tone.value for s in later] == ["friendly"]


def test_after_a_replan_no_step_lands_on_the_day_a_reminder_went_out():
    # Reminders of 1 and 4 June went out, then a pause; resumed on Wednesday 17 June at 07:00.
    now = at(PARIS, 2026, 6, 17, 7)
    steps = pending(date(2026, 6, 1), Plan("custom", (0, 3, 10, 20)), now, last_sent_day=date(2026, 6, 4))
    assert [p.local_date for p in steps] == [date(2026, 6, 17), date(2026, 6, 29)]  # 27th is a Saturday
    # Resumed later the same day a reminder went out: the next one is tomorrow at the earliest.
    now = at(PARIS, 2026, 6, 17, 7)
    planned = plan_schedule(due_date=date(2026, 6, 1), plan=Plan("custom", (0, 3, 10, 20)),
                            send_time=NINE_THIRTY, tz=PARIS, country="FR")  # fmt: skip
    steps = pending_schedule(planned, now=now, last_sent_day=date(2026, 6, 17) - timedelta(days=6),
                             send_time=NINE_THIRTY, tz=PARIS, country="FR")  # fmt: skip
    assert all(p.local_date > date(2026, 6, 11) for p in steps)


def test_a_step_planned_on_the_last_sent_day_is_done():
    planned_day = date(2026, 6, 15)
    steps = pending(date(2026, 6, 8), Plan("custom", (0, 7, 14)), at(PARIS, 2026, 6, 15, 8),
                    last_sent_day=planned_day)  # fmt: skip
    assert [p.step.offset_days for p in steps] == [14]


def test_plans_reaching_into_2101_are_planned():
    steps = plan_schedule(due_date=date(2100, 12, 20), plan=STANDARD_PLAN, send_time=NINE_THIRTY, tz=PARIS,
                          country="FR")  # fmt: skip
    assert steps[-1].local_date.year == 2101 and steps[-1].local_date.weekday() < 5
