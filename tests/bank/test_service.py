"""Importing statements for a freelancer: payments recorded once, reminders stopped, undo, nothing half-saved."""

from __future__ import annotations

import html
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.bank.matching import Allocation
from bot.bank.model import StatementError
from bot.bank.service import (
    AllocationError,
    MappingToConfirm,
    confirm_line,
    ignore_line,
    import_statement,
    render_summary,
    undo_line,
)
from bot.engine.planner import ReminderPlanner
from bot.i18n import translator
from bot.storage import Store
from tests.bank.helpers import FIXTURES, Books, books, fixture
from tests.harness import TOKEN

FEB = date(2026, 2, 1)


async def planned(b: Books, number: str) -> int:
    rows = await b.store.reminders.for_invoice(b.invoices[number].id)
    return sum(1 for r in rows if r.status == "planned")


async def status(b: Books, number: str) -> tuple[str, int]:
    invoice = await b.store.invoices.get(b.freelancer.id, b.invoices[number].id)
    assert invoice is not None
    return invoice.status, invoice.balance_minor


async def bnp_books(store: Store) -> Books:
    b = await books(
        store,
        ("Société Générale d'Études SARL", "F-2026-014", 120000, "EUR", FEB),
        ("Atelier Durand", "F-2026-002", 90000, "EUR", FEB),
        ("Jean Dupont", "F-2026-003", 200000, "EUR", FEB),
    )
    planner = ReminderPlanner(store, b.clock)
    for invoice in b.invoices.values():
        await planner.replan(invoice)
    return b


async def test_camt_import_records_certain_payments_stops_reminders_and_proposes_the_rest(
    store: Store,
) -> None:
    b = await bnp_books(store)
    assert await planned(b, "F-2026-014") > 0
    summary = await import_statement(store, b.freelancer, fixture("camt053_bnp.xml"), "releve.xml", b.clock)
    assert (summary.lines_read, summary.credits, summary.duplicates) == (4, 3, 0)
    # invoice number in the remittance, and the creditor reference of invoice id 2 (F-2026-002)
    assert {a.invoice_id for o in summary.applied for a in o.allocations} == {b.invoices["F-2026-014"].id, 2}
    assert await status(b, "F-2026-014") == ("paid", 0)
    assert await planned(b, "F-2026-014") == 0  # like "Mark paid": no reminder left
    [partial] = summary.to_confirm  # 600 € from "M. Jean Dupont": a partial payment to confirm
    assert partial.candidates[0].invoice_ids == (b.invoices["F-2026-003"].id,)
    assert await status(b, "F-2026-003") == ("open", 200000)
    text = html.unescape(render_summary(translator("en"), summary))
    assert "Read 4 lines from releve.xml" in text and "3 credits" in text
    assert "2 payments recorded" in text and "1 to confirm" in text and "F-2026-003?" in text


async def test_the_same_or_an_overlapping_statement_never_pays_twice(store: Store) -> None:
    b = await bnp_books(store)
    await import_statement(store, b.freelancer, fixture("camt053_bnp.xml"), "releve.xml", b.clock)
    again = await import_statement(
        store, b.freelancer, fixture("camt053_bnp.xml"), "releve-copie.xml", b.clock
    )
    assert again.duplicates == 3 and not again.applied and not again.to_confirm
    payments = await store.invoices.payments(b.invoices["F-2026-014"].id)
    assert len(payments) == 1 and payments[0].paid_on == date(2026, 3, 5)  # dated by the bank
    french = html.unescape(render_summary(translator("fr"), again))
    assert "3 déjà importés" in french


async def test_confirm_undo_and_not_an_invoice(store: Store) -> None:
    b = await bnp_books(store)
    summary = await import_statement(store, b.freelancer, fixture("camt053_bnp.xml"), "releve.xml", b.clock)
    [partial] = summary.to_confirm
    assert partial.line_id is not None
    invoice_id = b.invoices["F-2026-003"].id
    with pytest.raises(AllocationError):  # more than the transfer
        await confirm_line(store, b.freelancer, partial.line_id, [Allocation(invoice_id, 60001)], b.clock)
    await confirm_line(store, b.freelancer, partial.line_id, partial.candidates[0].allocations, b.clock)
    assert await status(b, "F-2026-003") == ("open", 140000)
    applied = next(o for o in summary.applied if o.allocations[0].invoice_id == b.invoices["F-2026-014"].id)
    assert applied.line_id is not None
    assert await undo_line(store, b.freelancer, applied.line_id, b.clock) == (b.invoices["F-2026-014"].id,)
    assert await status(b, "F-2026-014") == ("open", 120000)
    assert await planned(b, "F-2026-014") > 0  # reminders planned again
    assert await undo_line(store, b.freelancer, applied.line_id, b.clock) is None  # only once
    assert await ignore_line(store, b.freelancer, applied.line_id)
    stored = await store.bank.get_line(b.freelancer.id, applied.line_id)
    assert stored is not None and stored.status == "ignored"
    assert await store.bank.get_line(b.freelancer.id + 1, applied.line_id) is None  # another freelancer's


