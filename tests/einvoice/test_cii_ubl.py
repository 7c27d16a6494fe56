"""E-invoices read exactly: Factur-X PDFs (MINIMUM, BASIC, EN16931) built with the factur-x library, CII and
UBL 2.1 XML, and the broken or hostile ones."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter

from bot.domain.money import Money
from bot.einvoice.cii_ubl import looks_like_einvoice, parse_einvoice_xml
from bot.einvoice.facturx import read_pdf_einvoice
from bot.einvoice.model import EInvoiceError
from tests.einvoice.samples import (
    BUYER_SIREN,
    BUYER_SIRET,
    BUYER_VAT,
    SELLER_IBAN,
    base_pdf,
    cii_xml,
    facturx_pdf,
    ubl_xml,
)


def test_en16931_facturx_pdf_gives_every_fact() -> None:
    invoice = read_pdf_einvoice(facturx_pdf(cii_xml("en16931")))
    assert invoice is not None
    assert (invoice.syntax, invoice.profile, invoice.number) == ("cii", "en16931", "F-2026-101")
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 11, 15), date(2026, 12, 15))
    assert invoice.amount_due == Money(120_000, "EUR")
    assert invoice.buyer_name == "Société Générale d'Études SAS"
    assert invoice.buyer_email == "compta@etudes.example"
    assert (invoice.buyer_ids.siren, invoice.buyer_ids.siret, invoice.buyer_ids.vat) == (
        BUYER_SIREN, BUYER_SIRET, BUYER_VAT,
    )  # fmt: skip
    assert invoice.payment_terms == "Paiement à 30 jours"
    assert invoice.seller_iban == SELLER_IBAN
    assert invoice.filled() == ("number", "amount", "issue_date", "due_date", "client", "email", "legal_ids",
                                "payment_terms", "iban")  # fmt: skip


def test_basic_profile_takes_the_email_from_the_party_uri() -> None:
    invoice = read_pdf_einvoice(facturx_pdf(cii_xml("basic")))
    assert invoice is not None and invoice.profile == "basic"
    assert invoice.buyer_email == "compta@etudes.example" and invoice.due_date == date(2026, 12, 15)


def test_minimum_profile_has_no_due_date_terms_or_iban() -> None:
    invoice = read_pdf_einvoice(facturx_pdf(cii_xml("minimum")))
    assert invoice is not None and invoice.profile == "minimum"
    assert invoice.amount_due == Money(120_000, "EUR") and invoice.buyer_ids.siret == BUYER_SIRET
    assert (invoice.due_date, invoice.payment_terms, invoice.seller_iban, invoice.buyer_email) == (None,) * 4


def test_amount_due_is_what_remains_after_a_prepayment() -> None:
    xml = cii_xml("en16931", prepaid="400.00", payable="800.00")
    invoice = read_pdf_einvoice(facturx_pdf(xml))
    assert invoice is not None
    assert invoice.amount_due == Money(80_000, "EUR") and invoice.grand_total == Money(120_000, "EUR")


def test_ubl_invoice_with_accents_and_a_prepayment() -> None:
    invoice = parse_einvoice_xml(ubl_xml(prepaid="380.00", payable="2000.00", siren=BUYER_SIREN))
    assert (invoice.syntax, invoice.number, invoice.buyer_name) == (
        "ubl",
        "INV-2026-042",
        "Müller & Söhne GmbH",
    )
    assert invoice.amount_due == Money(200_000, "EUR") and invoice.grand_total == Money(238_000, "EUR")
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 11, 20), date(2026, 12, 20))
    assert invoice.buyer_email == "buchhaltung@mueller.example"
    assert invoice.buyer_ids.vat == "DE136695976" and invoice.buyer_ids.siren == BUYER_SIREN
    assert invoice.payment_terms == "Zahlbar innerhalb 30 Tagen" and invoice.seller_iban == SELLER_IBAN


def test_invalid_ids_are_set_apart_not_stored() -> None:
    invoice = parse_einvoice_xml(cii_xml("en16931", siret="73282932000075", vat="FR00732829320"))
    assert not invoice.buyer_ids.any()
    assert invoice.invalid_ids == ("73282932000075", "FR00732829320")


def test_plain_pdf_is_no_einvoice() -> None:
    assert read_pdf_einvoice(base_pdf(["Facture F-1", "Total TTC : 100,00 €"])) is None
    assert read_pdf_einvoice(b"%PDF-1.4 broken") is None


def test_broken_xml_inside_a_facturx_pdf_is_reported() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base_pdf(["Facture F-1"]))))
    writer.add_attachment("factur-x.xml", b"<rsm:CrossIndustryInvoice><oops></rsm:CrossIndustryInvoice>")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(EInvoiceError, match="malformed"):
        read_pdf_einvoice(out.getvalue())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Invoice><unclosed></Invoice>", "malformed"),
        (b"", "malformed"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "DTD or entities"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DTD"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>", "not an invoice"),
        (ubl_xml(root="CreditNote"), "credit note"),
        (cii_xml("en16931", type_code="381"), "credit note"),
        (cii_xml("en16931", issued="2026-11-15"), "not a date"),
        (cii_xml("en16931", grand="douze"), "not an amount"),
        (cii_xml("en16931", currency="XYZ"), "unknown currency"),
    ],
)
def test_bad_xml_gets_a_clear_reason(data: bytes, message: str) -> None:
    with pytest.raises(EInvoiceError, match=message):
        parse_einvoice_xml(data)


def test_einvoices_are_told_from_bank_statements_by_their_root() -> None:
    assert looks_like_einvoice(cii_xml("minimum")) and looks_like_einvoice(ubl_xml())
    assert not looks_like_einvoice(b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>")
