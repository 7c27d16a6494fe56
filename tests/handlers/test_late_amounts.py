"""Late-payment interest and indemnity where the freelancer and the client see them: the invoice card,
/overdue, the final reminder (Telegram and e-mail) and the formal notice PDF; never for a B2C client."""

from __future__ import annotations

from datetime import date

from bot.presentation import late_amounts
from bot.presentation.reminder_email import reminder_email
from bot.presentation.reminder_text import render_reminder
from bot.storage import Invoice
from tests.conftest import onboard
from tests.handlers.test_formal_notice import document, overdue_invoice, pdf_text
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice

# Today in the harness is 23 Nov 2026; the shipped ECB table stops at 1 Jan 2026, so each test that
# needs the second half of 2026 adds it, as the operator would with `relance rates add 2026-07-01 2.15`.
H2_2026 = date(2026, 7, 1)


async def setup(h: Harness, user: TelegramUser, *, on: bool = True, rate: bool = True) -> Invoice:
    """1 000 € due 24 Oct 2026: 30 days late today; 30 days at 12.15 % = 9.99 € (see test_penalties)."""
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, late_penalties=on)
    if rate:
        await h.store.penalty_rates.add(H2_2026, 215, now=h.clock.now())
    return await register_invoice(h, user, "F-1", 100_000, client="ACME", due=date(2026, 10, 24))


async def card(user: TelegramUser) -> str:
    await user.send("/invoices")
    return (await user.press("📄 F-1")).text


async def set_b2b(h: Harness, invoice: Invoice, b2b: bool) -> None:
    await h.store.clients.update(invoice.freelancer_id, invoice.client_id, is_b2b=b2b)


async def test_the_card_and_overdue_show_interest_and_indemnity_only_when_the_setting_is_on(
    h: Harness,
) -> None:
    user = await onboard(h)
    invoice = await setup(h, user, on=False)
    assert "Late penalties" not in await card(user)
    assert "Late penalties" not in (await user.send("/overdue")).text

    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, late_penalties=True)
    line = "⚖️ Late penalties: interest so far €9.99 (12.15 % a year) + recovery indemnity €40.00"
    assert line in await card(user)
    assert line in (await user.send("/overdue")).text

    await set_b2b(h, invoice, False)  # a consumer: nothing, anywhere
    assert "Late penalties" not in await card(user)
    assert "Late penalties" not in (await user.send("/overdue")).text


async def test_in_french_with_an_admin_fee_and_partial_payment(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    invoice = await setup(h, user)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(
        freelancer.id, admin_fee_minor=1_500, admin_fee_currency="EUR", admin_fee_days=30
    )
    # 400 € paid on 3 Nov: 25 Oct..3 Nov = 10 days on 1 000, 4..23 Nov = 20 days on 600:
    # 12.15 % × 22 000 / 365 = 7.32 €.
    await h.store.invoices.add_payment(
        freelancer.id, invoice.id, amount_minor=40_000, paid_on=date(2026, 11, 3), now=h.clock.now()
    )
    await user.send("/invoices")
    text = (await user.press("📄 F-1")).text
    assert (
        "⚖️ Pénalités de retard\u00a0: intérêts à ce jour 7,32\u00a0€ (12,15\u00a0% par an) + indemnité "
        "forfaitaire de recouvrement 40,00\u00a0€ + frais de gestion 15,00\u00a0€"
    ) in text.replace("\u202f", "\u00a0")


async def test_an_unknown_half_year_rate_is_said_not_guessed(h: Harness) -> None:
    user = await onboard(h)
    await setup(h, user, rate=False)
    text = await card(user)
    assert "the ECB rate for the half-year from 1 Jul 2026 is not known yet" in text
    assert "relance rates add 2026-07-01 RATE" in text
    assert "recovery indemnity €40.00" in text and "interest so far" not in text


async def rendered(
    h: Harness, user: TelegramUser, invoice: Invoice, tone: str, language: str | None = None
) -> tuple[str, str]:
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    client = await h.store.clients.get(invoice.freelancer_id, invoice.client_id)
    assert freelancer is not None and client is not None
    if language:
        client = await h.store.clients.update(freelancer.id, client.id, language=language) or client
    today = date(2026, 11, 23)
    late = await late_amounts.for_invoice(h.store, freelancer, invoice, today)
    text = render_reminder(
        freelancer=freelancer, client=client, invoice=invoice, tone=tone, today=today, custom=None, late=late
    )
    email = reminder_email(
        freelancer=freelancer, client=client, invoice=invoice, text=text, to=("jo@acme.example",),
        thread="t", sequence=1,
    )  # fmt: skip
    assert text.late_sentence is None or text.late_sentence in email.text  # the text part says it too
    return text.html, email.html


async def test_the_final_reminder_mentions_them_courteously_in_the_clients_language(h: Harness) -> None:
    user = await onboard(h)
    invoice = await setup(h, user)
    telegram, mail = await rendered(h, user, invoice, "final")
    sentence = (
        "As provided in our terms, a late payment entails late-payment interest (€9.99 so far) and a fixed "
        "indemnity for recovery costs of €40.00. Settling the invoice soon keeps the interest from growing."
    )
    assert sentence in telegram and sentence in mail
    assert telegram.index(sentence) < telegram.index("If you cannot pay in full")  # after the payment details
    telegram, _mail = await rendered(h, user, invoice, "firm")
    assert "late-payment interest" not in telegram  # only the final reminder mentions them
    telegram, mail = await rendered(h, user, invoice, "final", language="fr")
    french = (
        "Comme le prévoient nos conditions, un retard de paiement entraîne des intérêts de retard "
        "(9,99\u00a0€ à ce jour) et une indemnité forfaitaire pour frais de recouvrement de 40,00\u00a0€."
    )
    assert french in telegram.replace("\u202f", "\u00a0") and french in mail.replace("\u202f", "\u00a0")
    await set_b2b(h, invoice, False)
    telegram, mail = await rendered(h, user, invoice, "final")
    assert "late-payment interest" not in telegram and "intérêts de retard" not in mail


async def test_the_formal_notice_claims_interest_and_indemnity_for_a_business_client(h: Harness) -> None:
    user = await onboard(h)
    invoice = await overdue_invoice(h, user, addresses=True)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, late_penalties=True)
    await h.store.penalty_rates.add(H2_2026, 215, now=h.clock.now())
    await user.send("/invoices")
    await user.press("📄 F-7")
    await user.press("⚖️ Formal notice…")
    await user.press("8 days")
    text = pdf_text(document(h, user).document.content)  # type: ignore[union-attr]
    # 1 200 € due 1 Nov, 200 € paid on 10 Nov: 2..10 Nov = 9 days on 1 200, 11..23 Nov = 13 days on
    # 1 000, at 12.15 %: 12.15 % × 23 800 / 365 = 7.92 €; + 40 € → 1 000 + 7.92 + 40 = 1 047.92 €.
    assert "Late-payment interest (12.15 % a year) €7.92" in text
    assert "Fixed indemnity for recovery costs €40.00" in text
    assert "Total claimed €1,047.92" in text

    await set_b2b(h, invoice, False)
    await user.send("/invoices")
    await user.press("📄 F-7")
    await user.press("⚖️ Formal notice…")
    await user.press("8 days")
    text = pdf_text(document(h, user).document.content)  # type: ignore[union-attr]
    assert "Late-payment interest" not in text and "indemnity" not in text.lower()


