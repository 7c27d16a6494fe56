"""The CII XML inside a Factur-X / ZUGFeRD 2.x PDF (a PDF/A-3 with an embedded invoice), via `factur-x`."""

from __future__ import annotations

import asyncio
import io
import logging

from facturx import get_xml_from_pdf
from pypdf import PdfReader

from bot.einvoice.cii_ubl import parse_einvoice_xml
from bot.einvoice.model import EInvoice, EInvoiceError

log = logging.getLogger(__name__)
EMBEDDED_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")


def embedded_xml(pdf: bytes) -> bytes | None:
    """The invoice XML a PDF carries, or None for a plain PDF.

    factur-x finds it when it is well-formed; an attachment with a Factur-X name it skips (broken XML)
    is still returned, so that the freelancer hears the XML is broken rather than nothing."""
    try:
        _, xml = get_xml_from_pdf(pdf, check_xsd=False)
    except Exception:  # not a PDF, encrypted, exotic: a plain PDF as far as we are concerned
        log.info("factur-x could not open a PDF", exc_info=True)
        return None
    if xml:
        return bytes(xml)
    try:
        for attachment in PdfReader(io.BytesIO(pdf)).attachment_list:
            if attachment.name.lower() in EMBEDDED_NAMES and attachment.content:
                return bytes(attachment.content)
    except Exception:
        log.info("could not list a PDF's attachments", exc_info=True)
    return None


def read_pdf_einvoice(pdf: bytes) -> EInvoice | None:
    """The e-invoice in a PDF; None for a plain PDF; EInvoiceError when the embedded XML is broken."""
    xml = embedded_xml(pdf)
    return parse_einvoice_xml(xml) if xml is not None else None


async def pdf_einvoice(pdf: bytes) -> EInvoice | None:
    """`read_pdf_einvoice` off the event loop."""
    return await asyncio.to_thread(read_pdf_einvoice, pdf)


__all__ = ["EInvoiceError", "embedded_xml", "pdf_einvoice", "read_pdf_einvoice"]
