"""A bank statement sent as a document: read it, record what it proves, answer with the summary."""

from __future__ import annotations

from telegram import Update

from bot.bank.model import MAX_FILE_BYTES, StatementError
from bot.bank.parse import is_bank_statement
from bot.bank.service import MappingToConfirm, import_statement, render_summary
from bot.context import RelanceContext
from bot.handlers.common import answer, onboarded, tr_for

STATEMENT_SUFFIXES = (".xml", ".ofx", ".qfx", ".sta", ".mt940", ".940", ".txt", ".csv", ".tsv")


def looks_like_statement_name(file_name: str) -> bool:
    """A cheap first filter on the name; the content decides (`is_bank_statement`)."""
    return file_name.lower().endswith(STATEMENT_SUFFIXES)


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
        await answer(
            update, tr._("This file is too big: I read bank statements up to 20 MB. Nothing was saved.")
        )
        return
    data = bytes(await (await ctx.bot.get_file(document.file_id)).download_as_bytearray())
    if len(data) > MAX_FILE_BYTES:
        await answer(
            update, tr._("This file is too big: I read bank statements up to 20 MB. Nothing was saved.")
        )
        return
    if not is_bank_statement(data, name):
        await answer(
            update,
            tr._(
                "I could not recognise {name} as a bank statement. Send a CAMT.053/054 XML, OFX/QFX, MT940 "
                "or CSV export from your bank, for example releve.xml.",
                name=name,
            ),
        )
        return
    try:
        summary = await import_statement(
            ctx.store, freelancer, data, name, ctx.clock, invoice_changed=ctx.services.invoice_changed
        )
    except StatementError as exc:
        await answer(
            update,
            tr._("I could not read {name}: {problem}. Nothing was saved.", name=name, problem=str(exc)),
        )
        return
    except MappingToConfirm:
        await answer(
            update,
            tr._(
                "I do not know the columns of {name} yet. Import it once with "
                "relance import-statement --columns; I will remember them for this bank.",
                name=name,
            ),
        )
        return
    await answer(update, render_summary(tr, summary))
