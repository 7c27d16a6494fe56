"""Done when: a freelancer sends a CAMT.053, an OFX, an MT940 and a CSV export; the right invoices are marked
paid (or proposed), re-sending a file changes nothing, and no reminder goes out for an invoice the bank shows paid.
"""

from __future__ import annotations

from datetime import date

from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.storage import Invoice
from tests.bank.helpers import fixture
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.reminders.helpers import client_texts, utc
from tests.seed import register_invoice

INVOICES = (  # number, client, amount, the client's Telegram chat
    ("F-2026-101", "ACME SARL", 120_000, 5101),  # CAMT.053: its number in the transfer
    ("F-2026-102", "Dupont Sàrl", 85_000, 5102),  # OFX: its RF creditor reference
    ("F-2026-103", "Hélène Lefèvre", 35_000, 5103),  # MT940: its number
    ("F-2026-104", "Studio Bleu SAS", 64_000, 5104),  # CSV: amount and name only, proposed
    ("F-2026-105", "Atelier Durand", 50_000, 5105),  # not paid: its reminder goes out
)


async def month_of_invoices(h: Harness) -> tuple[TelegramUser, dict[str, Invoice]]:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, iban="FR7630006000011234567890189")
    made = {}
    for number, name, amount, chat in INVOICES:
        client = await h.store.clients.create(freelancer.id, name, now=h.clock.now())
        contact = await h.store.clients.add_contact(client.id, name="Compta", email=None, now=h.clock.now())
        await h.store.clients.link_telegram(contact.id, chat)
        h.fake.add_user(chat, first_name="Compta", language_code="fr")
        h.fake.message_update(chat, "bonjour")
        invoice = await register_invoice(
            h, freelancer.id, number, amount, client=client.id, issued=date(2026, 11, 2), due=date(2026, 12, 1),
            reminders_enabled=True, plan="standard",
        )  # fmt: skip
        await h.services.invoice_changed(invoice)
        made[number] = invoice
    return user, made


async def status(h: Harness, invoice: Invoice) -> str:
    fresh = await h.store.invoices.get(invoice.freelancer_id, invoice.id)
    assert fresh is not None
    return fresh.status


async def test_four_formats_mark_the_right_invoices_paid_and_no_reminder_goes_to_a_paid_client(
    h: Harness,
) -> None:
    user, inv = await month_of_invoices(h)
    assert inv["F-2026-102"].id == 2  # the OFX fixture carries RF47 0000 002
    assert format_creditor_reference(creditor_reference(2)) == "RF47 0000 002"
    h.clock.set(utc(2026, 11, 27, 8, 0))

    camt = await user.send_document("releve-sg.xml", fixture("camt053_sg_nov_week1.xml"), "application/xml")
    assert "Read 2 lines from releve-sg.xml (CAMT.053)" in camt.text and "1 payment recorded" in camt.text
    ofx = await user.send_document("lcl.ofx", fixture("ofx102_lcl_nov.ofx"), "application/x-ofx")
    assert "1 payment recorded" in ofx.text and "F-2026-102" in ofx.text
    mt940 = await user.send_document("cic.sta", fixture("mt940_cic_nov.sta"), "text/plain")
    assert "(MT940)" in mt940.text and "F-2026-103" in mt940.text
    csv = await user.send_document("boursorama.csv", fixture("boursorama_nov.csv"), "text/csv")
    assert "(CSV, Boursorama)" in csv.text and "1 to confirm" in csv.text
    assert "Proposed: F-2026-104" in csv.text and "same amount as what is due" in csv.text
    await user.press("✅ Confirm")
    assert [await status(h, inv[n]) for n, *_ in INVOICES] == ["paid", "paid", "paid", "paid", "open"]

    # re-sending, or an overlapping statement, changes nothing
    for name, data in (("releve-sg.xml", "camt053_sg_nov_week1.xml"), ("suite.xml", "camt053_sg_nov_overlap.xml"),
                       ("lcl.ofx", "ofx102_lcl_nov.ofx"), ("cic.sta", "mt940_cic_nov.sta"),
                       ("boursorama.csv", "boursorama_nov.csv")):  # fmt: skip
        again = await user.send_document(name, fixture(data), "application/octet-stream")
        assert "1 was already imported: skipped." in again.text, name
        assert "recorded" not in again.text and "to confirm" not in again.text, name
    for number, *_ in INVOICES[:4]:
        assert len(await h.store.invoices.payments(inv[number].id)) == 1, number

    # Monday 30 Nov, 09:30 Paris: the courtesy note goes only to the client who has not paid
    h.clock.set(utc(2026, 11, 30, 8, 30))
    await h.dispatch()
    sent = {number: client_texts(h, chat) for number, _name, _amount, chat in INVOICES}
    assert [n for n, texts in sent.items() if texts] == ["F-2026-105"]
    [courtesy] = sent["F-2026-105"]
    reference = format_creditor_reference(creditor_reference(inv["F-2026-105"].id))
    assert reference in courtesy  # the RF reference, so that the bank line carries it
    h.clock.set(utc(2026, 12, 30, 9, 0))
    await h.dispatch()
    assert all(not client_texts(h, chat) for *_, chat in INVOICES[:4])
