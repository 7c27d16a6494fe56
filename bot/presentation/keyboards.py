"""Inline keyboards and callback data, shared by the handlers and the reminder engine.

Every kind of button is registered here once, as a `Button`: the start of its callback data (its
key, e.g. `cl:card`), the regular expression its handler listens to (`Button.pattern`, used by
bot.app) and its builder (`CL_CARD(client.id)` makes `cl:card:42`). A built value is checked
against Telegram's 64-byte limit and against its own pattern, so a keyboard cannot send data that
no handler listens to; tests/test_callbacks.py checks that every button has a handler and that no
two buttons' data can be mistaken for each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CALLBACK_DATA_LIMIT = 64

IDS = ":"  # parts follow the key: `cl:card:42`
ALONE = "$"  # nothing follows the key: `cl:add`
EITHER = "(:|$)"  # parts may follow: `inv:list` or `inv:list:2:7`


def cb(prefix: str, *parts: object) -> str:
    """Callback data: a short prefix plus ids, checked against Telegram's 64-byte limit."""
    data = ":".join([prefix, *map(str, parts)])
    if len(data.encode()) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
    return data


REGISTRY: dict[str, Button] = {}


@dataclass(frozen=True)
class Button:
    """One kind of button: `key` starts its callback data, `tail` (a regular expression) says what
    may follow; `example` is a typical list of parts (for the registry's tests)."""

    key: str
    tail: str = IDS
    example: tuple[object, ...] = field(default=(1,))
    family: bool = False  # its handler also answers the buttons registered under `key:` (by design)
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.key in REGISTRY:
            raise ValueError(f"callback key registered twice: {self.key!r}")
        object.__setattr__(self, "regex", re.compile(self.pattern))
        REGISTRY[self.key] = self

    @property
    def body(self) -> str:
        return re.escape(self.key) + self.tail

    @property
    def pattern(self) -> str:
        """What the handler of this button listens to."""
        return f"^{self.body}"

    def __call__(self, *parts: object) -> str:
        data = cb(self.key, *parts)
        if not self.regex.match(data):
            raise ValueError(f"callback data {data!r} does not match {self.pattern!r}")
        return data


def alone(key: str) -> Button:
    return Button(key, ALONE, ())


def either(*buttons: Button) -> str:
    """The pattern of a handler that answers several kinds of buttons."""
    return "^(?:" + "|".join(b.body for b in buttons) + ")"


def family(prefix: str) -> str:
    """The pattern of a handler that answers every button whose key starts with `prefix:` (it
    dispatches on the next part itself, and answers an unknown one)."""
    if not any(b.key.startswith(f"{prefix}:") for b in REGISTRY.values()):
        raise ValueError(f"no button in the family {prefix!r}")
    return f"^{re.escape(prefix)}:"


# Settings and onboarding (bot.handlers.profile) --------------------------------------------------
SET = Button("set", example=("email",))
PICK = Button("pick", example=("EUR",))
SKIP = alone("skip")
MAIL_COPY = alone("mail:copy")
MAIL_TEST = alone("mail:test")
ACC_DELETE = alone("acc:delete")
ACC_KEEP = alone("acc:keep")

# Clients, their cards and contacts (bot.handlers.clients, addresses, invitations) ------------------
CL_ADD = alone("cl:add")
CL_SKIP = alone("cl:skip")
CL_PAGE = Button("cl:page")
CL_CARD = Button("cl:card")
CL_REN = Button("cl:ren")
CL_NOTES = Button("cl:notes")
CL_ADDCT = Button("cl:addct")
CL_CTED = Button("cl:cted")
CL_CTDEL = Button("cl:ctdel")
CL_B2B = Button("cl:b2b")
CL_LANG = Button("cl:lang")
CL_SETLANG = Button("cl:setlang", example=(1, "fr"))
CL_DEL = Button("cl:del")
CL_DELOK = Button("cl:delok")
CL_CHAN = Button("cl:chan")
CL_INVITE = Button("cl:invite")
CL_INVNEW = Button("cl:invnew")
CL_REVOKE = Button("cl:revoke")
AD_ADDR = Button("ad:addr")
AD_PHONE = Button("ad:phone")
AD_CLEAR = alone("ad:clear")
IV_YES = Button("iv:yes")
IV_NO = Button("iv:no")

# /new (bot.handlers.new_invoice): one handler for the whole family ---------------------------------
NEW_INVOICE = "nw"
NW_PICK = Button("nw:pick", EITHER, ("ACME",))
NW_CLIENT = Button("nw:client", EITHER)
NW_SKIP = Button("nw:skip", EITHER, ())
NW_YES = Button("nw:yes", EITHER, ())
NW_NO = Button("nw:no", EITHER, ())
NW_AMT = Button("nw:amt", EITHER, (0,))
NW_PLAN = Button("nw:plan", EITHER, ("default",))
NW_EDIT = Button("nw:edit", EITHER, ())
NW_FIELD = Button("nw:field", EITHER, ("number",))
NW_CANCEL = Button("nw:cancel", EITHER, ())
NW_CONFIRM = Button("nw:confirm", EITHER, ())

