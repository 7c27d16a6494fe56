"""Every tone of reminder, in every language with a catalog, by Telegram and by e-mail.

A language is covered as soon as its locales/xx/ catalog exists: nothing here names the catalogs.
What a client reads must be in their language, with amounts and dates written the way their
country writes them, and no English left over.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.channels.email import ReminderEmail
from bot.i18n import LOCALES_DIR
from bot.presentation.reminder_email import one_line, reminder_email
from bot.presentation.reminder_text import render_instalment_reminder, render_reminder
from tests.conftest import onboard
from tests.harness import Harness, start_harness, stop_harness
from tests.seed import register_invoice
from tests.smtp_server import SmtpTestServer

CATALOGS = sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/bot.po"))
DUE = date(2026, 12, 1)
ISSUED = date(2026, 11, 1)
TONES = {"courtesy": DUE - timedelta(days=3), "friendly": DUE + timedelta(days=3),
         "firm": DUE + timedelta(days=10), "final": DUE + timedelta(days=20)}  # fmt: skip
INVOICE_WORD = {"en": "invoice", "fr": "facture", "de": "Rechnung", "nl": "factuur", "es": "factura",
                "it": "fattura"}  # fmt: skip
AMOUNT = {"en": "€1,234.56", "fr": "1\u202f234,56\xa0€", "de": "1.234,56\xa0€", "nl": "€\xa01.234,56",
          "es": "1.234,56\xa0€", "it": "1.234,56\xa0€"}  # fmt: skip
DUE_DATE = {"en": "1 December 2026", "fr": "1 décembre 2026", "de": "1. Dezember 2026", "nl": "1 december 2026",
            "es": "1 de diciembre de 2026", "it": "1 dicembre 2026"}  # fmt: skip
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
"""A placeholder left unfilled (the e-mail's CSS has braces of its own)."""
ENGLISH_WORDS = ("Hello", "invoice", "Regards", "due on", "payment")


def test_every_catalog_has_its_expectations_here() -> None:
    """A new catalog (es, it…) needs its word, amount and date below to be checked."""
    assert set(CATALOGS) <= set(INVOICE_WORD) and {"de", "nl"} <= set(CATALOGS)


async def _rendered(h: Harness, language: str, tone: str, today: date) -> tuple[str, str, str, ReminderEmail]:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    freelancer = await h.store.freelancers.update(
        freelancer.id, iban="FR7630006000011234567890189", reply_to_email="claire@studio.example"
    )
    invoice = await register_invoice(h, freelancer.id, "F-2026-014", 123456, due=DUE, issued=ISSUED)
    client = await h.store.clients.update(freelancer.id, invoice.client_id, language=language)
    assert client is not None
    text = render_reminder(freelancer=freelancer, client=client, invoice=invoice, tone=tone, today=today,
                           custom=None)  # fmt: skip
    mail = reminder_email(freelancer=freelancer, client=client, invoice=invoice, text=text,
                          to=("compta@acme.example",), thread="t", sequence=1)  # fmt: skip
    return text.html, text.plain, text.subject, mail


@pytest.mark.parametrize("tone", list(TONES))
@pytest.mark.parametrize("language", CATALOGS)
async def test_each_tone_reads_in_the_clients_language(h: Harness, language: str, tone: str) -> None:
    html, plain, subject, mail = await _rendered(h, language, tone, TONES[tone])
    for part in (html, plain, mail.text, mail.html):
        assert INVOICE_WORD[language].casefold() in part.casefold(), (language, tone, part)
        assert "F-2026-014" in part and not PLACEHOLDER.search(part)
        assert AMOUNT[language] in part, (language, tone, part)  # Babel, the country's way
        assert "FR76 3000 6000 0112 3456 7890 189" in part  # the payment details
        if language != "en":
            assert not [w for w in ENGLISH_WORDS if w in part], (language, tone, part)
    if tone != "courtesy":
        assert DUE_DATE[language] in plain, (language, tone, plain)
    assert INVOICE_WORD[language].casefold() in subject.casefold() and mail.subject == one_line(subject)
    assert f'lang="{language}"' in mail.html


async def test_due_date_reminder_in_german_says_today(h: Harness) -> None:
    _html, plain, subject, _mail = await _rendered(h, "de", "friendly", DUE)
    assert "ist heute (1. Dezember 2026) fällig" in plain and "überfällig" not in plain
    assert subject == "Rechnung F-2026-014 — 1.234,56\xa0€ heute fällig"


@pytest.mark.parametrize(("language", "phrase"), [("de", "ist nun 10 Tage überfällig"),
                                                    ("nl", "is nu 10 dagen te laat")])  # fmt: skip
async def test_firm_reminder_counts_the_days_in_words(h: Harness, language: str, phrase: str) -> None:
    _html, plain, _subject, _mail = await _rendered(h, language, "firm", DUE + timedelta(days=10))
    assert phrase in plain.replace("\xa0", " ")


# --- end to end: the dispatcher, the fake Telegram and a real SMTP server -----------------------------


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpTestServer]:
    async with SmtpTestServer("plain") as server:
        yield server


@pytest.fixture
async def mh(tmp_path: Path, smtp: SmtpTestServer) -> AsyncIterator[Harness]:
    harness = await start_harness(tmp_path / "relance.sqlite3", smtp=smtp.settings())
    try:
        yield harness
    finally:
        await stop_harness(harness)
    assert harness.unexpected_errors() == [], "Telegram refused what the bot sent"


