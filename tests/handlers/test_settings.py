"""/settings: every setting can be changed, and every bad value gets a clear re-prompt."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from tests.conftest import onboard
from tests.harness import Harness


async def test_settings_card_lists_every_setting(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/settings")
    for label in ("Name", "Reply-to e-mail", "Currency", "Time zone", "Language", "IBAN", "Payment link"):
        assert label in reply.buttons
    assert "Europe/Paris" in reply.text
    assert "not set" in reply.text


@pytest.mark.parametrize(
    ("button", "bad", "complaint", "good", "column", "stored"),
    [
        ("Reply-to e-mail", "claire@", "not a valid e-mail address", "claire@example.com", "reply_to_email",
         "claire@example.com"),
        ("Time zone", "Qwzxville", "Unknown time zone", "Montréal", "timezone", "America/Montreal"),
        ("Currency", "bananas", "Unknown currency", "chf", "default_currency", "CHF"),
        ("IBAN", "FR76 3000 6000 0112 3456 7890 188", "IBAN is not valid", "FR76 3000 6000 0112 3456 7890 189",
         "iban", "FR7630006000011234567890189"),
        ("Payment link", "javascript:alert(1)", "must start with https://", "https://buy.stripe.com/abc123",
         "payment_link", "https://buy.stripe.com/abc123"),
        ("Payment term", "forever", "number of days between 0 and 120", "45 jours", "payment_term_days", 45),
        ("Sending time", "23:00", "between 08:00 and 19:59", "10h", "send_time", "10:00"),
        ("Holidays of", "XX", "Unknown country code", "be", "country", "BE"),
        ("BIC", "NOPE", "BIC is not valid", "AGRIFRPP", "bic", "AGRIFRPP"),
        ("Name", "x" * 5000, "too long", "Claire & <b>Co</b> 🎨", "display_name", "Claire & <b>Co</b> 🎨"),
    ],
)  # fmt: skip
async def test_bad_value_is_explained_then_good_value_saved(
    h: Harness, button: str, bad: str, complaint: str, good: str, column: str, stored: object
) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press(button)
    reply = await user.send(bad)
    assert complaint in reply.text
    assert "for example" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and getattr(freelancer, column) != stored

    reply = await user.send(good)
    assert "Saved." in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and getattr(freelancer, column) == stored


async def test_names_with_markup_are_shown_literally(h: Harness) -> None:
    user = await onboard(h, name="Claire <b>&</b> Co")
    reply = await user.send("/settings")
    assert "Claire <b>&</b> Co" in reply.text  # shown as typed: escaped, not interpreted


async def test_switching_language_switches_the_conversation(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Language")
    reply = await user.press("Français")
    assert "Enregistré." in reply.text
    reply = await user.send("/help")
    assert "Voici ce que vous pouvez me demander" in reply.text


async def test_optional_setting_can_be_cleared_with_skip(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Payment link")
    await user.send("https://pay.example.com/claire")
    await user.press("Payment link")
    await user.press("Skip")
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.payment_link is None


async def test_cancel_leaves_a_settings_question(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Time zone")
    reply = await user.send("/cancel")
    assert "Stopped" in reply.text
    reply = await user.send("Paris")
    assert "did not understand" in reply.text


async def test_another_command_interrupts_a_question(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Time zone")
    reply = await user.send("/help")
    assert "/settings" in reply.text
    reply = await user.send("Paris")
    assert "did not understand" in reply.text


async def test_settings_before_start_asks_to_start(h: Harness) -> None:
    user = h.user(1010)
    reply = await user.send("/settings")
    assert "Send /start first" in reply.text


async def test_forged_settings_button_is_refused(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/settings")
    reply = await user.press_data(reply.messages[-1].message_id, "set:telegram_user_id")
    assert "no longer valid" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.telegram_user_id == user.id


async def test_help_lists_commands_and_menu_is_registered_per_language(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/help")
    assert "/new — Register an invoice" in reply.text
    fr = [c["command"] for c in h.fake.commands(language_code="fr")]
    en = [c["description"] for c in h.fake.commands(language_code="en")]
    assert "new" in fr and "Register an invoice" in en
    assert h.fake.commands(language_code="fr")[0]["description"] != "Register an invoice"


async def test_moving_to_montreal_follows_quebec_holidays_and_moves_reminders(h: Harness) -> None:
    from datetime import date

    from tests.reminders.helpers import invoice_with_reminders

    s = await invoice_with_reminders(h, due=date(2027, 6, 21), plan="custom:0,3,10")
    user = s.user
    await user.send("/settings")
    await user.press("Time zone")
    reply = await user.send("Montréal")
    assert "Quebec (Canada)" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    assert (freelancer.country, freelancer.holiday_subdivision) == ("CA", "QC")
    rows = await h.store.reminders.for_invoice(s.invoice.id)
    local_days = [r.scheduled_at.astimezone(ZoneInfo("America/Montreal")).date() for r in rows]
    assert date(2027, 6, 24) not in local_days and date(2027, 7, 1) not in local_days


async def test_holiday_region_is_chosen_with_a_button_and_bad_answers_are_explained(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    reply = await user.press("Holiday region")
    assert "Moselle" in reply.text and "Moselle" in reply.buttons and "Skip" in reply.buttons
    reply = await user.send("Bretagne")
    assert "Unknown region of France" in reply.text and "for example" in reply.text
    reply = await user.press("Moselle")
    assert "Saved." in reply.text and "Moselle (France)" in reply.text
    await user.send("/settings")
    await user.press("Holidays of")
    reply = await user.send("LU")
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and (freelancer.country, freelancer.holiday_subdivision) == ("LU", None)
    assert "Luxembourg, national holidays" in reply.text
    await user.press("Holiday region")
    reply = await user.send("Esch")
    assert "Luxembourg has no regional public holidays" in reply.text


async def test_french_region_prompt_and_refusal(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/settings")
    reply = await user.press("Région des fériés")
    assert "Moselle" in reply.text
    reply = await user.send("Bretagne")
    assert "Région inconnue" in reply.text and "par exemple" in reply.text


async def test_onboarding_says_which_holidays_apply(h: Harness) -> None:
    user = h.user(1005, language_code="en")
    await user.send("/start")
    await user.send("Julie Tremblay")
    await user.press("Skip")
    await user.press("CAD")
    await user.send("Montréal")
    reply = await user.press("English")
    assert "public holidays of Quebec (Canada)" in reply.text
    fr = h.user(1006, language_code="fr")
    await fr.send("/start")
    await fr.send("Claire")
    await fr.press("Passer")
    await fr.press("EUR")
    await fr.press("Paris")
    reply = await fr.press("Français")
    assert "jours fériés suivants\u00a0: France (fériés nationaux)" in reply.text
