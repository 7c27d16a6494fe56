"""A freelancer sends a bank statement as a document: the summary comes back; bad files save nothing."""

from __future__ import annotations

from datetime import date

import pytest

from bot.storage.invoices import NewInvoice
from tests.bank.helpers import fixture
from tests.conftest import onboard
from tests.harness import Harness


async def test_a_sent_camt_statement_marks_the_invoice_paid_and_resending_changes_nothing(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    client = await h.store.clients.create(freelancer.id, "Société Générale d'Études SARL", now=h.clock.now())
    invoice = await h.store.invoices.create(
        freelancer.id,
        NewInvoice(client.id, "F-2026-014", 120000, "EUR", date(2026, 2, 1), date(2026, 3, 3), reminders_enabled=True),
        now=h.clock.now(),
    )  # fmt: skip
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    assert "Read 4 lines from releve.xml" in reply.text
    paid = await h.store.invoices.get(freelancer.id, invoice.id)
    assert paid is not None and paid.status == "paid"
    again = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    assert "already imported" in again.text
    assert len(await h.store.invoices.payments(invoice.id)) == 1


async def test_a_broken_statement_is_refused_and_nothing_is_saved(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send_document("releve.sta", fixture("mt940_broken.sta"), "text/plain")
    assert "Nothing was saved" in reply.text


@pytest.mark.parametrize(
    ("name", "english", "french"),
    [
        ("bad_date.csv", "line 3, column 'Date': '31/02/2026' is not a date",
         "ligne 3, colonne 'Date'\u00a0: '31/02/2026' n’est pas une date"),
        ("camt053_bad_amount.xml", "<Ntry> 2 (BAD2) <Amt>: '12,50' is not an amount",
         "<Ntry> 2 (BAD2) <Amt>\u00a0: '12,50' n’est pas un montant"),
        ("camt053_broken.xml", "line 9, column 4: the XML is malformed", "ligne 9, colonne 4\u00a0: le XML est mal formé"),
        ("mt940_broken.sta", "line 7", "ligne 7"),
    ],
)  # fmt: skip
async def test_a_broken_file_names_the_line_or_element_in_the_users_language(
    h: Harness, name: str, english: str, french: str
) -> None:
    user = await onboard(h)
    reply = await user.send_document(name, fixture(name), "application/octet-stream")
    assert english in reply.text and "Nothing was saved." in reply.text
    other = await onboard(h, user_id=2002, language_code="fr")
    reply = await other.send_document(name, fixture(name), "application/octet-stream")
    assert french in reply.text and "Rien n'a été enregistré" in reply.text
    row = await h.store.db.fetchone(
        "SELECT (SELECT count(*) FROM bank_lines) + (SELECT count(*) FROM bank_imports) AS n"
    )
    assert row is not None and row["n"] == 0
