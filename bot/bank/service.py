"""Import a statement for a freelancer: parse, skip what was imported before, match, record, re-plan.

The CLI (`relance import-statement`) and the Telegram handler both call `import_statement`; the
buttons on a line to confirm call `confirm_line`, `ignore_line` and `undo_line`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.bank.csv_import import MappingNeeded, csv_header, header_key
from bot.bank.matching import Allocation, Candidate, match_lines
from bot.bank.model import BankLine, CsvMapping, StatementError
from bot.bank.parse import detect_format, parse_statement
from bot.clock import Clock
from bot.domain.money import Money, format_major
from bot.i18n import N_, Html, Translator
from bot.storage import Freelancer, Invoice, Store
from bot.storage.bank import AllocationError, LineToRecord

InvoiceChanged = Callable[[Invoice], Awaitable[None]]
LIST_AT_MOST = 20

__all__ = ["AllocationError", "ImportSummary", "LineOutcome", "MappingToConfirm", "StatementError",
           "confirm_line", "describe_error", "ignore_line", "import_statement", "render_summary", "undo_line"]  # fmt: skip


class MappingToConfirm(Exception):
    """A CSV layout no profile knows: the freelancer confirms the columns once (nothing was saved).

    `guess` is what Relance would use (None: it could not tell); import again with
    `csv_mapping=guess` (or a corrected one) and it is remembered for files with the same header.
    """

    def __init__(self, header: list[str], guess: CsvMapping | None) -> None:
        super().__init__("the CSV columns need confirming")
        self.header, self.guess = header, guess


@dataclass(frozen=True)
class LineOutcome:
    line: BankLine
    status: str
    """applied, to_confirm or unmatched."""
    line_id: int | None = None
    """bank_lines.id (None in a dry run): what the confirm/undo buttons name."""
    allocations: tuple[Allocation, ...] = ()
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    file_name: str
    format: str
    bank: str | None
    dry_run: bool
    lines_read: int
    credits: int
    duplicates: int
    """Credits already imported (earlier statement, overlap) or repeated in this file: skipped."""
    applied: tuple[LineOutcome, ...] = ()
    to_confirm: tuple[LineOutcome, ...] = ()
    unmatched: tuple[LineOutcome, ...] = ()
    invoice_numbers: dict[int, str] = field(default_factory=dict)
    import_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        def outcome(o: LineOutcome) -> dict[str, Any]:
            line = o.line
            return {
                "line_id": o.line_id, "date": line.booking_date.isoformat(),
                "amount": format_major(Money(line.amount_minor, line.currency)), "currency": line.currency,
                "counterparty": line.counterparty, "remittance": line.remittance,
                "transaction_id": line.transaction_id,
                "payments": [{"invoice": self.invoice_numbers.get(a.invoice_id), "invoice_id": a.invoice_id,
                              "amount": format_major(Money(a.amount_minor, line.currency))} for a in o.allocations],
                "candidates": [{"score": c.score, "reasons": list(c.reasons),
                                "invoices": [self.invoice_numbers.get(i) for i in c.invoice_ids]}
                               for c in o.candidates],
            }  # fmt: skip

        return {
            "file": self.file_name, "format": self.format, "bank": self.bank, "dry_run": self.dry_run,
            "lines_read": self.lines_read, "credits": self.credits, "duplicates": self.duplicates,
            "applied": [outcome(o) for o in self.applied], "to_confirm": [outcome(o) for o in self.to_confirm],
            "unmatched": [outcome(o) for o in self.unmatched],
        }  # fmt: skip


async def import_statement(
    store: Store,
    freelancer: Freelancer,
    data: bytes,
    filename: str,
    clock: Clock,
    *,
    apply_certain: bool = True,
    dry_run: bool = False,
    csv_mapping: CsvMapping | None = None,
    invoice_changed: InvoiceChanged | None = None,
) -> ImportSummary:
    """Read the file and record what it proves. Raises StatementError (nothing saved) or MappingToConfirm.

    apply_certain=False is the "ask me for everything" setting: certain matches wait with the rest.
    invoice_changed: what "Mark paid" calls after a payment (Services.invoice_changed in the bot);
    by default the reminder planner itself, so paid invoices lose their planned reminders.
    """
    mapping = csv_mapping
    key = None
    if detect_format(data, filename) == "csv":
        header = csv_header(data)
        key = header_key(header) if header else None
        if mapping is None and key is not None:
            mapping = await store.bank.csv_mapping(freelancer.id, key)
    try:
        statement = parse_statement(
            data, filename, default_currency=freelancer.default_currency, csv_mapping=mapping
        )
    except MappingNeeded as exc:
        raise MappingToConfirm(exc.header, None) from None
    if statement.mapping_source == "guessed":
        raise MappingToConfirm(list(statement.csv_header), statement.csv_mapping)
    if csv_mapping is not None and key is not None and not dry_run:
        await store.bank.save_csv_mapping(freelancer.id, key, csv_mapping, now=clock.now())

    credits = statement.credits
    unique: dict[str, BankLine] = {}
    for line in credits:
        unique.setdefault(line.raw_hash, line)
    known = await store.bank.known_keys(freelancer.id, list(unique))
    new = [line for k, line in unique.items() if k not in known]
    invoices = await store.bank.open_invoices(freelancer.id)
    numbers = {i.id: i.number for i in invoices}
    records = []
    for decision in match_lines(new, invoices):
        if decision.kind == "certain" and apply_certain:
            records.append(LineToRecord(decision.line, "applied", decision.candidates, decision.allocations))
        elif decision.kind == "unmatched":
            records.append(LineToRecord(decision.line, "unmatched"))
        else:
            records.append(LineToRecord(decision.line, "to_confirm", decision.candidates))
    summary = ImportSummary(filename, statement.format, statement.bank, dry_run, len(statement.lines),
                            len(credits), len(credits) - len(new), invoice_numbers=numbers)  # fmt: skip
    if dry_run:
        return _with_outcomes(summary, [(r, None, r.status, r.allocations) for r in records])

    recorded = await store.bank.record_import(
        freelancer.id, file_name=filename, fmt=statement.format, bank=statement.bank,
        lines_read=len(statement.lines), credits=len(credits), lines=records, now=clock.now(),
    )  # fmt: skip
    outcomes: list[tuple[LineToRecord, int | None, str, tuple[Allocation, ...]]] = []
    for r in records:
        key_ = r.line.raw_hash
        if key_ in recorded.duplicates:
            continue
        if r.status == "applied" and key_ not in recorded.applied:
            outcomes.append((r, recorded.line_ids[key_], "to_confirm", ()))
        else:
            outcomes.append((r, recorded.line_ids[key_], r.status, recorded.applied.get(key_, ())))
    summary = _with_outcomes(summary, outcomes)
    summary = ImportSummary(**{**summary.__dict__, "duplicates": summary.duplicates + len(recorded.duplicates),
                               "import_id": recorded.import_id})  # fmt: skip
    await _notify(store, freelancer, recorded.changed_invoices, clock, invoice_changed)
    return summary


def _with_outcomes(
    summary: ImportSummary, items: Sequence[tuple[LineToRecord, int | None, str, tuple[Allocation, ...]]]
) -> ImportSummary:
    groups: dict[str, list[LineOutcome]] = {"applied": [], "to_confirm": [], "unmatched": []}
    for record, line_id, status, allocations in items:
        groups[status].append(LineOutcome(record.line, status, line_id, allocations, record.candidates))
    return ImportSummary(**{**summary.__dict__, "applied": tuple(groups["applied"]),
                            "to_confirm": tuple(groups["to_confirm"]), "unmatched": tuple(groups["unmatched"])})  # fmt: skip


async def _notify(
    store: Store,
    freelancer: Freelancer,
    invoice_ids: Sequence[int],
    clock: Clock,
    listener: InvoiceChanged | None,
) -> None:
    if listener is None:
        from bot.engine.planner import ReminderPlanner  # the engine's planner, as "Mark paid" uses it

        listener = ReminderPlanner(store, clock).replan
    for invoice_id in invoice_ids:
        invoice = await store.invoices.get(freelancer.id, invoice_id)
        if invoice is not None:
            await listener(invoice)


async def confirm_line(
    store: Store, freelancer: Freelancer, line_id: int, allocations: Sequence[Allocation], clock: Clock,
    invoice_changed: InvoiceChanged | None = None,
) -> tuple[int, ...]:  # fmt: skip
    """Record a proposal (or the freelancer's own choice of invoices) for a line; raises AllocationError."""
    changed = await store.bank.apply_line(freelancer.id, line_id, allocations, now=clock.now())
    await _notify(store, freelancer, changed, clock, invoice_changed)
    return changed


async def undo_line(
    store: Store,
    freelancer: Freelancer,
    line_id: int,
    clock: Clock,
    invoice_changed: InvoiceChanged | None = None,
) -> tuple[int, ...] | None:
    """Remove what an applied line recorded; reminders are planned again for the reopened invoices."""
    changed = await store.bank.undo_line(freelancer.id, line_id)
    if changed:
        await _notify(store, freelancer, changed, clock, invoice_changed)
    return changed


async def ignore_line(store: Store, freelancer: Freelancer, line_id: int) -> bool:
    """ "Not an invoice": the line is set aside and never proposed again."""
    return await store.bank.set_ignored(freelancer.id, line_id)


# Rendering ---------------------------------------------------------------------------------------------
_WHERE_WORDS = {
    "root element": N_("root element"),
    "statement": N_("statement"),
    "transaction": N_("transaction"),
    "header": N_("header"),
    "column": N_("column"),
    "line": N_("line"),
}
_WHERE_WORD = re.compile(r"\b(" + "|".join(_WHERE_WORDS) + r")\b")


def describe_error(tr: Translator, error: StatementError) -> str:
    """What is wrong and where, in the freelancer's language: "ligne 3, colonne 'Date' : …"."""
    problem = tr.plain(error.template, **error.values) if error.values else tr.plain(error.template)
    if not error.where:
        return problem
    where = _WHERE_WORD.sub(lambda m: tr.plain(_WHERE_WORDS[m[1]]), error.where)
    return tr.plain("{where}: {problem}", where=where, problem=problem)


def render_summary(tr: Translator, summary: ImportSummary) -> Html:
    """The summary in the freelancer's language, HTML-escaped (the CLI unescapes it)."""
    out: list[Html] = [
        tr.n_("Read {n} line from {file} ({format}).", "Read {n} lines from {file} ({format}).",
              summary.lines_read, file=summary.file_name, format=_format_name(summary)),
        tr.n_("{n} credit (money received).", "{n} credits (money received).", summary.credits),
    ]  # fmt: skip
    if summary.duplicates:
        out.append(tr.n_("{n} was already imported: skipped.", "{n} were already imported: skipped.",
                         summary.duplicates))  # fmt: skip
    sections = (
        (
            summary.applied,
            tr.n_("✅ {n} payment recorded:", "✅ {n} payments recorded:", len(summary.applied)),
        ),
        (summary.to_confirm, tr.n_("❓ {n} to confirm:", "❓ {n} to confirm:", len(summary.to_confirm))),
        (summary.unmatched, tr.n_("➖ {n} not matched:", "➖ {n} not matched:", len(summary.unmatched))),
    )
    for outcomes, title in sections:
        out += [Html(""), title] if outcomes else []
        for outcome in outcomes[:LIST_AT_MOST]:
            out.append(_item(tr, summary, outcome))
        if len(outcomes) > LIST_AT_MOST:
            extra = len(outcomes) - LIST_AT_MOST
            out.append(tr.n_("… and {n} more.", "… and {n} more.", extra))
    if not summary.applied and not summary.to_confirm and not summary.unmatched and not summary.duplicates:
        out += [Html(""), tr._("No money received in this statement: nothing to match.")]
    if summary.dry_run:
        out += [Html(""), tr._("Trial run: nothing was saved.")]
    return Html("\n".join(out))


def _format_name(summary: ImportSummary) -> str:
    name = {"csv": "CSV", "ofx": "OFX", "mt940": "MT940"}.get(summary.format, summary.format.upper())
    return f"{name}, {summary.bank}" if summary.bank else name


def _item(tr: Translator, summary: ImportSummary, outcome: LineOutcome) -> Html:
    line = outcome.line
    payer = line.counterparty or tr._("(no name)")
    values = {"date": tr.date(line.booking_date, "short"), "amount": tr.money(line.amount_minor, line.currency),
              "payer": payer}  # fmt: skip
    allocations = outcome.allocations or (outcome.candidates[0].allocations if outcome.candidates else ())
    if not allocations:
        return tr._("{date} · {amount} · {payer} · {text}", text=line.remittance[:60] or "–", **values)
    invoices = ", ".join(summary.invoice_numbers.get(a.invoice_id, "?") for a in allocations)
    if outcome.status == "applied":
        return tr._("{date} · {amount} · {payer} → {invoices}", invoices=invoices, **values)
    return tr._("{date} · {amount} · {payer} → {invoices}?", invoices=invoices, **values)
