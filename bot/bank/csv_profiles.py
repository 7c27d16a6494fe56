"""Column layouts of CSV exports from French and Belgian banks, recognised by their header.

Each profile follows the column names these exports are commonly described with (bank help pages,
open-source importers); none was checked here against a real export of each bank, so a profile is used
only when every column it names is in the file. A file that matches no profile still imports through the
generic synonyms below, once the freelancer confirms the guessed columns. Shine, LCL, La Banque Postale
and others have no profile yet: their exports go through the generic guess.
Header names are compared normalised (see `normalise_header`): case, accents and spacing ignored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.bank.model import CsvMapping


def normalise_header(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("\ufeff", "")).encode("ascii", "ignore").decode()
    folded = folded.casefold().replace("’", "'").strip().strip('"').strip()
    return re.sub(r"\s+", " ", folded)


@dataclass(frozen=True)
class Profile:
    bank: str
    mapping: CsvMapping
    default_currency: str | None = None

    def columns(self) -> set[str]:
        m = self.mapping
        names = [
            m.date,
            m.amount,
            m.credit,
            m.debit,
            m.currency,
            m.transaction_id,
            *m.counterparty,
            *m.remittance,
        ]
        return {normalise_header(n) for n in names if n}


PROFILES: tuple[Profile, ...] = (
    # Boursorama Banque: "Exporter mes opérations" (CSV). Signed amounts with a decimal comma.
    Profile("Boursorama", CsvMapping(date="dateOp", amount="amount", remittance=("label", "comment")), "EUR"),
    # Crédit Agricole (regional banks' shared web site): a few account lines, then separate columns.
    Profile(
        "Crédit Agricole",
        CsvMapping(date="Date", debit="Débit euros", credit="Crédit euros", remittance=("Libellé",)),
        "EUR",
    ),  # fmt: skip
    # Société Générale: an account line, then the movements; signed amount and a currency column.
    Profile(
        "Société Générale",
        CsvMapping(
            date="Date de l'opération",
            amount="Montant de l'opération",
            currency="Devise",
            remittance=("Libellé", "Détail de l'écriture"),
        ),
    ),  # fmt: skip
    # BNP Paribas: the "Télécharger mes opérations" CSV (an account line, then the movements).
    Profile(
        "BNP Paribas",
        CsvMapping(date="Date operation", amount="Montant operation", remittance=("Libelle operation",)),
        "EUR",
    ),  # fmt: skip
    # Qonto: the transactions export (French interface).
    Profile(
        "Qonto",
        CsvMapping(
            date="Date de l'opération (UTC)",
            amount="Montant total (TTC)",
            currency="Devise",
            counterparty=("Nom de la contrepartie",),
            remittance=("Référence",),
            transaction_id="ID de la transaction",
        ),
    ),  # fmt: skip
    # Qonto: the same export in the English interface.
    Profile(
        "Qonto",
        CsvMapping(
            date="Operation date (UTC)",
            amount="Total amount (incl. VAT)",
            currency="Currency",
            counterparty=("Counterparty name",),
            remittance=("Reference",),
            transaction_id="Transaction ID",
        ),
    ),  # fmt: skip
    # ING Belgium: French and English exports of the account history.
    Profile(
        "ING Belgium",
        CsvMapping(
            date="Date comptable",
            amount="Montant",
            currency="Devise",
            counterparty=("Compte partie adverse",),
            remittance=("Libellés", "Détails du mouvement", "Message"),
            transaction_id="Numéro de mouvement",
        ),
    ),  # fmt: skip
    Profile(
        "ING Belgium",
        CsvMapping(
            date="Booking date",
            amount="Amount",
            currency="Currency",
            counterparty=("Counterparty account",),
            remittance=("Description", "Transaction details", "Message"),
            transaction_id="Transaction number",
        ),
    ),  # fmt: skip
    # KBC (Dutch headers, as KBC Touch exports them).
    Profile(
        "KBC",
        CsvMapping(
            date="Datum",
            amount="Bedrag",
            currency="Munt",
            counterparty=("Naam tegenpartij",),
            remittance=("Omschrijving", "Gestructureerde mededeling", "Vrije mededeling"),
        ),
    ),  # fmt: skip
    # Belfius: French and Dutch exports (several header lines before the movements).
    Profile(
        "Belfius",
        CsvMapping(
            date="Date de comptabilisation",
            amount="Montant",
            currency="Devise",
            counterparty=("Nom contrepartie contient",),
            remittance=("Transaction", "Communications"),
            transaction_id="Numéro de transaction",
        ),
    ),  # fmt: skip
    Profile(
        "Belfius",
        CsvMapping(
            date="Boekingsdatum",
            amount="Bedrag",
            currency="Devies",
            counterparty=("Naam tegenpartij bevat",),
            remittance=("Transactie", "Mededelingen"),
            transaction_id="Transactienummer",
        ),
    ),  # fmt: skip
)

# Generic header synonyms (normalised), best first, for files no profile knows.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date operation", "date de l'operation", "date comptable", "date de comptabilisation", "booking date",
             "transaction date", "date de la transaction", "operation date", "dateop", "boekingsdatum",
             "buchungstag", "datum", "date", "booked", "booking", "date valeur", "date de valeur", "value date"),
    "amount": ("montant", "amount", "montant de l'operation", "montant operation", "montant (eur)", "montant eur",
               "bedrag", "betrag", "total amount", "somme"),
    "credit": ("credit", "credit euros", "credit (eur)", "credit eur", "encaissement", "recette"),
    "debit": ("debit", "debit euros", "debit (eur)", "debit eur", "debet", "decaissement", "depense"),
    "currency": ("devise", "currency", "monnaie", "munt", "devies", "wahrung"),
    "counterparty": ("counterparty name", "nom de la contrepartie", "contrepartie", "naam tegenpartij",
                     "beneficiaire", "emetteur", "payer", "payeur", "tiers", "payee", "name", "nom", "from", "de"),
    "remittance": ("libelle", "libelle operation", "label", "detail de l'ecriture", "communication",
                   "communications", "mededelingen", "vrije mededeling", "message", "motif", "reference",
                   "description", "omschrijving", "memo", "details", "comment", "text", "texte"),
    "transaction_id": ("transaction id", "id de la transaction", "id transaction", "reference bancaire"),
}  # fmt: skip


def find_profile(header: list[str]) -> Profile | None:
    present = {normalise_header(h) for h in header}
    for profile in PROFILES:
        if profile.columns() <= present:
            return profile
    return None


def guess_mapping(header: list[str]) -> CsvMapping | None:
    """Columns found by their usual names; None when no date or no amount column can be told."""
    by_name = {normalise_header(h): h for h in header if h.strip()}
    used: set[str] = set()

    def pick(role: str) -> str | None:
        for synonym in SYNONYMS[role]:
            for normal, original in by_name.items():
                if original not in used and (
                    normal == synonym or re.sub(r"\s*\(.*\)$", "", normal) == synonym
                ):
                    used.add(original)
                    return original
        return None

    def pick_all(role: str) -> tuple[str, ...]:
        found = []
        while (name := pick(role)) is not None:
            found.append(name)
        return tuple(found)

    found = {role: pick(role) for role in ("date", "credit", "debit", "amount", "currency", "transaction_id")}
    if found["date"] is None or (found["amount"] is None and found["credit"] is None):
        return None
    return CsvMapping(
        date=found["date"], amount=found["amount"] if found["credit"] is None else None, credit=found["credit"],
        debit=found["debit"], counterparty=pick_all("counterparty"), remittance=pick_all("remittance"),
        currency=found["currency"], transaction_id=found["transaction_id"],
    )  # fmt: skip
