"""A bank statement sent as a document: read it, record what it proves, answer with the summary; then the
buttons: ✅ Confirm / Another invoice / Not an invoice on each line to confirm, ↩️ Undo on every recorded
payment, and the one-time check of a CSV layout Relance does not know. /bank lists what waits.

Every button names a bank line (or an invoice) by id: it is looked up for the pressing freelancer only.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.bank.csv_import import csv_header
from bot.bank.matching import Allocation, Candidate
from bot.bank.model import MAX_FILE_BYTES, CsvMapping, StatementError
from bot.bank.parse import detect_format, is_bank_statement
from bot.bank.service import (
    AllocationError,
    ImportSummary,
    MappingToConfirm,
    confirm_line,
    describe_error,
    ignore_line,
    import_statement,
    render_summary,
    undo_line,
)
from bot.context import RelanceContext
from bot.handlers import invoice_import
from bot.handlers.common import (
    answer,
    cb_parts,
    edit_in_place,
    freelancer_of,
    onboarded,
    refuse_callback,
    tr_for,
)
from bot.i18n import Html, Translator
from bot.presentation import bank_views
from bot.presentation import keyboards as kb
from bot.storage import Freelancer, Invoice
from bot.storage.bank import StoredLine

STATEMENT_SUFFIXES = (".xml", ".ofx", ".qfx", ".sta", ".mt940", ".940", ".txt", ".csv", ".tsv")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PROPOSALS_AT_ONCE = 5
OTHER_INVOICES_AT_MOST = 8
DRAFT = "bank_csv"


def looks_like_statement_name(file_name: str) -> bool:
    """A cheap first filter on the name; the content decides (`is_bank_statement`)."""
    return file_name.lower().endswith(STATEMENT_SUFFIXES)


def handlers() -> list[Any]:
    return [
        CommandHandler("bank", waiting_lines),
        CallbackQueryHandler(on_csv_button, pattern=kb.BK_CSV.pattern),
        CallbackQueryHandler(invoice_import.on_button, pattern=kb.IC.pattern),
        CallbackQueryHandler(on_line_button, pattern=kb.either(kb.BK_OK, kb.BK_ALT, kb.BK_PICK, kb.BK_NO, kb.BK_UNNO, kb.BK_BACK, kb.BK_UNDO)),
    ]


def _too_big(tr: Translator) -> Html:
    return tr._("This file is too big: I read bank statements up to 20 MB. Nothing was saved.")


async def on_statement(update: Update, ctx: RelanceContext) -> None:
    """Import the statement; a file too big or unreadable gets a clear answer and nothing is saved."""
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    tr = tr_for(update, ctx, freelancer)
    name = document.file_name or "statement"
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await answer(update, _too_big(tr))
        return
    data = await _download(ctx, document.file_id)
    if len(data) > MAX_FILE_BYTES:
        await answer(update, _too_big(tr))
        return
    if detect_format(data, name) == "csv" and await invoice_import.took_csv(
        update, ctx, freelancer, data, name, document.file_id
    ):
        return  # a CSV of invoices from another tool (or the question which kind it is)
    if not is_bank_statement(data, name) and not _unknown_csv(data, name):
        await answer(
            update,
            tr._(
                "I could not recognise {name} as a bank statement. Send a CAMT.053/054 XML, OFX/QFX, MT940 "
                "or CSV export from your bank, for example releve.xml.",
                name=name,
            ),
        )
        return
    await _import(update, ctx, freelancer, data, name, document.file_id, None)


async def import_file(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, data: bytes, name: str, file_id: str
) -> None:
    """Import a file the freelancer said is a bank statement (🏦 on an invoice-or-bank CSV)."""
    await _import(update, ctx, freelancer, data, name, file_id, None)


async def _download(ctx: RelanceContext, file_id: str) -> bytes:
    return bytes(await (await ctx.bot.get_file(file_id)).download_as_bytearray())


def _unknown_csv(data: bytes, name: str) -> bool:
    """A CSV file whose columns Relance cannot name: the freelancer may say which is which."""
    if not name.lower().endswith(CSV_SUFFIXES) or detect_format(data, name) != "csv":
        return False
    try:
        header = csv_header(data)
    except (StatementError, UnicodeError, ValueError):
        return False
    return header is not None and len(header) >= 2


async def _import(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    data: bytes,
    name: str,
    file_id: str,
    mapping: CsvMapping | None,
) -> bool:
    """Import and answer; False when the CSV columns still need checking (the check is shown)."""
    tr = tr_for(update, ctx, freelancer)
    try:
        summary = await import_statement(
            ctx.store, freelancer, data, name, ctx.clock, apply_certain=freelancer.bank_matching != "ask",
            csv_mapping=mapping, invoice_changed=ctx.services.invoice_changed,
        )  # fmt: skip
    except StatementError as exc:
        problem = tr._(
            "I could not read {name}: {problem}. Nothing was saved.",
            name=name,
            problem=describe_error(tr, exc),
        )
        draft = ctx.drafts.get(DRAFT)
        if mapping is not None and draft:  # the columns chosen do not read: let them be changed
            await _show_mapping(update, tr, draft, problem)
            return False
        await answer(update, problem)
        return True
    except MappingToConfirm as exc:
        guess = exc.guess.as_dict() if exc.guess else {}
        draft = {"file_id": file_id, "name": name[:200], "header": exc.header[:200], "mapping": guess,
                 "token": secrets.token_hex(3)}  # fmt: skip
        ctx.drafts[DRAFT] = draft
        await _show_mapping(update, tr, draft, None)
        return False
    applied = [
        (o.line_id, ", ".join(summary.invoice_numbers.get(a.invoice_id, "?") for a in o.allocations))
        for o in summary.applied
        if o.line_id is not None
    ]
    await answer(update, render_summary(tr, summary), bank_views.summary_keyboard(tr, applied))
    await _send_proposals(update, ctx, freelancer, tr, summary)
    return True


async def _send_proposals(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, tr: Translator, summary: ImportSummary
) -> None:
    """The lines to confirm, one message each (a few at a time: /bank shows the rest)."""
    waiting = [o for o in summary.to_confirm if o.line_id is not None]
    for outcome in waiting[:PROPOSALS_AT_ONCE]:
        assert outcome.line_id is not None
        invoices = await _invoices_of(ctx, freelancer, outcome.candidates)
        await answer(
            update, *bank_views.proposal_view(tr, outcome.line_id, outcome.line, outcome.candidates, invoices)
        )
    if len(waiting) > PROPOSALS_AT_ONCE:
        more = len(waiting) - PROPOSALS_AT_ONCE
        await answer(update, tr.n_("{n} more to confirm: send /bank to see them.",
                                   "{n} more to confirm: send /bank to see them.", more))  # fmt: skip


async def _invoices_of(
    ctx: RelanceContext, freelancer: Freelancer, candidates: tuple[Candidate, ...] | list[Candidate]
) -> dict[int, Invoice]:
    ids = {a.invoice_id for c in candidates for a in c.allocations}
    return await _invoices(ctx, freelancer, ids)


async def _invoices(ctx: RelanceContext, freelancer: Freelancer, ids: set[int]) -> dict[int, Invoice]:
    found = {}
    for invoice_id in sorted(ids):
        invoice = await ctx.store.invoices.get(freelancer.id, invoice_id)
        if invoice is not None:
            found[invoice_id] = invoice
    return found


async def _open_candidates(
    ctx: RelanceContext, freelancer: Freelancer, stored: StoredLine
) -> tuple[Candidate, ...]:
    """The stored proposals whose invoices are still open with enough balance."""
    fresh = []
    for candidate in stored.candidates:
        invoices = [await ctx.store.invoices.get(freelancer.id, a.invoice_id) for a in candidate.allocations]
        if all(i is not None and i.is_open and i.balance_minor >= a.amount_minor
               for i, a in zip(invoices, candidate.allocations, strict=True)):  # fmt: skip
            fresh.append(candidate)
    return tuple(fresh)


# /bank -------------------------------------------------------------------------------------------------
async def waiting_lines(update: Update, ctx: RelanceContext) -> None:
    """/bank: the bank lines waiting for a decision (to confirm, then not matched), a few at a time."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return
    tr = tr_for(update, ctx, freelancer)
    lines = await ctx.store.bank.lines(freelancer.id, "to_confirm", limit=PROPOSALS_AT_ONCE)
    lines += await ctx.store.bank.lines(freelancer.id, "unmatched", limit=PROPOSALS_AT_ONCE - len(lines))
    if not lines:
        await answer(
            update,
            tr._(
                "No bank payment waits for you. Send me a statement file from your bank (CAMT.053, OFX, "
                "MT940 or CSV) and I will mark the paid invoices."
            ),
        )
        return
    total = await ctx.store.bank.count_waiting(freelancer.id)
    await answer(update, tr.n_("{n} bank payment waits for you:", "{n} bank payments wait for you:", total))
    for stored in lines:
        await answer(update, *await _proposal(ctx, freelancer, tr, stored))


