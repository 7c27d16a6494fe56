"""A client reminder as an e-mail: the freelancer's name as the header, a summary of the invoice, the same
words as in Telegram, how to pay (a Pay button for the payment link; IBAN, BIC, reference and, for euro
invoices, an EPC QR code the client's banking app can scan, shown inline) and why the client gets it.
The text part says the same things in the same order; the invoice file is attached when there is one.

No I/O here: the dispatcher downloads the invoice file and sends; this module only composes.
"""

from __future__ import annotations

import html
import mimetypes
import re
import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import PurePosixPath

from bot.channels.email import Attachment, InlineImage, ReminderEmail
from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.domain.epc_qr import NAME_MAX_CHARS, REMITTANCE_TEXT_MAX_CHARS, epc_payload, epc_qr_png
from bot.i18n import Translator, translator
from bot.presentation.reminder_text import (
    ReminderText,
    client_locale,
    days_phrase,
    fill,
    grouped_iban,
    has_payment_details,
    render_reminder,
)
from bot.storage import Client, Freelancer, Invoice

QR_CONTENT_ID = "epc-qr@relance"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """Line breaks and other control characters become spaces: a header stays one line whatever was typed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def thread_key(invoice_id: int, token: str) -> str:
    """Every e-mail about one invoice shares this key, so mail programs show them as one conversation."""
    return f"invoice-{invoice_id}-{token}"


def epc_text(freelancer: Freelancer, invoice: Invoice, amount_minor: int | None = None) -> str | None:
    """What the EPC QR code of a euro invoice paid by transfer says: its remittance is the invoice's RF
    creditor reference, so the bank line carries it and reconciliation matches it for certain.
    `amount_minor`: what to pay when not the balance (an instalment of a payment plan)."""
    if invoice.currency != "EUR" or not freelancer.iban:
        return None
    try:
        return epc_payload(
            name=one_line(freelancer.name)[:NAME_MAX_CHARS],
            iban=freelancer.iban,
            bic=freelancer.bic,
            amount_minor=invoice.balance_minor if amount_minor is None else amount_minor,
            currency=invoice.currency,
            reference=one_line(invoice.number)[:REMITTANCE_TEXT_MAX_CHARS],
            creditor_reference=creditor_reference(invoice.id),
        )
    except ValueError:
        return None


def epc_image(
    freelancer: Freelancer, invoice: Invoice, amount_minor: int | None = None
) -> InlineImage | None:
    """The EPC QR code for a euro invoice paid by transfer; None when the transfer cannot be encoded."""
    payload = epc_text(freelancer, invoice, amount_minor)
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


# The layout mail programs render alike (Gmail, Outlook, Apple Mail): nested tables, inline styles, at
# most 600 px wide and fluid below; the <style> block only adds dark-mode colours (Apple Mail, Outlook
# apps and Outlook.com's [data-ogsc]) and narrow-screen padding, so a program that drops it still shows
# the light version. Every text colour sits on a background colour of its own, so a program that darkens
# the page never leaves dark text on a dark background.
_FONT = "font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;"
_LIGHT = {"page": "#f2f4f7", "card": "#ffffff", "box": "#f4f7fb", "line": "#d9dfe8", "title": "#111827",
          "text": "#1f2937", "muted": "#4b5563", "link": "#1d4ed8", "button": "#1d4ed8"}  # fmt: skip
_DARK = {"page": "#0f1216", "card": "#1b1f26", "box": "#252b34", "line": "#3a4351", "title": "#f3f4f6",
         "text": "#e5e7eb", "muted": "#b4bcc8", "link": "#9dbcff"}  # fmt: skip
_BREAK = "overflow-wrap: anywhere; word-break: break-word;"
_STYLE = """<style>
:root {{ color-scheme: light dark; supported-color-schemes: light dark; }}
body {{ margin: 0; padding: 0; width: 100% !important; -webkit-text-size-adjust: 100%; }}
@media screen and (max-width: 480px) {{
  .rl-pad {{ padding-left: 16px !important; padding-right: 16px !important; }}
  .rl-outer {{ padding: 12px 6px !important; }}
}}
@media (prefers-color-scheme: dark) {{
  .rl-page {{ background-color: {page} !important; }}
  .rl-card {{ background-color: {card} !important; }}
  .rl-box {{ background-color: {box} !important; border-color: {line} !important; }}
  .rl-title {{ color: {title} !important; }}
  .rl-text {{ color: {text} !important; }}
  .rl-muted {{ color: {muted} !important; }}
  .rl-link {{ color: {link} !important; }}
  .rl-rule {{ border-color: {line} !important; }}
}}
[data-ogsc] .rl-title {{ color: {title} !important; }}
[data-ogsc] .rl-text {{ color: {text} !important; }}
[data-ogsc] .rl-muted {{ color: {muted} !important; }}
[data-ogsc] .rl-link {{ color: {link} !important; }}
[data-ogsb] .rl-page {{ background-color: {page} !important; }}
[data-ogsb] .rl-card {{ background-color: {card} !important; }}
[data-ogsb] .rl-box {{ background-color: {box} !important; }}
</style>""".format(**_DARK)
_PREHEADER_FILLER = "&#847;&zwnj;&nbsp;" * 60
"""After the preheader, so the inbox preview stops there instead of running on into the body."""


@dataclass(frozen=True)
class EmailFacts:
    """What the client must be able to read in both parts of the e-mail, HTML and plain text."""

    title: str
    preheader: str
    summary: tuple[tuple[str, str], ...]
    paragraphs: tuple[str, ...]
    pay_label: str | None
    pay_link: str | None
    pay_link_note: str | None
    transfer_title: str | None
    transfer: tuple[tuple[str, str], ...]
    qr_caption: str | None
    footer: tuple[str, ...]
    label_line: str = "{label}: {value}"
    """How the text part writes a label and its value, as the language punctuates it."""


def email_facts(
    freelancer: Freelancer, client: Client, invoice: Invoice, text: ReminderText, *, attached: bool, qr: bool
) -> EmailFacts:
    """The e-mail's content in the client's language: a summary, the message, how to pay, why it came."""
    tr = translator(client_locale(freelancer, client))
    due_date = text.due_date or invoice.due_date  # an instalment's, or the invoice's
    today = text.today or due_date
    amount = tr.money(
        invoice.balance_minor if text.amount_minor is None else text.amount_minor, invoice.currency
    )
    due = tr.date(due_date, "long")
    late = (today - due_date).days
    number = one_line(invoice.number)
    name = one_line(freelancer.name)
    summary = [(tr.plain("Invoice"), number)]
    if text.instalment:
        seq, count = text.instalment
        summary.append((tr.plain("Instalment"), tr.plain("{seq} of {count}", seq=seq, count=count)))
    summary += [(tr.plain("Amount due"), amount), (tr.plain("Due date"), due)]
    if late > 0:
        summary.append((tr.plain("Days late"), tr.number(late)))
        preheader = tr.plain(
            "Invoice {number}: {amount}, due since {due_date} ({days} late).",
            number=number, amount=amount, due_date=due, days=days_phrase(tr, late),
        )  # fmt: skip
    elif late == 0:
        summary.append((tr.plain("Status"), tr.plain("due today")))
        preheader = tr.plain("Invoice {number}: {amount}, due today.", number=number, amount=amount)
    else:
        summary.append((tr.plain("Status"), tr.plain_n("due in {n} day", "due in {n} days", -late)))
        preheader = tr.plain(
            "Invoice {number}: {amount}, due on {due_date}.", number=number, amount=amount, due_date=due
        )

    if has_payment_details(freelancer):
        how = tr.plain("The payment details are below.")
    elif attached:
        how = tr.plain("The payment details are on the attached invoice.")
    else:
        how = tr.plain(
            "Just reply to ask me for the payment details, and I will send them to you right away."
        )
    if text.template:
        plain_body, _ = fill(text.template, {**text.values, "payment_details": how}, text.late_sentence)
    else:
        plain_body = text.plain
    paragraphs = tuple(p.strip() for p in re.split(r"\n[ \t]*\n", plain_body) if p.strip())

    transfer: list[tuple[str, str]] = []
    if freelancer.iban:
        transfer.append((tr.plain("Beneficiary"), name))
        transfer.append((tr.plain("IBAN"), grouped_iban(freelancer.iban)))
        if freelancer.bic:
            transfer.append((tr.plain("BIC"), freelancer.bic))
        if invoice.id > 0:  # a sample invoice (the test e-mail) has no reference of its own
            transfer.append((
                tr.plain("Reference"),
                tr.plain(
                    "{reference} (or the invoice number)",
                    reference=format_creditor_reference(creditor_reference(invoice.id)),
                ),
            ))  # fmt: skip
        else:
            transfer.append((tr.plain("Reference"), number))
        transfer.append((tr.plain("Amount"), amount))
    link = freelancer.payment_link
    footer = [
        *why_and_how_to_reply(tr, freelancer, number),
        # The choices a client has under a Telegram reminder, by reply (the freelancer records them).
        tr.plain(
            "Need more time, a payment plan in instalments, or is something wrong with this invoice? Reply "
            "with the date you can pay, the instalments you propose, or what is wrong, and {freelancer} will "
            "answer.",
            freelancer=one_line(freelancer.name),
        ),
        tr.plain("If you have already paid, thank you, and please disregard this message."),
    ]
    return EmailFacts(
        title=one_line(text.subject),
        preheader=preheader,
        summary=tuple(summary),
        paragraphs=paragraphs,
        pay_label=tr.plain("Pay {amount}", amount=amount) if link else None,
        pay_link=link,
        pay_link_note=tr.plain("Or open this link:") if link else None,
        transfer_title=tr.plain("Pay by bank transfer") if transfer else None,
        transfer=tuple(transfer),
        qr_caption=tr.plain("Scan this code with your banking app to pay by transfer.") if qr else None,
        footer=tuple(footer),
        label_line=tr.plain("{label}: {value}"),
    )


def email_plain(facts: EmailFacts, header: str) -> str:
    """The text part: the same facts as the HTML part, in the same order."""

    def pairs(rows: tuple[tuple[str, str], ...]) -> list[str]:
        return [facts.label_line.format(label=label, value=value) for label, value in rows]

    lines = [header, "", *pairs(facts.summary), ""]
    for paragraph in facts.paragraphs:
        lines += [paragraph, ""]
    if facts.pay_link and facts.pay_label:
        lines += pairs(((facts.pay_label, facts.pay_link),)) + [""]
    if facts.transfer_title:
        # the QR code is a picture of these same details: nothing more to say in text
        lines += [facts.transfer_title, *pairs(facts.transfer), ""]
    lines += ["--", *facts.footer]
    return "\n".join(lines) + "\n"


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _rows(pairs: tuple[tuple[str, str], ...], *, strong: str) -> str:
    """Label/value rows of the summary or the transfer block; the value labelled `strong` stands out."""
    rows = []
    for label, value in pairs:
        weight = "font-weight: 700; font-size: 17px;" if label == strong else "font-weight: 600;"
        rows.append(
            f'<tr><td class="rl-muted" valign="top" style="{_FONT} font-size: 14px; line-height: 20px; '
            f'color: {_LIGHT["muted"]}; padding: 4px 12px 4px 0; width: 38%;">{_e(label)}</td>'
            f'<td class="rl-text" valign="top" style="{_FONT} font-size: 15px; line-height: 20px; '
            f'color: {_LIGHT["text"]}; padding: 4px 0; {weight} {_BREAK}">{_e(value)}</td></tr>'
        )
    return "".join(rows)


def _box(content: str) -> str:
    return (
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="rl-box" '
        f'bgcolor="{_LIGHT["box"]}" style="width: 100%; border-collapse: separate; '
        f'background-color: {_LIGHT["box"]}; border: 1px solid {_LIGHT["line"]}; border-radius: 8px;">'
        f'<tr><td style="padding: 12px 16px;">{content}</td></tr></table>'
    )


def _section(content: str, top: int = 0, bottom: int = 16) -> str:
    return f'<tr><td class="rl-pad" style="padding: {top}px 32px {bottom}px 32px; {_BREAK}">{content}</td></tr>\n'


_TEXT_STYLE = f"{_FONT} font-size: 15px; line-height: 23px; color: {_LIGHT['text']}; margin: 0 0 14px 0;"
_MUTED_STYLE = f"{_FONT} font-size: 13px; line-height: 19px; color: {_LIGHT['muted']};"


def _header(header: str) -> str:
    return _section(
        f'<h1 class="rl-title" style="{_FONT} margin: 0; font-size: 22px; line-height: 28px; '
        f'font-weight: 700; color: {_LIGHT["title"]}; {_BREAK}">{_e(header)}</h1>',
        top=28,
        bottom=16,
    )


def _paragraphs(paragraphs: tuple[str, ...]) -> str:
    return _section(
        "".join(
            f'<p class="rl-text" style="{_TEXT_STYLE}">{_e(p).replace(chr(10), "<br>")}</p>'
            for p in paragraphs
        ),
        bottom=6,
    )


def _footer(lines: tuple[str, ...]) -> str:
    footer = "".join(
        f'<p class="rl-muted" style="{_MUTED_STYLE} margin: 0 0 8px 0;">{_e(line)}</p>' for line in lines
    )
    return (
        f'<tr><td class="rl-pad rl-rule" style="padding: 16px 32px 20px 32px; '
        f'border-top: 1px solid {_LIGHT["line"]}; {_BREAK}">{footer}</td></tr>\n'
    )


def email_html(facts: EmailFacts, header: str, locale: str, *, amount_label: str) -> str:
    """The HTML part; every value is escaped here, attributes included."""
    parts = [
        _header(header),
        _section(
            _box(
                '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
                f'style="width: 100%; table-layout: fixed;">{_rows(facts.summary, strong=amount_label)}</table>'
            ),
            bottom=20,
        ),
        _paragraphs(facts.paragraphs),
    ]
    if facts.pay_link and facts.pay_label:
        link = _e(facts.pay_link)
        button = (
            '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin: 0 0 10px 0;">'
            f'<tr><td align="center" bgcolor="{_LIGHT["button"]}" style="border-radius: 6px; '
            f'background-color: {_LIGHT["button"]};"><a href="{link}" target="_blank" rel="noopener" '
            f'style="{_FONT} display: inline-block; padding: 13px 28px; font-size: 16px; line-height: 20px; '
            f"font-weight: 700; color: #ffffff; text-decoration: none; border-radius: 6px; "
            f'background-color: {_LIGHT["button"]};">{_e(facts.pay_label)}</a></td></tr></table>'
            f'<p class="rl-muted" style="{_MUTED_STYLE} margin: 0;">{_e(facts.pay_link_note or "")} '
            f'<a class="rl-link" href="{link}" target="_blank" rel="noopener" style="color: {_LIGHT["link"]}; '
            f'{_BREAK} word-break: break-all;">{link}</a></p>'
        )
        parts.append(_section(button, bottom=20))
    if facts.transfer_title:
        qr = ""
        if facts.qr_caption:
            qr = (
                '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin-top: 12px;">'
                '<tr><td bgcolor="#ffffff" style="background-color: #ffffff; padding: 4px; border-radius: 4px;">'
                f'<img src="cid:{QR_CONTENT_ID}" width="168" height="168" alt="{_e(facts.qr_caption)}" '
                'style="display: block; width: 168px; height: 168px; border: 0;"></td></tr></table>'
                f'<p class="rl-muted" style="{_MUTED_STYLE} margin: 8px 0 0 0;">{_e(facts.qr_caption)}</p>'
            )
        block = _box(
            f'<p class="rl-title" style="{_FONT} margin: 0 0 6px 0; font-size: 16px; line-height: 22px; '
            f'font-weight: 700; color: {_LIGHT["title"]};">{_e(facts.transfer_title)}</p>'
            '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            f'style="width: 100%; table-layout: fixed;">{_rows(facts.transfer, strong="")}</table>{qr}'
        )
        parts.append(_section(block, bottom=20))
    parts.append(_footer(facts.footer))
    return _page(locale, facts.title, facts.preheader, parts)


def letter_html(
    *,
    locale: str,
    title: str,
    preheader: str,
    header: str,
    paragraphs: tuple[str, ...],
    footer: tuple[str, ...],
) -> str:
    """A plain letter in the same frame as the reminders (the formal notice's e-mail): header, text, footer."""
    return _page(locale, title, preheader, [_header(header), _paragraphs(paragraphs), _footer(footer)])


def why_and_how_to_reply(tr: Translator, freelancer: Freelancer, number: str) -> tuple[str, str]:
    """The footer's two sentences: why the client receives this e-mail, and how to answer."""
    name = one_line(freelancer.name)
    why = tr.plain(
        "You are receiving this e-mail because {freelancer} sent you invoice {number} and follows up on "
        "its payment with Relance.",
        freelancer=name,
        number=number,
    )
    if freelancer.reply_to_email:
        return why, tr.plain(
            "To answer, simply reply to this e-mail: your message goes to {freelancer} ({email}).",
            freelancer=name,
            email=freelancer.reply_to_email,
        )
    return why, tr.plain("To answer, contact {freelancer} directly.", freelancer=name)


def _page(locale: str, title: str, preheader: str, parts: list[str]) -> str:
    page, card = _LIGHT["page"], _LIGHT["card"]
    return f"""<!DOCTYPE html>
<html lang="{_e(locale)}" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>{_e(title)}</title>
{_STYLE}
</head>
<body class="rl-page" style="margin: 0; padding: 0; background-color: {page};">
<div style="display: none; max-height: 0; max-width: 0; overflow: hidden; opacity: 0; mso-hide: all; \
font-size: 1px; line-height: 1px; color: {page};">{_e(preheader)}{_PREHEADER_FILLER}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="rl-page" \
bgcolor="{page}" style="width: 100%; background-color: {page};">
<tr><td align="center" class="rl-outer" style="padding: 24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" class="rl-card" \
bgcolor="{card}" style="width: 100%; max-width: 600px; background-color: {card}; border-radius: 10px;">
{"".join(parts)}</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
"""


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
    qr = epc_image(freelancer, invoice, text.amount_minor)
    facts = email_facts(freelancer, client, invoice, text, attached=attachment is not None, qr=qr is not None)
    header = one_line(freelancer.name)
    amount_label = translator(locale).plain("Amount due")
    copy = (freelancer.reply_to_email,) if freelancer.copy_me and freelancer.reply_to_email else ()
    return ReminderEmail(
        to=to,
        cc=copy,
        reply_to=freelancer.reply_to_email,
        from_name=header,
        subject=one_line(text.subject),
        text=email_plain(facts, header),
        html=email_html(facts, header, locale, amount_label=amount_label),
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
