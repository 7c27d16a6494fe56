"""Reminder plans: which reminders an invoice gets, how many days from its due date, in which tone.

A plan is data (a few integers), never code, so it can be stored as a short spec string and parsed
from what a freelancer types. Dates and hours are decided later by `bot.domain.planning`.

Tone rule (the same for built-in and custom plans, so a freelancer's own calendar "sounds" like ours):

* a reminder before the due date (negative offset) is a COURTESY heads-up;
* the first reminder on or after the due date is FRIENDLY — it assumes an oversight;
* the last one is FINAL when there are at least three reminders on or after the due date;
* every other one in between is FIRM.

Two optional steps go to the freelancer, not the client:

* CALL: a courtesy call script (who to call, about what, the number) with buttons for the outcome.
  The *standard* plan has one before its final reminder; a custom plan adds one with "call 12".
* NOTICE: it tells them it is time to send a formal notice ("mise en demeure"), with a button that
  drafts it. Only the built-in *standard* plan has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

MIN_OFFSET = -60
MAX_OFFSET = 180
MAX_STEPS = 12
"""Most client reminders one plan may produce, repeats included (the NOTICE step is not counted)."""
MIN_REPEAT_EVERY, MAX_REPEAT_EVERY = 1, 90
MIN_REPEAT_MAX, MAX_REPEAT_MAX = 1, 12
MAX_INPUT_LENGTH = 200
CUSTOM_CODE = "custom"
DAYS_PER_WEEK = 7


class Tone(StrEnum):
    COURTESY = "courtesy"
    FRIENDLY = "friendly"
    FIRM = "firm"
    FINAL = "final"
    NOTICE = "notice"
    CALL = "call"


class Audience(StrEnum):
    CLIENT = "client"
    FREELANCER = "freelancer"


class PlanErrorReason(StrEnum):
    EMPTY = "empty"
    UNPARSEABLE = "unparseable"
    OUT_OF_RANGE = "out_of_range"
    DUPLICATE_OFFSETS = "duplicate_offsets"
    TOO_MANY_STEPS = "too_many_steps"
    BAD_REPEAT = "bad_repeat"
    BAD_CALL = "bad_call"


class PlanError(ValueError):
    """A plan the freelancer typed (or a stored spec) that we refuse; `reason` picks the message."""

    def __init__(self, reason: PlanErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Step:
    index: int
    """The step's identity within its plan, stored with its reminder row: client reminders are 0…n-1 in
    order, the NOTICE is n and the CALL n+1. Appending the freelancer steps after the client reminders
    keeps the numbers of rows planned before a plan gained its CALL step (the standard plan did)."""
    offset_days: int
    """Days relative to the invoice's due date (negative = before it)."""
    tone: Tone
    audience: Audience


