"""/new: a freelancer registers invoices by conversation, forgiving of how people type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import onboard
from tests.harness import Harness, TelegramUser, start_harness, stop_harness


async def invoice(h: Harness, user: TelegramUser, number: str):  # type: ignore[no-untyped-def]
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    return await h.store.invoices.by_number(freelancer.id, number)


async def test_guided_invoice_in_english(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/new")
    assert "Which client" in reply.text
    reply = await user.send("ACME Corp")
    assert "New client “ACME Corp”" in reply.text
    reply = await user.send("billing@acme.example")
    assert "F-2026-001" in reply.buttons
    reply = await user.press("F-2026-001")
    assert "Amount" in reply.text
    await user.send("€1,234.56")
    reply = await user.send("15/11/2026")
    assert "Due date?" in reply.text
    reply = await user.send("30 days")
    assert "PDF" in reply.text
    await user.send_document("F-2026-001.pdf", b"%PDF-1.4 test", "application/pdf")
    await user.send("Website redesign")
    reply = await user.press("Reminders: Standard (default)")
    assert "please check" in reply.text
    assert "€1,234.56" in reply.text and "15 Dec 2026" in reply.text
    reply = await user.press("✅ Confirm")
    assert "Saved ✅" in reply.text
    assert "✅ Mark paid" in reply.buttons

    saved = await invoice(h, user, "F-2026-001")
    assert saved is not None
    assert (saved.client_name, saved.amount_minor, saved.currency) == ("ACME Corp", 123456, "EUR")
    assert (saved.issue_date, saved.due_date) == (date(2026, 11, 15), date(2026, 12, 15))
    assert saved.file_name == "F-2026-001.pdf" and saved.file_id
    assert saved.reminders_enabled and saved.plan is None  # follows the client's or the default plan
    contacts = await h.store.clients.contacts(saved.client_id)
    assert [c.email for c in contacts] == ["billing@acme.example"]


async def test_guided_invoice_in_french_with_french_habits(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/new")
    await user.send("Dupont & Fils")
    await user.press("Passer")
    await user.send("2026-042")
    await user.send("1 234,56 €")
    await user.send("15 nov.")
    reply = await user.send("45 jours fin de mois")
    assert "PDF" in reply.text
    await user.press("Passer")
    await user.press("Passer")
    reply = await user.press("Pas de relance")
    assert "1\u202f234,56\u00a0€" in reply.text
    await user.press("✅ Confirmer")
    saved = await invoice(h, user, "2026-042")
    assert saved is not None
    assert saved.due_date == date(2026, 12, 31)
    assert not saved.reminders_enabled
    assert saved.client_name == "Dupont & Fils"


async def test_fast_path_asks_only_for_the_rest(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send('/new "ACME Corp" 1 234,56 EUR due 15/01')
    assert "New client “ACME Corp”" in reply.text
    await user.press("Skip")
    reply = await user.send("F-77")
    assert "PDF" in reply.text  # amount, issue and due dates were understood
    await user.press("Skip")
    await user.press("Skip")
    await user.press("No reminders")
    await user.press("✅ Confirm")
    saved = await invoice(h, user, "F-77")
    assert saved is not None
    assert (saved.amount_minor, saved.due_date) == (123456, date(2027, 1, 15))


async def test_known_client_picked_with_a_button_and_number_suggested(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 1200€ 30j")
    await user.press("Skip")
    await user.press("F-2026-001")
    await user.press("Skip")
    await user.press("Skip")
    await user.press("Reminders: Once")
    await user.press("✅ Confirm")
    reply = await user.send("/new")
    assert "ACME" in reply.buttons
    reply = await user.press("ACME")
    assert "F-2026-002" in reply.buttons  # the next number in the sequence
    first = await invoice(h, user, "F-2026-001")
    assert first is not None and first.plan == "once"


async def test_every_bad_amount_is_explained(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME")
    await user.press("Skip")
    await user.send("F-1")
    for typed, complaint in [
        ("lots of money", "could not read that amount"),
        ("0", "more than zero"),
        ("-50 €", "more than zero"),
        ("99999999999 €", "far too large"),
        ("100 XYZ", "do not know that currency"),
        ("12.345 EUR", "Too many decimals"),
        ("1e309", "could not read"),
        ("NaN", "could not read"),
    ]:
        reply = await user.send(typed)
        assert complaint in reply.text, typed
        assert "for example" in reply.text.lower()
    reply = await user.send("$50")
    assert "Which currency" in reply.text and "CAD" in reply.buttons
    reply = await user.press("CAD")
    assert "Issue date?" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    assert await h.store.invoices.by_number(freelancer.id, "F-1") is None  # nothing half-saved


async def test_bad_dates_and_legal_cap_are_explained(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100")
    await user.press("Skip")
    await user.send("F-2")
    reply = await user.send("31/02/2026")
    assert "does not exist" in reply.text
    await user.send("20/11/2026")
    reply = await user.send("01/11/2026")
    assert "before the issue date" in reply.text
    reply = await user.press("No, change it")
    assert "Due date?" in reply.text
    reply = await user.send("90 days")
    assert "legal maximum is 60 days" in reply.text
    reply = await user.press("Yes, keep it")
    assert "PDF" in reply.text


async def test_duplicate_number_shows_the_existing_invoice(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100 30")
    await user.press("Skip")
    await user.send("F-9")
    for label in ("Skip", "Skip", "No reminders", "✅ Confirm"):
        await user.press(label)
    await user.send("/new ACME 200 30")
    reply = await user.send("f-9")
    assert "already have an invoice with this number" in reply.text
    assert "F-9" in reply.text and "ACME" in reply.text


async def test_hostile_names_are_refused_or_shown_literally(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new")
    reply = await user.send("A" * 5000)
    assert "at most 80 characters" in reply.text
    reply = await user.send("<b>Évil</b> & Co 🎨")
    assert "<b>Évil</b> & Co 🎨" in reply.text


async def test_wrong_file_is_refused_politely(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100 30")
    await user.press("Skip")
    await user.send("F-3")
    reply = await user.send_document("virus.exe", b"MZ...", "application/x-msdownload")
    assert "PDF or a photo" in reply.text
    reply = await user.send("here it is")
    assert "PDF" in reply.text


async def test_edit_a_field_from_the_summary(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100 30")
    await user.press("Skip")
    await user.send("F-4")
    for label in ("Skip", "Skip", "No reminders"):
        await user.press(label)
    await user.press("✏️ Edit")
    reply = await user.press("Amount")
    assert "Amount of the invoice" in reply.text
    reply = await user.send("250")
    assert "please check" in reply.text and "€250.00" in reply.text
    await user.press("✅ Confirm")
    saved = await invoice(h, user, "F-4")
    assert saved is not None and saved.amount_minor == 25000


async def test_cancel_discards_the_draft(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100")
    reply = await user.send("/cancel")
    assert "Stopped" in reply.text
    reply = await user.send("F-5")
    assert "did not understand" in reply.text
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    assert await h.store.clients.recent(freelancer.id) == []


async def test_draft_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    h = await start_harness(db)
    user = await onboard(h)
    await user.send("/new ACME")
    await user.press("Skip")
    await user.send("F-6")
    await stop_harness(h)

    h2 = await start_harness(db, fake=h.fake)
    try:
        user2 = TelegramUser(h2, user.id)
        reply = await user2.send("1500")
        assert "Issue date?" in reply.text
        for text in ("today", "30"):
            await user2.send(text)
        for label in ("Skip", "Skip", "No reminders", "✅ Confirm"):
            await user2.press(label)
        saved = await invoice(h2, user2, "F-6")
        assert saved is not None and saved.amount_minor == 150000
    finally:
        await stop_harness(h2)
    assert h2.unexpected_errors() == []


async def test_new_before_onboarding_asks_to_start(h: Harness) -> None:
    user = h.user(1050)
    reply = await user.send("/new")
    assert "Send /start first" in reply.text


async def test_45_days_end_of_month_is_lawful_and_the_summary_says_how_it_was_counted(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100")
    await user.press("Skip")
    await user.send("F-45")
    await user.send("15/01/2026")
    reply = await user.send("45 days end of month")  # 15 Jan + 45 days = 1 March → 31 March: 75 days
    assert "legal maximum" not in reply.text and "PDF" in reply.text
    await user.press("Skip")
    await user.press("Skip")
    reply = await user.press("No reminders")
    assert "45 days, then end of month: 15 Jan 2026 + 45 days = 1 Mar 2026" in reply.text
    assert "31 Mar 2026" in reply.text
    await user.press("✅ Confirm")
    saved = await invoice(h, user, "F-45")
    assert saved is not None and saved.due_date == date(2026, 3, 31)


async def test_end_of_month_then_45_days_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await user.send("/new ACME 100")
    await user.press("Passer")
    await user.send("F-46")
    await user.send("15/01/2026")
    reply = await user.send("fin de mois + 45 jours")  # 31 Jan + 45 days = 17 March
    assert "maximum légal" not in reply.text
    await user.press("Passer")
    await user.press("Passer")
    reply = await user.press("Pas de relance")
    assert "fin de mois, puis 45\u00a0jours" in reply.text and "17 mars 2026" in reply.text
    await user.press("✅ Confirmer")
    saved = await invoice(h, user, "F-46")
    assert saved is not None and saved.due_date == date(2026, 3, 17)


async def test_60_days_end_of_month_still_gets_the_warning(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100")
    await user.press("Skip")
    await user.send("F-60")
    await user.send("15/01/2026")
    reply = await user.send("60 days end of month")
    assert "legal maximum is 60 days" in reply.text


async def test_an_ambiguous_dinar_amount_is_asked_with_two_buttons(h: Harness) -> None:
    from bot.i18n import translator

    for language, skip, amount_text in (("en", "Skip", "1.234 TND"), ("fr", "Passer", "1,234 TND")):
        user = await onboard(h, 1001 if language == "en" else 1002, language_code=language)
        tr = translator(language)
        await user.send("/new ACME")
        await user.press(skip)
        await user.send(f"T-{language}")
        reply = await user.send(amount_text)
        thousands, units = tr.money(1_234_000, "TND"), tr.money(1_234, "TND")
        assert thousands in reply.buttons and units in reply.buttons
        assert thousands in reply.text and units in reply.text
        reply = await user.press(units)
        assert "15/11/2026" in reply.text  # the issue date comes next
        await user.send("15/01/2026")
        await user.send("30")
        for label in (skip, skip):
            await user.press(label)
        await user.press("No reminders" if language == "en" else "Pas de relance")
        await user.press("✅ Confirm" if language == "en" else "✅ Confirmer")
        saved = await invoice(h, user, f"T-{language}")
        assert saved is not None and (saved.amount_minor, saved.currency) == (1_234, "TND")