async def _proposal(
    ctx: RelanceContext, freelancer: Freelancer, tr: Translator, stored: StoredLine, note: Html | None = None
) -> tuple[Html, InlineKeyboardMarkup]:
    candidates = await _open_candidates(ctx, freelancer, stored)
    invoices = await _invoices_of(ctx, freelancer, candidates)
    return bank_views.proposal_view(tr, stored.id, stored.line, candidates, invoices, note)


# The buttons of a bank line ---------------------------------------------------------------------------
async def on_line_button(update: Update, ctx: RelanceContext) -> None:
    parts = cb_parts(update)
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    action = parts[0] if parts else ""
    try:
        line_id = int(parts[1])
        extra = int(parts[2]) if len(parts) > 2 else None
    except (IndexError, ValueError):
        await refuse_callback(update, tr, "malformed bank button")
        return
    stored = await ctx.store.bank.get_line(freelancer.id, line_id) if freelancer else None
    if freelancer is None or stored is None:
        await refuse_callback(update, tr, "bank line not owned")
        return
    if action == "undo":
        await _undo(update, ctx, freelancer, tr, stored, from_summary=extra == 1)
    elif action == "unno":
        await ctx.store.bank.set_ignored(freelancer.id, stored.id, False)
        await _redraw(update, ctx, freelancer, tr, stored.id, None)
    elif stored.status == "applied":
        await _already_applied(update, ctx, freelancer, tr, stored)
    elif action == "no":
        await ignore_line(ctx.store, freelancer, stored.id)
        await edit_in_place(update, *bank_views.ignored_view(tr, stored.id, stored.line))
    elif action == "back":
        await edit_in_place(update, *await _proposal(ctx, freelancer, tr, stored))
    elif action == "alt":
        await edit_in_place(update, *await _choices(ctx, freelancer, tr, stored))
    elif action == "ok" and extra is not None:
        candidates = stored.candidates
        if not 0 <= extra < len(candidates):
            await refuse_callback(update, tr, "no such proposal")
            return
        await _apply(update, ctx, freelancer, tr, stored, candidates[extra].allocations)
    elif action == "pick" and extra is not None:
        invoice = await ctx.store.invoices.get(freelancer.id, extra)
        if invoice is None:
            await refuse_callback(update, tr, "invoice not owned")
            return
        amount = min(stored.line.amount_minor, invoice.balance_minor)
        await _apply(update, ctx, freelancer, tr, stored, (Allocation(invoice.id, max(amount, 0)),))
    else:
        await refuse_callback(update, tr, "unknown bank button")


