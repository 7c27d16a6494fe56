"""A freelancer gives their time zone by typing their city or town, in onboarding and in /settings."""

from __future__ import annotations

import pytest

from tests.conftest import onboard
from tests.harness import Harness, TelegramUser


async def start_at_time_zone(h: Harness, language_code: str = "fr") -> TelegramUser:
    """A newcomer who has answered every onboarding question before the time zone."""
    french = language_code == "fr"
    user = h.user(1001, first_name="Claire", language_code=language_code)
    await user.send("/start")
    await user.send("Claire Martin")
    await user.press("Passer" if french else "Skip")
    reply = await user.press("EUR")
    assert ("fuseau horaire" if french else "time zone") in reply.text
    return user


async def stored_zone(h: Harness) -> tuple[str, str | None]:
    freelancer = await h.store.freelancers.by_telegram_id(1001)
    assert freelancer is not None
    return freelancer.timezone, freelancer.country


@pytest.mark.parametrize(
    ("typed", "zone", "country"),
    [
        ("Lyon", "Europe/Paris", "FR"),
        ("lyon", "Europe/Paris", "FR"),
        ("MARSEILLE", "Europe/Paris", "FR"),
        ("Toulouse", "Europe/Paris", "FR"),
        ("Pontarlier", "Europe/Paris", "FR"),  # a town of 17,000
        ("Genève", "Europe/Zurich", "CH"),
        ("geneve", "Europe/Zurich", "CH"),
        ("Liège", "Europe/Brussels", "BE"),
        ("Bruxelles", "Europe/Brussels", "BE"),
        ("Brussels", "Europe/Brussels", "BE"),
        ("Québec", "America/Toronto", "CA"),
        ("Dakar", "Africa/Dakar", "SN"),
        ("Abidjan", "Africa/Abidjan", "CI"),
        ("Casablanca", "Africa/Casablanca", "MA"),
        ("Pointe-à-Pitre", "America/Guadeloupe", "GP"),
        ("Montréal", "America/Montreal", "CA"),
        ("Europe/Paris", "Europe/Paris", "FR"),
        ("america/new_york", "America/New_York", "US"),
    ],
)
async def test_onboarding_accepts_a_city_or_town(h: Harness, typed: str, zone: str, country: str) -> None:
    user = await start_at_time_zone(h)
    reply = await user.send(typed)
    assert "quelle langue" in reply.text
    assert await stored_zone(h) == (zone, country)


async def test_a_shared_name_asks_which_place_biggest_first(h: Harness) -> None:
    user = await start_at_time_zone(h)
    reply = await user.send("Paris")
    assert "Plusieurs lieux s’appellent «\u00a0Paris\u00a0». Lequel\u00a0?" in reply.text
    assert reply.buttons[:2] == ["Paris, France", "Paris, États-Unis"]
    reply = await user.press("Paris, États-Unis")
    assert "quelle langue" in reply.text
    assert await stored_zone(h) == ("America/Chicago", "US")


async def test_several_places_of_one_country_show_their_zone(h: Harness) -> None:
    user = await start_at_time_zone(h, "en")
    reply = await user.send("Geneva")
    assert reply.buttons == [
        "Geneva, Switzerland",
        "Geneva, United States (Chicago)",
        "Geneva, United States (New York)",
        "Geneva, United States (Los Angeles)",
    ]
    await user.press("Geneva, Switzerland")
    assert await stored_zone(h) == ("Europe/Zurich", "CH")


async def test_unknown_place_is_explained_with_examples(h: Harness) -> None:
    user = await start_at_time_zone(h)
    reply = await user.send("Qwzxville <b>")
    assert "Fuseau horaire inconnu" in reply.text
    assert "«\u00a0Qwzxville &lt;b&gt;\u00a0»" in (reply.messages[0].html or "")
    assert "Lyon" in reply.text
    reply = await user.send("Lille")  # Lille in France, or the village of Lille in Belgium
    assert reply.buttons == ["Lille, France", "Lille, Belgique"]
    await user.press("Lille, France")
    assert await stored_zone(h) == ("Europe/Paris", "FR")


async def test_settings_time_zone_from_a_town(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/settings")
    await user.press("Fuseau horaire")
    reply = await user.send("dakar")
    assert "Enregistré" in reply.text and "Africa/Dakar" in reply.text
    assert await stored_zone(h) == ("Africa/Dakar", "SN")
    await user.press("Fuseau horaire")
    reply = await user.send("London")
    assert reply.buttons[0] == "London, Royaume-Uni"
    reply = await user.press("London, Royaume-Uni")
    assert "Europe/London" in reply.text
