"""The formal notice letter as a PDF (fpdf2) in the client's language, and a PNG preview of its first page.

The wording is gettext's (fr, en); the facts come from bot.domain.formal_notice. The font is DejaVu Sans,
shipped inside matplotlib's package data, embedded in the PDF so that accents display and the text can
be selected and searched.
"""

from __future__ import annotations

import importlib.util
import io
from decimal import Decimal
from functools import cache
from pathlib import Path

import pypdfium2
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from bot.domain.epc_qr import epc_qr_png
from bot.domain.formal_notice import FormalNotice, LegalBasis, SentReminder
from bot.i18n import Translator, translator

FONT = "DejaVu"
_MARGIN = 20
_LINE = 5.4
_PREVIEW_SCALE = 1.6  # 72 dpi × 1.6 ≈ 115 dpi: an A4 page about 950 × 1350 pixels, readable in a chat


@cache
def font_dir() -> Path:
    """matplotlib's bundled fonts (a dependency already): DejaVu Sans covers Latin, Greek and Cyrillic."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is needed for the PDF font (DejaVu Sans)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    if not (folder / "DejaVuSans.ttf").is_file():
        raise RuntimeError(f"DejaVuSans.ttf not found in {folder}")
    return folder


def _channels(tr: Translator, reminder: SentReminder) -> str:
    names = {"email": tr.plain("by e-mail"), "telegram": tr.plain("by Telegram")}
    said = [names.get(channel, channel) for channel in reminder.channels]
    if not said:
        return ""
    if len(said) == 1:
        return said[0]
    return tr.plain("{first} and {second}", first=", ".join(said[:-1]), second=said[-1])


def _legal_paragraphs(tr: Translator, notice: FormalNotice) -> list[str]:
    if notice.legal_basis == LegalBasis.GENERIC:
        return [
            tr.plain(
                "This letter is a formal notice to pay. Under our agreement and the applicable law, "
                "late-payment interest and recovery costs may be claimed in addition to the amount due."
            )
        ]
    paragraphs = [
        tr.plain(
            "This letter constitutes a formal notice within the meaning of Articles 1231-6 and 1344 of the "
            "French Civil Code: from its date, the sums due bear late-payment interest."
        )
    ]
    if notice.legal_basis == LegalBasis.FR_B2B:
        paragraphs.append(
            tr.plain(
                "Between businesses, Article L441-10 of the French Commercial Code also provides for "
                "late-payment penalties and a fixed indemnity of 40 euros for recovery costs."
            )
        )
    return paragraphs


class _Letter(FPDF):
    def __init__(self, notice: FormalNotice) -> None:
        super().__init__(format="A4")
        folder = font_dir()
        self.add_font(FONT, "", folder / "DejaVuSans.ttf")
        self.add_font(FONT, "B", folder / "DejaVuSans-Bold.ttf")
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN)
        self.set_title(translator(notice.language).plain("Formal notice — invoice {number}",
                                                         number=notice.invoice_number))  # fmt: skip
        self.set_author(notice.creditor.name)
        self.set_creator("Relance")
        self.set_lang(notice.language)

    def para(self, text: str, *, bold: bool = False, size: float = 10.5, gap: float = 2.5) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, _LINE, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)


def _amount_rows(tr: Translator, notice: FormalNotice) -> list[tuple[str, str]]:
    money = lambda minor: tr.money(minor, notice.currency)  # noqa: E731
    rows = [(tr.plain("Invoice amount"), money(notice.invoice_minor))]
    if notice.paid_minor:
        rows.append((tr.plain("Already paid"), "− " + money(notice.paid_minor)))
    rows.append((tr.plain("Amount due"), money(notice.due_minor)))
    claimed = notice.claimed
    if claimed is not None:
        if claimed.interest_minor:
            label = (
                tr.plain(
                    "Late-payment interest ({rate} % a year)", rate=tr.number(Decimal(claimed.interest_rate))
                )
                if claimed.interest_rate
                else tr.plain("Late-payment interest")
            )
            rows.append((label, money(claimed.interest_minor)))
        if claimed.indemnity_minor:
            rows.append((tr.plain("Fixed indemnity for recovery costs"), money(claimed.indemnity_minor)))
        if claimed.admin_fee_minor:
            rows.append((tr.plain("Admin fee (as per our terms)"), money(claimed.admin_fee_minor)))
        rows.append((tr.plain("Total claimed"), money(notice.total_minor)))
    return rows


def letter_text(notice: FormalNotice) -> dict[str, list[str]]:
    """The letter's words by section, in its language (the PDF lays these out; tests read them too)."""
    tr = translator(notice.language)
    day = lambda value: tr.date(value, "long")  # noqa: E731
    money = lambda minor: tr.money(minor, notice.currency)  # noqa: E731
    dated = (
        tr.plain("{place}, {date}", place=notice.place, date=day(notice.letter_date))
        if notice.place
        else day(notice.letter_date)
    )
    facts = tr.plain(
        "Invoice {number} of {issue_date}, for an amount of {amount}, fell due on {due_date}. Despite "
        "my reminders, it remains unpaid to this day.",
        number=notice.invoice_number, issue_date=day(notice.invoice_date), amount=money(notice.invoice_minor),
        due_date=day(notice.due_date),
    )  # fmt: skip
    if notice.paid_minor:
        facts += " " + tr.plain(
            "After the payments already received ({paid}), {due} remain due.",
            paid=money(notice.paid_minor), due=money(notice.due_minor),
        )  # fmt: skip
    reminders = [
        tr.plain("• {date} {channels}", date=day(r.day), channels=_channels(tr, r)).rstrip()
        for r in notice.reminders
    ]
    demand = tr.plain_n(
        "I therefore formally demand that you pay the sum of {total} within {n} day of this letter, that "
        "is by {deadline} at the latest.",
        "I therefore formally demand that you pay the sum of {total} within {n} days of this letter, that "
        "is by {deadline} at the latest.",
        notice.deadline_days, total=money(notice.total_minor), deadline=day(notice.deadline),
    )  # fmt: skip
    payment = [tr.plain("Payment by bank transfer:")] if notice.payment.iban else []
    if notice.payment.iban:
        iban = notice.payment.iban
        payment.append(
            tr.plain("IBAN: {iban}", iban=" ".join(iban[i : i + 4] for i in range(0, len(iban), 4)))
        )
        if notice.payment.bic:
            payment.append(tr.plain("BIC: {bic}", bic=notice.payment.bic))
        payment.append(tr.plain("Reference: {reference}", reference=notice.payment.reference))
    if notice.payment.payment_link:
        payment.append(tr.plain("Or pay online: {link}", link=notice.payment.payment_link))
    return {
        "creditor": [notice.creditor.name, *notice.creditor.address]
        + ([notice.creditor_email] if notice.creditor_email else []),
        "debtor": [notice.debtor.name, *notice.debtor.address],
        "dated": [dated],
        "subject": [
            tr.plain("Subject: formal notice to pay — invoice {number}", number=notice.invoice_number)
        ],
        "salutation": [tr.plain("Dear Sir or Madam,")],
        "facts": [facts],
        "reminders_title": [tr.plain("Reminders already sent:")] if reminders else [],
        "reminders": reminders,
        "amounts": [f"{label}: {value}" for label, value in _amount_rows(tr, notice)],
        "demand": [demand],
        "legal": _legal_paragraphs(tr, notice),
        "consequence": [
            tr.plain(
                "Failing payment by that date, I reserve the right to take legal action to recover these "
                "sums, without further notice."
            )
        ],
        "payment": payment,
        "qr_caption": [tr.plain("Scan this code with your banking app to pay by transfer.")]
        if notice.payment.epc_payload
        else [],
        "closing": [
            tr.plain("If you have paid in the meantime, please disregard this letter."),
            tr.plain("Yours faithfully,"),
        ],
        "signature": [notice.creditor.name],
    }


