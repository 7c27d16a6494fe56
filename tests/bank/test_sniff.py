"""`is_bank_statement`: a sent document is told a bank statement by its content, not its name."""

from pathlib import Path

import pytest

from bot.bank.parse import is_bank_statement

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "name",
    [
        "camt053_bnp.xml",
        "camt054_v8_usd.xml",
        "ofx102_lcl.ofx",
        "qfx_v2.qfx",
        "mt940_belfius.sta",
        "kbc.csv",
        "qonto_en.csv",
        "boursorama.csv",
    ],
)
def test_statements_are_recognised(name: str) -> None:
    assert is_bank_statement((FIXTURES / name).read_bytes(), name)


def test_invoice_xml_and_invoice_csv_are_not_statements() -> None:
    ubl = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>F1</ID></Invoice>'
    assert not is_bank_statement(ubl, "f1.xml")
    assert not is_bank_statement(b"client;invoice;due\nACME;F-1;2026-01-31\n", "invoices.csv")
