"""A freelancer forwards a Factur-X PDF or sends a CII/UBL XML file: /new is filled exactly, one tap saves it."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader, PdfWriter

from tests.conftest import onboard
from tests.einvoice.samples import (
    BUYER_SIRET,
    BUYER_VAT,
    SELLER_IBAN,
    base_pdf,
    cii_xml,
    facturx_pdf,
    ubl_xml,
)
from tests.harness import Harness


async def test_a_forwarded_facturx_pdf_becomes_a_correct_draft_saved_in_one_tap(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send_document("F-2026-101.pdf", facturx_pdf(cii_xml("en16931")), "application/pdf")
    text = reply.text
    assert "New invoice — please check" in text and "✅ Confirm" in reply.buttons
    assert "From the e-invoice (Factur-X / CII): number, amount due, issue date, due date, client, e-mail, " \
           "legal ids, payment terms, IBAN." in text  # fmt: skip
    assert f"SIRET {BUYER_SIRET} · VAT {BUYER_VAT}" in text and "Payment terms: Paiement à 30 jours" in text
    assert "Add it with /settings" in text  # the freelancer has no IBAN yet
    await user.press("✅ Confirm")
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    saved = await h.store.invoices.by_number(freelancer.id, "F-2026-101")
    assert saved is not None
    assert (saved.client_name, saved.amount_minor, saved.currency, saved.issue_date, saved.due_date) == (
        "Société Générale d'Études SAS", 120_000, "EUR", date(2026, 11, 15), date(2026, 12, 15),
    )  # fmt: skip
    assert saved.file_name == "F-2026-101.pdf" and saved.reminders_enabled
    client = await h.store.clients.get(freelancer.id, saved.client_id)
    assert client is not None and (client.siren, client.siret, client.vat_number) == (
        BUYER_SIRET[:9], BUYER_SIRET, BUYER_VAT,
    )  # fmt: skip
    assert [c.email for c in await h.store.clients.contacts(client.id)] == ["compta@etudes.example"]
    assert [r for r in await h.store.reminders.for_invoice(saved.id) if r.status == "planned"]


async def test_the_amount_due_is_what_remains_after_a_prepayment(h: Harness) -> None:
    user = await onboard(h)
    xml = cii_xml("basic", prepaid="400.00", payable="800.00")
    reply = await user.send_document("acompte.pdf", facturx_pdf(xml), "application/pdf")
    assert "Amount: €800.00" in reply.text


async def test_a_minimum_profile_asks_for_what_it_lacks(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    reply = await user.send_document("min.pdf", facturx_pdf(cii_xml("minimum")), "application/pdf")
    assert "adresse e-mail" in reply.text  # MINIMUM has no e-mail: asked, skippable
    reply = await user.press("Passer")
    assert "Date d’échéance" in reply.text or "échéance" in reply.text.lower()


async def test_a_ubl_xml_file_fills_the_draft(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    await h.store.freelancers.update(freelancer.id, iban="FR1420041010050500013M02606")
    reply = await user.send_document("INV-2026-042.xml", ubl_xml(), "application/xml")
    assert "From the e-invoice (UBL)" in reply.text and "Client: Müller &amp; Söhne GmbH" not in reply.text
    assert "Client: Müller & Söhne GmbH" in reply.text and "Amount: €2,380.00" in reply.text
    assert f"asks for payment to {SELLER_IBAN}, which is not the IBAN in your settings" in reply.text
    await user.press("✅ Confirm")
    saved = await h.store.invoices.by_number(freelancer.id, "INV-2026-042")
    assert saved is not None and saved.file_name == "INV-2026-042.xml" and saved.due_date == date(2026, 12, 20)


async def test_a_malformed_xml_is_explained_in_french_and_still_attached(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    broken = cii_xml("en16931").replace(b"</ram:Name>", b"", 1)
    reply = await user.send_document("facture.xml", broken, "text/xml")
    assert "facture.xml" in reply.text and "mal formé" in reply.text and "Pour quel client" in reply.text
    await user.send("ACME")
    await user.press("Passer")
    await user.send("F-77")
    await user.send("100")
    await user.press("Aujourd’hui" if "Aujourd’hui" in user.last.text else user.last.buttons[0][0])
    reply = await user.press(user.last.buttons[0][0])
    assert "courte description" in reply.text  # the file question was skipped: facture.xml is attached


async def test_a_facturx_pdf_with_a_broken_xml_falls_back_to_its_text(h: Harness) -> None:
    user = await onboard(h)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base_pdf(["Invoice F-9", "Amount due: 120.00 EUR"]))))
    writer.add_attachment("factur-x.xml", b"<rsm:CrossIndustryInvoice><oops>")
    out = io.BytesIO()
    writer.write(out)
    reply = await user.send_document("F-9.pdf", out.getvalue(), "application/pdf")
    assert "cannot be read" in reply.text and "malformed" in reply.text and "F-9.pdf" in reply.text


async def test_a_camt_xml_still_goes_to_the_bank_import(h: Harness) -> None:
    from tests.bank.helpers import fixture

    user = await onboard(h)
    reply = await user.send_document("releve.xml", fixture("camt053_bnp.xml"), "application/xml")
    assert "Read 4 lines from releve.xml" in reply.text
