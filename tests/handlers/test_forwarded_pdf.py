"""A freelancer forwards an invoice PDF: it becomes a new invoice, prefilled from its text."""

from __future__ import annotations

from datetime import date

from tests.conftest import onboard
from tests.harness import Harness


def pdf_with_lines(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose text is `lines` (Helvetica, WinAnsi), as invoicing tools make."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = (
        "BT /F1 11 Tf 14 TL 60 780 Td " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
    ).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


FRENCH_INVOICE = [
    "Claire Martin Design", "FACTURE N° F-2026-014", "Date : 15/11/2026", "Client : ACME SAS",
    "Total HT : 1 000,00 €", "TVA 20 % : 200,00 €", "Total TTC : 1 200,00 €", "Échéance : 15/12/2026",
]  # fmt: skip


async def test_forwarded_pdf_prefills_a_new_invoice(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    reply = await user.send_document("F-2026-014.pdf", pdf_with_lines(FRENCH_INVOICE), "application/pdf")
    assert (
        "F-2026-014.pdf" in reply.text and "Nouveau client" in reply.text
    )  # only the client's e-mail is asked
    await user.press("Passer")
    await user.press("Passer")  # the description
    reply = await user.press("Pas de relance")
    assert "F-2026-014" in reply.text and "1\u202f200,00\u00a0€" in reply.text
    await user.press("✅ Confirmer")
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    saved = await h.store.invoices.by_number(freelancer.id, "F-2026-014")
    assert saved is not None
    assert (saved.client_name, saved.amount_minor, saved.issue_date, saved.due_date) == (
        "ACME SAS", 120_000, date(2026, 11, 15), date(2026, 12, 15),
    )  # fmt: skip
    assert saved.file_name == "F-2026-014.pdf" and saved.file_id


async def test_unreadable_pdf_is_still_attached_and_everything_is_asked(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send_document("scan.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")
    assert "scan.pdf" in reply.text and "Which client" in reply.text


async def test_pdf_during_the_file_question_is_the_invoice_file(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new ACME 100 30")
    await user.press("Skip")
    await user.send("F-9")
    reply = await user.send_document("F-9.pdf", pdf_with_lines(["Invoice F-9"]), "application/pdf")
    assert "short description" in reply.text  # the draft went on; nothing was restarted
