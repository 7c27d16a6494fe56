"""Statements from several banks and formats read into credits and debits, or refused with the place named."""

from __future__ import annotations

from datetime import date

import pytest

from bot.bank import MappingNeeded, StatementError, parse_statement
from bot.bank.csv_import import parse_amount
from bot.bank.model import MAX_FILE_BYTES
from bot.domain.creditor_reference import (
    creditor_reference,
    find_creditor_references,
    format_creditor_reference,
    invoice_id_from_reference,
)
from tests.bank.helpers import fixture


def amounts(statement: object) -> list[tuple[date, int, str]]:
    return [(line.booking_date, line.amount_minor, line.currency) for line in statement.lines]  # type: ignore[attr-defined]


def test_camt053_reads_credits_debits_batches_and_skips_pending_entries() -> None:
    s = parse_statement(fixture("camt053_bnp.xml"), "releve.xml")
    assert s.format == "camt.053" and s.account == "FR7630004000031234567890143"
    assert amounts(s) == [
        (date(2026, 3, 5), 120000, "EUR"), (date(2026, 3, 6), -8990, "EUR"),
        (date(2026, 3, 10), 90000, "EUR"), (date(2026, 3, 10), 60000, "EUR"),
    ]  # fmt: skip
    first = s.lines[0]
    assert first.counterparty == "Société Générale d'Études SARL" and "F-2026-014" in first.remittance
    assert first.transaction_id == "BNP20260305A1"
    assert s.lines[2].remittance == creditor_reference(2)  # the structured reference of a batch transaction
    assert len(s.credits) == 3


def test_camt054_version_8_in_dollars_with_a_reversal() -> None:
    s = parse_statement(fixture("camt054_v8_usd.xml"), "notif.xml")
    assert s.format == "camt.054"
    assert amounts(s) == [(date(2026, 4, 1), 250000, "USD"), (date(2026, 4, 1), -4000, "USD")]
    assert s.lines[0].counterparty == "Northwind Ltd" and s.lines[0].transaction_id == "TX-US-7781"


def test_ofx_sgml_in_windows_1252_and_qfx_xml_with_a_foreign_currency_line() -> None:
    s = parse_statement(fixture("ofx102_lcl.ofx"), "export.ofx")
    assert s.format == "ofx" and amounts(s)[0] == (date(2026, 3, 5), 120000, "EUR")
    assert s.lines[0].remittance == "FACTURE F-2026-014 réglée" and s.lines[1].amount_minor == -4590
    q = parse_statement(fixture("qfx_v2.qfx"), "download.qfx")
    assert amounts(q) == [(date(2026, 4, 1), 78000, "GBP"), (date(2026, 4, 2), 100000, "EUR")]


def test_mt940_german_style_and_belgian_slash_fields() -> None:
    s = parse_statement(fixture("mt940_credit_mutuel.sta"), "releve.sta")
    assert s.format == "mt940" and s.lines[0].counterparty == "ACME SARL"
    assert s.lines[0].remittance == "FACTURE F-2026-014 MERCI" and s.lines[1].amount_minor == -4590
    b = parse_statement(fixture("mt940_belfius.sta"), "belfius.txt")
    assert [(line.counterparty, line.remittance) for line in b.lines[:2]] == [
        ("Dupont Sàrl", "FACTURE 2026-07"), ("", "VIREMENT DE MME MARTIN FACT 2026-08"),
    ]  # fmt: skip
    assert [line.amount_minor for line in b.lines] == [150050, 9999, -2000]


@pytest.mark.parametrize(
    ("name", "bank", "expected"),
    [
        ("boursorama.csv", "Boursorama", [120000, -1240, 35000]),
        ("credit_agricole.csv", "Crédit Agricole", [90000, -4599, 125000]),
        ("kbc.csv", "KBC", [242000, -5900]),
        ("qonto_en.csv", "Qonto", [64000, -1900, 105000]),
    ],
)
def test_csv_exports_of_known_banks(name: str, bank: str, expected: list[int]) -> None:
    s = parse_statement(fixture(name), name)
    assert s.format == "csv" and s.bank == bank and s.mapping_source == "profile"
    assert [line.amount_minor for line in s.lines] == expected