@dataclass(frozen=True)
class Plan:
    """Offsets in days from the due date, optionally followed by a repeat every N days.

    `repeat_max` is the number of repeats after the last offset. A repeat without `repeat_max`
    ("until paid") continues up to MAX_STEPS reminders in total and never past MAX_OFFSET days,
    so even an open-ended plan cannot turn into harassment. Invalid plans cannot be built.
    """

    code: str
    offsets: tuple[int, ...]
    repeat_every: int | None = None
    repeat_max: int | None = None
    notice_offset: int | None = None
    call_offset: int | None = None
    """The day of the freelancer's courtesy call (days after the due date), if the plan has one."""

    def __post_init__(self) -> None:
        _check_plan(self)

    def client_offsets(self) -> list[int]:
        """Every client reminder's offset, repeats expanded, in increasing order."""
        offsets = list(self.offsets)
        if self.repeat_every is None:
            return offsets
        count = self.repeat_max if self.repeat_max is not None else MAX_STEPS - len(offsets)
        for _ in range(count):
            following = offsets[-1] + self.repeat_every
            if self.repeat_max is None and following > MAX_OFFSET:
                break
            offsets.append(following)
        return offsets

    def steps(self) -> list[Step]:
        """The plan's steps in time order: client reminders, the freelancer's CALL and NOTICE if any."""
        offsets = self.client_offsets()
        steps = [
            Step(index, offset, tone, Audience.CLIENT)
            for index, (offset, tone) in enumerate(zip(offsets, client_tones(offsets), strict=True))
        ]
        if self.notice_offset is not None:
            steps.append(Step(len(offsets), self.notice_offset, Tone.NOTICE, Audience.FREELANCER))
        if self.call_offset is not None:
            steps.append(Step(len(offsets) + 1, self.call_offset, Tone.CALL, Audience.FREELANCER))
        return sorted(steps, key=lambda step: step.offset_days)

    def to_spec(self) -> str:
        """Compact form for the database: a built-in's code, or "custom:-7,0,7;every=7;max=3"."""
        if BUILTIN_PLANS.get(self.code) == self:
            return self.code
        parts = [",".join(str(offset) for offset in self.offsets)]
        for key, value in (
            ("every", self.repeat_every),
            ("max", self.repeat_max),
            ("notice", self.notice_offset),
            ("call", self.call_offset),
        ):
            if value is not None:
                parts.append(f"{key}={value}")
        return f"{CUSTOM_CODE}:" + ";".join(parts)

    @classmethod
    def from_spec(cls, spec: str) -> Plan:
        """Inverse of `to_spec`; strict, because specs are written by us, not typed by people."""
        spec = spec.strip()
        if spec in BUILTIN_PLANS:
            return BUILTIN_PLANS[spec]
        prefix, colon, body = spec.partition(":")
        if prefix != CUSTOM_CODE or not colon:
            raise PlanError(PlanErrorReason.UNPARSEABLE)
        return _plan_from_custom_spec(body)


def client_tones(offsets: list[int]) -> list[Tone]:
    """The tone of each client reminder, following the rule in the module docstring."""
    after_due = [offset for offset in offsets if offset >= 0]
    has_final = len(after_due) >= 3
    tones = []
    for offset in offsets:
        if offset < 0:
            tones.append(Tone.COURTESY)
        elif offset == after_due[0]:
            tones.append(Tone.FRIENDLY)
        elif has_final and offset == after_due[-1]:
            tones.append(Tone.FINAL)
        else:
            tones.append(Tone.FIRM)
    return tones


def _check_plan(plan: Plan) -> None:
    """Refuse plans that are empty, out of range, repetitive or too long (the no-harassment rule)."""
    offsets = plan.offsets
    if not offsets:
        raise PlanError(PlanErrorReason.EMPTY)
    if any(not MIN_OFFSET <= offset <= MAX_OFFSET for offset in offsets):
        raise PlanError(PlanErrorReason.OUT_OF_RANGE)
    if len(set(offsets)) != len(offsets):
        raise PlanError(PlanErrorReason.DUPLICATE_OFFSETS)
    if list(offsets) != sorted(offsets):
        raise ValueError("plan offsets must be sorted")
    _check_repeat(plan.repeat_every, plan.repeat_max)
    if len(offsets) + (plan.repeat_max or 0) > MAX_STEPS:
        raise PlanError(PlanErrorReason.TOO_MANY_STEPS)
    last = plan.client_offsets()[-1]
    if last > MAX_OFFSET:
        raise PlanError(PlanErrorReason.OUT_OF_RANGE)
    if plan.notice_offset is not None and not last < plan.notice_offset <= MAX_OFFSET:
        raise PlanError(PlanErrorReason.OUT_OF_RANGE)
    if plan.call_offset is not None:
        _check_call(plan.call_offset, plan.client_offsets(), plan.notice_offset)


def _check_call(call: int, client_offsets: list[int], notice: int | None) -> None:
    """A call after the due date, on a day without a client reminder, and before the formal notice note."""
    if not 0 < call <= MAX_OFFSET or call in client_offsets or (notice is not None and call >= notice):
        raise PlanError(PlanErrorReason.BAD_CALL)


