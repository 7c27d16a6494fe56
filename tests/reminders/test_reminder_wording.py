"""What a client reads: no "overdue" on the due date itself, and counts that agree with their noun."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.presentation.reminder_text import render_reminder
from tests.conftest import onboard
from tests.harness import Harness
from tests.seed import register_invoice

DUE = date(2026, 12, 1)


async def _render(h: Harness, language: str, tone: str, today: date) -> tuple[str, str]:
    user = await onboard(h, language_code=language)
    invoice = await register_invoice(h, user, due=DUE)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    client = await h.store.clients.get(freelancer.id, invoice.client_id)
    assert client is not None
    text = render_reminder(
        freelancer=freelancer, client=client, invoice=invoice, tone=tone, today=today, custom=None
    )
    return text.plain, text.subject


@pytest.mark.parametrize(
    ("language", "said", "never"),
    [
        ("en", "is due today", ("overdue", "not received")),
        ("fr", "aujourd’hui", ("retard", "pas encore reçu")),
    ],
)
async def test_friendly_reminder_on_the_due_date_does_not_say_overdue(
    h: Harness, language: str, said: str, never: tuple[str, ...]
) -> None:
    body, subject = await _render(h, language, "friendly", DUE)
    assert said in body
    assert not any(word in body.lower() or word in subject.lower() for word in never), (body, subject)


@pytest.mark.parametrize(
    ("language", "days", "phrase"),
    [("en", 1, "1 day overdue"), ("en", 2, "2 days overdue"), ("fr", 1, "en retard de 1 jour ("),
     ("fr", 12, "en retard de 12 jours")],
)  # fmt: skip
async def test_firm_reminder_counts_days_with_the_right_plural(
    h: Harness, language: str, days: int, phrase: str
) -> None:
    body, _subject = await _render(h, language, "firm", DUE + timedelta(days=days))
    assert phrase in body.replace("\u00a0", " "), body
