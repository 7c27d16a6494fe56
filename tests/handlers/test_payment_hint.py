"""A freelancer without an IBAN or a payment link is told, at /new and on the invoice card, where to add
them: otherwise their reminders cannot tell the client how to pay."""

from __future__ import annotations

from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice

HINT = "💡 Your reminders cannot tell the client how to pay yet. Add your IBAN or a payment link: "
PATH = "/settings → IBAN or Payment link."


async def to_summary(user: TelegramUser, *, pdf: bool) -> str:
    await user.send("/new")
    await user.send("ACME Corp")
    await user.send("billing@acme.example")
    await user.press("F-2026-001")
    await user.send("€1,234.56")
    await user.send("15/11/2026")
    await user.send("30 days")
    if pdf:
        await user.send_document("F-2026-001.pdf", b"%PDF-1.4 test", "application/pdf")
    else:
        await user.press("Skip")
    await user.send("Website redesign")
    reply = await user.press("Reminders: Standard (default)")
    assert "please check" in reply.text
    return reply.text


async def test_the_new_invoice_summary_says_where_to_add_payment_details(h: Harness) -> None:
    user = await onboard(h)
    summary = await to_summary(user, pdf=False)
    assert HINT + PATH in summary
    reply = await user.press("✅ Confirm")
    assert "Saved ✅" in reply.text


async def test_an_invoice_file_does_not_silence_the_hint_since_telegram_reminders_lack_it(h: Harness) -> None:
    user = await onboard(h)
    summary = await to_summary(user, pdf=True)
    assert "💡 Only e-mailed reminders carry the invoice file; in Telegram they cannot say how to pay." in summary
    assert PATH in summary


async def test_the_card_hints_until_an_iban_is_added(h: Harness) -> None:
    user = await onboard(h)
    await register_invoice(h, user, "F-7", reminders_enabled=True)
    await user.send("/invoices")
    card = await user.press("📄 F-7")
    assert HINT + PATH in card.text
    await user.send("/settings")
    await user.press("IBAN")
    reply = await user.send("FR76 3000 6000 0112 3456 7890 189")
    assert "FR76" in reply.text
    await user.send("/invoices")
    card = await user.press("📄 F-7")
    assert "💡" not in card.text


async def test_the_hint_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    await register_invoice(h, user, "F-8", reminders_enabled=True)
    await user.send("/invoices")
    card = await user.press("📄 F-8")
    assert (
        "💡 Vos relances ne peuvent pas encore indiquer au client comment payer. Ajoutez votre IBAN ou un lien "
        "de paiement\u00a0: /settings → IBAN ou Lien de paiement." in card.text
    )
