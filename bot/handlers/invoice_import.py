"""A CSV of invoices sent as a document (an export of another invoicing tool, or Relance's own /export):
the columns checked once with buttons (remembered for that layout), a preview with ✅ Import / ✖️ Cancel,
then every invoice created in one go with its client and its reminders.

A CSV whose header is not clearly invoices nor bank movements gets the question first (🏦 / 🧾). The
buttons carry the pending import's token only: they are checked against the pressing freelancer's draft.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update

from bot.bank.csv_import import header_key
from bot.context import RelanceContext
from bot.einvoice.csv_invoices import csv_kind, invoice_header
from bot.einvoice.csv_profiles import InvoiceColumns
from bot.einvoice.model import EInvoiceError
from bot.einvoice.service import ColumnsToConfirm, import_invoices, read_invoice_file
from bot.handlers.common import answer, cb_parts, edit_in_place, freelancer_of, refuse_callback, tr_for
from bot.i18n import Html, Translator
from bot.presentation import einvoice_views as views
from bot.presentation.views import local_today, plan_label
from bot.storage import Freelancer
from bot.storage.invoices import DuplicateNumberError

DRAFT = "invoice_csv"


def _draft(file_id: str, name: str) -> dict[str, Any]:
    return {
        "file_id": file_id,
        "name": name[:200],
        "token": secrets.token_hex(3),
        "header": [],
        "columns": None,
    }


async def _download(ctx: RelanceContext, file_id: str) -> bytes:
    return bytes(await (await ctx.bot.get_file(file_id)).download_as_bytearray())


async def took_csv(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, data: bytes, name: str, file_id: str
) -> bool:
    """A CSV sent as a document: False when it is bank movements (the bank import goes on), else the
    invoice import starts, or the freelancer is asked which kind it is."""
    kind = csv_kind(data)
    if kind == "unsure":
        kind = await remembered_kind(ctx, freelancer, data) or kind
    if kind == "invoices":
        await on_invoice_csv(update, ctx, freelancer, data, name, file_id)
    elif kind == "unsure":
        await ask_kind(update, ctx, freelancer, name, file_id)
    return kind in ("invoices", "unsure")


async def remembered_kind(ctx: RelanceContext, freelancer: Freelancer, data: bytes) -> str | None:
    """ "invoices" or "bank" when the freelancer already confirmed columns for this header."""
    header = invoice_header(data)
    if not header:
        return None
    key = header_key(header)
    if await ctx.store.invoice_imports.columns(freelancer.id, key):
        return "invoices"
    return "bank" if await ctx.store.bank.csv_mapping(freelancer.id, key) else None


async def ask_kind(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, name: str, file_id: str
) -> None:
    """🏦 or 🧾: the header alone could not tell."""
    draft = ctx.drafts[DRAFT] = _draft(file_id, name)
    await answer(update, *views.kind_question(tr_for(update, ctx, freelancer), draft["token"], draft["name"]))


async def on_invoice_csv(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, data: bytes, name: str, file_id: str
) -> None:
    """A CSV of invoices: its preview (or the column check first)."""
    ctx.drafts[DRAFT] = _draft(file_id, name)
    await _preview(update, ctx, freelancer, data, ctx.drafts[DRAFT])


async def _preview(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, data: bytes, draft: dict[str, Any]
) -> None:
    tr = tr_for(update, ctx, freelancer)
    columns = InvoiceColumns.from_dict(draft["columns"]) if draft.get("columns") else None
    try:
        plan = await read_invoice_file(ctx.store, freelancer, data, draft["name"], columns=columns)
    except ColumnsToConfirm as exc:
        draft.update(header=exc.header[:200], columns=exc.guess.as_dict())
        ctx.drafts[DRAFT] = draft
        await _show(update, views.columns_view(tr, draft["token"], draft["name"], draft["columns"]))
        return
    except EInvoiceError as exc:
        await _show(update, (views.errors_text(tr, draft["name"], exc), None))
        if not draft.get("columns"):
            ctx.drafts.pop(DRAFT, None)
        return
    ctx.drafts[DRAFT] = draft
    await _show(update, views.preview_view(tr, draft["token"], plan, plan_label(tr, freelancer.default_plan)))


async def _show(update: Update, view: tuple[Html, Any]) -> None:
    if update.callback_query:
        await edit_in_place(update, *view)
    else:
        await answer(update, *view)


async def on_button(update: Update, ctx: RelanceContext) -> None:
    """🏦 / 🧾, a column to change, ✅ Continue, ✅ Import, ✖️ Cancel — for this freelancer's pending file only."""
    freelancer = await freelancer_of(update, ctx)
    tr = tr_for(update, ctx, freelancer)
    draft = ctx.drafts.get(DRAFT) if freelancer else None
    token, *parts = cb_parts(update) or [""]
    if freelancer is None or not draft or not parts or token != draft.get("token"):
        await refuse_callback(update, tr, "no invoice CSV pending")
        return
    action = parts[0]
    if action == "stop":
        ctx.drafts.pop(DRAFT, None)
        await edit_in_place(update, tr._("Cancelled: nothing was imported."), None)
    elif action == "bank":
        ctx.drafts.pop(DRAFT, None)
        await _as_bank_statement(update, ctx, freelancer, draft)
    elif action in ("inv", "check"):
        await _preview(update, ctx, freelancer, await _download(ctx, draft["file_id"]), draft)
    elif action == "back" and draft.get("columns") is not None:
        await _show(update, views.columns_view(tr, token, draft["name"], draft["columns"]))
    elif action == "role" and len(parts) == 2 and parts[1] in views.ROLES and draft.get("header"):
        await edit_in_place(update, *views.column_picker(tr, token, parts[1], draft["header"]))
    elif (
        action == "col"
        and len(parts) == 3
        and parts[1] in views.ROLES
        and _set_column(draft, parts[1], parts[2])
    ):
        ctx.drafts[DRAFT] = draft
        await _show(update, views.columns_view(tr, token, draft["name"], draft["columns"]))
    elif action == "go" and parts[1:] in ([], ["off"]):
        await _import(update, ctx, freelancer, tr, draft, reminders=parts[1:] != ["off"])
    else:
        await refuse_callback(update, tr, "unknown invoice CSV button")


