"""Column layouts of invoice CSV exports, recognised by their header, and the generic names of each role.

Sources of the shipped profiles:
- Relance's own /export invoices.csv: bot/export.py (INVOICE_COLUMNS).
- Invoice Ninja v5: the invoice report export, app/Export/CSV/InvoiceExport.php (`entity_keys`: number,
  client, date, due_date, amount, balance, status, currency_id…), headers in English as its UI labels them.
Pennylane, Indy and Freebe do not publish the columns of their invoice exports (their help pages describe
the export, not its header), so no profile pretends to know them: their French headers ("Numéro",
"Client", "Date d'émission", "Date d'échéance", "Montant TTC", "Reste à payer"…) are read through the
generic synonyms below, and the freelancer confirms the columns once with buttons.
Header names are compared normalised (bot.bank.csv_profiles.normalise_header): case, accents, spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from bot.bank.csv_profiles import normalise_header

REQUIRED = ("number", "client", "amount", "issue_date")
ROLES = ("number", "client", "amount", "issue_date", "due_date", "currency", "email", "balance", "status",
         "description")  # fmt: skip


@dataclass(frozen=True)
class InvoiceColumns:
    """Which CSV column holds what (names as in the file's header); None: not in the file."""

    number: str | None = None
    client: str | None = None
    amount: str | None = None
    issue_date: str | None = None
    due_date: str | None = None
    currency: str | None = None
    email: str | None = None
    balance: str | None = None
    """What remains to pay: 0 means paid (the line is skipped), less than the amount a part payment."""
    status: str | None = None
    description: str | None = None

    @property
    def ready(self) -> bool:
        return all(getattr(self, role) for role in REQUIRED)

    def as_dict(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> InvoiceColumns:
        return cls(**{role: str(data[role]) if data.get(role) else None for role in ROLES})

    def names(self) -> list[str]:
        return [name for name in self.as_dict().values() if name]


@dataclass(frozen=True)
class InvoiceProfile:
    tool: str
    columns: InvoiceColumns

    def matches(self, header: list[str]) -> InvoiceColumns | None:
        """The profile's columns present in `header` (the required ones must all be), else None."""
        present = {normalise_header(h): h for h in header}
        found = {}
        for role, name in self.columns.as_dict().items():
            if name and normalise_header(name) in present:
                found[role] = present[normalise_header(name)]
            elif name and role in REQUIRED:
                return None
        return InvoiceColumns(**found)


PROFILES: tuple[InvoiceProfile, ...] = (
    InvoiceProfile("Relance", InvoiceColumns(
        number="number", client="client", amount="amount", issue_date="issue_date", due_date="due_date",
        currency="currency", balance="balance", status="status", description="description")),
    InvoiceProfile("Invoice Ninja", InvoiceColumns(
        number="Number", client="Client", amount="Amount", issue_date="Date", due_date="Due Date",
        currency="Currency", balance="Balance", status="Status", description="Public Notes")),
    InvoiceProfile("Invoice Ninja", InvoiceColumns(
        number="Invoice Number", client="Client Name", amount="Invoice Amount", issue_date="Invoice Date",
        due_date="Invoice Due Date", currency="Client Currency", balance="Invoice Balance",
        status="Invoice Status", description="Invoice Public Notes")),
)  # fmt: skip

# Generic names (normalised), best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("numero de facture", "n facture", "n de facture", "numero facture", "numero", "invoice number",
               "invoice no", "invoice #", "invoice", "facture", "number", "no", "num", "factuurnummer",
               "rechnungsnummer", "numero fattura", "numero de factura"),
    "client": ("client", "nom du client", "client name", "customer", "customer name", "raison sociale",
               "destinataire", "societe", "klant", "kunde", "cliente", "company"),
    "amount": ("montant ttc", "total ttc", "montant total ttc", "montant total", "total", "montant",
               "amount", "invoice amount", "total amount", "total incl. tax", "bedrag", "betrag", "importe",
               "importo"),
    "issue_date": ("date d'emission", "date de facture", "date de facturation", "date facture", "date", "invoice date",
                   "issue date", "issued", "factuurdatum", "rechnungsdatum", "fecha", "data"),
    "due_date": ("date d'echeance", "echeance", "date limite de paiement", "due date", "due", "vervaldatum",
                 "falligkeitsdatum", "fecha de vencimiento", "scadenza"),
    "currency": ("devise", "currency", "monnaie", "valuta", "wahrung", "moneda"),
    "email": ("email", "e-mail", "email du client", "client email", "customer email", "courriel", "mail"),
    "balance": ("reste a payer", "restant du", "reste du", "solde", "balance", "balance due", "amount due",
                "montant du", "open amount", "openstaand", "offen"),
    "status": ("statut", "status", "etat", "state"),
    "description": ("description", "objet", "intitule", "libelle", "titre", "label", "notes", "public notes"),
}  # fmt: skip
SETTLED_STATUSES = frozenset({
    "paid", "cancelled", "canceled", "draft", "reversed", "void", "payee", "payé", "reglee", "annulee",
    "brouillon", "soldee", "betaald", "bezahlt", "pagada", "pagata",
})  # fmt: skip


def find_profile(header: list[str]) -> tuple[str, InvoiceColumns] | None:
    for profile in PROFILES:
        columns = profile.matches(header)
        if columns is not None:
            return profile.tool, columns
    return None


def guess_columns(header: list[str]) -> InvoiceColumns:
    """Each role's column by its usual names (a column serves one role); what cannot be told stays None."""
    by_name = {normalise_header(h): h for h in header if h.strip()}
    used: set[str] = set()
    found: dict[str, str] = {}
    for role in ("number", "client", "due_date", "issue_date", "balance", "amount", "currency", "email",
                 "status", "description"):  # fmt: skip
        for synonym in SYNONYMS[role]:
            match = next((original for normal, original in by_name.items() if original not in used and (
                normal == synonym or re.sub(r"\s*\(.*\)$", "", normal) == synonym)), None)  # fmt: skip
            if match:
                used.add(match)
                found[role] = match
                break
    return InvoiceColumns(**found)


def looks_like_invoices(header: list[str]) -> bool:
    """A header with an invoice number and a client column: invoices, not bank movements."""
    if find_profile(header):
        return True
    guess = guess_columns(header)
    return bool(guess.number and guess.client and guess.amount)
