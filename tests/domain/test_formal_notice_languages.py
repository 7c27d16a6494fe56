"""The formal notice letter in German and Dutch: the same catalogs as everything else, the country's formats."""

from __future__ import annotations

import pytest

from bot.domain.formal_notice import ClaimedAmounts
from bot.presentation.formal_notice_pdf import render_pdf
from tests.domain.test_formal_notice import notice, pdf_text

EXPECTED = {
    "de": [
        "Lyon, 6. Dezember 2026", "Betreff: Förmliche Zahlungsaufforderung — Rechnung F-2026-014",
        "Sehr geehrte Damen und Herren,",
        "Die Rechnung F-2026-014 vom 1. Oktober 2026 über einen Betrag von 1.200,00 € war am 31. Oktober 2026 fällig.",
        "Nach den bereits erhaltenen Zahlungen (200,00 €) sind noch 1.000,00 € offen.",
        "Verzugszinsen (12,15 % pro Jahr) 12,34 €", "Geforderter Gesamtbetrag 1.052,34 €",
        "innerhalb von 8 Tagen", "spätestens bis zum 14. Dezember 2026", "Mit freundlichen Grüßen",
    ],
    "nl": [
        "Lyon, 6 december 2026", "Betreft: ingebrekestelling — factuur F-2026-014", "Geachte heer, mevrouw,",
        "Factuur F-2026-014 van 1 oktober 2026, voor een bedrag van € 1.200,00, verviel op 31 oktober 2026.",
        "Na de al ontvangen betalingen (€ 200,00) blijft € 1.000,00 verschuldigd.",
        "Vertragingsrente (12,15 % per jaar) € 12,34", "Totaal gevorderd € 1.052,34",
        "binnen 8 dagen", "uiterlijk op 14 december 2026", "Met vriendelijke groet,",
    ],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_formal_notice_pdf_in_the_clients_language(language: str) -> None:
    claimed = ClaimedAmounts(interest_minor=1_234, indemnity_minor=4_000, interest_rate="12.15")
    text = pdf_text(render_pdf(notice(language, claimed=claimed)))
    for fragment in EXPECTED[language]:
        assert fragment in text, (fragment, text)
