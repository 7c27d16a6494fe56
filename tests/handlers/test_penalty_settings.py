"""/settings: "my terms state late penalties", a contractual rate and an admin fee, in English and French."""

from __future__ import annotations

from datetime import date

import pytest

from bot.handlers.profile import _rate_floor_note
from bot.i18n import translator
from tests.conftest import onboard
from tests.harness import Harness


async def test_late_penalties_are_off_by_default_and_explained(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/settings")
    assert "Late penalties: Off" in reply.text
    assert "Late-payment rate: the legal rate" in reply.text and "Admin fee: no fee" in reply.text
    reply = await user.press("Late penalties")
    assert "40 €" in reply.text and "B2C" in reply.text and "final reminder" in reply.text
    reply = await user.send("maybe")
    assert "Please choose with the buttons" in reply.text
    reply = await user.press("On")
    assert "Saved." in reply.text and "Late penalties: On" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.late_penalties is True


async def test_the_contractual_rate_is_checked_and_can_be_skipped(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Late-payment rate")
    for bad in ("twelve", "12.155", "250"):
        reply = await user.send(bad)
        assert "for example 12.15" in reply.text, bad
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.contractual_rate_bp is None
    reply = await user.send("12,5 %")
    assert "Saved." in reply.text and "Late-payment rate: 12.5 % a year" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.contractual_rate_bp == 1250
    await user.press("Late-payment rate")
    reply = await user.press("Skip")
    assert "Late-payment rate: the legal rate" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.contractual_rate_bp is None


@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        ("15", "after how many days late"),
        ("lots after 30 days", "could not read the fee’s amount"),
        ("-15 after 30 days", "could not read the fee’s amount"),
        ("15 € after 9999 days", "0 to 365"),
    ],
)
async def test_a_mistyped_admin_fee_is_re_asked_with_an_example(h: Harness, bad: str, complaint: str) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Admin fee")
    reply = await user.send(bad)
    assert complaint in reply.text and "for example 15 € after 30 days" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.admin_fee_minor is None
    reply = await user.send("15 € after 30 days")
    assert "Saved." in reply.text and "Admin fee: €15.00 after 30 days late" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    assert (freelancer.admin_fee_minor, freelancer.admin_fee_currency, freelancer.admin_fee_days) == (
        1500,
        "EUR",
        30,
    )


async def test_the_admin_fee_in_french_and_skipped(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/settings")
    reply = await user.press("Pénalités de retard")
    assert "40\u00a0€" in reply.text and "particuliers" in reply.text
    await user.press("Désactivé")
    await user.press("Frais de gestion")
    reply = await user.send("quinze")
    assert "par exemple 15\u00a0€ après 30\u00a0jours" in reply.text
    reply = await user.send("15,50 après 10 jours")
    assert "Enregistré" in reply.text and "15,50\u00a0€ après 10\u00a0jours de retard" in reply.text
    await user.press("Frais de gestion")
    reply = await user.press("Passer")
    assert "Frais de gestion: néant" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and (freelancer.admin_fee_minor, freelancer.admin_fee_days) == (None, None)


def test_a_rate_below_the_french_floor_is_warned_about() -> None:
    class FR:
        country = "FR"

    tr = translator("en")
    # First half of 2025: legal rate 3.71, floor 3 × 3.71 = 11.13.
    note = _rate_floor_note(FR(), tr, 1000, date(2025, 3, 1))  # type: ignore[arg-type]
    assert note is not None and "10 % is below the legal floor" in note and "11.13 %" in note
    assert _rate_floor_note(FR(), tr, 1200, date(2025, 3, 1)) is None  # type: ignore[arg-type]
    assert _rate_floor_note(FR(), tr, 100, date(2026, 11, 23)) is None  # type: ignore[arg-type]  # unknown
    note = _rate_floor_note(FR(), translator("fr"), 1000, date(2025, 3, 1))  # type: ignore[arg-type]
    assert note is not None and "11,13\u00a0%" in note