async def _choices(
    ctx: RelanceContext, freelancer: Freelancer, tr: Translator, stored: StoredLine
) -> tuple[Html, InlineKeyboardMarkup]:
    """Other proposals first, then open invoices in the currency: the payer's clients first, then the
    balances nearest to the amount."""
    line = stored.line
    candidates = await _open_candidates(ctx, freelancer, stored)
    invoices = await _invoices_of(ctx, freelancer, candidates)
    proposed = {a.invoice_id for c in candidates for a in c.allocations}
    proposed_clients = {invoices[i].client_id for i in proposed if i in invoices}
    others = [
        i for i in await ctx.store.bank.open_invoices(freelancer.id)
        if i.currency == line.currency and i.id not in proposed
    ]  # fmt: skip
    others.sort(
        key=lambda i: (i.client_id not in proposed_clients, abs(i.balance_minor - line.amount_minor), i.id)
    )
    return bank_views.choices_view(tr, stored.id, line, candidates, invoices, others[:OTHER_INVOICES_AT_MOST])


async def _apply(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    tr: Translator,
    stored: StoredLine,
    allocations: tuple[Allocation, ...],
) -> None:
    try:
        await confirm_line(
            ctx.store,
            freelancer,
            stored.id,
            allocations,
            ctx.clock,
            invoice_changed=ctx.services.invoice_changed,
        )
    except AllocationError:
        note = tr._("This invoice cannot take this payment any more (paid meanwhile, or another currency).")
        await edit_in_place(update, *await _proposal(ctx, freelancer, tr, stored, note))
        return
    invoices = await _invoices(ctx, freelancer, {a.invoice_id for a in allocations})
    await edit_in_place(update, *bank_views.applied_view(tr, stored.id, stored.line, allocations, invoices))


async def _already_applied(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, tr: Translator, stored: StoredLine
) -> None:
    payments = await ctx.store.bank.payments_of_line(stored.id)
    allocations = tuple(Allocation(invoice_id, amount) for _, invoice_id, amount in payments)
    invoices = await _invoices(ctx, freelancer, {a.invoice_id for a in allocations})
    text, markup = bank_views.applied_view(tr, stored.id, stored.line, allocations, invoices)
    await edit_in_place(update, tr._("This payment is already recorded.") + Html("\n\n") + text, markup)


