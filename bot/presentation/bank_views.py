"""What the freelancer sees of a bank statement: the lines to confirm with their buttons, the notices of
recorded payments with ↩️ Undo, and the CSV column check. Texts and keyboards only, no I/O.

Callback data ("bk:…") carries only a bank line id, a proposal's rank, an invoice id or a column index:
the handlers look each one up for the pressing freelancer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardMarkup

from bot.bank.matching import Allocation, Candidate, OpenInvoice
from bot.bank.model import BankLine
from bot.i18n import N_, Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import chunk, keyboard
from bot.storage import Invoice

UNDO_BUTTONS_AT_MOST = 10
COLUMN_LABEL_CHARS = 24
REASONS = {
    "reference": N_("the invoice number is in the transfer"),
    "creditor_reference": N_("the RF reference is in the transfer"),
    "amount": N_("same amount as what is due"),
    "sum": N_("the sum of several invoices"),
    "partial": N_("a partial payment"),
    "overpaid": N_("more than what is due"),
    "name": N_("the payer's name is the client's"),
    "before_issue": N_("paid before the invoice date"),
}
ROLES = {
    "date": N_("Date"),
    "amount": N_("Amount"),
    "counterparty": N_("Payer"),
    "remittance": N_("Transfer text"),
}
"""The CSV columns the freelancer checks, in the order shown."""
QUESTIONS = {
    "date": N_("Which column holds the date of the movement?"),
    "amount": N_("Which column holds the amount (money in positive, money out negative)?"),
    "counterparty": N_("Which column holds the payer's name?"),
    "remittance": N_("Which column holds the text of the transfer (its reference)?"),
}
COLUMNS_AT_MOST = 40


def line_heading(tr: Translator, line: BankLine) -> Html:
    payer = line.counterparty or tr.plain("(no name)")
    return tr._(
        "{date} · <b>{amount}</b> from {payer}",
        date=tr.date(line.booking_date, "short"),
        amount=tr.money(line.amount_minor, line.currency),
        payer=payer,
    )


def _remittance(tr: Translator, line: BankLine) -> Html:
    return tr._("<i>{text}</i>", text=line.remittance[:200]) if line.remittance else Html("")


def allocation_text(
    tr: Translator, allocations: Sequence[Allocation], invoices: Mapping[int, Invoice]
) -> str:
    """ "F-2026-003 (600,00 €) + F-2026-004 (300,00 €)", or just the number for one invoice."""
    if len(allocations) == 1:
        invoice = invoices.get(allocations[0].invoice_id)
        return invoice.number if invoice else "?"
    parts = []
    for a in allocations:
        invoice = invoices.get(a.invoice_id)
        number = invoice.number if invoice else "?"
        currency = invoice.currency if invoice else "EUR"
        parts.append(
            tr.plain("{number} ({amount})", number=number, amount=tr.money(a.amount_minor, currency))
        )
    return " + ".join(parts)


def _why(tr: Translator, candidate: Candidate) -> str:
    return ", ".join(tr.plain(REASONS[r]) for r in candidate.reasons if r in REASONS)


def proposal_view(
    tr: Translator,
    line_id: int,
    line: BankLine,
    candidates: Sequence[Candidate],
    invoices: Mapping[int, Invoice],
    note: Html | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    """A bank line waiting for the freelancer: the best proposal, ✅ Confirm / Another invoice / Not an invoice."""
    out: list[str] = [note, ""] if note else []
    out += [tr._("❓ <b>Which invoice does this pay?</b>"), line_heading(tr, line)]
    if line.remittance:
        out.append(_remittance(tr, line))
    buttons: list[list[tuple[str, str]]] = []
    if candidates:
        best = candidates[0]
        balance = sum(
            invoices[a.invoice_id].balance_minor for a in best.allocations if a.invoice_id in invoices
        )
        out += [
            "",
            tr._(
                "Proposed: {invoices} — {why} (still due: {balance}).",
                invoices=allocation_text(tr, best.allocations, invoices),
                why=_why(tr, best),
                balance=tr.money(balance, line.currency),
            ),
        ]
        buttons.append([(tr.plain("✅ Confirm"), kb.BK_OK(line_id, 0))])
    else:
        out += ["", tr._("I found no invoice for it. Tap Another invoice to choose one.")]
    buttons.append(
        [
            (tr.plain("Another invoice"), kb.BK_ALT(line_id)),
            (tr.plain("Not an invoice"), kb.BK_NO(line_id)),
        ]
    )
    return Html("\n".join(out)), keyboard(buttons)


def choices_view(
    tr: Translator,
    line_id: int,
    line: BankLine,
    candidates: Sequence[Candidate],
    invoices: Mapping[int, Invoice],
    others: Sequence[OpenInvoice],
) -> tuple[Html, InlineKeyboardMarkup]:
    """ "Another invoice": the other proposals, then open invoices in the transfer's currency."""
    out: list[str] = [tr._("Which invoice does this transfer pay?"), line_heading(tr, line)]
    if line.remittance:
        out.append(_remittance(tr, line))
    rows: list[list[tuple[str, str]]] = []
    for rank, candidate in enumerate(candidates[1:], start=1):
        label = allocation_text(tr, candidate.allocations, invoices)
        rows.append([(tr.plain("✅ {invoices}", invoices=label)[:60], kb.BK_OK(line_id, rank))])
    for invoice in others:
        label = tr.plain(
            "{number} · {client} · {balance}",
            number=invoice.number,
            client=invoice.client_name,
            balance=tr.money(invoice.balance_minor, invoice.currency),
        )
        rows.append([(label[:60], kb.BK_PICK(line_id, invoice.id))])
    if not rows:
        out += ["", tr._("You have no open invoice in {currency}.", currency=line.currency)]
    rows.append(
        [
            (tr.plain("◀️ Back"), kb.BK_BACK(line_id)),
            (tr.plain("Not an invoice"), kb.BK_NO(line_id)),
        ]
    )
    return Html("\n".join(out)), keyboard(rows)


