"""The reminder e-mail as the client sees it: received through the real SMTP server, then rendered in
headless Chromium at 600 px (a desktop mail program) and 390 px (a phone), light and dark."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest

from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.domain.french import spacing_problems
from bot.presentation.reminder_email import epc_text, letter_html, reminder_email
from bot.presentation.reminder_text import render_instalment_reminder
from bot.storage import Client, Freelancer, Invoice
from tests.channels.test_email_reminders import (
    COURTESY,
    FREELANCER_MAIL,
    FRIENDLY,
    body,
    dispatch_at,
    inline_images,
    invoice_for_email_client,
    running,
    uploaded_pdf,
)
from tests.chromium import Page, find_chromium, measure
from tests.conftest import onboard
from tests.harness import Harness
from tests.smtp_server import SmtpTestServer

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found (chromium, chromium-browser, google-chrome): `make test` installs Debian's "
    "chromium when it runs as root with apt-get; install it to check the e-mail layout",
)
LINK = "https://pay.example.com/claire"
WIDTHS = (600, 390)


@pytest.fixture
async def server() -> AsyncIterator[SmtpTestServer]:
    async with SmtpTestServer("plain") as smtp:
        yield smtp


@pytest.fixture
async def mh(tmp_path: Path, server: SmtpTestServer) -> AsyncIterator[Harness]:
    async with running(tmp_path, server.settings()) as harness:
        yield harness


async def friendly_email(h: Harness, server: SmtpTestServer, **options: Any) -> EmailMessage:
    """The friendly reminder (3 days late) the client receives, after the courtesy one."""
    await invoice_for_email_client(h, **options)
    await dispatch_at(h, COURTESY)
    await dispatch_at(h, FRIENDLY)
    return server.received[-1].message


def visible_text(document: str) -> str:
    """The HTML part's words as a reader gets them (tags, comments and the <style> block left out)."""
    document = re.sub(r"<(style|title)\b.*?</\1>|<!--.*?-->", " ", document, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", document))
    return re.sub(r"[ \t\r\n\u200c\u034f]+", " ", text).strip()  # non-breaking spaces kept


def words_of(text: str) -> str:
    """Words and punctuation only: "Amount due: €1,200.00" reads "Amount due €1,200.00", as in a table."""
    return " ".join(text.replace(":", " ").split())


def invoice_id(message: EmailMessage) -> int:
    """From the thread's Message-ID, <invoice-42-…@…>."""
    match = re.search(r"<invoice-(\d+)-", str(message["References"] or message["Message-ID"]))
    assert match
    return int(match[1])


def related_cids(message: EmailMessage) -> set[str]:
    """The Content-IDs of the images inside the multipart/related part that holds the HTML."""
    related = [part for part in message.walk() if part.get_content_type() == "multipart/related"]
    assert len(related) == 1, [part.get_content_type() for part in message.walk()]
    parts = list(cast(EmailMessage, related[0]).iter_parts())
    assert parts[0].get_content_type() == "text/html"
    return {str(part["Content-ID"]).strip("<>") for part in parts[1:] if part.get_content_maintype() == "image"}


# --- what arrives --------------------------------------------------------------------------------------


async def test_with_an_iban_and_a_link_the_email_has_a_summary_a_pay_button_and_the_qr_code_inline(
    mh: Harness, server: SmtpTestServer
) -> None:
    message = await friendly_email(mh, server, bic="AGRIFRPP", payment_link=LINK)
    text, page = body(message, "plain"), body(message, "html")
    assert message.get_content_type() == "multipart/alternative"
    [cid] = related_cids(message)
    assert f'src="cid:{cid}"' in page  # the HTML shows the very image the message carries
    assert inline_images(message)[f"<{cid}>"].startswith(b"\x89PNG")

    reference = format_creditor_reference(creditor_reference(invoice_id(message)))
    facts = [
        "Claire Martin",  # the header
        "Invoice F-1", "Amount due €1,200.00", "Due date 1 December 2026", "Days late 3",  # the summary
        "Hello ACME,", "probably an oversight", "The payment details are below.",
        "Beneficiary Claire Martin", "IBAN FR76 3000 6000 0112 3456 7890 189", "BIC AGRIFRPP",
        f"Reference {reference} (or the invoice number)",
        LINK,
        "You are receiving this e-mail because Claire Martin sent you invoice F-1",
        f"simply reply to this e-mail: your message goes to Claire Martin ({FREELANCER_MAIL})",
        # an e-mail client's choices, as under a Telegram reminder (issue 13): by reply
        "Need more time, a payment plan in instalments, or is something wrong with this invoice?",
    ]  # fmt: skip
    words, plain = words_of(visible_text(page)), words_of(text)
    for fact in map(words_of, facts):
        assert fact in words, fact
        assert fact in plain, fact  # the text part says the same
    assert words.index("Days late") < words.index("Hello ACME") < words.index("Pay €1,200.00")
    assert f'href="{LINK}"' in page and ">Pay €1,200.00</a>" in page  # the primary button
    assert "Payment details are on the invoice" not in text
    # the one-line preheader, hidden, opens the body; the page declares both colour schemes
    preheader = re.search(r"<body[^>]*>\s*<div style=\"display: none;[^>]*>([^&<]*)", page)
    assert preheader and preheader[1] == "Invoice F-1: €1,200.00, due since 1 December 2026 (3 days late)."
    assert '<meta name="color-scheme" content="light dark">' in page and "prefers-color-scheme: dark" in page
    assert 'max-width: 600px' in page and '<table role="presentation"' in page


async def test_without_payment_details_there_is_no_transfer_block_and_the_client_is_asked_to_reply(
    mh: Harness, server: SmtpTestServer
) -> None:
    message = await friendly_email(mh, server, iban=None, language="fr")
    text, page = body(message, "plain"), body(message, "html")
    assert inline_images(message) == {}
    assert not [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    for part in (text, visible_text(page)):
        assert "IBAN" not in part and "BIC" not in part and "cid:" not in part and "Payer 1" not in part
        assert "Jours de retard" in part and "Répondez simplement" in part
        assert "figurent sur la facture" not in part  # no invoice is attached
        assert spacing_problems(part) == []  # French typography: "Facture\u00a0: F-1"
        assert "Facture\u00a0: F-1" in part or "Facture F-1" in part
    assert "<img" not in page and "<a " not in page


async def test_without_payment_details_an_attached_invoice_is_where_they_are(
    mh: Harness, server: SmtpTestServer
) -> None:
    user = await onboard(mh)
    message = await friendly_email(mh, server, user=user, iban=None, file_id=uploaded_pdf(mh, user))
    assert [a.get_filename() for a in message.iter_attachments()] == ["F-1 ACME.pdf"]
    for part in (body(message, "plain"), visible_text(body(message, "html"))):
        assert "The payment details are on the attached invoice." in part


async def test_a_link_only_gets_the_button_and_no_transfer_block(mh: Harness, server: SmtpTestServer) -> None:
    message = await friendly_email(mh, server, iban=None, payment_link=LINK)
    page = body(message, "html")
    assert f'href="{LINK}"' in page and "IBAN" not in page and inline_images(message) == {}
    assert f"Pay €1,200.00: {LINK}" in body(message, "plain")


async def test_before_the_due_date_the_summary_says_when_it_is_due(mh: Harness, server: SmtpTestServer) -> None:
    await invoice_for_email_client(mh)
    await dispatch_at(mh, COURTESY)
    [received] = server.received
    for part in (body(received.message, "plain"), visible_text(body(received.message, "html"))):
        assert "Status due in 1 day" in words_of(part)
        assert "Days late" not in part


# --- how it renders -------------------------------------------------------------------------------------


async def rendered_pages(tmp_path: Path) -> list[Page]:
    """Three e-mails as received: everything, nothing, and hostile values with nowhere to break a line."""
    pages: list[Page] = []
    cases = {
        "full": {"bic": "AGRIFRPP", "payment_link": LINK},
        "bare-fr": {"iban": None, "language": "fr"},
        "long": {
            "business_name": "Ateliers" + "W" * 90,
            "payment_link": "https://pay.example.com/" + "x" * 180,
            "number": "INV-" + "9" * 36,
            "client_name": "<b>ACME</b>" + "Z" * 80,
            "bic": "AGRIFRPPXXX",
        },
    }
    for name, options in cases.items():
        async with SmtpTestServer("plain") as server, running(tmp_path / name, server.settings()) as h:
            message = await friendly_email(h, server, **options)
        images = {
            cid.strip("<>"): ("image/png", content) for cid, content in inline_images(message).items()
        }
        pages += [Page(f"{name}@{width}", body(message, "html"), width, images) for width in WIDTHS]
    letter = letter_html(  # the formal notice's e-mail shares the frame
        locale="fr", title="Mise en demeure — facture F-7", preheader="Veuillez trouver ci-joint…",
        header="Atelier" + "W" * 90, paragraphs=("Bonjour,", "Veuillez trouver ci-joint " + "y" * 200),
        footer=("Vous recevez cet e-mail parce que…", "Une question ? Répondez simplement à cet e-mail."),
    )  # fmt: skip
    return pages + [Page(f"letter@{width}", letter, width) for width in WIDTHS]


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
async def test_the_email_fits_600_and_390_pixels_and_stays_readable(tmp_path: Path, scheme: str) -> None:
    for case in ("full", "bare-fr", "long"):
        (tmp_path / case).mkdir()
    pages = await rendered_pages(tmp_path)
    assert CHROMIUM is not None
    results = await asyncio.to_thread(measure, CHROMIUM, pages, tmp_path, dark=scheme == "dark")
    assert [r["name"] for r in results] == [p.name for p in pages]
    for page, result in zip(pages, results, strict=True):
        assert result["viewport"] == page.width, result  # the iframe is the mail program's pane
        assert result["dark"] is (scheme == "dark")
        assert result["texts"] >= 5, result  # the page did render
        assert result["scroll_width"] <= page.width, result
        assert result["overflowing"] == [], result
        assert result["low_contrast"] == [], result  # no text fades into its background
        assert result["broken_images"] == [], result  # the QR code shows


def test_an_instalment_email_sums_up_the_instalment_not_the_whole_invoice() -> None:
    freelancer = Freelancer(
        id=1, telegram_user_id=1001, display_name="Claire Martin", business_name=None,
        reply_to_email=FREELANCER_MAIL, language="fr", timezone="Europe/Paris", country="FR",
        default_currency="EUR", payment_term_days=30, iban="FR7630006000011234567890189", bic=None,
        payment_link=None, send_time="09:00", onboarded=True, created_at=0,
    )  # fmt: skip
    client = Client(
        id=2, freelancer_id=1, name="ACME", language=None, is_b2b=True, notes=None, created_at=0, last_used_at=0
    )
    invoice = Invoice(
        id=9, freelancer_id=1, client_id=2, client_name="ACME", number="F-1", amount_minor=120_000,
        currency="EUR", paid_minor=40_000, issue_date=date(2026, 11, 1), due_date=date(2026, 12, 1),
        description=None, file_id=None, file_name=None, status="open", reminders_enabled=True,
        reminders_paused=False, plan=None, created_at=0,
    )  # fmt: skip
    text = render_instalment_reminder(
        freelancer=freelancer, client=client, invoice=invoice, tone="friendly", today=date(2027, 1, 18),
        seq=2, count=3, left_minor=40_000, due_date=date(2027, 1, 14),
    )  # fmt: skip
    email = reminder_email(
        freelancer=freelancer, client=client, invoice=invoice, text=text, to=("jo@acme.example",),
        thread="t", sequence=1,
    )  # fmt: skip
    for part in (email.text, visible_text(email.html)):
        words = words_of(part)
        assert "Versement 2 sur 3" in words and "Jours de retard 4" in words
        assert "Reste dû 400,00 €" in words  # (words_of turns non-breaking spaces into spaces)
        assert "Échéance 14 janvier 2027" in words and "800,00" not in words
        assert "Les coordonnées de paiement figurent ci-dessous." in part
    payload = epc_text(freelancer, invoice, text.amount_minor)
    assert payload is not None and "\nEUR400.00\n" in payload  # the QR code asks for the instalment
    assert email.inline_images and email.inline_images[0].content.startswith(b"\x89PNG")
