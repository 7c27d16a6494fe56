"""The formal notice: what the letter says (pure), and its PDF read back with pypdf in French and English."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import pypdf
import pytest
from PIL import Image

from bot.domain.formal_notice import (
    ClaimedAmounts,
    LegalBasis,
    SentReminder,
    build_formal_notice,
    is_eligible,
    missing_addresses,
    reminders_sent,
)
from bot.presentation.formal_notice_pdf import file_name, preview_png, render_pdf

IBAN = "FR7630006000011234567890189"


@dataclass(frozen=True)
class Freelancer:
    name: str = "Claire Martin Design"
    postal_address: str | None = "12 rue des Lilas\n69003 Lyon"
    country: str = "FR"
    timezone: str = "Europe/Paris"
    iban: str | None = IBAN
    bic: str | None = "AGRIFRPP"
    payment_link: str | None = None
    reply_to_email: str | None = "claire@studio.example"


@dataclass(frozen=True)
class Client:
    name: str = "Société Générale d'Études"
    postal_address: str | None = "3 avenue de l'Opéra\n75001 Paris"
    is_b2b: bool = True


@dataclass(frozen=True)
class Invoice:
    number: str = "F-2026-014"
    issue_date: date = date(2026, 10, 1)
    due_date: date = date(2026, 10, 31)
    amount_minor: int = 120_000
    currency: str = "EUR"


@dataclass(frozen=True)
class Payment:
    amount_minor: int
    paid_on: date


@dataclass(frozen=True)
class Row:
    audience: str
    status: str
    sent_at: datetime | None
    channel: str | None


REMINDERS = (
    SentReminder(date(2026, 11, 3), ("email",)),
    SentReminder(date(2026, 11, 17), ("email", "telegram")),
)
LETTER_DAY = date(2026, 12, 6)


def notice(language: str = "fr", **changes: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = dict(
        freelancer=Freelancer(), client=Client(), invoice=Invoice(),
        payments=[Payment(20_000, date(2026, 11, 5))], reminders=REMINDERS, letter_date=LETTER_DAY,
        language=language,
    )  # fmt: skip
    values.update(changes)
    return build_formal_notice(**values)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    """The letter's text as a reader's PDF tool extracts it, spaces normalized, lines joined."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


# The facts -----------------------------------------------------------------------------------------
def test_amount_due_is_after_partial_payments_and_the_deadline_is_eight_days_by_default() -> None:
    letter = notice()
    assert (letter.invoice_minor, letter.paid_minor, letter.due_minor) == (120_000, 20_000, 100_000)
    assert letter.total_minor == 100_000  # nothing claimed on top without the penalties hook
    assert letter.deadline_days == 8 and letter.deadline == date(2026, 12, 14)
    assert letter.days_late == 36  # 31 Oct → 6 Dec
    assert letter.creditor.address == ("12 rue des Lilas", "69003 Lyon")
    assert letter.debtor.name == "Société Générale d'Études"
    assert letter.place == "Lyon"
    assert letter.reminders == REMINDERS


def test_claimed_interest_and_indemnity_are_added_to_the_total_and_the_qr_code() -> None:
    letter = notice(
        claimed=ClaimedAmounts(interest_minor=1_234, indemnity_minor=4_000, interest_rate="12.15")
    )
    assert letter.total_minor == 100_000 + 1_234 + 4_000
    assert letter.payment.epc_payload is not None
    assert "EUR1052.34" in letter.payment.epc_payload.split("\n")
    assert "F-2026-014" in letter.payment.epc_payload.split("\n")
    assert notice(claimed=ClaimedAmounts()).claimed is None  # zero amounts claim nothing
    with pytest.raises(ValueError):
        ClaimedAmounts(interest_minor=-1)


def test_legal_basis_follows_the_freelancer_country_and_b2b() -> None:
    assert notice().legal_basis == LegalBasis.FR_B2B
    assert notice().legal_references == ("civil:1231-6", "civil:1344", "commerce:L441-10")
    b2c = notice(client=Client(is_b2b=False))
    assert b2c.legal_basis == LegalBasis.FR_B2C and "commerce:L441-10" not in b2c.legal_references
    assert notice(freelancer=Freelancer(country="DE")).legal_basis == LegalBasis.GENERIC


def test_no_qr_code_without_iban_or_outside_euros() -> None:
    assert notice(freelancer=Freelancer(iban=None)).payment.epc_payload is None
    assert notice(invoice=Invoice(currency="CHF")).payment.epc_payload is None


def test_nothing_due_or_a_deadline_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        notice(payments=[Payment(120_000, date(2026, 11, 5))])
    with pytest.raises(ValueError):
        notice(deadline_days=0)
    with pytest.raises(ValueError):
        notice(deadline_days=61)
    assert notice(deadline_days=15).deadline == date(2026, 12, 21)


