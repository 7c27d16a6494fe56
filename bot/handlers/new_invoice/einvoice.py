"""An e-invoice (Factur-X / ZUGFeRD PDF, CII or UBL XML) read into a /new draft: every fact it gives is
exact, so the draft goes straight to its summary (reminders on, following the default plan), and the
summary says which facts came from the e-invoice. What it lacks (a MINIMUM profile has no due date) or
what cannot be used as is (a number already taken, an odd due date) is asked as usual.
"""

from __future__ import annotations

from bot.einvoice.model import EInvoice
from bot.handlers.new_invoice.answers import take_client, take_due_date
from bot.handlers.new_invoice.questions import MAX_NUMBER_LENGTH, Step, default_plan
from bot.handlers.profile_fields import MAX_NAME_LENGTH, Invalid, validate_email_address
from bot.presentation.einvoice_views import einvoice_facts

EDITED = {"client": ("client", "email", "legal_ids"), "number": ("number",), "amount": ("amount",),
          "issue_date": ("issue_date",), "due_date": ("due_date",)}  # fmt: skip
"""An edited draft field no longer comes from the e-invoice."""


async def prefill_from_einvoice(step: Step, invoice: EInvoice) -> None:
    d, used = step.draft, []
    if invoice.buyer_name:
        try:
            await take_client(step, invoice.buyer_name[:MAX_NAME_LENGTH])
            used.append("client")
        except Invalid:
            pass
    if d.get("client_name") and not d.get("client_id"):  # a new client: its e-mail from the e-invoice
        try:
            if invoice.buyer_email:
                d.update(
                    client_email=validate_email_address(invoice.buyer_email, step.tr), client_email_done=True
                )
                used.append("email")
        except Invalid:
            pass
    number = invoice.number
    if number and len(number) <= MAX_NUMBER_LENGTH:
        if not await step.ctx.store.invoices.by_number(step.freelancer.id, number):
            d["number"] = number
            used.append("number")
    if invoice.amount_due is not None and invoice.amount_due.minor > 0:
        d.update(amount_minor=invoice.amount_due.minor, currency=invoice.amount_due.currency)
        used.append("amount")
    if invoice.issue_date:
        d["issue_date"] = invoice.issue_date.isoformat()
        used.append("issue_date")
        if invoice.due_date:
            await take_due_date(step, invoice.due_date.isoformat())
            used.append("due_date")
    if "client" in used and invoice.buyer_ids.any():
        used.append("legal_ids")
    used += [name for name, value in (("payment_terms", invoice.payment_terms), ("iban", invoice.seller_iban))
             if value]  # fmt: skip
    order = invoice.filled()
    d["einvoice"] = einvoice_facts(invoice, sorted(used, key=order.index))
    d.update(description_done=True, reminders_done=True, reminders=True, plan=None,
             default_plan=await default_plan(step))  # fmt: skip


def forget_edited(step: Step, field: str) -> None:
    facts = step.draft.get("einvoice")
    if facts:
        facts["fields"] = [f for f in facts.get("fields", []) if f not in EDITED.get(field, ())]