async def test_german_client_gets_a_german_reminder_in_telegram_and_by_email(
    mh: Harness, smtp: SmtpTestServer
) -> None:
    from tests.channels.test_email_reminders import FRIENDLY, body, invoice_for_email_client

    s = await invoice_for_email_client(mh, language="de", chat=5001, channel="both")
    mh.clock.set(FRIENDLY)
    await mh.dispatch()

    message = mh.fake.last_bot_message(5001)
    assert message.text is not None and message.text.startswith("Guten Tag ACME,")
    assert "wenn ich mich nicht irre, war die Rechnung F-1" in message.text
    assert "1.200,00\xa0€" in message.text and "1. Dezember 2026" in message.text
    labels = [label for row in message.buttons for label in row]
    assert "✅ Ich habe bezahlt" in labels and "💬 Frage" in labels and "📅 Ich brauche mehr Zeit" in labels
    [received] = smtp.received
    mail = received.message
    assert mail["Subject"] == "Erinnerung: Rechnung F-1 — 1.200,00 €"  # on one line, plain spaces
    for part in (body(mail, "plain"), body(mail, "html")):
        assert "Guten Tag ACME" in part and "Mit freundlichen Grüßen" in part and "1.200,00\xa0€" in part
        assert "Hello" not in part and "Best regards" not in part
    # the freelancer still reads English about it
    assert "1 reminder sent" in (mh.fake.last_bot_message(s.user.id).text or "")


async def test_client_taps_i_have_paid_in_dutch(mh: Harness) -> None:
    from tests.channels.test_email_reminders import FRIENDLY, invoice_for_email_client

    await invoice_for_email_client(mh, language="nl", chat=5001, channel="telegram")
    mh.clock.set(FRIENDLY)
    await mh.dispatch()
    message = mh.fake.last_bot_message(5001)
    assert (message.text or "").startswith("Beste ACME,")
    client = mh.user(5001, first_name="Jo", language_code="en")
    reply = await client.press("✅ Ik heb betaald")
    assert "Wanneer hebt u factuur F-1 betaald?" in reply.text, reply.text
    assert "Vandaag" in reply.buttons


# --- the freelancer's own interface ------------------------------------------------------------------


async def test_freelancer_switching_to_dutch_gets_the_dutch_interface(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/settings")
    reply = await user.press("Language")
    assert {"English", "Français", "Deutsch", "Nederlands", "Español", "Italiano"} <= set(reply.buttons)
    reply = await user.press("Nederlands")
    assert "Uw instellingen" in reply.text or "Opgeslagen" in reply.text, reply.text
    reply = await user.send("/help")
    assert "/new — Een factuur registreren" in reply.text
    reply = await user.send("/new")
    assert "klant" in reply.text.casefold(), reply.text
    reply = await user.send("/cancel")
    reply = await user.send("/start")
    assert "Welkom terug, Claire Martin!" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.language == "nl"


async def test_a_german_telegram_user_is_onboarded_in_german(h: Harness) -> None:
    user = h.user(1001, first_name="Jana", language_code="de-AT")
    reply = await user.send("/start")
    assert "Hallo! Ich bin Relance." in reply.text
    reply = await user.send("Jana Schmidt")
    assert "Überspringen" in reply.buttons
    await user.press("Überspringen")
    await user.press("EUR")
    reply = await user.press("Paris")
    assert "Deutsch" in reply.buttons
    reply = await user.press("Deutsch")
    assert "Jana Schmidt" in reply.text and "/new" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None and freelancer.language == "de"


async def test_typed_language_names_are_understood(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/settings")
    await user.press("Language")
    reply = await user.send("dutch")
    assert "Opgeslagen" in reply.text or "instellingen" in reply.text, reply.text
    reply = await user.send("/settings")
    await user.press("Taal")
    reply = await user.send("Klingon")
    assert "Kies een taal met de knoppen" in reply.text and "Deutsch" in reply.buttons


@pytest.mark.parametrize("language", CATALOGS)
async def test_the_command_menu_is_registered_in_each_language(h: Harness, language: str) -> None:
    commands = h.fake.commands(language_code=language)
    assert [c["command"] for c in commands][:2] == ["new", "invoices"]
    english = h.fake.commands(language_code="en")
    if language != "en":
        assert commands[0]["description"] != english[0]["description"]


@pytest.mark.parametrize("tone", ["courtesy", "friendly"])
@pytest.mark.parametrize("language", CATALOGS)
async def test_instalment_reminders_read_in_the_clients_language(
    h: Harness, language: str, tone: str
) -> None:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    invoice = await register_invoice(h, freelancer.id, "F-2026-014", 370_368, due=DUE, issued=ISSUED)
    client = await h.store.clients.update(freelancer.id, invoice.client_id, language=language)
    assert client is not None
    text = render_instalment_reminder(freelancer=freelancer, client=client, invoice=invoice, tone=tone,
                                      today=DUE, seq=2, count=3, left_minor=123456, due_date=DUE)  # fmt: skip
    for part in (text.plain, text.html, text.subject):
        assert INVOICE_WORD[language].casefold() in part.casefold() and AMOUNT[language] in part, part
        assert DUE_DATE[language] in part and not PLACEHOLDER.search(part) and " 2 " in part and " 3" in part
        if language != "en":
            assert not [w for w in ENGLISH_WORDS if w in part], (language, tone, part)