def test_reminders_sent_are_the_client_ones_that_went_out_dated_in_the_freelancer_zone() -> None:
    rows = [
        Row("client", "sent", datetime(2026, 11, 17, 8, 30, tzinfo=UTC), "email,telegram"),
        Row("client", "sent", datetime(2026, 11, 3, 23, 30, tzinfo=UTC), "email"),  # 4 Nov in Paris
        Row("freelancer", "sent", datetime(2026, 11, 10, 8, 30, tzinfo=UTC), "telegram"),
        Row("client", "failed", None, "email"),
        Row("client", "planned", None, None),
    ]
    assert reminders_sent(rows, "Europe/Paris") == (
        SentReminder(date(2026, 11, 4), ("email",)),
        SentReminder(date(2026, 11, 17), ("email", "telegram")),
    )


def test_eligibility_and_missing_addresses() -> None:
    due = date(2026, 10, 31)
    assert is_eligible(status="open", balance_minor=1, due_date=due, today=date(2026, 11, 1))
    assert not is_eligible(status="open", balance_minor=1, due_date=due, today=due)
    assert not is_eligible(status="paid", balance_minor=0, due_date=due, today=date(2026, 12, 1))
    assert missing_addresses(Freelancer(postal_address=None), Client(postal_address="  ")) == [
        "freelancer",
        "client",
    ]
    assert missing_addresses(Freelancer(), Client()) == []


# The PDF -------------------------------------------------------------------------------------------
def test_french_pdf_text_with_accents_amounts_reminders_and_iban() -> None:
    claimed = ClaimedAmounts(interest_minor=1_234, indemnity_minor=4_000, interest_rate="12.15")
    pdf = render_pdf(notice("fr", claimed=claimed))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for fragment in [
        "Claire Martin Design", "12 rue des Lilas", "69003 Lyon",
        "Société Générale d'Études", "3 avenue de l'Opéra", "75001 Paris",
        "Lyon, le 6 décembre 2026",
        "Objet : mise en demeure de payer — facture F-2026-014",
        "Madame, Monsieur,",
        "La facture F-2026-014 du 1 octobre 2026, d'un montant de 1 200,00 €, était payable le 31 octobre 2026.",
        "Déduction faite des paiements déjà reçus (200,00 €), il reste dû 1 000,00 €.",
        "Relances déjà envoyées :", "le 3 novembre 2026 par e-mail", "le 17 novembre 2026 par e-mail et par Telegram",
        "Intérêts de retard (12,15 % l'an) 12,34 €", "Indemnité forfaitaire pour frais de recouvrement 40,00 €",
        "Total réclamé 1 052,34 €",
        "la somme de 1 052,34 € dans un délai de 8 jours", "soit au plus tard le 14 décembre 2026",
        "articles 1231-6 et 1344 du Code civil", "l'article L441-10 du Code de commerce",
        "IBAN : FR76 3000 6000 0112 3456 7890 189", "BIC : AGRIFRPP", "Référence : F-2026-014",
        "salutations distinguées",
    ]:  # fmt: skip
        assert fragment in text, fragment


def test_english_pdf_text_for_an_english_speaking_client() -> None:
    text = pdf_text(render_pdf(notice("en")))
    for fragment in [
        "Lyon, 6 December 2026",
        "Subject: formal notice to pay — invoice F-2026-014",
        "Dear Sir or Madam,",
        "Invoice F-2026-014 of 1 October 2026, for an amount of €1,200.00, fell due on 31 October 2026.",
        "After the payments already received (€200.00), €1,000.00 remain due.",
        "• 3 November 2026 by e-mail", "• 17 November 2026 by e-mail and by Telegram",
        "the sum of €1,000.00 within 8 days of this letter, that is by 14 December 2026 at the latest.",
        "Articles 1231-6 and 1344 of the French Civil Code", "Article L441-10 of the French Commercial Code",
        "IBAN: FR76 3000 6000 0112 3456 7890 189", "Reference: F-2026-014", "Yours faithfully,",
    ]:  # fmt: skip
        assert fragment in text, fragment
    assert "Late-payment interest" not in text  # no penalties passed in: none claimed


def test_b2c_letter_leaves_out_the_commercial_code_and_generic_wording_abroad() -> None:
    b2c = pdf_text(render_pdf(notice("fr", client=Client(is_b2b=False))))
    assert "1231-6" in b2c and "L441-10" not in b2c
    abroad = pdf_text(render_pdf(notice("en", freelancer=Freelancer(country="DE"))))
    assert "1231-6" not in abroad and "applicable law" in abroad


def test_no_reminders_no_list_and_no_iban_no_payment_block() -> None:
    text = pdf_text(render_pdf(notice("en", reminders=(), freelancer=Freelancer(iban=None, bic=None))))
    assert "Reminders already sent" not in text and "IBAN" not in text


def test_preview_is_a_png_of_an_a4_first_page() -> None:
    png = preview_png(render_pdf(notice("fr")))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert width > 600 and abs(height / width - 297 / 210) < 0.01
    # Not blank: dark text pixels are there.
    assert image.convert("L").getextrema()[0] < 64


def test_file_name_is_in_the_letter_language() -> None:
    assert file_name(notice("fr")) == "Mise en demeure F-2026-014.pdf"
    assert file_name(replace(notice("en"), invoice_number="F/1 2")) == "Formal notice F-1-2.pdf"