async def test_ask_me_mode_and_dry_run_record_nothing(store: Store) -> None:
    b = await bnp_books(store)
    dry = await import_statement(
        store, b.freelancer, fixture("camt053_bnp.xml"), "r.xml", b.clock, dry_run=True
    )
    assert len(dry.applied) == 2 and dry.import_id is None
    assert await status(b, "F-2026-014") == ("open", 120000)
    ask = await import_statement(
        store, b.freelancer, fixture("camt053_bnp.xml"), "r.xml", b.clock, apply_certain=False
    )
    assert not ask.applied and len(ask.to_confirm) == 3
    assert await status(b, "F-2026-014") == ("open", 120000)


async def test_a_broken_file_saves_nothing(store: Store) -> None:
    b = await bnp_books(store)
    with pytest.raises(StatementError):
        await import_statement(store, b.freelancer, fixture("camt053_bad_amount.xml"), "bad.xml", b.clock)
    row = await store.db.fetchone(
        "SELECT (SELECT count(*) FROM bank_lines) + (SELECT count(*) FROM bank_imports) AS n"
    )
    assert row is not None and row["n"] == 0


async def test_an_unknown_csv_layout_is_confirmed_once_then_remembered(store: Store) -> None:
    b = await books(store, ("Blanc & Fils", "F-2026-025", 82000, "EUR", FEB))
    with pytest.raises(MappingToConfirm) as asked:
        await import_statement(store, b.freelancer, fixture("generic_tab.tsv"), "export.tsv", b.clock)
    assert asked.value.guess is not None and asked.value.guess.amount == "Amount"
    first = await import_statement(store, b.freelancer, fixture("generic_tab.tsv"), "export.tsv", b.clock,
                                   csv_mapping=asked.value.guess)  # fmt: skip
    # two equal transfers of 410 € each pay the 820 € invoice, one after the other
    assert len(first.applied) == 2 and await status(b, "F-2026-025") == ("paid", 0)
    later = await import_statement(store, b.freelancer, fixture("generic_tab.tsv"), "export.tsv", b.clock)
    assert later.duplicates == 2  # no question this time: the layout is remembered


async def test_multi_currency_csv_pays_only_invoices_in_that_currency(store: Store) -> None:
    b = await books(
        store,
        ("Studio Bleu SAS", "F-2026-022", 40000, "EUR", FEB),
        ("Studio Bleu SAS", "F-2026-023", 24000, "EUR", FEB),
        ("Zürich Consulting GmbH", "F-2026-024", 105000, "EUR", FEB),
    )
    summary = await import_statement(store, b.freelancer, fixture("qonto_en.csv"), "qonto.csv", b.clock)
    assert [a.invoice_id for o in summary.applied for a in o.allocations] == [
        b.invoices["F-2026-022"].id, b.invoices["F-2026-023"].id,
    ]  # fmt: skip
    assert await status(b, "F-2026-024") == ("open", 105000)  # paid in CHF, invoiced in EUR
    assert len(summary.unmatched) == 1


def test_cli_imports_a_statement_and_refuses_bad_files_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "relance.sqlite3"
    root = str(Path(__file__).resolve().parents[2])
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "RELANCE_DB": str(db), "PATH": "/usr/bin:/bin", "PYTHONPATH": root}
    assert subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO freelancers (telegram_user_id, language, timezone, created_at) "
                     "VALUES (77, 'en', 'Europe/Paris', 0)")  # fmt: skip
        conn.execute(
            "INSERT INTO clients (freelancer_id, name, created_at, last_used_at) VALUES (1, 'ACME', 0, 0)"
        )
        conn.execute(
            "INSERT INTO invoices (freelancer_id, client_id, number, amount_minor, currency, issue_date, due_date, "
            "created_at) VALUES (1, 1, 'F-2026-014', 120000, 'EUR', '2026-02-01', '2026-03-03', 0)"
        )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "import-statement", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True)  # fmt: skip

    dry = run("77", str(FIXTURES / "boursorama.csv"), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["dry_run"] and report["applied"][0]["payments"][0]["invoice"] == "F-2026-014"
    done = run("77", str(FIXTURES / "boursorama.csv"))
    assert done.returncode == 0 and "1 payment recorded" in done.stdout and "F-2026-014" in done.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM invoices").fetchone()[0] == "paid"
    conn.close()
    for args, says in (
        (("77", str(FIXTURES / "bad_date.csv")), "line 3"),
        (("77", str(tmp_path / "missing.csv")), "cannot read"),
        (("78", str(FIXTURES / "boursorama.csv")), "no freelancer"),
        (("77", str(FIXTURES / "generic_tab.tsv")), "--columns 'date=Booked'"),
    ):
        result = run(*args)
        assert result.returncode == 2 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