async def test_the_dispatcher_sends_the_final_reminder_with_them_and_only_the_final_one(h: Harness) -> None:
    from tests.reminders.helpers import client_texts, invoice_with_reminders

    s = await invoice_with_reminders(h)  # 1 200 € due 1 Dec 2026, Standard plan, final on 21 Dec
    freelancer = await h.store.freelancers.by_telegram_id(s.user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, late_penalties=True)
    await h.store.penalty_rates.add(H2_2026, 215, now=h.clock.now())
    for row in await h.store.reminders.for_invoice(s.invoice.id):
        if row.audience == "client" and row.scheduled_at is not None:
            h.clock.set(row.scheduled_at)
            await h.dispatch()
    texts = client_texts(h, s.client_chat or 0)
    assert len(texts) == 4
    # 2..21 Dec = 20 days on 1 200 € at 12.15 %: 1 200 × 0.1215 × 20 / 365 = 7.989 → 7.99 €.
    assert (
        "As provided in our terms, a late payment entails late-payment interest (€7.99 so far) and a fixed "
        "indemnity for recovery costs of €40.00."
    ) in texts[3]
    assert all("late-payment interest" not in text for text in texts[:3])


async def test_the_formal_notice_in_french_with_an_admin_fee(h: Harness) -> None:
    user = await onboard(h)
    invoice = await overdue_invoice(h, user, language="fr", addresses=True)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(
        freelancer.id, late_penalties=True, admin_fee_minor=1_500, admin_fee_currency="EUR", admin_fee_days=15
    )
    await h.store.penalty_rates.add(H2_2026, 215, now=h.clock.now())
    await user.send("/invoices")
    await user.press("📄 F-7")
    await user.press("⚖️ Formal notice…")
    await user.press("8 days")
    text = pdf_text(document(h, user).document.content)  # type: ignore[union-attr]
    # As above: 7.92 € interest, 40 € indemnity, and 15 € admin fee (22 days late ≥ 15): 1 062.92 €.
    assert "Intérêts de retard (12,15 % l'an) 7,92 €" in text
    assert "Indemnité forfaitaire pour frais de recouvrement 40,00 €" in text
    assert "Frais de gestion (selon nos conditions) 15,00 €" in text
    assert "Total réclamé 1 062,92 €" in text
    assert invoice.number == "F-7"


async def test_a_german_freelancer_is_told_the_rate_is_an_estimate(h: Harness) -> None:
    user = await onboard(h)
    await setup(h, user)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, country="DE")
    text = await card(user)
    # Base + 9 points (BGB § 288 (2)), here on the ECB rate: 11.15 %, 30 days: 1 000 × 0.1115 × 30 / 365 = 9.16.
    assert "interest so far €9.16 (11.15 % a year)" in text and "Bundesbank base rate" in text