def applied_view(
    tr: Translator,
    line_id: int,
    line: BankLine,
    allocations: Sequence[Allocation],
    invoices: Mapping[int, Invoice],
) -> tuple[Html, InlineKeyboardMarkup]:
    """The notice of a recorded payment, with ↩️ Undo."""
    out = [
        tr._("✅ <b>Payment recorded</b>"),
        line_heading(tr, line),
        tr._("→ {invoices}", invoices=allocation_text(tr, allocations, invoices)),
    ]
    for a in allocations:
        invoice = invoices.get(a.invoice_id)
        if invoice is None:
            continue
        if invoice.is_open:
            out.append(
                tr._(
                    "{number}: {balance} still due; reminders continue.",
                    number=invoice.number,
                    balance=tr.money(invoice.balance_minor, invoice.currency),
                )
            )
        else:
            out.append(tr._("{number} is paid: its reminders are stopped.", number=invoice.number))
    return Html("\n".join(out)), keyboard([[(tr.plain("↩️ Undo"), kb.BK_UNDO(line_id))]])


def ignored_view(tr: Translator, line_id: int, line: BankLine) -> tuple[Html, InlineKeyboardMarkup]:
    text = Html("\n".join([tr._("➖ Set aside: this transfer pays no invoice."), line_heading(tr, line)]))
    return text, keyboard([[(tr.plain("↩️ Undo"), kb.BK_UNNO(line_id))]])


def summary_keyboard(tr: Translator, applied: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """↩️ Undo for each payment the summary lists as recorded: (bank line id, invoice numbers)."""
    rows = [
        [(tr.plain("↩️ Undo {invoices}", invoices=numbers)[:60], kb.BK_UNDO(line_id, 1))]
        for line_id, numbers in applied[:UNDO_BUTTONS_AT_MOST]
    ]
    return keyboard(rows) if rows else None


# CSV columns ------------------------------------------------------------------------------------------
def column_label(tr: Translator, header: Sequence[str], index: int) -> str:
    name = header[index].strip() if 0 <= index < len(header) else ""
    return name[:COLUMN_LABEL_CHARS] if name else tr.plain("column {n}", n=index + 1)


def mapping_view(
    tr: Translator,
    token: str,
    file_name: str,
    header: Sequence[str],
    mapping: Mapping[str, object],
    problem: Html | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    """How Relance would read a CSV it does not know, a button per role to change it, and ✅ Import.

    `token` names this check in the buttons: those of an earlier file's check are refused."""

    def shown(role: str) -> str:
        if role == "amount" and not mapping.get("amount") and mapping.get("credit"):
            credit, debit = str(mapping["credit"]), str(mapping.get("debit") or "–")
            return tr.plain("credit {credit}, debit {debit}", credit=credit, debit=debit)
        value = mapping.get(role)
        names = [value] if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
        return ", ".join(str(n) for n in names if n) or tr.plain("none")

    out: list[str] = [problem, ""] if problem else []
    out += [
        tr._(
            "I do not know the columns of {name} yet. Check how I would read it; I will remember it for the "
            "files of this bank.",
            name=file_name,
        ),
        "",
    ]
    out += [
        tr._("<b>{role}</b>: {column}", role=tr.plain(label), column=shown(role))
        for role, label in ROLES.items()
    ]
    ready = bool(mapping.get("date")) and bool(mapping.get("amount") or mapping.get("credit"))
    if not ready:
        out += ["", tr._("Tap Date and Amount to tell me which columns hold them.")]
    rows = chunk(
        [(tr.plain(label), kb.BK_CSV(token, "role", role)) for role, label in ROLES.items()], 2
    )
    last = [(tr.plain("✅ Import"), kb.BK_CSV(token, "go"))] if ready else []
    rows.append([*last, (tr.plain("✖️ Cancel"), kb.BK_CSV(token, "stop"))])
    return Html("\n".join(out)), keyboard(rows)


def column_picker(
    tr: Translator, token: str, role: str, header: Sequence[str]
) -> tuple[Html, InlineKeyboardMarkup]:
    text = tr._(QUESTIONS[role])
    count = min(len(header), COLUMNS_AT_MOST)
    buttons = [(column_label(tr, header, i), kb.BK_CSV(token, "col", role, i)) for i in range(count)]
    rows = chunk(buttons, 2)
    if role in ("counterparty", "remittance"):
        rows.append([(tr.plain("None"), kb.BK_CSV(token, "col", role, "-"))])
    rows.append([(tr.plain("◀️ Back"), kb.BK_CSV(token, "back"))])
    return text, keyboard(rows)