async def _undo(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    tr: Translator,
    stored: StoredLine,
    *,
    from_summary: bool,
) -> None:
    """↩️ Undo: the payments the line recorded are removed, the invoices reopen and their reminders are
    planned again; the line waits for a decision again. Pressed on the summary, the answer is a new message."""
    payments = await ctx.store.bank.payments_of_line(stored.id)
    numbers = await _invoices(ctx, freelancer, {invoice_id for _, invoice_id, _ in payments})
    changed = await undo_line(
        ctx.store, freelancer, stored.id, ctx.clock, invoice_changed=ctx.services.invoice_changed
    )
    if changed is None:
        note = tr._("Nothing to undo: this payment is not recorded any more.")
    else:
        note = tr._(
            "↩️ Payment removed: {invoices} open again, reminders planned again.",
            invoices=", ".join(numbers[i].number for i in changed if i in numbers) or "–",
        )
    await _redraw(update, ctx, freelancer, tr, stored.id, note, new_message=from_summary)


async def _redraw(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    tr: Translator,
    line_id: int,
    note: Html | None,
    *,
    new_message: bool = False,
) -> None:
    stored = await ctx.store.bank.get_line(freelancer.id, line_id)
    if stored is None:
        await refuse_callback(update, tr, "bank line gone")
        return
    if stored.status == "applied":
        payments = await ctx.store.bank.payments_of_line(stored.id)
        allocations = tuple(Allocation(invoice_id, amount) for _, invoice_id, amount in payments)
        invoices = await _invoices(ctx, freelancer, {a.invoice_id for a in allocations})
        text, markup = bank_views.applied_view(tr, stored.id, stored.line, allocations, invoices)
        text = Html(f"{note}\n\n{text}") if note else text
    elif stored.status == "ignored":
        text, markup = bank_views.ignored_view(tr, stored.id, stored.line)
    else:
        text, markup = await _proposal(ctx, freelancer, tr, stored, note)
    if new_message:
        await answer(update, text, markup)
    else:
        await edit_in_place(update, text, markup)


# A CSV layout to check once ----------------------------------------------------------------------------
async def _show_mapping(update: Update, tr: Translator, draft: dict[str, Any], problem: Html | None) -> None:
    text, markup = bank_views.mapping_view(
        tr, draft["token"], draft["name"], draft["header"], draft["mapping"], problem
    )
    if update.callback_query:
        await edit_in_place(update, text, markup)
    else:
        await answer(update, text, markup)


async def on_csv_button(update: Update, ctx: RelanceContext) -> None:
    """Change a column, ✅ Import with the columns shown (remembered for this header), or ✖️ Cancel."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    draft = ctx.drafts.get(DRAFT) if freelancer else None
    token, *parts = cb_parts(update)[1:] or [""]
    if freelancer is None or not draft or not parts or token != draft.get("token"):
        await refuse_callback(update, tr, "no CSV layout to check")
        return
    action, header = parts[0], list(draft["header"])
    if action == "stop":
        ctx.drafts.pop(DRAFT, None)
        await edit_in_place(update, tr._("Cancelled: nothing was imported."), None)
    elif action == "back":
        await _show_mapping(update, tr, draft, None)
    elif action == "role" and len(parts) == 2 and parts[1] in bank_views.ROLES:
        await edit_in_place(update, *bank_views.column_picker(tr, token, parts[1], header))
    elif action == "col" and len(parts) == 3 and parts[1] in bank_views.ROLES:
        if not _set_column(draft, parts[1], parts[2]):
            await refuse_callback(update, tr, "no such column")
            return
        ctx.drafts[DRAFT] = draft
        await _show_mapping(update, tr, draft, None)
    elif action == "go":
        await _import_checked(update, ctx, freelancer, tr, draft)
    else:
        await refuse_callback(update, tr, "unknown CSV button")


def _set_column(draft: dict[str, Any], role: str, value: str) -> bool:
    header: list[str] = draft["header"]
    mapping: dict[str, Any] = dict(draft["mapping"])
    if value == "-" and role in ("counterparty", "remittance"):
        mapping[role] = []
    else:
        try:
            index = int(value)
        except ValueError:
            return False
        if not 0 <= index < len(header) or not header[index].strip():
            return False
        column = header[index]
        if role in ("counterparty", "remittance"):
            mapping[role] = [column]
        else:
            mapping[role] = column
        if role == "amount":
            mapping["credit"] = mapping["debit"] = None
    draft["mapping"] = mapping
    return True


async def _import_checked(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, tr: Translator, draft: dict[str, Any]
) -> None:
    try:
        mapping = CsvMapping.from_dict(draft["mapping"])
    except ValueError:
        await _show_mapping(
            update, tr, draft, tr._("Tap Date and Amount to tell me which columns hold them.")
        )
        return
    query = update.callback_query
    if query is not None:
        await query.edit_message_reply_markup(None)  # one import per check: the buttons go
    data = await _download(ctx, draft["file_id"])
    if await _import(update, ctx, freelancer, data, draft["name"], draft["file_id"], mapping):
        ctx.drafts.pop(DRAFT, None)