def _set_column(draft: dict[str, Any], role: str, value: str) -> bool:
    header: list[str] = draft["header"]
    columns = dict(draft.get("columns") or {})
    if value == "-" and role not in views.NEEDED:
        columns[role] = None
    elif value.isdigit() and int(value) < len(header) and header[int(value)].strip():
        columns[role] = header[int(value)]
    else:
        return False
    draft["columns"] = columns
    return True


async def _import(
    update: Update,
    ctx: RelanceContext,
    freelancer: Freelancer,
    tr: Translator,
    draft: dict[str, Any],
    *,
    reminders: bool,
) -> None:
    query = update.callback_query
    if query is not None:
        await query.edit_message_reply_markup(None)  # one import per preview: the buttons go
    columns = InvoiceColumns.from_dict(draft["columns"]) if draft.get("columns") else None
    data = await _download(ctx, draft["file_id"])
    try:
        plan = await import_invoices(
            ctx.store, freelancer, data, draft["name"], ctx.clock, today=local_today(freelancer, ctx.clock.now()),
            invoice_changed=ctx.services.invoice_changed, columns=columns, reminders=reminders,
        )  # fmt: skip
    except (EInvoiceError, ColumnsToConfirm, DuplicateNumberError) as exc:
        text = (views.errors_text(tr, draft["name"], exc) if isinstance(exc, EInvoiceError)
                else tr._("The file changed or an invoice number was taken meanwhile: nothing was created. "
                          "Send the file again."))  # fmt: skip
        await answer(update, text)
        return
    finally:
        ctx.drafts.pop(DRAFT, None)
    await answer(update, views.done_text(tr, plan, reminders=reminders))


async def _as_bank_statement(
    update: Update, ctx: RelanceContext, freelancer: Freelancer, draft: dict[str, Any]
) -> None:
    from bot.handlers import bank_import  # it hands invoice CSVs here: imported when needed

    query = update.callback_query
    if query is not None:
        await query.edit_message_reply_markup(None)
    data = await _download(ctx, draft["file_id"])
    await bank_import.import_file(update, ctx, freelancer, data, draft["name"], draft["file_id"])
