"""Hostile input: every free-text step gets arbitrary Unicode and always answers sanely.

For each generated text and each step, the bot must answer (a re-prompt or an acceptance), never
apologise for an internal error, and never send Telegram anything it would refuse (400).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.harness import Harness, TelegramUser, start_harness, stop_harness
from tests.seed import register_invoice

NASTY = [
    "\u200b", "\u202e", "\u200f", "\x00", "<", "&", "<b>", "</i>", "&amp;", "*_`[", "'; DROP TABLE invoices; --",
    "1e309", "NaN", "-0", "inf", "1,2,3", "€", "$", "🎨👩‍💻", "٣٤٥", "x" * 10_000, "{client.__class__}", "{0}",
    "\r\nBcc: evil@example.com", "%s%s%s", "../../etc/passwd", "null", "0x10", "1 234,56 €", "31/02/2026",
]  # fmt: skip
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(min_size=1, max_size=60),
    st.lists(st.sampled_from(NASTY), min_size=1, max_size=4).map("".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
).filter(lambda text: text.strip("\x00 ") != "")

Step = Callable[[Harness, TelegramUser], Awaitable[None]]


async def freelancer(h: Harness) -> TelegramUser:
    user = h.user(4242)
    created = await h.store.freelancers.create(
        telegram_user_id=user.id,
        display_name="Claire",
        language="en",
        timezone="Europe/Paris",
        now=h.clock.now(),
    )
    await h.store.freelancers.update(created.id, onboarded=True)
    await register_invoice(
        h, created.id, "F-1", 100_000, client="ACME", due=date(2026, 12, 1), reminders_enabled=True
    )
    return user


async def to_new_step(user: TelegramUser, answers: list[str]) -> None:
    await user.send("/new")
    for answer in answers:
        if answer.startswith("!"):
            await user.press(answer[1:])
        else:
            await user.send(answer)


async def to_settings(user: TelegramUser, label: str) -> None:
    await user.send("/settings")
    await user.press(label)


async def to_invoice_button(user: TelegramUser, *labels: str) -> None:
    await user.send("/invoices")
    await user.press("📄 F-1")
    for label in labels:
        await user.press(label)


STEPS: dict[str, Callable[[TelegramUser], Awaitable[None]]] = {
    "new: client": lambda u: to_new_step(u, []),
    "new: client e-mail": lambda u: to_new_step(u, ["Newco"]),
    "new: number": lambda u: to_new_step(u, ["!ACME"]),
    "new: amount": lambda u: to_new_step(u, ["!ACME", "F-2"]),
    "new: issue date": lambda u: to_new_step(u, ["!ACME", "F-2", "100"]),
    "new: due date": lambda u: to_new_step(u, ["!ACME", "F-2", "100", "today"]),
    "new: file": lambda u: to_new_step(u, ["!ACME", "F-2", "100", "today", "30"]),
    "new: description": lambda u: to_new_step(u, ["!ACME", "F-2", "100", "today", "30", "!Skip"]),
    "settings: name": lambda u: to_settings(u, "Name"),
    "settings: e-mail": lambda u: to_settings(u, "Reply-to e-mail"),
    "settings: currency": lambda u: to_settings(u, "Currency"),
    "settings: time zone": lambda u: to_settings(u, "Time zone"),
    "settings: IBAN": lambda u: to_settings(u, "IBAN"),
    "settings: payment link": lambda u: to_settings(u, "Payment link"),
    "settings: sending time": lambda u: to_settings(u, "Sending time"),
    "payment: amount": lambda u: to_invoice_button(u, "Partial payment"),
    "payment: date": lambda u: to_invoice_button_then(u),
    "edit: due date": lambda u: to_invoice_button(u, "✏️ Edit", "Due date"),
    "edit: number": lambda u: to_invoice_button(u, "✏️ Edit", "Number"),
    "clients: add": lambda u: to_clients_add(u),
}


async def to_invoice_button_then(user: TelegramUser) -> None:
    await to_invoice_button(user, "Partial payment")
    await user.send("10")


async def to_clients_add(user: TelegramUser) -> None:
    await user.send("/clients")
    await user.press("➕ Add a client")


async def scenario(texts: list[str]) -> list[str]:
    """Feed each text to every step; return the problems seen."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        h = await start_harness(Path(folder) / "relance.sqlite3")
        try:
            user = await freelancer(h)
            for name, reach in STEPS.items():
                for text in texts:
                    await user.send("/cancel")
                    await reach(user)
                    reply = await user.send(text)
                    if not reply.messages:
                        problems.append(f"{name}: no answer to {text[:40]!r}")
                    if "something went wrong on my side" in reply.text:
                        problems.append(f"{name}: internal error on {text[:40]!r}")
        finally:
            await stop_harness(h)
        problems += [f"Telegram refused: {e}" for e in h.unexpected_errors()]
    return problems


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(hostile_text, min_size=1, max_size=3))
def test_every_free_text_step_survives_hostile_input(texts: list[str]) -> None:
    assert asyncio.run(scenario(texts)) == []


def test_the_nastiest_known_strings_everywhere() -> None:
    assert asyncio.run(scenario([text for text in NASTY if text.strip("\x00 ")])) == []
