"""Stories of a freelancer meeting the bot: /start, onboarding, /help."""

from __future__ import annotations

from tests.conftest import onboard
from tests.harness import Harness


async def test_newcomer_is_welcomed_and_onboarded_in_english(h: Harness) -> None:
    user = h.user(1001, language_code="en-GB")
    reply = await user.send("/start")
    assert "I chase your unpaid invoices" in reply
    assert "What name should your clients see" in reply

    reply = await user.send("Claire Martin Design")
    assert "e-mail address" in reply
    assert "Skip" in reply.buttons
    await user.send("claire@example.com")
    reply = await user.press("GBP")
    assert "time zone" in reply.text
    await user.send("Londres")
    reply = await user.press("English")
    assert "All set, Claire Martin Design!" in reply

    freelancer = await h.store.freelancers.by_telegram_id(1001)
    assert freelancer is not None
    assert (freelancer.display_name, freelancer.reply_to_email, freelancer.default_currency) == (
        "Claire Martin Design",
        "claire@example.com",
        "GBP",
    )
    assert (freelancer.timezone, freelancer.country, freelancer.language, freelancer.onboarded) == (
        "Europe/London",
        "GB",
        "en",
        True,
    )


async def test_french_speaker_is_answered_in_french(h: Harness) -> None:
    user = h.user(1002, language_code="fr")
    reply = await user.send("/start")
    assert "Bonjour" in reply.text
    await onboard(h, 1003, language_code="fr")
    assert "Tout est prêt" in h.fake.last_bot_message(1003).text


async def test_known_freelancer_is_welcomed_back(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/start")
    assert "Welcome back, Claire Martin!" in reply
