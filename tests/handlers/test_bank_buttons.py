"""The buttons after a statement import: ✅ Confirm / Another invoice / Not an invoice on a line to confirm,
↩️ Undo on every recorded payment, the "ask me for everything" setting, and the one-time CSV column check."""

from __future__ import annotations

from datetime import date

from bot.storage import Invoice
from bot.storage.invoices import NewInvoice
from tests.bank.helpers import fixture
from tests.conftest import onboard
from tests.handlers.test_clients import last_alert
from tests.harness import Harness, TelegramUser

FEB, MARCH = date(2026, 2, 1), date(2026, 3, 3)


async def books(h: Harness, user: TelegramUser, *invoices: tuple[str, str, int]) -> dict[str, Invoice]:
    """(client, number, amount in cents): open euro invoices with their reminders planned."""
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    clients: dict[str, int] = {}
    made = {}
    for name, number, amount in invoices:
        if name not in clients:
            clients[name] = (await h.store.clients.create(freelancer.id, name, now=h.clock.now())).id
        invoice = await h.store.invoices.create(
            freelancer.id, NewInvoice(clients[name], number, amount, "EUR", FEB, MARCH, reminders_enabled=True),
            now=h.clock.now(),
        )  # fmt: skip
        await h.services.invoice_changed(invoice)
        made[number] = invoice
    return made


async def state(h: Harness, invoice: Invoice) -> tuple[str, int]:
    fresh = await h.store.invoices.get(invoice.freelancer_id, invoice.id)
    assert fresh is not None
    return fresh.status, fresh.balance_minor


async def planned(h: Harness, invoice: Invoice) -> int:
    return sum(1 for r in await h.store.reminders.for_invoice(invoice.id) if r.status == "planned")


BNP = (
    ("Société Générale d'Études SARL", "F-2026-014", 120000),
    ("Atelier Durand", "F-2026-002", 90000),
    ("Jean Dupont", "F-2026-003", 200000),
    ("Studio Bleu", "F-2026-020", 100000),
)


async def test_summary_lists_and_undo_reopens_the_invoice_and_replans_its_reminders(h: Harness) -> None:
    user = await onboard(h)
    inv = await books(h, user, *BNP)
    assert await planned(h, inv["F-2026-014"]) > 0
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    assert "2 payments recorded" in reply.text and "1 to confirm" in reply.text
    assert "↩️ Undo F-2026-014" in reply.buttons and "↩️ Undo F-2026-002" in reply.buttons
    assert await state(h, inv["F-2026-014"]) == ("paid", 0) and await planned(h, inv["F-2026-014"]) == 0

    undone = await user.press("↩️ Undo F-2026-014")
    assert "Payment removed: F-2026-014 open again, reminders planned again." in undone.text
    assert await state(h, inv["F-2026-014"]) == ("open", 120000)
    assert await planned(h, inv["F-2026-014"]) > 0
    # the line waits again, with its proposal: confirming records it once more
    assert "Proposed: F-2026-014" in undone.text and "✅ Confirm" in undone.buttons
    again = await user.press("↩️ Undo F-2026-014")  # the summary's button, pressed twice
    assert "Nothing to undo" in again.text
    confirmed = await user.press("✅ Confirm", message_id=undone.messages[0].message_id)
    assert (
        "Payment recorded" in confirmed.text
        and "F-2026-014 is paid: its reminders are stopped." in confirmed.text
    )
    assert await state(h, inv["F-2026-014"]) == ("paid", 0) and await planned(h, inv["F-2026-014"]) == 0
    assert len(await h.store.invoices.payments(inv["F-2026-014"].id)) == 1


async def test_a_line_to_confirm_can_be_confirmed_undone_set_aside_or_given_another_invoice(
    h: Harness,
) -> None:
    user = await onboard(h)
    inv = await books(h, user, *BNP)
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    proposal = reply.messages[-1]
    assert "Which invoice does this pay?" in proposal.text and "€600.00 from M. Jean Dupont" in proposal.text
    assert "Proposed: F-2026-003" in proposal.text and "a partial payment" in proposal.text
    assert proposal.buttons == [["✅ Confirm"], ["Another invoice", "Not an invoice"]]

    done = await user.press("✅ Confirm", message_id=proposal.message_id)
    assert "F-2026-003: €1,400.00 still due; reminders continue." in done.text
    assert await state(h, inv["F-2026-003"]) == ("open", 140000)
    await user.press("↩️ Undo", message_id=proposal.message_id)
    assert await state(h, inv["F-2026-003"]) == ("open", 200000)

    aside = await user.press("Not an invoice", message_id=proposal.message_id)
    assert "Set aside: this transfer pays no invoice." in aside.text
    await user.press("↩️ Undo", message_id=proposal.message_id)
    choices = await user.press("Another invoice", message_id=proposal.message_id)
    assert "F-2026-020 · Studio Bleu · €1,000.00" in choices.buttons
    assert not any(label.startswith("F-2026-014") for label in choices.buttons)  # paid by the statement
    picked = await user.press("F-2026-020 · Studio Bleu · €1,000.00")
    assert "→ F-2026-020" in picked.text and "€400.00 still due" in picked.text
    assert await state(h, inv["F-2026-020"]) == ("open", 40000)
    assert await state(h, inv["F-2026-003"]) == ("open", 200000)

    bank = await user.send("/bank")
    assert "No bank payment waits for you" in bank.text


