"""Match bank credits to open invoices. Pure: no I/O, no clock.

A credit is matched *for certain* only by a reference it carries: an invoice number in the remittance
text (whole words, case, accents and separators ignored) or the invoice's ISO 11649 creditor reference.
Anything else — the amount equal to a balance or to a sum of one client's balances, a partial amount,
the payer's name against the client's and contacts' names, the date after the invoice's — only ranks
proposals for the freelancer to confirm.

Lines are taken in booking order and certain matches lower the balances they pay, so one invoice paid
by several transfers in the same statement is matched transfer by transfer, never beyond its balance.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from rapidfuzz import fuzz, process

from bot.bank.model import BankLine
from bot.domain.creditor_reference import find_creditor_references, invoice_id_from_reference

MAX_CANDIDATES = 5
MAX_SUBSET_INVOICES = 12  # a client's open invoices searched for a sum; more would be slow and ambiguous
MAX_SUBSET_SIZE = 4
NAME_THRESHOLD = 60  # rapidfuzz score (0..100) from which a name counts as the client's
NAME_MARGIN = 10  # clients within this many points of the best name are kept
MAX_NAMED_CLIENTS = 5
COMMON_WORD_CLIENTS = 50
SUBSET_NAME_SCORE = 80  # sums of several invoices are only looked for with a client named this clearly
FUZZY_FALLBACK_CUTOFF = 85
PROPOSAL_THRESHOLD = 50
_WINDOW = 4  # an invoice number may be split by the bank into up to four words ("F 2026 014")

LEGAL_FORMS = frozenset(
    "SARL SAS SASU SA EURL SCI SNC SCOP SCA SELARL EI EIRL GMBH AG KG UG BV BVBA NV SRL SPRL SC SCRL ASBL VZW "
    "LTD LIMITED LLC LLP INC CORP PLC CO CIE ETS ETABLISSEMENTS SE".split()
)
BANK_WORDS = frozenset(
    "VIR VIREMENT VIRT SEPA RECU RECUE INST INSTANTANE DE DU DES LA LE LES ET M MR MME MLLE MM MONSIEUR MADAME "
    "FROM TRANSFER CREDIT PAYMENT PAIEMENT REF MOTIF BEN EMETTEUR DONNEUR ORDRE VAN OVERSCHRIJVING".split()
)
NUMBER_KEYWORDS = frozenset(
    "FACTURE FACTURES FACT FAC FA FCT INVOICE INV RECHNUNG FACTUUR FACT NO NUM NUMERO N REF".split()
)


@dataclass(frozen=True)
class OpenInvoice:
    id: int
    client_id: int
    number: str
    balance_minor: int
    currency: str
    issue_date: date
    due_date: date
    client_name: str
    contact_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Allocation:
    invoice_id: int
    amount_minor: int


@dataclass(frozen=True)
class Candidate:
    allocations: tuple[Allocation, ...]
    score: int
    reasons: tuple[str, ...]
    """Among: reference, creditor_reference, amount, sum, partial, overpaid, name, date, before_issue."""

    @property
    def invoice_ids(self) -> tuple[int, ...]:
        return tuple(a.invoice_id for a in self.allocations)


@dataclass(frozen=True)
class Decision:
    line: BankLine
    kind: Literal["certain", "proposal", "unmatched"]
    allocations: tuple[Allocation, ...] = ()
    """Certain only: what to record, invoice by invoice."""
    candidates: tuple[Candidate, ...] = field(default=())
    """Proposals, best first (for a certain match: the match itself, so "ask me" can show it)."""


def fold(text: str) -> str:
    """Upper case without accents: "Société Générale" → "SOCIETE GENERALE"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9A-Z]+", fold(text))


def normalise_name(name: str) -> str:
    """For comparing names: folded, punctuation gone, legal forms and bank words dropped."""
    undotted = name.replace(".", "")  # "S.A.R.L." → "SARL", "M. Dupont" → "M Dupont"
    return " ".join(w for w in _words(undotted) if w not in LEGAL_FORMS and w not in BANK_WORDS)


def number_key(number: str) -> str:
    return "".join(_words(number))


