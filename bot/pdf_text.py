"""The text of a PDF, read with pypdf off the event loop; any failure just means "no text"."""

from __future__ import annotations

import asyncio
import io
import logging

from pypdf import PdfReader

log = logging.getLogger(__name__)
MAX_PAGES = 3  # an invoice's facts are on its first pages; a 300-page PDF must not stall the bot


def _extract(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages[:MAX_PAGES])


async def pdf_text(data: bytes) -> str:
    try:
        return await asyncio.to_thread(_extract, data)
    except Exception:  # broken, encrypted or exotic PDFs: the invoice is still attached, facts are asked
        log.info("could not read the text of a PDF", exc_info=True)
        return ""