def test_csv_details_multiline_cells_currency_column_and_iso_dates_with_time() -> None:
    agricole = parse_statement(fixture("credit_agricole.csv"), "CA.csv")
    assert agricole.lines[0].remittance == "VIREMENT EN VOTRE FAVEUR ATELIER DURAND FACT 2026-002"
    assert agricole.lines[0].booking_date == date(2026, 3, 5)
    qonto = parse_statement(fixture("qonto_en.csv"), "qonto.csv")
    assert qonto.lines[2].currency == "CHF" and qonto.lines[2].counterparty == "Zürich Consulting GmbH"
    assert qonto.lines[0].transaction_id == "tx-8f1c"


def test_unknown_csv_layout_is_guessed_and_twins_without_id_keep_distinct_keys() -> None:
    s = parse_statement(fixture("generic_tab.tsv"), "export.tsv")
    assert s.mapping_source == "guessed" and s.csv_mapping is not None and s.csv_mapping.date == "Booked"
    assert s.lines[0].raw_hash != s.lines[1].raw_hash  # two equal transfers the same day are two payments
    again = parse_statement(fixture("generic_tab.tsv"), "export.tsv")
    assert [line.raw_hash for line in again.lines] == [line.raw_hash for line in s.lines]
    with pytest.raises(MappingNeeded) as unknown:
        parse_statement(fixture("unknown_columns.csv"), "x.csv")
    assert unknown.value.header == ["Colonne A", "Colonne B"]


@pytest.mark.parametrize(
    ("name", "where", "says"),
    [
        ("camt053_broken.xml", "line 9, column 4", "malformed"),
        ("camt053_bad_amount.xml", "<Ntry> 2 (BAD2) <Amt>", "'12,50' is not an amount"),
        ("mt940_broken.sta", "line 7", "MT940"),
        ("ofx_truncated.ofx", None, "OFX"),
        ("bad_date.csv", "line 3, column 'Date'", "'31/02/2026' is not a date"),
        ("bad_amount.csv", "line 2, column 'Montant'", "'douze euros' is not an amount"),
    ],
)
def test_broken_files_name_the_line_or_element(name: str, where: str | None, says: str) -> None:
    with pytest.raises(StatementError) as error:
        parse_statement(fixture(name), name)
    assert says in str(error.value)
    if where:
        assert error.value.where is not None and where in error.value.where


def test_empty_binary_and_oversized_files_are_refused() -> None:
    with pytest.raises(StatementError, match="empty"):
        parse_statement(b"  \n", "empty.csv")
    with pytest.raises(StatementError, match="binary"):
        parse_statement(b"PK\x03\x04\x00\x00garbage", "statement.xlsx")
    with pytest.raises(StatementError, match="20 MB"):
        parse_statement(b"x" * (MAX_FILE_BYTES + 1), "huge.csv")
    with pytest.raises(StatementError, match="entities"):
        parse_statement(
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>', "x.xml"
        )


def test_amounts_in_french_english_and_belgian_notations() -> None:
    assert parse_amount("1 234,56") == "1234.56"
    assert parse_amount("-1.234,56") == "-1234.56"
    assert parse_amount("1,234.56") == "1234.56"
    assert parse_amount("+1200") == "1200"
    assert parse_amount("120,00-") == "-120.00"
    assert parse_amount("1.234.567") == "1234567"
    assert parse_amount("") is None


def test_creditor_reference_is_valid_iso_11649_and_found_again_in_free_text() -> None:
    reference = creditor_reference(123)
    assert reference.startswith("RF") and invoice_id_from_reference(reference) == 123
    printed = format_creditor_reference(reference)
    assert find_creditor_references(f"Virement {printed} FACT merci") == [reference]
    assert find_creditor_references(reference.replace("RF", "RF0", 1)) == []  # wrong check digits
    assert invoice_id_from_reference("RF185390075470Y") is None  # valid, but not one Relance makes


def test_epc_qr_carries_the_creditor_reference_as_structured_remittance() -> None:
    from bot.domain.epc_qr import epc_payload

    reference = creditor_reference(42)
    payload = epc_payload(name="Claire Martin", iban="FR7630006000011234567890189", bic=None, amount_minor=120000,
                          currency="EUR", reference="F-2026-014", creditor_reference=reference)  # fmt: skip
    assert payload.split("\n")[9:] == [reference]  # structured field set, free text left out
    with pytest.raises(ValueError):
        epc_payload(name="C", iban="FR7630006000011234567890189", bic=None, amount_minor=1, currency="EUR",
                    reference="", creditor_reference="RF00 1234")  # fmt: skip