def _check_repeat(every: int | None, count: int | None) -> None:
    if every is None:
        if count is not None:
            raise PlanError(PlanErrorReason.BAD_REPEAT)
        return
    if not MIN_REPEAT_EVERY <= every <= MAX_REPEAT_EVERY:
        raise PlanError(PlanErrorReason.BAD_REPEAT)
    if count is not None and not MIN_REPEAT_MAX <= count <= MAX_REPEAT_MAX:
        raise PlanError(PlanErrorReason.BAD_REPEAT)


STANDARD_PLAN = Plan("standard", (-3, 3, 10, 20), notice_offset=30, call_offset=15)
"""The call comes between the firm reminder (10) and the final one (20): a voice often settles what
e-mails did not, and the final reminder can then refer to it."""
GENTLE_PLAN = Plan("gentle", (0,), repeat_every=7, repeat_max=5)
ONCE_PLAN = Plan("once", (0,))
DEFAULT_PLAN = STANDARD_PLAN
BUILTIN_PLANS: dict[str, Plan] = {plan.code: plan for plan in (STANDARD_PLAN, GENTLE_PLAN, ONCE_PLAN)}


# --- stored specs -------------------------------------------------------------------------------

_SPEC_NUMBER = re.compile(r"[+-]?[0-9]{1,4}")
_SPEC_KEYS = ("every", "max", "notice", "call")


def _spec_int(text: str) -> int:
    if not _SPEC_NUMBER.fullmatch(text):
        raise PlanError(PlanErrorReason.UNPARSEABLE)
    return int(text)


def _plan_from_custom_spec(body: str) -> Plan:
    offsets_text, *options = body.split(";")
    offsets = [_spec_int(part) for part in offsets_text.split(",")]
    settings: dict[str, int] = {}
    for option in options:
        key, equals, value = option.partition("=")
        if key not in _SPEC_KEYS or not equals or key in settings:
            raise PlanError(PlanErrorReason.UNPARSEABLE)
        settings[key] = _spec_int(value)
    return Plan(
        CUSTOM_CODE,
        tuple(sorted(offsets)),
        repeat_every=settings.get("every"),
        repeat_max=settings.get("max"),
        notice_offset=settings.get("notice"),
        call_offset=settings.get("call"),
    )


# --- what freelancers type ----------------------------------------------------------------------