# Invoices, payments and edits (bot.handlers.invoices) ---------------------------------------------
INV_LIST = Button("inv:list", EITHER)
INV_FILTER = Button("inv:filter", EITHER)
INV_CARD = Button("inv:card", EITHER)
INV_PAID = Button("inv:paid", EITHER)
INV_UNDO = Button("inv:undo", EITHER)
INV_PAUSE = Button("inv:pause", EITHER)
INV_RESUME = Button("inv:resume", EITHER)
INV_CANCEL = Button("inv:cancel", EITHER)
INV_CANCELOK = Button("inv:cancelok", EITHER)
INV_PART = Button("inv:part")
INV_EDIT = Button("inv:edit")
IED = Button("ied", example=("number",))
PAY_ALL = alone("pay:all")
PAY_AMT = Button("pay:amt", ":[0-9]{1,15}$", (12000,))
PAY_DATE = Button("pay:date", example=("2026-01-31",))
OV_PAGE = Button("ov:page")

# Statistics (bot.handlers.stats) ------------------------------------------------------------------
ST_SHOW = Button("st:show")
ST_PERIODS = {name: Button(f"st:{name}") for name in ("month", "quarter", "year", "all")}

# A client in Telegram, and the freelancer's answers (bot.handlers.client_actions, client_requests) ---
CP_MENU = alone("cp:menu")
CP_SKIP = alone("cp:skip")
CP_INV = Button("cp:inv")
CP_PAY = Button("cp:pay")
CP_STOP = Button("cp:stop")
CP_PAID = Button("cp:paid")
CP_MORE = Button("cp:more")
CP_ASK = Button("cp:ask")
CP_DAY = Button("cp:day", example=("2026-01-31",))
CP_INST = Button("cp:inst")
CP_DISP = Button("cp:disp")
CR_OK = Button("cr:ok")
CR_NO = Button("cr:no")
CR_REPLY = Button("cr:reply")

# Reminders: plans, texts, the card's buttons, the evening preview (bot.handlers.plans, templates,
# reminders) and held reminders (the engine's notices) ----------------------------------------------
PL_SHOW = Button("pl:show", example=("c", 1))
PL_SET = Button("pl:set", example=("c", 1, "standard"))
PL_CUSTOM = Button("pl:custom", example=("c", 1))
TP_LIST = alone("tp:list")
TP_SAVE = alone("tp:save")
TP_CANCEL = alone("tp:cancel")
TP_EDIT = Button("tp:edit", example=("courtesy",))
TP_RESET = Button("tp:reset", example=("courtesy",))
RM_NOW = Button("rm:now")
RM_TEST = Button("rm:test")
RM_HIST = Button("rm:hist")
RM_SCHED = Button("rm:sched")
RP_OK = Button("rp:ok")
RP_SKIP = Button("rp:skip")
RP_LATER = Button("rp:later")
RP_TEXT = Button("rp:text")
REM_GO = Button("rem:go")
REM_SKIP = Button("rem:skip")
REM_AGAIN = Button("rem:again")

# Formal notices, calls, bank statements (bot.handlers.formal_notice, calls, bank_import) ----------
FN_START = Button("fn:start")
FN_DAYS = Button("fn:days", example=(1, 15))
FN_MAIL = Button("fn:mail")
FN_MAILOK = Button("fn:mailok")
FN_DONE = Button("fn:done")
CALL_PROM = Button("call:prom")
CALL_NONE = Button("call:none")
CALL_PAID = Button("call:paid")
BK_CSV = Button("bk:csv", example=("abc", "date", 0))
BK_OK = Button("bk:ok")
BK_ALT = Button("bk:alt")
BK_PICK = Button("bk:pick", example=(1, 2))
BK_NO = Button("bk:no")
BK_UNNO = Button("bk:unno")
BK_BACK = Button("bk:back")
BK_UNDO = Button("bk:undo")
# A CSV of invoices (bot.handlers.invoice_import): `ic:<token>:<action>[:…]`, one handler dispatching on the action
IC = Button("ic", example=("a1b2c3", "col", "number", 0))

# Payment plans and disputes (bot.handlers.payment_plans, disputes) ----------------------------------
PI_NEW = Button("pi:new")
IP_N = Button("ip:n", example=(3,))
IP_F = Button("ip:f", example=("weekly",))
IP_D = Button("ip:d", example=("2026-01-31",))
IP_EQ = alone("ip:eq")
IP_TYP = alone("ip:typ")
IP_OK = alone("ip:ok")
IP_X = alone("ip:x")
PP_OK = Button("pp:ok")
PP_NO = Button("pp:no")
PP_START = Button("pp:start")
CQ_OK = Button("cq:ok", example=(1, 2))
CQ_NO = Button("cq:no", example=(1, 2))
PM_RESUME = Button("pm:resume")
PM_MORE = Button("pm:more", example=(1, 7))
DR_FIX = Button("dr:fix")
DR_EXPLAIN = Button("dr:explain")
DR_CANCEL = Button("dr:cancel")
DQ_REASON = Button("dq", example=("amount",), family=True)  # `dq:<reason>`; its handler takes `dq:skip` too
DQ_SKIP = alone("dq:skip")  # the details and file questions' Skip


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data) buttons."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def chunk(buttons: Sequence[tuple[str, str]], per_row: int) -> list[list[tuple[str, str]]]:
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def nonempty(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Telegram refuses an inline keyboard without buttons: send none instead."""
    return markup if markup is not None and any(markup.inline_keyboard) else None
