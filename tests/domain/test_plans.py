"""Reminder plans: built-ins, the tone rule, stored specs and what freelancers type."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.plans import (
    BUILTIN_PLANS,
    DEFAULT_PLAN,
    GENTLE_PLAN,
    MAX_OFFSET,
    MAX_STEPS,
    ONCE_PLAN,
    STANDARD_PLAN,
    Audience,
    Plan,
    PlanError,
    PlanErrorReason,
    Step,
    Tone,
    parse_custom_plan,
)

C, F = Audience.CLIENT, Audience.FREELANCER


def summary(plan: Plan) -> list[tuple[int, Tone, Audience]]:
    return [(step.offset_days, step.tone, step.audience) for step in plan.steps()]


# --- built-in plans -----------------------------------------------------------------------------


def test_standard_plan_is_the_default_calls_before_the_final_reminder_and_ends_with_a_notice():
    assert DEFAULT_PLAN is STANDARD_PLAN
    assert summary(STANDARD_PLAN) == [
        (-3, Tone.COURTESY, C),
        (3, Tone.FRIENDLY, C),
        (10, Tone.FIRM, C),
        (15, Tone.CALL, F),
        (20, Tone.FINAL, C),
        (30, Tone.NOTICE, F),
    ]


def test_freelancer_steps_keep_their_numbers_after_the_client_reminders():
    """Rows planned before the standard plan had a call step (notice = step 4) still match their step."""
    assert [(s.index, s.tone) for s in STANDARD_PLAN.steps()] == [
        (0, Tone.COURTESY), (1, Tone.FRIENDLY), (2, Tone.FIRM), (5, Tone.CALL), (3, Tone.FINAL), (4, Tone.NOTICE),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "offsets", "call"),
    [
        ("0, 7, call 10, 14", (0, 7, 14), 10),
        ("-7, 0, 7, appel J+12, 14, 30", (-7, 0, 7, 14, 30), 12),
        ("0, 7, 14, call on day 3", (0, 7, 14), 3),
        ("J+3, téléphoner J+5, J+10", (3, 10), 5),
        ("0, 7 then every 7 days, at most 4, call 3", (0, 7), 3),
        ("0, 14, Call 5 days", (0, 14), 5),
    ],
)
def test_a_typed_plan_can_add_a_courtesy_call(typed: str, offsets: tuple[int, ...], call: int):
    plan = parse_custom_plan(typed)
    assert plan.offsets == offsets and plan.call_offset == call
    assert Plan.from_spec(plan.to_spec()) == plan
    assert [s.tone for s in plan.steps()].count(Tone.CALL) == 1


@pytest.mark.parametrize(
    "typed",
    [
        "0, 7, call",  # no day
        "0, 7, call 7",  # on a reminder day
        "0, 7, call 0",  # not after the due date
        "0, 7, call -2",
        "0, call 3, call 5",  # two calls
        "0, 7, call 181",
        "0 every 7 days, call 14",  # on a repeat's day
    ],
)
def test_a_bad_call_in_a_typed_plan_is_refused(typed: str):
    with pytest.raises(PlanError) as refused:
        parse_custom_plan(typed)
    assert refused.value.reason == PlanErrorReason.BAD_CALL


def test_a_call_alone_is_not_a_plan():
    with pytest.raises(PlanError) as refused:
        parse_custom_plan("call 10")
    assert refused.value.reason == PlanErrorReason.EMPTY


def test_stored_specs_without_a_call_still_read_and_a_call_must_come_before_the_notice():
    assert Plan.from_spec("custom:0,7,14;notice=30").call_offset is None
    assert Plan.from_spec("custom:0,7,14;call=10;notice=30").call_offset == 10
    with pytest.raises(PlanError):
        Plan.from_spec("custom:0,7,14;call=30;notice=30")
    with pytest.raises(PlanError):
        Plan.from_spec("custom:0,7,14;call=5;call=6")


def test_gentle_plan_is_weekly_from_the_due_date_six_reminders_at_most():
    assert summary(GENTLE_PLAN) == [
        (0, Tone.FRIENDLY, C),
        (7, Tone.FIRM, C),
        (14, Tone.FIRM, C),
        (21, Tone.FIRM, C),
        (28, Tone.FIRM, C),
        (35, Tone.FINAL, C),
    ]


def test_once_plan_is_one_friendly_reminder_on_the_due_date():
    assert summary(ONCE_PLAN) == [(0, Tone.FRIENDLY, C)]


def test_builtin_registry_is_keyed_by_code():
    assert BUILTIN_PLANS == {"standard": STANDARD_PLAN, "gentle": GENTLE_PLAN, "once": ONCE_PLAN}


def test_step_indexes_number_client_reminders_in_order_then_the_notice():
    assert [step.index for step in STANDARD_PLAN.steps() if step.audience is C] == [0, 1, 2, 3]
    assert STANDARD_PLAN.steps()[-1] == Step(4, 30, Tone.NOTICE, Audience.FREELANCER)


# --- tone rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "tones"),
    [
        ((-7, 0, 7, 14, 30), ["courtesy", "friendly", "firm", "firm", "final"]),
        ((0, 7, 14), ["friendly", "firm", "final"]),
        ((0, 7), ["friendly", "firm"]),
        ((-3, 5), ["courtesy", "friendly"]),
        ((-10, -3), ["courtesy", "courtesy"]),
        ((5,), ["friendly"]),
    ],
)
def test_tone_rule_for_custom_plans(offsets, tones):
    plan = Plan("custom", offsets)
    assert [step.tone for step in plan.steps()] == tones
    assert all(step.audience is Audience.CLIENT for step in plan.steps())


def test_repeats_continue_from_the_last_offset_and_the_last_repeat_is_final():
    plan = Plan("custom", (-7, 0), repeat_every=10, repeat_max=2)
    assert summary(plan) == [
        (-7, Tone.COURTESY, C),
        (0, Tone.FRIENDLY, C),
        (10, Tone.FIRM, C),
        (20, Tone.FINAL, C),
    ]


def test_repeat_until_paid_stops_at_the_step_cap():
    plan = Plan("custom", (0, 3), repeat_every=7)
    offsets = plan.client_offsets()
    assert len(offsets) == MAX_STEPS
    assert offsets[:4] == [0, 3, 10, 17]


def test_repeat_until_paid_stops_at_the_offset_cap():
    plan = Plan("custom", (100,), repeat_every=30)
    assert plan.client_offsets() == [100, 130, 160]
    assert plan.client_offsets()[-1] <= MAX_OFFSET


# --- stored specs -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["standard", "gentle", "once"])
def test_builtin_specs_are_their_code(code):
    assert BUILTIN_PLANS[code].to_spec() == code
    assert Plan.from_spec(code) is BUILTIN_PLANS[code]


def test_custom_spec_format():
    plan = Plan("custom", (-7, 0, 7, 14, 30), repeat_every=7, repeat_max=3)
    assert plan.to_spec() == "custom:-7,0,7,14,30;every=7;max=3"
    assert Plan.from_spec("custom:-7,0,7,14,30;every=7;max=3") == plan


def test_custom_spec_without_repeat_and_with_notice():
    assert Plan("custom", (0, 7)).to_spec() == "custom:0,7"
    plan = Plan.from_spec("custom:0,7;notice=40")
    assert plan.notice_offset == 40
    assert plan.steps()[-1] == Step(2, 40, Tone.NOTICE, Audience.FREELANCER)


def test_a_modified_builtin_is_stored_as_custom():
    changed = Plan("standard", (-3, 3, 10, 20))
    assert changed.to_spec() == "custom:-3,3,10,20"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "weird",
        "custom",
        "custom:",
        "custom:a",
        "custom:1,,2",
        "custom:1.5",
        "custom:1;foo=2",
        "custom:1;every=7;every=7",
        "custom:1;every",
    ],
)
def test_unreadable_specs_are_refused(spec):
    with pytest.raises(PlanError) as caught:
        Plan.from_spec(spec)
    assert caught.value.reason is PlanErrorReason.UNPARSEABLE


def test_specs_are_validated_like_typed_plans():
    with pytest.raises(PlanError) as caught:
        Plan.from_spec("custom:0,0")
    assert caught.value.reason is PlanErrorReason.DUPLICATE_OFFSETS


@st.composite
def valid_plans(draw):
    offsets = draw(st.lists(st.integers(-60, 100), min_size=1, max_size=6, unique=True))
    every = draw(st.none() | st.integers(1, 10))
    count = draw(st.none() | st.integers(1, 6)) if every else None
    return Plan("custom", tuple(sorted(offsets)), repeat_every=every, repeat_max=count)


@given(valid_plans())
def test_any_custom_plan_survives_a_round_trip_through_its_spec(plan):
    assert Plan.from_spec(plan.to_spec()) == plan


@given(valid_plans())
def test_steps_are_strictly_increasing_and_capped(plan):
    offsets = [step.offset_days for step in plan.steps()]
    assert offsets == sorted(set(offsets))
    assert len(offsets) <= MAX_STEPS


# --- what freelancers type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "offsets", "every", "count"),
    [
        ("-7, 0, 7, 14, 30", (-7, 0, 7, 14, 30), None, None),
        ("-7 0 7 14 30", (-7, 0, 7, 14, 30), None, None),
        ("30, 14 7,0 -7", (-7, 0, 7, 14, 30), None, None),
        ("0,7,14 then every 7 days until paid, at most 4", (0, 7, 14), 7, 4),
        ("0, 7 puis tous les 7 jours, au plus 4", (0, 7), 7, 4),
        ("0,7;every 7;max 4", (0, 7), 7, 4),
        ("0 every=7 max=4", (0,), 7, 4),
        ("3, then weekly until paid", (3,), 7, None),
        ("0 puis chaque semaine jusqu'au paiement", (0,), 7, None),
        ("0, 10 puis toutes les 10 jours, au maximum 3 fois", (0, 10), 10, 3),
        ("J-7, J+3, J+10", (-7, 3, 10), None, None),
        ("\u22127, +3", (-7, 3), None, None),
        ("  0 , 7  ", (0, 7), None, None),
        ("-7, 0, 7 days", (-7, 0, 7), None, None),
    ],
)
def test_freelancer_types_a_custom_plan(text, offsets, every, count):
    assert parse_custom_plan(text) == Plan("custom", offsets, repeat_every=every, repeat_max=count)


def test_parsed_repeats_expand_into_steps():
    plan = parse_custom_plan("0, 7 puis tous les 7 jours, au plus 4")
    assert plan.client_offsets() == [0, 7, 14, 21, 28, 35]
    assert plan.to_spec() == "custom:0,7;every=7;max=4"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", PlanErrorReason.EMPTY),
        ("   ", PlanErrorReason.EMPTY),
        ("until paid", PlanErrorReason.EMPTY),
        ("every 7 days", PlanErrorReason.EMPTY),
        ("1.5", PlanErrorReason.UNPARSEABLE),
        ("seven", PlanErrorReason.UNPARSEABLE),
        ("1e3", PlanErrorReason.UNPARSEABLE),
        ("2*3", PlanErrorReason.UNPARSEABLE),
        ("7-14", PlanErrorReason.UNPARSEABLE),
        ("__import__('os').system('true')", PlanErrorReason.UNPARSEABLE),
        ("0 every 7 every 3", PlanErrorReason.UNPARSEABLE),
        ("0 weekly every 3", PlanErrorReason.UNPARSEABLE),
        ("0 max 2 au plus 3", PlanErrorReason.UNPARSEABLE),
        ("0, " * 100, PlanErrorReason.UNPARSEABLE),
        ("-61, 0", PlanErrorReason.OUT_OF_RANGE),
        ("0, 181", PlanErrorReason.OUT_OF_RANGE),
        ("99999999999999999999", PlanErrorReason.OUT_OF_RANGE),
        ("0, 170 every 7 max 2", PlanErrorReason.OUT_OF_RANGE),
        ("0, 7, 7", PlanErrorReason.DUPLICATE_OFFSETS),
        ("0 +0", PlanErrorReason.DUPLICATE_OFFSETS),
        (", ".join(str(day) for day in range(13)), PlanErrorReason.TOO_MANY_STEPS),
        ("0 every 7 max 12", PlanErrorReason.TOO_MANY_STEPS),
        ("0, 7, 14 every 7 max 10", PlanErrorReason.TOO_MANY_STEPS),
        ("0 every 0", PlanErrorReason.BAD_REPEAT),
        ("0 every 91 days", PlanErrorReason.BAD_REPEAT),
        ("0 every 7 max 0", PlanErrorReason.BAD_REPEAT),
        ("0 every 7 max 13", PlanErrorReason.BAD_REPEAT),
        ("0, 7 au plus 3", PlanErrorReason.BAD_REPEAT),
    ],
)
def test_refused_plans_say_why(text, reason):
    with pytest.raises(PlanError) as caught:
        parse_custom_plan(text)
    assert caught.value.reason is reason


def test_boundaries_are_accepted():
    plan = parse_custom_plan("-60, 180")
    assert plan.offsets == (-60, 180)
    assert len(parse_custom_plan(", ".join(str(day) for day in range(12))).steps()) == 12
    assert parse_custom_plan("0 every 90 max 2").client_offsets() == [0, 90, 180]
    assert parse_custom_plan("0 every 1 max 11").client_offsets() == list(range(12))


def test_notice_must_come_after_the_last_client_reminder():
    with pytest.raises(PlanError) as caught:
        Plan("custom", (0, 7), notice_offset=7)
    assert caught.value.reason is PlanErrorReason.OUT_OF_RANGE


def test_unsorted_offsets_are_a_programming_error():
    with pytest.raises(ValueError, match="sorted"):
        Plan("custom", (7, 0))


@given(st.text(max_size=80))
def test_parsing_anything_either_gives_a_valid_plan_or_a_plan_error(text):
    try:
        plan = parse_custom_plan(text)
    except PlanError as error:
        assert isinstance(error.reason, PlanErrorReason)
    else:
        assert Plan.from_spec(plan.to_spec()) == plan