_DAYS = r"(?:days?|jours?|j|d|tage?n?|dagen|dag|días|dias|día|dia|giorni|giorno|gg)"
_EVERY = re.compile(
    r"\b(?:(?:every|each|tous\s+les|toutes\s+les|chaque|alle|jeden|elke|iedere|om\s+de|cada|ogni)"
    rf"\s*=?\s*(?P<number>\d+)\s*{_DAYS}?"
    r"|weekly|every\s+week|each\s+week|chaque\s+semaine|toutes\s+les\s+semaines|hebdomadaire"
    r"|wöchentlich|jede\s+woche|wekelijks|elke\s+week|cada\s+semana|semanal|ogni\s+settimana|settimanale)\b"
)
_AT_MOST = re.compile(
    r"\b(?:at\s+most|up\s+to|au\s+plus|au\s+maximum|maximum|max|höchstens|maximal|hoogstens|maximaal"
    r"|como\s+máximo|como\s+maximo|hasta|al\s+massimo|massimo|fino\s+a)\s*=?\s*(?P<number>\d+)"
    r"\s*(?:times|fois|more|reminders?|relances?|mal|keer|veces|volte)?\b"
)
_CALL_WORDS = (
    r"call|phone|appel|appeler|téléphone|téléphoner|tel|tél|anruf|anrufen|bellen|telefoon|llamada|llamar"
    r"|chiamata|chiamare|telefonata"
)
_CALL = re.compile(
    rf"\b(?:{_CALL_WORDS})\b\s*"
    r"(?:(?:at|on|day|after|à|au|le|jour|après|am|tag|nach|op|dag|na|el|día|dia|il|giorno|dopo)\s+){0,2}"
    rf"=?\s*(?:[jd]\s*)?(?P<number>[+-]?\d+)(?:\s*{_DAYS}\b)?"
)
"""A courtesy call in a typed plan: "call 12", "appel J+12", "call on day 12", "Anruf 12", "bellen 12"."""
_CALL_WORD = re.compile(rf"\b(?:{_CALL_WORDS})\b")
_UNTIL_PAID = re.compile(
    r"\b(?:until|till|jusqu['’]\s*(?:au|à)|bis\s+zur|tot|hasta\s+el|fino\s+al)\s+"
    r"(?:paid|payment|paiement|règlement|zahlung|bezahlung|betaling|pago|pagamento)\b"
)
_FILLER_WORDS = frozenset({
    "then", "and", "puis", "et", "days", "day", "jours", "jour", "j", "d", "dann", "und", "tage", "tagen",
    "dan", "en", "dagen", "luego", "después", "y", "días", "poi", "e", "giorni",
})  # fmt: skip
_OFFSET_TOKEN = re.compile(r"[jd]?([+-]?\d+)")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def parse_custom_plan(text: str) -> Plan:
    """Read a plan typed in English, French, German, Dutch, Spanish or Italian, e.g. "-7, 0, 7, 14, 30" or
    "0, 7 puis tous les 7 jours, au plus 4" ("at most 4" = four repeats after the last offset),
    with an optional courtesy call: "0, 7, call 10, 14" / "0, 7, appel 10, 14".

    Only integers are read (no float, no eval); offsets may be given in any order and are sorted.
    French "J-7, J+3" style offsets are accepted too.
    """
    normalized = text.translate(_MINUS_SIGNS).lower().strip()
    if not normalized:
        raise PlanError(PlanErrorReason.EMPTY)
    if len(normalized) > MAX_INPUT_LENGTH:
        raise PlanError(PlanErrorReason.UNPARSEABLE)
    call, rest = _take_call(normalized)
    every, rest = _take_clause(rest, _EVERY)
    at_most, rest = _take_clause(rest, _AT_MOST)
    offsets = _read_offsets(_UNTIL_PAID.sub(" ", rest))
    if not offsets:
        raise PlanError(PlanErrorReason.EMPTY)
    return Plan(CUSTOM_CODE, tuple(sorted(offsets)), repeat_every=every, repeat_max=at_most, call_offset=call)


def _take_call(text: str) -> tuple[int | None, str]:
    """At most one "call N" clause; a call word without a day, or two calls, is refused as BAD_CALL."""
    matches = list(_CALL.finditer(text))
    if len(matches) > 1 or len(_CALL_WORD.findall(text)) != len(matches):
        raise PlanError(PlanErrorReason.BAD_CALL)
    if not matches:
        return None, text
    return int(matches[0].group("number")), _CALL.sub(" ", text)


def _take_clause(text: str, pattern: re.Pattern[str]) -> tuple[int | None, str]:
    """Find at most one clause like "every 7 days"; return its number and the text without it.

    A clause without a number ("weekly") means every 7 days.
    """
    matches = list(pattern.finditer(text))
    if not matches:
        return None, text
    if len(matches) > 1:
        raise PlanError(PlanErrorReason.UNPARSEABLE)
    number = matches[0].group("number")
    return (int(number) if number else DAYS_PER_WEEK), pattern.sub(" ", text)


def _read_offsets(text: str) -> list[int]:
    offsets = []
    for token in re.split(r"[\s,;]+", text):
        if not token or token in _FILLER_WORDS:
            continue
        match = _OFFSET_TOKEN.fullmatch(token)
        if match is None:
            raise PlanError(PlanErrorReason.UNPARSEABLE)
        offsets.append(int(match.group(1)))
    return offsets
