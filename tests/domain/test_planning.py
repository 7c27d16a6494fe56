"""When reminders go out: business days, French holidays, collisions, DST, quiet hours, catch-up.

All dates are fixed; nothing here reads the clock. June 2026 has no French public holiday, and
Paris is on CEST (UTC+2) then, so 09:30 local is 07:30 UTC.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import business_day_after, is_business_day, next_business_day
from bot.domain.planning import (
    Action,
    Decision,
    DueReminder,
    PlannedStep,
    clamp_send_time,
    decide_due,
    localize,
    plan_schedule,
    quiet_hours_next_allowed,
)
from bot.domain.plans import GENTLE_PLAN, ONCE_PLAN, STANDARD_PLAN, Plan, Tone

PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"
NINE_THIRTY = time(9, 30)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def paris(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(PARIS))


def schedule(due: date, plan: Plan, send_time: time = NINE_THIRTY, tz: str = PARIS, country: str = "FR"):
    return plan_schedule(due_date=due, plan=plan, send_time=send_time, tz=tz, country=country)


def local_dates(due: date, plan: Plan, **kwargs) -> list[date]:
    return [planned.local_date for planned in schedule(due, plan, **kwargs)]


def days(month: int, *day_numbers: int, year: int = 2026) -> list[date]:
    return [date(year, month, day) for day in day_numbers]


# --- calendar -----------------------------------------------------------------------------------


def test_business_days_skip_weekends_and_french_holidays():
    assert is_business_day(date(2026, 6, 10), "FR")  # Wednesday
    assert not is_business_day(date(2026, 6, 13), "FR")  # Saturday
    assert not is_business_day(date(2026, 6, 14), "FR")  # Sunday
    assert not is_business_day(date(2026, 7, 14), "FR")  # Bastille Day, a Tuesday
    assert is_business_day(date(2026, 7, 14), "US")
    assert next_business_day(date(2026, 4, 4), "FR") == date(2026, 4, 7)  # Sat → Easter Mon → Tue
    assert business_day_after(date(2026, 12, 24), "FR") == date(2026, 12, 28)


@pytest.mark.parametrize("country", ["", "XX", "fr"])
def test_unknown_country_means_weekends_only_and_codes_are_case_insensitive(country):
    assert is_business_day(date(2026, 6, 10), country)
    assert not is_business_day(date(2026, 6, 13), country)
    assert is_business_day(date(2026, 7, 14), country) is (country != "fr")


# --- built-in plans on a Wednesday, a Friday and a Saturday -------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # Wed 10 June: −3 is Sunday → Mon 8; +3 and +10 are Saturdays → Mondays; the call +15 is Thu 25;
        # +30 is Fri 10 July.
        (date(2026, 6, 10), days(6, 8, 15, 22, 25, 30) + days(7, 10)),
        # Fri 12 June: −3 Tue 9; +3 Mon 15; +10 Mon 22; call Sat 27 → Mon 29; +20 Thu 2 July;
        # +30 Sun 12 → Mon 13 July.
        (date(2026, 6, 12), days(6, 9, 15, 22, 29) + days(7, 2, 13)),
        # Sat 13 June: −3 Wed 10; +3 Tue 16; +10 Tue 23; call Sun 28 → Mon 29; +20 Fri 3 July; +30 Mon 13 July.
        (date(2026, 6, 13), days(6, 10, 16, 23, 29) + days(7, 3, 13)),
    ],
)
def test_standard_plan_dates(due, expected):
    planned = schedule(due, STANDARD_PLAN)
    assert [p.local_date for p in planned] == expected
    assert [p.step.tone for p in planned] == ["courtesy", "friendly", "firm", "call", "final", "notice"]
    assert all(p.scheduled_at.time() == time(7, 30) for p in planned)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 6, 10), days(6, 10, 17, 24) + days(7, 1, 8, 15)),  # Wednesdays
        (date(2026, 6, 12), days(6, 12, 19, 26) + days(7, 3, 10, 17)),  # Fridays
        (date(2026, 6, 13), days(6, 15, 22, 29) + days(7, 6, 13, 20)),  # Saturdays → Mondays
    ],
)
def test_gentle_plan_dates(due, expected):
    assert local_dates(due, GENTLE_PLAN) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 6, 10), date(2026, 6, 10)),
        (date(2026, 6, 12), date(2026, 6, 12)),
        (date(2026, 6, 13), date(2026, 6, 15)),
    ],
)
def test_once_plan_dates(due, expected):
    [planned] = schedule(due, ONCE_PLAN)
    assert planned.local_date == expected
    assert planned.scheduled_at == datetime.combine(expected, time(7, 30), tzinfo=UTC)
    assert planned.step.tone is Tone.FRIENDLY


def test_scheduled_instants_are_utc_aware():
    for planned in schedule(date(2026, 6, 10), STANDARD_PLAN):
        assert planned.scheduled_at.tzinfo is UTC


# --- French public holidays ---------------------------------------------------------------------


def test_bastille_day_moves_a_reminder_to_wednesday():
    assert local_dates(date(2026, 7, 14), ONCE_PLAN) == [date(2026, 7, 15)]
    # Due Sat 4 July: the firm reminder (+10) would fall on Tuesday 14 July.
    firm = schedule(date(2026, 7, 4), STANDARD_PLAN)[2]
    assert firm.step.tone is Tone.FIRM
    assert firm.local_date == date(2026, 7, 15)


def test_christmas_on_a_friday_moves_a_reminder_to_monday_in_winter_time():
    [planned] = schedule(date(2026, 12, 25), ONCE_PLAN)
    assert planned.local_date == date(2026, 12, 28)
    assert planned.scheduled_at == utc(2026, 12, 28, 8, 30)  # CET, UTC+1


def test_easter_monday_is_skipped_after_a_weekend():
    assert local_dates(date(2026, 4, 4), ONCE_PLAN) == [date(2026, 4, 7)]
    assert local_dates(date(2026, 4, 6), ONCE_PLAN) == [date(2026, 4, 7)]


@pytest.mark.parametrize(
    ("due", "expected"), [(date(2026, 5, 1), date(2026, 5, 4)), (date(2026, 5, 8), date(2026, 5, 11))]
)
def test_may_holidays_on_fridays_move_to_monday(due, expected):
    assert local_dates(due, ONCE_PLAN) == [expected]


def test_gentle_plan_through_may_holidays():
    # 1 May (Fri) → Mon 4; 8 May (Fri) → Mon 11; then Fridays 15, 22, 29 May and 5 June.
    assert local_dates(date(2026, 5, 1), GENTLE_PLAN) == days(5, 4, 11, 15, 22, 29) + days(6, 5)


def test_holidays_of_another_country_do_not_count():
    assert local_dates(date(2026, 7, 14), ONCE_PLAN, country="US") == [date(2026, 7, 14)]
    assert local_dates(date(2026, 7, 3), ONCE_PLAN, country="US", tz=NEW_YORK) == [
        date(2026, 7, 6)
    ]  # 4 July observed


# --- at most one reminder a day -----------------------------------------------------------------


def test_two_steps_landing_on_the_same_monday():
    # Due Fri 12 June, offsets 0, 1, 2: Saturday and Sunday both become Monday 15.
    assert local_dates(date(2026, 6, 12), Plan("custom", (0, 1, 2))) == days(6, 12, 15, 16)


def test_courtesy_and_friendly_collide_on_the_due_date():
    # Due Mon 15 June: −1 is Sunday → Monday, the due date's own reminder moves to Tuesday.
    assert local_dates(date(2026, 6, 15), Plan("custom", (-1, 0))) == days(6, 15, 16)


def test_collision_caused_by_a_holiday():
    # Due Sat 11 July: +3 is 14 July → Wed 15, so +4 (Wed 15) moves to Thu 16.
    assert local_dates(date(2026, 7, 11), Plan("custom", (3, 4))) == days(7, 15, 16)


def test_collisions_cascade_and_skip_holidays():
    # Due Fri 1 May (holiday): every step lands on Monday 4 and pushes the next one a business day on.
    assert local_dates(date(2026, 5, 1), Plan("custom", (0, 1, 2, 3, 7))) == days(5, 4, 5, 6, 7, 11)


@st.composite
def custom_plans(draw):
    offsets = draw(st.lists(st.integers(-60, 120), min_size=1, max_size=8, unique=True))
    return Plan("custom", tuple(sorted(offsets)))


@given(
    due=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    plan=custom_plans() | st.sampled_from([STANDARD_PLAN, GENTLE_PLAN, ONCE_PLAN]),
    send_time=st.times(),
    tz=st.sampled_from([PARIS, NEW_YORK, "Australia/Lord_Howe", "UTC"]),
    country=st.sampled_from(["FR", "US", "DE", "XX"]),
)
def test_every_schedule_is_on_strictly_increasing_business_days_within_hours(
    due, plan, send_time, tz, country
):
    planned = plan_schedule(due_date=due, plan=plan, send_time=send_time, tz=tz, country=country)
    assert [p.step for p in planned] == plan.steps()
    dates = [p.local_date for p in planned]
    assert dates == sorted(set(dates))
    for p in planned:
        assert is_business_day(p.local_date, country)
        assert p.local_date >= due + timedelta(days=p.step.offset_days)
        local = p.scheduled_at.astimezone(ZoneInfo(tz))
        assert local.date() == p.local_date
        assert time(8) <= local.time() <= time(20)
        assert quiet_hours_next_allowed(p.scheduled_at, tz) == p.scheduled_at


# --- send time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "clamped"),
    [
        (time(2, 30), time(8)),
        (time(7, 59), time(8)),
        (time(8), time(8)),
        (time(12, 15), time(12, 15)),
        (time(20), time(20)),
        (time(20, 0, 1), time(20)),
        (time(23, 59), time(20)),
    ],
)
def test_send_time_is_clamped_to_office_hours(wanted, clamped):
    assert clamp_send_time(wanted) == clamped


def test_early_send_time_goes_out_at_eight():
    [planned] = schedule(date(2026, 6, 10), ONCE_PLAN, send_time=time(6, 0))
    assert planned.scheduled_at == utc(2026, 6, 10, 6, 0)


def test_late_send_time_goes_out_at_eight_pm():
    [planned] = schedule(date(2026, 6, 10), ONCE_PLAN, send_time=time(22, 0))
    assert planned.scheduled_at == utc(2026, 6, 10, 18, 0)


def test_past_steps_are_returned_too_the_dispatcher_decides():
    due = date(2026, 6, 10)
    later = schedule(due, STANDARD_PLAN)
    assert later == sorted(later, key=lambda planned: planned.scheduled_at)
    assert len(later) == 6  # all of them, even long past: plan_schedule has no clock


# --- daylight saving time -----------------------------------------------------------------------


def test_paris_spring_forward_changes_the_utc_hour_not_the_local_one():
    # Clocks go from 02:00 CET to 03:00 CEST on Sunday 29 March 2026.
    planned = schedule(date(2026, 3, 23), GENTLE_PLAN)
    assert [p.scheduled_at for p in planned[:3]] == [
        utc(2026, 3, 23, 8, 30),  # Monday, CET
        utc(2026, 3, 30, 7, 30),  # Monday, CEST
        utc(2026, 4, 7, 7, 30),  # Easter Monday 6 April skipped
    ]


def test_paris_fall_back_changes_the_utc_hour_not_the_local_one():
    # Clocks go from 03:00 CEST back to 02:00 CET on Sunday 25 October 2026.
    planned = schedule(date(2026, 10, 19), GENTLE_PLAN)
    assert [p.scheduled_at for p in planned] == [
        utc(2026, 10, 19, 7, 30),
        utc(2026, 10, 26, 8, 30),
        utc(2026, 11, 2, 8, 30),
        utc(2026, 11, 9, 8, 30),
        utc(2026, 11, 16, 8, 30),
        utc(2026, 11, 23, 8, 30),
    ]


def test_send_time_inside_the_gap_is_clamped_to_eight_anyway():
    [planned] = schedule(date(2026, 3, 30), ONCE_PLAN, send_time=time(2, 30))
    assert planned.scheduled_at == utc(2026, 3, 30, 6, 0)  # 08:00 CEST


@pytest.mark.parametrize(
    ("day", "wall", "tz", "expected_utc", "expected_local"),
    [
        # Paris, spring forward: 02:00–02:59 do not exist; the first instant after is 03:00 CEST.
        (date(2026, 3, 29), time(2, 30), PARIS, utc(2026, 3, 29, 1), time(3)),
        (date(2026, 3, 29), time(2, 0), PARIS, utc(2026, 3, 29, 1), time(3)),
        (date(2026, 3, 29), time(2, 59, 59), PARIS, utc(2026, 3, 29, 1), time(3)),
        (date(2026, 3, 29), time(1, 59), PARIS, utc(2026, 3, 29, 0, 59), time(1, 59)),
        (date(2026, 3, 29), time(3, 0), PARIS, utc(2026, 3, 29, 1), time(3)),
        (date(2026, 3, 29), time(9, 30), PARIS, utc(2026, 3, 29, 7, 30), time(9, 30)),
        # Paris, fall back: 02:00–02:59 happen twice; the first (CEST) is taken.
        (date(2026, 10, 25), time(2, 30), PARIS, utc(2026, 10, 25, 0, 30), time(2, 30)),
        (date(2026, 10, 25), time(1, 30), PARIS, utc(2026, 10, 24, 23, 30), time(1, 30)),
        (date(2026, 10, 25), time(3, 0), PARIS, utc(2026, 10, 25, 2), time(3)),
        (date(2026, 10, 25), time(9, 30), PARIS, utc(2026, 10, 25, 8, 30), time(9, 30)),
        # New York: 8 March 2026 02:00 EST → 03:00 EDT; 1 November 2026 02:00 EDT → 01:00 EST.
        (date(2026, 3, 8), time(2, 30), NEW_YORK, utc(2026, 3, 8, 7), time(3)),
        (date(2026, 3, 8), time(9, 30), NEW_YORK, utc(2026, 3, 8, 13, 30), time(9, 30)),
        (date(2026, 11, 1), time(1, 30), NEW_YORK, utc(2026, 11, 1, 5, 30), time(1, 30)),
        (date(2026, 11, 1), time(9, 30), NEW_YORK, utc(2026, 11, 1, 14, 30), time(9, 30)),
        # Lord Howe Island shifts by half an hour: 02:00 → 02:30 on 4 October 2026.
        (date(2026, 10, 4), time(2, 15), "Australia/Lord_Howe", utc(2026, 10, 3, 15, 30), time(2, 30)),
    ],
)
def test_localize_handles_gaps_and_ambiguous_times(day, wall, tz, expected_utc, expected_local):
    local = localize(day, wall, tz)
    assert local.astimezone(UTC) == expected_utc
    assert local.time() == expected_local
    assert local.date() == day
    assert local.tzinfo == ZoneInfo(tz)


def test_new_york_dst_weeks():
    before, after = schedule(date(2026, 3, 6), Plan("custom", (0, 3)), tz=NEW_YORK, country="US")
    assert (before.scheduled_at, after.scheduled_at) == (utc(2026, 3, 6, 14, 30), utc(2026, 3, 9, 13, 30))
    before, after = schedule(date(2026, 10, 30), Plan("custom", (0, 3)), tz=NEW_YORK, country="US")
    assert (before.scheduled_at, after.scheduled_at) == (utc(2026, 10, 30, 13, 30), utc(2026, 11, 2, 14, 30))


# --- quiet hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (paris(2026, 6, 13, 21), paris(2026, 6, 15, 8)),  # Saturday evening → Monday, Sunday excluded
        (paris(2026, 6, 13, 10), paris(2026, 6, 13, 10)),  # Saturday morning is allowed
        (paris(2026, 6, 13, 5), paris(2026, 6, 13, 8)),  # Saturday dawn → Saturday 08:00
        (paris(2026, 6, 14, 10), paris(2026, 6, 15, 8)),  # Sunday → Monday
        (paris(2026, 6, 14, 21), paris(2026, 6, 15, 8)),  # Sunday evening → Monday
        (paris(2026, 6, 14, 3), paris(2026, 6, 15, 8)),  # Sunday night → Monday
        (paris(2026, 6, 10, 7, 59), paris(2026, 6, 10, 8)),  # weekday before 08:00 → same day
        (paris(2026, 6, 10, 8), paris(2026, 6, 10, 8)),
        (paris(2026, 6, 10, 20), paris(2026, 6, 10, 20)),  # 20:00 sharp is still allowed
        (paris(2026, 6, 10, 20, 0, 1), paris(2026, 6, 11, 8)),
        (paris(2026, 6, 12, 22), paris(2026, 6, 13, 8)),  # Friday night → Saturday 08:00
        (paris(2026, 7, 14, 10), paris(2026, 7, 14, 10)),  # public holidays are the planner's business
        (paris(2026, 3, 28, 21), paris(2026, 3, 30, 8)),  # across spring forward: 20:00Z → 06:00Z
        (paris(2026, 10, 24, 21), paris(2026, 10, 26, 8)),  # across fall back: 19:00Z → 07:00Z
    ],
)
def test_quiet_hours(at, expected):
    allowed = quiet_hours_next_allowed(at.astimezone(UTC), PARIS)
    assert allowed == expected
    assert allowed.tzinfo is UTC


def test_quiet_hours_across_dst_in_utc_terms():
    assert quiet_hours_next_allowed(utc(2026, 3, 28, 20), PARIS) == utc(2026, 3, 30, 6)
    assert quiet_hours_next_allowed(utc(2026, 10, 24, 19), PARIS) == utc(2026, 10, 26, 7)


def test_quiet_hours_use_the_recipient_zone():
    # 23:00 UTC on a Friday is 19:00 in New York: allowed there, but past 20:00 in Paris.
    at = utc(2026, 6, 12, 23)
    assert quiet_hours_next_allowed(at, NEW_YORK) == at
    assert quiet_hours_next_allowed(at, PARIS) == paris(2026, 6, 13, 8)


def test_quiet_hours_need_an_aware_datetime():
    with pytest.raises(ValueError, match="aware"):
        quiet_hours_next_allowed(datetime(2026, 6, 10, 12), PARIS)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)))
def test_quiet_hours_result_is_allowed_and_never_earlier(at):
    allowed = quiet_hours_next_allowed(at, PARIS)
    local = allowed.astimezone(ZoneInfo(PARIS))
    assert allowed >= at
    assert allowed - at < timedelta(days=2, hours=13)
    assert local.weekday() != 6
    assert time(8) <= local.time() <= time(20)
    assert quiet_hours_next_allowed(allowed, PARIS) == allowed


# --- catch-up after downtime --------------------------------------------------------------------


@pytest.fixture
def three_overdue() -> list[PlannedStep]:
    # Due Mon 8 June, reminders on Mon 8, Thu 11 and Mon 15 June at 09:30 Paris (07:30 UTC).
    return schedule(date(2026, 6, 8), Plan("custom", (0, 3, 7)))


def rows(planned: list[PlannedStep]) -> list[DueReminder]:
    return [
        DueReminder(i + 1, p.step.index, p.step.tone.value, p.step.audience.value, p.scheduled_at)
        for i, p in enumerate(planned)
    ]


def decide(due, now, *, stale_after=timedelta(days=3), earlier=(), last=None, manual=False, wanted=True):
    return decide_due(
        due, now=now, tz=PARIS, wanted=wanted, manual_approval=manual, last_client_sent_at=last,
        earlier_tones=earlier, stale_after=stale_after,
    )  # fmt: skip


def sent(decisions: list[Decision]) -> list[DueReminder]:
    return [d.reminder for d in decisions if d.action is Action.SEND]


def test_bot_down_ten_days_sends_only_the_latest_reminder(three_overdue):
    now = paris(2026, 6, 17, 10).astimezone(UTC)  # down since Sunday 7 June
    first, second, latest = rows(three_overdue)
    result = decide([first, second, latest], now)
    assert sent(result) == [latest]
    skipped = [d for d in result if d.action is Action.SKIP]
    assert [d.reminder for d in skipped] == [first, second]
    assert all(d.reason == "superseded by a later reminder after a delay" for d in skipped)
    assert not any(d.action is Action.HOLD for d in result)


def test_too_old_catch_up_is_stale_so_the_freelancer_is_asked(three_overdue):
    now = paris(2026, 6, 17, 10).astimezone(UTC)
    result = decide(rows(three_overdue), now, stale_after=timedelta(days=1))
    [held] = [d for d in result if d.action is Action.HOLD]
    assert held.reminder == rows(three_overdue)[-1]
    assert held.reason.startswith("stale") and held.approval is False
    assert sent(result) == []


def test_catch_up_accepts_steps_in_any_order_and_ignores_future_ones(three_overdue):
    now = utc(2026, 6, 12, 8)  # 10:00 in Paris, within sending hours
    result = decide(list(reversed(rows(three_overdue))), now)
    assert sent(result) == [rows(three_overdue)[1]]
    assert [d.reminder for d in result if d.action is Action.SKIP] == [rows(three_overdue)[0]]
    assert rows(three_overdue)[2] not in [d.reminder for d in result]


def test_a_step_due_exactly_now_is_sent(three_overdue):
    first = rows(three_overdue)[0]
    result = decide([first], first.scheduled_at, stale_after=timedelta(0))
    assert result == [Decision(first, Action.SEND, tone="friendly")]


def test_nothing_due_means_nothing_to_do():
    assert decide([], utc(2026, 6, 17), stale_after=timedelta(days=1)) == []


# The standard plan for an invoice due Monday 1 March 2027: courtesy Fri 26 Feb, friendly Thu 4 March,
# firm Thu 11 March, the freelancer's call Tue 16 March, final Mon 22 March (21st is a Sunday),
# formal-notice alert Wed 31 March. The fixture has the client rows, then the call, then the notice.
@pytest.fixture
def standard_2027() -> list[DueReminder]:
    planned = rows(schedule(date(2027, 3, 1), STANDARD_PLAN))
    return sorted(planned, key=lambda r: (r.audience != "client", r.tone == "notice"))


def test_back_on_22_march_the_first_reminder_does_not_claim_earlier_ones(standard_2027):
    now = paris(2027, 3, 22, 10).astimezone(UTC)
    result = decide(standard_2027[:4], now)
    [sent_row] = [d for d in result if d.action is Action.SEND]
    assert sent_row.reminder.tone == "final" and sent_row.tone == "firm"


def test_final_tone_is_kept_once_the_client_had_a_reminder(standard_2027):
    now = paris(2027, 3, 22, 10).astimezone(UTC)
    result = decide(standard_2027[3:4], now, earlier=("courtesy", "friendly", "firm"))
    assert [d.tone for d in result] == ["final"]
    result = decide(standard_2027[3:4], now, earlier=("courtesy",))  # a heads-up is no reminder
    assert [d.tone for d in result] == ["firm"]


def test_back_on_31_march_the_notice_alert_does_not_replace_the_client_reminders(standard_2027):
    now = paris(2027, 3, 31, 10).astimezone(UTC)
    result = {d.reminder.tone: d for d in decide(standard_2027, now)}
    assert result["notice"].action is Action.SEND  # the freelancer is told
    assert result["call"].action is Action.SKIP  # two weeks late, the call script is superseded by it
    assert result["final"].action is Action.HOLD  # nine days late: the freelancer decides
    assert {result[t].action for t in ("courtesy", "friendly", "firm")} == {Action.SKIP}


def test_a_fresh_client_step_goes_with_the_notice_alert(standard_2027):
    final, notice = standard_2027[3], standard_2027[5]
    now = notice.scheduled_at
    late_final = DueReminder(final.id, final.step, final.tone, final.audience, now - timedelta(days=1))
    assert {d.reminder.tone: d.action for d in decide([late_final, notice], now)} == {
        "final": Action.SEND, "notice": Action.SEND,
    }  # fmt: skip


def test_unwanted_invoice_cancels_every_due_row(three_overdue):
    result = decide(rows(three_overdue), utc(2026, 6, 17, 8), wanted=False)
    assert {d.action for d in result} == {Action.CANCEL}


def test_manual_approval_holds_only_client_rows_not_yet_approved(three_overdue):
    first = rows(three_overdue)[0]
    [held] = decide([first], first.scheduled_at, manual=True)
    assert held.action is Action.HOLD and held.approval is True
    approved = DueReminder(first.id, first.step, first.tone, first.audience, first.scheduled_at, True)
    assert decide([approved], first.scheduled_at, manual=True)[0].action is Action.SEND


@pytest.mark.parametrize(
    ("local", "action"),
    [
        ((8, 0), Action.SEND),
        ((7, 59), Action.RESCHEDULE),
        ((20, 0), Action.SEND),
        ((20, 1), Action.RESCHEDULE),
    ],
)
def test_quiet_hour_edges_are_inclusive(local, action):
    now = paris(2026, 6, 10, *local).astimezone(UTC)
    row = DueReminder(1, 0, "friendly", "client", now)
    [decision] = decide([row], now)
    assert decision.action is action
    if action is Action.RESCHEDULE:
        assert decision.at is not None and decision.at.astimezone(ZoneInfo(PARIS)).time() == time(8, 0)


def test_a_second_client_reminder_the_same_day_is_skipped(three_overdue):
    first = rows(three_overdue)[0]
    [decision] = decide([first], first.scheduled_at, last=first.scheduled_at - timedelta(hours=1))
    assert decision.action is Action.SKIP and decision.reason == "a reminder already went out today"