def render_pdf(notice: FormalNotice) -> bytes:
    text = letter_text(notice)
    tr = translator(notice.language)
    pdf = _Letter(notice)
    pdf.add_page()
    pdf.set_font(FONT, "", 10.5)
    top = pdf.get_y()
    for number, line in enumerate(text["creditor"]):
        pdf.set_font(FONT, "B" if number == 0 else "", 10.5)
        pdf.multi_cell(85, _LINE, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    below_creditor = pdf.get_y()
    pdf.set_y(top + 30)
    for number, line in enumerate(text["debtor"]):
        pdf.set_x(115)
        pdf.set_font(FONT, "B" if number == 0 else "", 10.5)
        pdf.multi_cell(75, _LINE, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), below_creditor) + 8)
    pdf.set_font(FONT, "", 10.5)
    pdf.cell(0, _LINE, text["dated"][0], align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.para(text["subject"][0], bold=True, gap=5)
    pdf.para(text["salutation"][0])
    pdf.para(text["facts"][0])
    if text["reminders"]:
        pdf.para(text["reminders_title"][0], gap=0.5)
        for line in text["reminders"]:
            pdf.set_x(_MARGIN + 4)
            pdf.set_font(FONT, "", 10.5)
            pdf.multi_cell(0, _LINE, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)
    for label, value in _amount_rows(tr, notice):
        last = label == tr.plain("Total claimed") or (
            notice.claimed is None and label == tr.plain("Amount due")
        )
        pdf.set_font(FONT, "B" if last else "", 10.5)
        pdf.set_x(_MARGIN + 4)
        pdf.cell(100, _LINE, label)
        pdf.cell(40, _LINE, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.para(text["demand"][0], bold=True)
    for paragraph in text["legal"] + text["consequence"]:
        pdf.para(paragraph)
    if text["payment"] or notice.payment.epc_payload:
        _payment_block(pdf, text, notice)
    for line in text["closing"]:
        pdf.para(line, gap=1.5)
    pdf.ln(4)
    pdf.para(text["signature"][0], bold=True)
    return bytes(pdf.output())


def _payment_block(pdf: _Letter, text: dict[str, list[str]], notice: FormalNotice) -> None:
    qr_size = 32
    needed = max(len(text["payment"]) * _LINE, qr_size + 8 if notice.payment.epc_payload else 0) + 4
    if pdf.get_y() + needed > pdf.h - _MARGIN:
        pdf.add_page()
    top = pdf.get_y()
    for number, line in enumerate(text["payment"]):
        pdf.set_font(FONT, "B" if number == 0 else "", 10.5)
        pdf.multi_cell(110, _LINE, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = pdf.get_y()
    if notice.payment.epc_payload:
        left = pdf.w - _MARGIN - qr_size
        pdf.image(io.BytesIO(epc_qr_png(notice.payment.epc_payload, scale=8)), x=left, y=top, w=qr_size)
        pdf.set_xy(left - 8, top + qr_size + 1)
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(qr_size + 8, 3.4, text["qr_caption"][0], align=Align.C, new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)  # fmt: skip
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom + 4)


def preview_png(pdf: bytes, *, scale: float = _PREVIEW_SCALE) -> bytes:
    """The first page as a PNG image, for the chat."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()


def file_name(notice: FormalNotice) -> str:
    tr = translator(notice.language)
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in notice.invoice_number)
    return tr.plain("Formal notice {number}.pdf", number=safe)
