"""A client reminder as an e-mail: the same words as in Telegram, plus a simple HTML body, the invoice
file and, for euro invoices with an IBAN, an EPC QR code the client's banking app can scan.

No I/O here: the dispatcher downloads the invoice file and sends; this module only composes.
"""

from __future__ import annotations

import html
import mimetypes
import re
import secrets
from dataclasses import replace
from datetime import date, timedelta
from pathlib import PurePosixPath

from bot.channels.email import Attachment, InlineImage, ReminderEmail
from bot.domain.creditor_reference import creditor_reference
from bot.domain.epc_qr import NAME_MAX_CHARS, REMITTANCE_TEXT_MAX_CHARS, epc_payload, epc_qr_png
from bot.i18n import translator
from bot.presentation.reminder_text import ReminderText, client_locale, render_reminder
from bot.storage import Client, Freelancer, Invoice

QR_CONTENT_ID = "epc-qr@relance"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")

_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 15px; \
line-height: 1.5; color: #222222; max-width: 640px;">
<p>{body}</p>
{qr}</body>
</html>
"""
_QR = '<p><img src="cid:{cid}" alt="{caption}"><br><small>{caption}</small></p>\n'


def one_line(text: str) -> str:
    """Line breaks and other control characters become spaces: a header stays one line whatever was typed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def thread_key(invoice_id: int, token: str) -> str:
    """Every e-mail about one invoice shares this key, so mail programs show them as one conversation."""
    return f"invoice-{invoice_id}-{token}"


def epc_text(freelancer: Freelancer, invoice: Invoice) -> str | None:
    """What the EPC QR code of a euro invoice paid by transfer says: its remittance is the invoice's RF
    creditor reference, so the bank line carries it and reconciliation matches it for certain."""
    if invoice.currency != "EUR" or not freelancer.iban:
        return None
    try:
        return epc_payload(
            name=one_line(freelancer.name)[:NAME_MAX_CHARS],
            iban=freelancer.iban,
            bic=freelancer.bic,
            amount_minor=invoice.balance_minor,
            currency=invoice.currency,
            reference=one_line(invoice.number)[:REMITTANCE_TEXT_MAX_CHARS],
            creditor_reference=creditor_reference(invoice.id),
        )
    except ValueError:
        return None


def epc_image(freelancer: Freelancer, invoice: Invoice) -> InlineImage | None:
    """The EPC QR code for a euro invoice paid by transfer; None when the transfer cannot be encoded."""
    payload = epc_text(freelancer, invoice)
    if payload is None:
        return None
    try:
        return InlineImage(QR_CONTENT_ID, epc_qr_png(payload))
    except ValueError:
        return None


def invoice_attachment(invoice: Invoice, content: bytes, file_path: str | None) -> Attachment:
    """The invoice file as downloaded from Telegram, under the name it was sent with."""
    name = one_line(invoice.file_name or "") or PurePosixPath(file_path or "").name
    name = name or f"{one_line(invoice.number)}.pdf"
    mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(filename=name, content=content, mime_type=mime_type)


def email_html(text: ReminderText, locale: str, *, qr_caption: str | None) -> str:
    """A minimal page around the reminder's HTML (its values are already escaped)."""
    qr = _QR.format(cid=QR_CONTENT_ID, caption=html.escape(qr_caption)) if qr_caption else ""
    return _PAGE.format(
        lang=locale, title=html.escape(one_line(text.subject)), body=text.html.replace("\n", "<br>\n"), qr=qr
    )


def reminder_email(
    *,
    freelancer: Freelancer,
    client: Client,
    invoice: Invoice,
    text: ReminderText,
    to: tuple[str, ...],
    thread: str,
    sequence: int,
    attachment: Attachment | None = None,
) -> ReminderEmail:
    """From "<freelancer> via Relance", replies to the freelancer, copied to them when they asked."""
    locale = client_locale(freelancer, client)
    qr = epc_image(freelancer, invoice)
    caption = translator(locale).plain("Scan this code with your banking app to pay by transfer.")
    copy = (freelancer.reply_to_email,) if freelancer.copy_me and freelancer.reply_to_email else ()
    return ReminderEmail(
        to=to,
        cc=copy,
        reply_to=freelancer.reply_to_email,
        from_name=one_line(freelancer.name),
        subject=one_line(text.subject),
        text=text.plain,
        html=email_html(text, locale, qr_caption=caption if qr else None),
        thread_key=thread,
        sequence=sequence,
        attachments=(attachment,) if attachment else (),
        inline_images=(qr,) if qr else (),
    )


def sample_email(freelancer: Freelancer, today: date, custom: str | None = None) -> ReminderEmail:
    """A reminder for a made-up invoice, sent to the freelancer themselves to see what clients get."""
    assert freelancer.reply_to_email, "the sample goes to the freelancer's reply-to address"
    tr = translator(freelancer.language)
    client = Client(
        id=0, freelancer_id=freelancer.id, name=tr.plain("Sample client"), language=freelancer.language,
        is_b2b=True, notes=None, created_at=0, last_used_at=0,
    )  # fmt: skip
    invoice = Invoice(
        id=0, freelancer_id=freelancer.id, client_id=0, client_name=client.name, number="F-TEST-001",
        amount_minor=120_000, currency=freelancer.default_currency, paid_minor=0,
        issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10), description=None,
        file_id=None, file_name=None, status="open", reminders_enabled=True, reminders_paused=False,
        plan=None, created_at=0,
    )  # fmt: skip
    text = render_reminder(
        freelancer=freelancer, client=client, invoice=invoice, tone="friendly", today=today, custom=custom
    )
    text = replace(text, subject=tr.plain("[Test] {subject}", subject=text.subject))
    email = reminder_email(
        freelancer=freelancer, client=client, invoice=invoice, text=text, to=(freelancer.reply_to_email,),
        thread=f"test-{secrets.token_hex(8)}", sequence=1,
    )  # fmt: skip
    return replace(email, cc=())