async def test_buttons_of_another_freelancers_line_are_refused(h: Harness) -> None:
    user = await onboard(h)
    inv = await books(h, user, *BNP)
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    line_id = reply.messages[-1].inline_keyboard[0][0]["callback_data"]
    assert isinstance(line_id, str) and line_id.startswith("bk:ok:") and len(line_id.encode()) <= 64
    other = await onboard(h, user_id=2002)
    target = other.last.message_id
    for data in (line_id, line_id.replace("bk:ok", "bk:undo"), line_id.replace("bk:ok", "bk:no"),
                 "bk:pick:1:3", "bk:ok:x", "bk:csv:go", "bk:ok:1:99"):  # fmt: skip
        answered = await other.press_data(target, data)
        assert answered.messages == [], data
        assert "no longer valid" in last_alert(h), data
    assert await state(h, inv["F-2026-003"]) == ("open", 200000)
    assert await state(h, inv["F-2026-014"]) == ("paid", 0)


async def test_ask_me_for_everything_records_nothing_until_confirmed(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    inv = await books(h, user, *BNP)
    await user.send("/settings")
    asked = await user.press("Relevés bancaires")
    assert "confirmer" in asked.text
    saved = await user.press("Me demander à chaque fois")
    assert "Relevés bancaires: Me demander à chaque fois" in saved.text
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    assert "3 à confirmer" in reply.text and "enregistré" not in reply.text.split("\n")[2]
    assert await state(h, inv["F-2026-014"]) == ("open", 120000)
    first = next(m for m in reply.messages if "F-2026-014" in m.text and m.buttons)
    done = await user.press("✅ Confirmer", message_id=first.message_id)
    assert "Paiement enregistré" in done.text
    assert await state(h, inv["F-2026-014"]) == ("paid", 0)


async def test_an_unknown_csv_layout_is_checked_once_with_buttons_then_remembered(h: Harness) -> None:
    user = await onboard(h)
    inv = await books(h, user, *BNP)
    stale = (await user.send_document("old.csv", fixture("unknown_bank.csv"), "text/csv")).messages[0]
    asked = await user.send_document("export.csv", fixture("unknown_bank.csv"), "text/csv")
    assert "I do not know the columns of export.csv yet" in asked.text
    refused = await user.press("✖️ Cancel", message_id=stale.message_id)  # an earlier file's check
    assert refused.messages == [] and "no longer valid" in last_alert(h)
    assert "✅ Import" not in asked.buttons  # no date nor amount column known yet
    for role, column in (("Date", "Jour"), ("Amount", "Mouvement"), ("Payer", "Contrepartie"),
                         ("Transfer text", "Communication")):  # fmt: skip
        picker = await user.press(role)
        assert "Which column holds" in picker.text
        await user.press(column)
    check = user.last
    assert "Amount: Mouvement" in check.text and "Payer: Contrepartie" in check.text
    assert await state(h, inv["F-2026-014"]) == ("open", 120000)  # nothing yet
    imported = await user.press("✅ Import")
    assert "Read 2 lines from export.csv" in imported.text and "1 payment recorded" in imported.text
    assert await state(h, inv["F-2026-014"]) == ("paid", 0)
    again = await user.send_document("export-2.csv", fixture("unknown_bank.csv"), "text/csv")
    assert "already imported" in again.text and "columns" not in again.text  # the layout is remembered


async def test_a_guessed_csv_layout_imports_with_one_tap_and_cancel_imports_nothing(h: Harness) -> None:
    user = await onboard(h)
    inv = await books(h, user, ("Blanc & Fils", "F-2026-025", 82000))
    asked = await user.send_document("export.tsv", fixture("generic_tab.tsv"), "text/tab-separated-values")
    assert "Amount: Amount" in asked.text and "Date: Booked" in asked.text
    cancelled = await user.press("✖️ Cancel")
    assert "nothing was imported" in cancelled.text
    assert await state(h, inv["F-2026-025"]) == ("open", 82000)
    await user.send_document("export.tsv", fixture("generic_tab.tsv"), "text/tab-separated-values")
    imported = await user.press("✅ Import")
    assert "2 payments recorded" in imported.text
    assert await state(h, inv["F-2026-025"]) == ("paid", 0)
