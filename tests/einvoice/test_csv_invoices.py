"""Invoice CSV exports from other tools: separators, BOMs, accents, Relance's own /export, and bad files."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.money import Money
from bot.einvoice.csv_invoices import InvoiceCsvErrors, csv_kind, parse_invoices_csv
from bot.einvoice.csv_profiles import InvoiceColumns
from bot.einvoice.model import EInvoiceError
from bot.export import invoices_csv


def read(text: str, encoding: str = "utf-8", **kwargs: object) -> object:
    return parse_invoices_csv(text.encode(encoding), default_currency="EUR", term_days=30, **kwargs)  # type: ignore[arg-type]


FRENCH = (
    "\ufeffNuméro;Client;Date d'émission;Date d'échéance;Montant TTC;Reste à payer;E-mail\n"
    "F-2026-001;Société Générale d'Études;05/11/2026;05/12/2026;1 200,00;1 200,00;compta@etudes.fr\n"
    "F-2026-002;Crèmerie Dupré;2026-11-10;;350,50;150,50;\n"
    "F-2026-003;Crèmerie Dupré;12/11/2026;12/12/2026;99,00;0,00;\n"
)


def test_french_tool_export_with_bom_semicolons_and_accents_is_guessed() -> None:
    file = read(FRENCH)
    assert file.columns_source == "guessed" and file.columns.ready  # type: ignore[attr-defined]
    confirmed = read(FRENCH, columns=file.columns)  # type: ignore[attr-defined]
    first, second = confirmed.rows  # type: ignore[attr-defined]
    assert (first.number, first.client, first.amount, first.email) == (
        "F-2026-001", "Société Générale d'Études", Money(120_000, "EUR"), "compta@etudes.fr",
    )  # fmt: skip
    assert (first.issue_date, first.due_date, first.paid_minor) == (date(2026, 11, 5), date(2026, 12, 5), 0)
    assert second.due_date == date(2026, 12, 10)  # no due date: the freelancer's 30-day term
    assert second.paid_minor == 20_000  # 350,50 − 150,50 still due: paid in part
    assert confirmed.settled == ((4, "F-2026-003"),)  # type: ignore[attr-defined]


def test_windows_1252_export_reads_its_accents() -> None:
    file = read(FRENCH.replace("\ufeff", ""), encoding="cp1252")
    columns = file.columns  # type: ignore[attr-defined]
    rows = read(FRENCH.replace("\ufeff", ""), encoding="cp1252", columns=columns).rows  # type: ignore[attr-defined]
    assert rows[1].client == "Crèmerie Dupré"


def test_relance_export_reads_back_through_its_profile() -> None:
    from tests.einvoice.helpers import exported_invoices

    data = invoices_csv(exported_invoices())
    file = parse_invoices_csv(data, default_currency="EUR", term_days=30)
    assert (file.tool, file.columns_source) == ("Relance", "profile")
    assert [(r.number, r.client, r.amount, r.paid_minor) for r in file.rows] == [
        ("F-1", "ACME", Money(120_000, "EUR"), 20_000),
        ("=SUM(A1)", "Zoë & Co", Money(5_000, "USD"), 0),
    ]
    assert file.settled == ((4, "F-3"),)  # paid in full: not chased again


INVOICE_NINJA = (
    "Number,Client,Date,Due Date,Amount,Balance,Status,Currency\n"
    '0001,Acme Inc,2026-10-01,2026-10-31,"1,250.00","1,250.00",Sent,USD\n'
    "0002,Globex,2026-10-03,2026-11-02,500.00,0.00,Paid,USD\n"
    "0003,Acme Inc,2026-10-05,2026-11-04,80.00,80.00,Draft,USD\n"
)


def test_invoice_ninja_export_with_commas() -> None:
    file = read(INVOICE_NINJA)
    assert (file.tool, file.columns_source) == ("Invoice Ninja", "profile")  # type: ignore[attr-defined]
    (row,) = file.rows  # type: ignore[attr-defined]
    assert (row.number, row.amount, row.due_date) == ("0001", Money(125_000, "USD"), date(2026, 10, 31))
    assert [n for _, n in file.settled] == ["0002", "0003"]  # type: ignore[attr-defined]


def test_numbers_repeated_in_the_file_are_skipped_and_listed() -> None:
    text = "number,client,issue_date,amount\nA-1,X,2026-01-01,10\na-1,Y,2026-01-02,20\n"
    file = read(text, columns=InvoiceColumns(number="number", client="client", issue_date="issue_date",
                                             amount="amount"))  # fmt: skip
    assert [r.number for r in file.rows] == ["A-1"] and file.repeated == ((3, "a-1"),)  # type: ignore[attr-defined]


COLUMNS = InvoiceColumns(
    number="Numéro", client="Client", issue_date="Date", amount="Montant", due_date="Échéance"
)


@pytest.mark.parametrize(
    ("line", "message", "where"),
    [
        ("F-9;ACME;31/02/2026;;100", "is not a date", "line 2, column 'Date'"),
        ("F-9;ACME;01/02/2026;;douze euros", "is not an amount", "line 2, column 'Montant'"),
        ("F-9;ACME;01/02/2026;;-5,00", "not an amount to be paid", "line 2, column 'Montant'"),
        ("F-9;;01/02/2026;;5,00", "client name", "line 2, column 'Client'"),
        (";ACME;01/02/2026;;5,00", "invoice number", "line 2, column 'Numéro'"),
        ("F-9;ACME;01/02/2026;01/01/2026;5,00", "before the issue date", "line 2, column 'Échéance'"),
        ("F-9;ACME;01/02/2026;;1,234", "is not an amount", "line 2, column 'Montant'"),  # 3 decimals in EUR
        ("F-9;ACME;01/02/2026;;1 234,5", None, None),
    ],
)
def test_bad_lines_are_named(line: str, message: str | None, where: str | None) -> None:
    text = f"Numéro;Client;Date;Échéance;Montant\n{line}\n"
    if message is None:
        assert read(text, columns=COLUMNS).rows[0].amount == Money(123_450, "EUR")  # type: ignore[attr-defined]
        return
    with pytest.raises(InvoiceCsvErrors) as caught:
        read(text, columns=COLUMNS)
    assert message in caught.value.message and caught.value.where == where


def test_every_bad_line_is_listed_and_nothing_is_kept() -> None:
    text = "Numéro;Client;Date;Échéance;Montant\nF-1;A;01/02/2026;;10\nF-2;B;hier;;10\nF-3;C;01/02/2026;;x\n"
    with pytest.raises(InvoiceCsvErrors) as caught:
        read(text, columns=COLUMNS)
    assert [e.where for e in caught.value.errors] == ["line 3, column 'Date'", "line 4, column 'Montant'"]


def test_wrong_columns() -> None:
    with pytest.raises(EInvoiceError, match="is not in the file"):
        read("Invoice;Customer;When;Total\nA;B;01/01/2026;3\n", columns=COLUMNS)
    with pytest.raises(EInvoiceError, match="empty"):
        read("   \n")
    file = read("foo;bar;baz\n1;2;3\n")
    assert file.columns_source == "guessed" and not file.columns.ready  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (FRENCH, "invoices"),
        (INVOICE_NINJA, "invoices"),
        ("Date;Libellé;Montant\n05/03/2026;VIR ACME;120,00\n", "bank"),
        ("dateOp;dateVal;label;category;amount\n2026-03-05;2026-03-05;VIR;x;12,00\n", "bank"),
        ("Date;Client;Montant\n05/03/2026;ACME;120,00\n", "unsure"),
        ("a;b;c\n1;2;3\n", None),
    ],
)
def test_invoice_and_bank_csvs_are_told_apart_by_their_header(text: str, kind: str | None) -> None:
    assert csv_kind(text.encode()) == kind


def test_a_huge_bad_cell_is_shown_short() -> None:
    text = "Numéro;Client;Date;Échéance;Montant\n" + "F-1;ACME;01/02/2026;;" + "9x" * 5000 + "\n"
    with pytest.raises(InvoiceCsvErrors) as caught:
        read(text, columns=COLUMNS)
    assert len(caught.value.message) < 200
