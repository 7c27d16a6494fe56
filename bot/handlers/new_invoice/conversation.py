"""/new: register an invoice, one question at a time, with a summary to confirm, edit or cancel.

The draft lives in the user's persisted data, so a restart in the middle loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import RelanceContext
from bot.domain.invoice_text import read_invoice_text
from bot.domain.plans import BUILTIN_PLANS
from bot.einvoice.cii_ubl import MAX_XML_BYTES, looks_like_einvoice, parse_einvoice_xml
from bot.einvoice.facturx import pdf_einvoice
from bot.einvoice.model import EInvoiceError
from bot.handlers import bank_import
from bot.handlers.common import answer, cb_parts, chunk, freelancer_of, keyboard, onboarded, tr_for
from bot.handlers.new_invoice.answers import SKIPPABLE, TAKERS, choose_amount, prefill, prefill_from_facts
from bot.handlers.new_invoice.einvoice import forget_edited, prefill_from_einvoice
from bot.handlers.new_invoice.questions import ASK, Draft, Step, ask, default_plan, next_question
from bot.handlers.profile_fields import Invalid, clean_text
from bot.i18n import Html, Translator
from bot.pdf_text import pdf_text
from bot.presentation import keyboards as kb
from bot.presentation.einvoice_views import problem_text
from bot.presentation.views import (
    invoice_buttons,
    invoice_card,
)
from bot.storage.invoices import DuplicateNumberError, NewInvoice

log = logging.getLogger(__name__)
END = ConversationHandler.END
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
EDITABLE_FIELDS = ("client", "number", "amount", "issue_date", "due_date", "file", "description", "reminders")


async def load_step(update: Update, ctx: RelanceContext) -> Step | None:
    """The freelancer and their draft, or None (with an explanation sent) when there is no /new going on."""
    freelancer = await freelancer_of(update, ctx)
    draft = ctx.drafts.get("draft")
    if freelancer is None or not freelancer.onboarded or draft is None:
        await answer(
            update, tr_for(update, ctx, freelancer)._("That invoice draft is gone. Send /new to start again.")
        )
        return None
    return Step(ctx, freelancer, draft)


async def new_draft(update: Update, ctx: RelanceContext) -> Step | None:
    """An empty draft for a set-up freelancer (None after asking for /start)."""
    freelancer = await onboarded(update, ctx)
    if freelancer is None:
        return None
    draft: Draft = {}
    ctx.drafts["draft"] = draft
    return Step(ctx, freelancer, draft)


async def start(update: Update, ctx: RelanceContext) -> str | int:
    """/new [client amount term]: start a draft, filling what the fast path can read."""
    step = await new_draft(update, ctx)
    if step is None:
        return END
    if ctx.args:
        await prefill(step, " ".join(ctx.args))
    return await ask(update, step)


async def start_from_pdf(update: Update, ctx: RelanceContext) -> str | int:
    """A PDF forwarded outside any conversation: a new invoice with that file, filled from its e-invoice
    XML (Factur-X / ZUGFeRD) when it carries one, else prefilled from its text."""
    if ctx.drafts.get("draft") is not None:  # /new is under way: the PDF answers its file question
        return await on_file(update, ctx)
    step = await new_draft(update, ctx)
    if step is None:
        return END
    freelancer, draft = step.freelancer, step.draft
    try:
        file_id, file_name = accepted_file(update, step.tr)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    draft.update(file_done=True, file_id=file_id, file_name=file_name)
    data = bytes(await (await ctx.bot.get_file(file_id)).download_as_bytearray())
    problem: EInvoiceError | None = None
    try:
        einvoice = await pdf_einvoice(data)
    except EInvoiceError as exc:
        einvoice, problem = None, exc
    if einvoice is not None:
        await prefill_from_einvoice(step, einvoice)
        return await ask(update, step, step.tr._("I attached {name} to a new invoice and read its e-invoice data.",
                                                 name=file_name))  # fmt: skip
    facts = read_invoice_text(
        await pdf_text(data), locale=step.tr.locale, default_currency=freelancer.default_currency,
        today=step.today,
    )  # fmt: skip
    await prefill_from_facts(step, facts)
    note = step.tr._(
        "I attached {name} to a new invoice and filled in what I could read. Please check.", name=file_name
    )
    if problem is not None:
        unread = step.tr._("The e-invoice data inside {name} cannot be read: {problem}. I read its text instead.",
                           name=file_name, problem=problem_text(step.tr, problem))  # fmt: skip
        note = Html(f"{unread}\n{note}")
    return await ask(update, step, note)


async def start_from_xml(update: Update, ctx: RelanceContext) -> str | int:
    """An XML document outside any conversation: a CII or UBL e-invoice starts /new with every fact it
    gives (a broken one is explained and still attached); any other XML is a bank statement."""
    message = update.effective_message
    document = message.document if message else None
    if document is None or (document.file_size or 0) > MAX_XML_BYTES:
        await bank_import.on_statement(update, ctx)
        return END
    data = bytes(await (await ctx.bot.get_file(document.file_id)).download_as_bytearray())
    if not looks_like_einvoice(data):
        await bank_import.on_statement(update, ctx)
        return END
    step = await new_draft(update, ctx)
    if step is None:
        return END
    file_name = clean_text(document.file_name or "invoice.xml")[:80] or "invoice.xml"
    step.draft.update(file_done=True, file_id=document.file_id, file_name=file_name)
    try:
        await prefill_from_einvoice(step, parse_einvoice_xml(data))
    except EInvoiceError as exc:
        return await ask(update, step, step.tr._(
            "I could not read the e-invoice {name}: {problem}. I attached it to a new invoice; please answer "
            "the questions instead.", name=file_name, problem=problem_text(step.tr, exc)))  # fmt: skip
    return await ask(update, step, step.tr._("I read the e-invoice {name} into a new invoice.", name=file_name))


async def on_text(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    message = update.effective_message
    return await take(update, step, message.text if message and message.text else "")


async def take(update: Update, step: Step, text: str) -> str:
    """Hand a typed (or picked) answer to the question being asked; re-ask with the reason on bad input."""
    asking = step.draft.get("asking") or next_question(step.draft)
    taker = TAKERS.get(asking)
    if taker is None:  # summary or due confirmation: buttons only
        return await ask(update, step, step.tr._("Please use the buttons below."))
    try:
        await taker(step, text)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    return await ask(update, step)


async def on_file(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    if step.draft.get("asking") != "file":
        return await ask(update, step, step.tr._("I was not expecting a file here."))
    try:
        file_id, file_name = accepted_file(update, step.tr)
    except Invalid as exc:
        return await ask(update, step, exc.message)
    step.draft.update(file_done=True, file_id=file_id, file_name=file_name)
    return await ask(update, step)


def accepted_file(update: Update, tr: Translator) -> tuple[str, str]:
    """A PDF or an image under Telegram's download limit, else Invalid."""
    message = update.effective_message
    refusal = tr._("Please send a PDF or a photo of the invoice (at most 20 MB), or tap Skip.")
    if message is None:
        raise Invalid(refusal)
    if message.photo:
        photo = message.photo[-1]
        if (photo.file_size or 0) > MAX_FILE_BYTES:
            raise Invalid(refusal)
        return photo.file_id, "photo.jpg"
    document = message.document
    if document is None or (document.file_size or 0) > MAX_FILE_BYTES:
        raise Invalid(refusal)
    mime = (document.mime_type or "").lower()
    if mime != "application/pdf" and not mime.startswith("image/"):
        raise Invalid(refusal)
    return document.file_id, clean_text(document.file_name or "invoice.pdf")[:80] or "invoice.pdf"