class Matcher:
    """Indexes the open invoices once; `decide` then takes each line in turn."""

    def __init__(self, invoices: Iterable[OpenInvoice]) -> None:
        self.invoices = {i.id: i for i in invoices}
        self.balance = {i.id: i.balance_minor for i in self.invoices.values()}
        self._by_number: dict[str, list[int]] = defaultdict(list)
        self._by_amount: dict[tuple[str, int], list[int]] = defaultdict(list)
        self._by_client: dict[int, list[int]] = defaultdict(list)
        self._client_names: dict[int, set[str]] = defaultdict(set)
        self._by_name_word: dict[str, set[int]] = defaultdict(set)
        for invoice in sorted(self.invoices.values(), key=lambda i: (i.due_date, i.id)):
            key = number_key(invoice.number)
            if key:
                self._by_number[key].append(invoice.id)
            self._by_amount[(invoice.currency, invoice.balance_minor)].append(invoice.id)
            self._by_client[invoice.client_id].append(invoice.id)
            for name in (invoice.client_name, *invoice.contact_names):
                normal = normalise_name(name)
                if normal:
                    self._client_names[invoice.client_id].add(normal)
                    for word in normal.split():
                        if len(word) >= 3:
                            self._by_name_word[word].add(invoice.client_id)
        self._name_list = [(client, name) for client, names in self._client_names.items() for name in names]
        self._name_choices = [name for _, name in self._name_list]

    # References ------------------------------------------------------------------------
    def referenced(self, line: BankLine) -> tuple[list[int], list[str]]:
        """Invoice ids the remittance names (in order), and how ("reference", "creditor_reference")."""
        found: list[int] = []
        how: list[str] = []
        for reference in find_creditor_references(line.remittance):
            invoice_id = invoice_id_from_reference(reference)
            if invoice_id in self.invoices and invoice_id not in found:
                found.append(invoice_id)
                how.append("creditor_reference")
        words = _words(line.remittance)
        for start in range(len(words)):
            key = ""
            for end in range(start, min(start + _WINDOW, len(words))):
                key += words[end]
                for invoice_id in self._by_number.get(key, ()):
                    if invoice_id not in found and self._number_counts(key, words, start):
                        found.append(invoice_id)
                        how.append("reference")
        return found, how

    @staticmethod
    def _number_counts(key: str, words: list[str], start: int) -> bool:
        """Short all-digit numbers ("14", "2026") count only after a word like FACTURE or INV."""
        if not key.isdigit() or len(key) >= 6:
            return len(key) >= 3 or (start > 0 and words[start - 1] in NUMBER_KEYWORDS)
        return start > 0 and words[start - 1] in NUMBER_KEYWORDS

    # Names -------------------------------------------------------------------------------
    def client_scores(self, line: BankLine) -> dict[int, int]:
        """Clients whose name (or a contact's) resembles the payer, with a 0..100 score."""
        payer = normalise_name(line.counterparty)
        text = payer or normalise_name(line.remittance)
        if not text:
            return {}
        # Candidates come from the payer's distinctive words; a word many clients share ("Atelier") only
        # counts when the payer has no rarer one.
        postings = sorted(
            (self._by_name_word[w] for w in set(text.split()) if w in self._by_name_word), key=len
        )
        clients: set[int] = set()
        for posting in postings:
            if clients and len(posting) > COMMON_WORD_CLIENTS:
                break
            clients |= posting
        scores: dict[int, int] = {}
        pairs = [(client, name) for client in clients for name in self._client_names[client]]
        hits = process.extract(text, [name for _, name in pairs], scorer=fuzz.token_set_ratio,
                               score_cutoff=NAME_THRESHOLD, limit=None)  # fmt: skip
        for _, score, index in hits:
            client = pairs[index][0]
            scores[client] = max(scores.get(client, 0), int(score))
        if len(scores) > 1:
            # Common words ("Atelier", "Lyon") make many clients look alike: keep only the closest few.
            top = max(scores.values())
            closest = sorted((c for c in scores if scores[c] >= top - NAME_MARGIN), key=lambda c: -scores[c])
            scores = {c: scores[c] for c in closest[:MAX_NAMED_CLIENTS]}
        if not scores and payer and self._name_choices:
            # A misspelt payer shares no word with any client: one fuzzy pass over every name.
            hit = process.extractOne(
                payer, self._name_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_FALLBACK_CUTOFF
            )
            if hit is not None:
                scores[self._name_list[hit[2]][0]] = int(hit[1])
        return scores

    # Decisions ----------------------------------------------------------------------------
    def decide(self, line: BankLine) -> Decision:
        if not line.is_credit:
            return Decision(line, "unmatched")
        ids, how = self.referenced(line)
        usable = [i for i in ids if self._payable(i, line)]
        if usable:
            reasons = tuple(sorted(set(how)))
            certain = self._certain(line, usable, reasons)
            if certain is not None:
                self._apply(certain.allocations)
                return Decision(line, "certain", certain.allocations, (certain,))
            return Decision(line, "proposal", (), tuple(self._referenced_proposals(line, usable, reasons)))
        candidates = self._candidates(line)
        return Decision(line, "proposal" if candidates else "unmatched", (), tuple(candidates))

    def _payable(self, invoice_id: int, line: BankLine) -> bool:
        return self.invoices[invoice_id].currency == line.currency and self.balance[invoice_id] > 0

    def _certain(self, line: BankLine, ids: list[int], reasons: tuple[str, ...]) -> Candidate | None:
        amount = line.amount_minor
        if len(ids) == 1 and amount <= self.balance[ids[0]]:
            return Candidate((Allocation(ids[0], amount),), 100, reasons)
        if len(ids) > 1 and amount == sum(self.balance[i] for i in ids):
            return Candidate(tuple(Allocation(i, self.balance[i]) for i in ids), 100, (*reasons, "sum"))
        return None

    def _referenced_proposals(
        self, line: BankLine, ids: list[int], reasons: tuple[str, ...]
    ) -> list[Candidate]:
        """Named invoices whose balances do not fit the amount: pay them oldest first, as far as it goes."""
        remaining, allocations = line.amount_minor, []
        for invoice_id in sorted(ids, key=lambda i: (self.invoices[i].due_date, i)):
            if remaining <= 0:
                break
            part = min(remaining, self.balance[invoice_id])
            allocations.append(Allocation(invoice_id, part))
            remaining -= part
        extra = ("overpaid",) if remaining > 0 else ("partial",)
        return [Candidate(tuple(allocations), 90, (*reasons, *extra))]

    def _candidates(self, line: BankLine) -> list[Candidate]:
        names = self.client_scores(line)
        found: dict[tuple[int, ...], Candidate] = {}

        def offer(
            invoice_ids: Sequence[int], base: int, reason: str, amounts: Sequence[int] | None = None
        ) -> None:
            invoices = [self.invoices[i] for i in invoice_ids]
            name = names.get(invoices[0].client_id, 0)
            after_issue = all(line.booking_date >= i.issue_date for i in invoices)
            score = base + name * 40 // 100 + (10 if after_issue else -30)
            reasons = [reason] + (["name"] if name else []) + (["date"] if after_issue else ["before_issue"])
            if score < PROPOSAL_THRESHOLD:
                return
            allocations = tuple(Allocation(i, a) for i, a in
                                zip(invoice_ids, amounts or [self.balance[i] for i in invoice_ids], strict=True))  # fmt: skip
            key = tuple(sorted(invoice_ids))
            if key not in found or found[key].score < score:
                found[key] = Candidate(allocations, score, tuple(reasons))

        for invoice_id in self._by_amount.get((line.currency, line.amount_minor), ()):
            if self.balance[invoice_id] == line.amount_minor:
                offer([invoice_id], 50, "amount")
        for client in names:
            open_ids = [i for i in self._by_client[client] if self._payable(i, line)]
            for invoice_id in open_ids:
                balance = self.balance[invoice_id]
                if balance == line.amount_minor:
                    offer([invoice_id], 50, "amount")
                elif line.amount_minor < balance:
                    offer([invoice_id], 15, "partial", [line.amount_minor])
            if 1 < len(open_ids) <= MAX_SUBSET_INVOICES and names[client] >= SUBSET_NAME_SCORE:
                for subset in _subsets_summing_to(open_ids, self.balance, line.amount_minor):
                    offer(subset, 45, "sum")
        ranked = sorted(
            found.values(), key=lambda c: (-c.score, self.invoices[c.allocations[0].invoice_id].due_date)
        )
        return ranked[:MAX_CANDIDATES]

    def _apply(self, allocations: Iterable[Allocation]) -> None:
        for allocation in allocations:
            self.balance[allocation.invoice_id] -= allocation.amount_minor


def _subsets_summing_to(ids: list[int], balance: dict[int, int], total: int) -> Iterable[tuple[int, ...]]:
    """Small subsets (2 to 4 invoices) of one client's balances adding up to the transfer."""
    fitting = [i for i in ids if balance[i] < total]
    if sum(balance[i] for i in fitting) < total:
        return
    for size in range(2, min(MAX_SUBSET_SIZE, len(fitting)) + 1):
        for subset in itertools.combinations(fitting, size):
            if sum(balance[i] for i in subset) == total:
                yield subset


def match_lines(lines: Iterable[BankLine], invoices: Iterable[OpenInvoice]) -> list[Decision]:
    """A decision per line, in the order given; lines are weighed in booking-date order."""
    ordered = list(lines)
    matcher = Matcher(invoices)
    decisions: dict[int, Decision] = {}
    for position in sorted(range(len(ordered)), key=lambda p: ordered[p].booking_date):
        decisions[position] = matcher.decide(ordered[position])
    return [decisions[p] for p in range(len(ordered))]
