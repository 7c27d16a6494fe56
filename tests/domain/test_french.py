"""French that reads as a person wrote it: elision before names, typographic spaces, plurals."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.domain.epc_qr import epc_payload
from bot.domain.french import de_name, elide_placeholders, french_spacing
from bot.i18n import LOCALES_DIR, translator

VOWEL_NAMES = ["Amélie Durand Design", "Éric", "Olivier", "Hélène", "Ulysse", "Isabelle", "Yves"]
NOT_ELIDED = re.compile(r"\b(?:de|que) (?:<[^>]*>)*[AEIOUÉÈÊÀHaeiouéèêàh]")


@pytest.mark.parametrize("name", VOWEL_NAMES)
def test_de_elides_before_a_vowel_sound(name: str) -> None:
    assert de_name(name) == f"d'{name}"
    assert elide_placeholders("les relances de {client}", {"client": name}) == "les relances d'{client}"


@pytest.mark.parametrize("name", ["Paul", "Bureau Vallée", "Yannick", "Zoé"])
def test_de_stays_before_a_consonant(name: str) -> None:
    assert de_name(name) == f"de {name}"


def test_a_rendered_french_message_names_the_contact_with_elision() -> None:
    tr = translator("fr")
    for name in VOWEL_NAMES:
        text = tr._(
            "What is the e-mail address of {contact}? For example <i>marie@acme.fr</i>. You can skip this.",
            contact=name,
        )
        assert not NOT_ELIDED.search(text), text
        assert f"d'{name}" in text or f"d’{name}" in text, text
    assert "de Paul" in tr._(
        "What is the e-mail address of {contact}? For example <i>marie@acme.fr</i>. You can skip this.",
        contact="Paul",
    )


def test_english_is_never_elided() -> None:
    assert "Amélie" in translator("en")._(
        "What is the e-mail address of {contact}? For example <i>marie@acme.fr</i>. You can skip this.",
        contact="Amélie",
    )


def test_spacing_is_non_breaking_before_double_punctuation_but_urls_and_times_stay() -> None:
    assert french_spacing("Montant : 12 € ! Vraiment ? « oui »") == (
        "Montant\u00a0: 12 €\u00a0! Vraiment\u00a0? «\u00a0oui\u00a0»"
    )
    assert french_spacing("https://pay.example/x à 09:30") == "https://pay.example/x à 09:30"


def _french_catalog_texts() -> list[str]:
    with open(LOCALES_DIR / "fr" / "LC_MESSAGES" / "bot.po", "rb") as handle:
        catalog = read_po(handle)
    texts: list[str] = []
    for message in catalog:
        if message.id:
            texts += list(message.string) if isinstance(message.string, tuple) else [message.string]
    return texts


def test_every_french_string_has_non_breaking_spaces_before_double_punctuation() -> None:
    offenders = [t for t in _french_catalog_texts() if re.search(r" [:;!?»]|« ", t)]
    assert offenders == []


def test_no_french_string_leaves_de_before_a_vowel() -> None:
    offenders = [t for t in _french_catalog_texts() if re.search(r"\bde [aeiouéèêàAEIOUÉ]\w", t)]
    assert offenders == []


@pytest.mark.parametrize(
    ("n", "en", "fr"), [(1, "1 day", "1 jour"), (2, "2 days", "2 jours"), (0, "0 days", "0 jour")]
)
def test_counts_agree_with_their_noun(n: int, en: str, fr: str) -> None:
    assert translator("en").n_("In {n} day ({date})", "In {n} days ({date})", n, date="x") == f"In {en} (x)"
    assert translator("fr").n_("In {n} day ({date})", "In {n} days ({date})", n, date="x") == f"Dans {fr} (x)"


def test_an_invalid_bic_drops_only_the_bic_from_the_qr_code() -> None:
    payload = epc_payload(
        name="Claire Martin", iban="FR7630006000011234567890189", bic="NOT A BIC", amount_minor=120000,
        currency="EUR", reference="F-2026-014",
    )  # fmt: skip
    lines = payload.split("\n")
    assert lines[4] == "" and "FR7630006000011234567890189" in lines and "EUR1200.00" in lines