async def on_button(update: Update, ctx: RelanceContext) -> str | int:
    step = await load_step(update, ctx)
    if step is None:
        return END
    action, *rest = cb_parts(update) or [""]
    value = ":".join(rest)
    handler = BUTTONS.get(action)
    if handler is None:
        return await ask(update, step)
    return await handler(update, step, value)


async def pick(update: Update, step: Step, value: str) -> str:
    """A suggestion button: exactly as if the user had typed its value (so it is validated too)."""
    return await take(update, step, value)


async def pick_client(update: Update, step: Step, value: str) -> str:
    client = await step.ctx.store.clients.get(step.freelancer.id, int(value)) if value.isdigit() else None
    if client is None:
        log.warning("refused client %r for freelancer %s", value, step.freelancer.id)
        return await ask(update, step, step.tr._("That client is not in your list. Please type its name."))
    step.draft.update(client_id=client.id, client_label=client.name, client_name=None)
    return await ask(update, step)


async def skip(update: Update, step: Step, value: str) -> str:
    taker = SKIPPABLE.get(step.draft.get("asking") or "")
    if taker is None:
        return await ask(update, step, step.tr._("This question cannot be skipped."))
    await taker(step, None)
    return await ask(update, step)


async def confirm_due(update: Update, step: Step, value: str) -> str:
    pending = step.draft.pop("due_pending", None)
    if pending and update.callback_query and update.callback_query.data == kb.NW_YES():
        step.draft["due_date"] = pending
    return await ask(update, step)


