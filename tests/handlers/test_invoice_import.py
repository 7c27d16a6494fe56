"""A freelancer sends a CSV of invoices from another tool: preview, one tap, all created (or none)."""

from __future__ import annotations

from tests.conftest import onboard
from tests.einvoice.test_service import big_csv
from tests.harness import Harness


async def count(h: Harness, table: str) -> int:
    row = await h.store.db.fetchone(f"SELECT count(*) AS n FROM {table}")
    return int(row["n"])


async def test_a_200_line_export_creates_200_invoices_with_their_clients_in_one_tap(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send_document("invoices.csv", big_csv(200), "text/csv")
    assert "Import from invoices.csv (Relance)" in reply.text
    assert "200 invoices to create" in reply.text and "40 new clients" in reply.text
    assert "✅ Import 200 invoices" in reply.buttons
    assert await count(h, "invoices") == 0  # the preview saves nothing
    done = await user.press("✅ Import 200 invoices")
    assert "200 invoices imported" in done.text and "40 clients created" in done.text
    assert await count(h, "invoices") == 200 and await count(h, "clients") == 40
    planned = await h.store.db.fetchone("SELECT count(DISTINCT invoice_id) AS n FROM reminders WHERE status = 'planned'")
    assert int(planned["n"]) == 200  # reminders planned as for /new
    again = await user.send_document("invoices.csv", big_csv(200), "text/csv")
    assert "200 numbers you already have, skipped" in again.text and "Nothing new to import" in again.text


async def test_a_file_with_a_bad_line_creates_nothing_and_names_the_line(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    reply = await user.send_document("factures.csv", big_csv(200, bad_line=57), "text/csv")
    assert "rien n’a été créé" in reply.text
    assert "ligne 58, colonne 'amount'\u00a0: 'douze' n’est pas un montant" in reply.text
    assert await count(h, "invoices") == 0


async def test_unknown_columns_are_checked_once_with_buttons_and_remembered(h: Harness) -> None:
    user = await onboard(h)
    data = "Réf;Société;Émise le;TTC\nA-1;Crèmerie Dupré;05/11/2026;120,00\n".encode("cp1252")
    reply = await user.send_document("export.csv", data, "text/csv")
    assert "a list of your invoices" in reply.text  # a client column, no number: which kind?
    reply = await user.press("🧾 My invoices")
    assert "I do not know the columns of export.csv" in reply.text
    await user.press("Number")
    await user.press("Réf")
    await user.press("Client")
    await user.press("Société")
    await user.press("Issue date")
    await user.press("Émise le")
    await user.press("Amount")
    reply = await user.press("TTC")
    reply = await user.press("✅ Continue")
    assert "1 invoice to create" in reply.text and "Crèmerie Dupré" in reply.text
    reply = await user.press("Import with reminders off")
    assert "1 invoice imported, reminders off" in reply.text
    saved = await h.store.db.fetchone("SELECT reminders_enabled FROM invoices")
    assert not saved["reminders_enabled"]
    later = "Réf;Société;Émise le;TTC\nA-2;Crèmerie Dupré;06/11/2026;80,00\n".encode("cp1252")
    reply = await user.send_document("export2.csv", later, "text/csv")
    assert "1 invoice to create" in reply.text  # the columns were remembered
    reply = await user.press("Cancel" if "Cancel" in reply.buttons else "✖️ Cancel")
    assert "nothing was imported" in reply.text and await count(h, "invoices") == 1


async def test_a_csv_that_could_be_either_asks_which_it_is(h: Harness) -> None:
    user = await onboard(h)
    data = b"Date;Client;Montant\n05/03/2026;ACME;120,00\n"
    reply = await user.send_document("mystere.csv", data, "text/csv")
    assert "bank statement, or a list of your invoices" in reply.text
    reply = await user.press("🏦 Bank statement")
    assert "mystere.csv" in reply.text  # handed to the bank import


async def test_an_old_preview_button_is_refused(h: Harness) -> None:
    user = await onboard(h)
    await user.send_document("a.csv", big_csv(2), "text/csv")
    first = user.last.message_id
    await user.send_document("b.csv", big_csv(3), "text/csv")
    await user.press("✅ Import 2 invoices", message_id=first)
    assert await count(h, "invoices") == 0