async def choose_plan(update: Update, step: Step, value: str) -> str:
    if value not in ("off", "default", *BUILTIN_PLANS):
        return await ask(update, step)
    plan = None if value in ("off", "default") else value
    step.draft.update(
        reminders=value != "off", plan=plan, reminders_done=True, default_plan=await default_plan(step)
    )
    return await ask(update, step)


async def edit(update: Update, step: Step, value: str) -> str:
    tr = step.tr
    labels = {
        "client": tr.plain("Client"), "number": tr.plain("Number"), "amount": tr.plain("Amount"),
        "issue_date": tr.plain("Issue date"), "due_date": tr.plain("Due date"), "file": tr.plain("File"),
        "description": tr.plain("Description"), "reminders": tr.plain("Reminders"),
    }  # fmt: skip
    rows = chunk([(labels[f], kb.NW_FIELD(f)) for f in EDITABLE_FIELDS], 2)
    await answer(update, tr._("Which field do you want to change?"), keyboard(rows))
    return ASK


CLEARS = {
    "client": ("client_id", "client_name", "client_label", "client_email", "client_email_done"),
    "number": ("number",),
    "amount": (
        "amount_minor",
        "currency",
        "currency_candidates",
        "amount_text",
        "amount_options",
        "amount_options_currency",
    ),
    "issue_date": ("issue_date",),
    "due_date": ("due_date", "due_pending", "due_term"),
    "file": ("file_done", "file_id", "file_name"),
    "description": ("description_done", "description"),
    "reminders": ("reminders_done", "reminders", "plan"),
}


async def edit_field(update: Update, step: Step, value: str) -> str:
    forget_edited(step, value)
    for key in CLEARS.get(value, ()):
        step.draft.pop(key, None)
    return await ask(update, step)


async def cancel(update: Update, step: Step, value: str) -> int:
    step.ctx.drafts.pop("draft", None)
    await answer(update, step.tr._("Invoice discarded. Nothing was saved."))
    return END


async def confirm(update: Update, step: Step, value: str) -> str | int:
    if next_question(step.draft) != "summary":
        return await ask(update, step)
    d = step.draft
    new = NewInvoice(
        client_id=d.get("client_id") or 0,
        number=d["number"],
        amount_minor=d["amount_minor"],
        currency=d["currency"],
        issue_date=date.fromisoformat(d["issue_date"]),
        due_date=date.fromisoformat(d["due_date"]),
        description=d.get("description"),
        file_id=d.get("file_id"),
        file_name=d.get("file_name"),
        reminders_enabled=bool(d.get("reminders")),
        plan=d.get("plan"),
        new_client_name=d.get("client_name") if not d.get("client_id") else None,
        new_client_email=d.get("client_email") if not d.get("client_id") else None,
    )
    try:
        invoice = await step.ctx.store.invoices.create(step.freelancer.id, new, now=step.ctx.clock.now())
    except DuplicateNumberError:
        d.pop("number", None)
        return await ask(
            update, step, step.tr._("Another invoice now has this number. Please type another one.")
        )
    step.ctx.drafts.pop("draft", None)
    facts = d.get("einvoice") or {}
    if "legal_ids" in facts.get("fields", ()):  # checked ids from the e-invoice; never overwrites one
        await step.ctx.store.invoice_imports.set_legal_ids(
            step.freelancer.id, invoice.client_id, siren=facts.get("siren"), siret=facts.get("siret"),
            vat=facts.get("vat"),
        )  # fmt: skip
    await step.ctx.services.invoice_changed(invoice)
    text = step.tr._("Saved ✅") + Html("\n\n") + invoice_card(step.tr, invoice, [], step.today)
    await answer(update, text, invoice_buttons(step.tr, invoice))
    return END


BUTTONS: dict[str, Callable[[Update, Step, str], Awaitable[str | int]]] = {
    "pick": pick,
    "client": pick_client,
    "skip": skip,
    "yes": confirm_due,
    "no": confirm_due,
    "amt": choose_amount,
    "plan": choose_plan,
    "edit": edit,
    "field": edit_field,
    "cancel": cancel,
    "confirm": confirm,
}
