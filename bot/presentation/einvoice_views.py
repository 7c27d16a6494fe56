"""What the freelancer sees of an invoice CSV (which kind of CSV, the column check, the preview with
✅ Import / ✖️ Cancel, the result) and of an e-invoice read into /new. Texts and keyboards only, no I/O.

Callback data ("ic:<token>:…") carries the check's token and a role or a column index only: the handler
compares the token with the freelancer's own pending import, so an earlier file's buttons are refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.bank.model import StatementError
from bot.einvoice.csv_invoices import InvoiceCsvErrors
from bot.einvoice.model import EInvoice
from bot.einvoice.service import InvoiceImport
from bot.i18n import N_, Html, Translator
from bot.presentation.bank_views import column_label
from bot.presentation.keyboards import IC, chunk, keyboard

LIST_AT_MOST = 15
COLUMNS_AT_MOST = 40
ROLES = {
    "number": N_("Number"),
    "client": N_("Client"),
    "amount": N_("Amount"),
    "issue_date": N_("Issue date"),
    "due_date": N_("Due date"),
    "currency": N_("Currency"),
    "email": N_("E-mail"),
    "balance": N_("Left to pay"),
}
"""The columns the freelancer checks, in the order shown (the first four are needed)."""
QUESTIONS = {
    "number": N_("Which column holds the invoice number?"),
    "client": N_("Which column holds the client's name?"),
    "amount": N_("Which column holds the amount of the invoice, taxes included?"),
    "issue_date": N_("Which column holds the issue date?"),
    "due_date": N_("Which column holds the due date?"),
    "currency": N_("Which column holds the currency?"),
    "email": N_("Which column holds the client's e-mail address?"),
    "balance": N_("Which column holds what is left to pay?"),
}
NEEDED = ("number", "client", "amount", "issue_date")
FIELDS = {
    "number": N_("number"),
    "amount": N_("amount due"),
    "issue_date": N_("issue date"),
    "due_date": N_("due date"),
    "client": N_("client"),
    "email": N_("e-mail"),
    "legal_ids": N_("legal ids"),
    "payment_terms": N_("payment terms"),
    "iban": N_("IBAN"),
}
_WHERE_WORDS = {"line": N_("line"), "column": N_("column"), "header": N_("header")}
_WHERE_WORD = re.compile(r"\b(" + "|".join(_WHERE_WORDS) + r")\b")


def problem_text(tr: Translator, error: StatementError) -> str:
    """What is wrong and where, in the freelancer's language: "ligne 3, colonne 'Date' : …"."""
    problem = tr.plain(error.template, **error.values) if error.values else tr.plain(error.template)
    if not error.where:
        return problem
    where = _WHERE_WORD.sub(lambda m: tr.plain(_WHERE_WORDS[m[1]]), error.where)
    return tr.plain("{where}: {problem}", where=where, problem=problem)


def errors_text(tr: Translator, file_name: str, error: StatementError) -> Html:
    """Every bad line named (a few at most), and the reassurance that nothing was created."""
    errors = error.errors if isinstance(error, InvoiceCsvErrors) else [error]
    out: list[str] = [tr._("I could not import {name}: nothing was created.", name=file_name)]
    out += [tr._("• {problem}", problem=problem_text(tr, e)) for e in errors]
    out += ["", tr._("Fix these lines and send the file again. Amounts look like 1 234,56 or 1200.00, dates "
                     "like 05/03/2026 or 2026-03-05.")]  # fmt: skip
    return Html("\n".join(out))


def kind_question(tr: Translator, token: str, file_name: str) -> tuple[Html, InlineKeyboardMarkup]:
    text = tr._("Is {name} a bank statement, or a list of your invoices to import?", name=file_name)
    rows = [[(tr.plain("🏦 Bank statement"), IC(token, "bank")),
             (tr.plain("🧾 My invoices"), IC(token, "inv"))],
            [(tr.plain("✖️ Cancel"), IC(token, "stop"))]]  # fmt: skip
    return text, keyboard(rows)


def columns_view(
    tr: Translator, token: str, file_name: str, columns: Mapping[str, object], problem: Html | None = None
) -> tuple[Html, InlineKeyboardMarkup]:
    """How Relance would read an invoice CSV it does not know, a button per column to change, ✅ Continue."""
    out: list[str] = [problem, ""] if problem else []
    out += [tr._("I do not know the columns of {name} yet. Check how I would read it; I will remember it for "
                 "the next files like it.", name=file_name), ""]  # fmt: skip
    out += [tr._("<b>{role}</b>: {column}", role=tr.plain(label), column=str(columns.get(role) or "")
                 or tr.plain("none")) for role, label in ROLES.items()]  # fmt: skip
    ready = all(columns.get(role) for role in NEEDED)
    if not ready:
        out += ["", tr._("Tap Number, Client, Amount and Issue date to tell me which columns hold them.")]
    rows = chunk([(tr.plain(label), IC(token, "role", role)) for role, label in ROLES.items()], 2)
    last = [(tr.plain("✅ Continue"), IC(token, "check"))] if ready else []
    rows.append([*last, (tr.plain("✖️ Cancel"), IC(token, "stop"))])
    return Html("\n".join(out)), keyboard(rows)


def column_picker(
    tr: Translator, token: str, role: str, header: Sequence[str]
) -> tuple[Html, InlineKeyboardMarkup]:
    count = min(len(header), COLUMNS_AT_MOST)
    rows = chunk([(column_label(tr, header, i), IC(token, "col", role, i)) for i in range(count)], 2)
    if role not in NEEDED:
        rows.append([(tr.plain("None"), IC(token, "col", role, "-"))])
    rows.append([(tr.plain("◀️ Back"), IC(token, "back"))])
    return tr._(QUESTIONS[role]), keyboard(rows)


def _numbers(items: Sequence[tuple[int, str]]) -> str:
    shown = ", ".join(number for _, number in items[:LIST_AT_MOST])
    return shown + (" …" if len(items) > LIST_AT_MOST else "")


def preview_view(
    tr: Translator, token: str, plan: InvoiceImport, plan_name: str
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """What the import will create, what it skips, and ✅ Import n / ✖️ Cancel."""
    n = len(plan.to_create)
    tool = plan.file.tool
    out: list[str] = [tr._("<b>Import from {name}</b> ({tool})", name=plan.file_name, tool=tool) if tool
           else tr._("<b>Import from {name}</b>", name=plan.file_name)]  # fmt: skip
    out.append(tr.n_("{n} invoice to create.", "{n} invoices to create.", n))
    if plan.totals:
        out.append(tr._("Left to pay: {totals}", totals=" + ".join(tr.money(m, c) for c, m in plan.totals)))
    if plan.new_clients:
        out.append(tr.n_("{n} new client: {names}", "{n} new clients: {names}", len(plan.new_clients),
                         names=", ".join(plan.new_clients[:LIST_AT_MOST])
                         + (" …" if len(plan.new_clients) > LIST_AT_MOST else "")))  # fmt: skip
    if plan.duplicates:
        out.append(tr.n_("{n} number you already have, skipped: {numbers}",
                         "{n} numbers you already have, skipped: {numbers}", len(plan.duplicates),
                         numbers=_numbers(plan.duplicates)))  # fmt: skip
    if plan.file.settled:
        out.append(tr.n_("{n} invoice paid or cancelled in the export, skipped: {numbers}",
                         "{n} invoices paid or cancelled in the export, skipped: {numbers}",
                         len(plan.file.settled), numbers=_numbers(plan.file.settled)))  # fmt: skip
    if not n:
        out += ["", tr._("Nothing new to import.")]
        return Html("\n".join(out)), None
    out += ["", tr._("Reminders: {plan}, as for an invoice added with /new.", plan=plan_name)]
    rows = [[(tr.plain_n("✅ Import {n} invoice", "✅ Import {n} invoices", n), IC(token, "go"))],
            [(tr.plain("Import with reminders off"), IC(token, "go", "off"))],
            [(tr.plain("✖️ Cancel"), IC(token, "stop"))]]  # fmt: skip
    return Html("\n".join(out)), keyboard(rows)


def done_text(tr: Translator, plan: InvoiceImport, *, reminders: bool = True) -> Html:
    n = len(plan.created)
    out = [tr.n_("✅ {n} invoice imported, reminders planned.", "✅ {n} invoices imported, reminders planned.", n)
           if reminders else tr.n_("✅ {n} invoice imported, reminders off.", "✅ {n} invoices imported, reminders off.",
                                   n)]  # fmt: skip
    if plan.new_clients:
        out.append(tr.n_("{n} client created.", "{n} clients created.", len(plan.new_clients)))
    out.append(tr._("See them with /invoices."))
    return Html("\n".join(out))


def client_ids_line(tr: Translator, siren: object, siret: object, vat: object) -> Html | None:
    """ "Client ids: SIRET 732 829 320 00074 · VAT FR44732829320" (a SIRET says the SIREN), or None."""
    shown = [f"SIRET {siret}" if siret else f"SIREN {siren}" if siren else "",
             tr.plain("VAT {number}", number=vat) if vat else ""]  # fmt: skip
    return tr._("Client ids: {ids}", ids=" · ".join(s for s in shown if s)) if any(shown) else None


def einvoice_facts(invoice: EInvoice, fields: Sequence[str]) -> dict[str, Any]:
    """What a /new draft keeps of an e-invoice (plain values: drafts are persisted as JSON)."""
    ids = invoice.buyer_ids
    return {"syntax": invoice.syntax, "profile": invoice.profile, "fields": list(fields), "siren": ids.siren,
            "siret": ids.siret, "vat": ids.vat, "invalid_ids": list(invoice.invalid_ids),
            "payment_terms": invoice.payment_terms, "iban": invoice.seller_iban}  # fmt: skip


def einvoice_lines(tr: Translator, facts: Mapping[str, Any], freelancer_iban: str | None) -> list[Html]:
    """The lines a /new summary adds for an e-invoice: which facts came from it, ids, terms, the IBAN check."""
    kind = {"cii": "Factur-X / CII", "ubl": "UBL"}.get(str(facts.get("syntax")), str(facts.get("syntax")))
    names = ", ".join(tr.plain(FIELDS[f]) for f in facts.get("fields") or () if f in FIELDS)
    out = [tr._("📄 From the e-invoice ({kind}): {fields}.", kind=kind, fields=names or "–")]
    ids = client_ids_line(tr, facts.get("siren"), facts.get("siret"), facts.get("vat"))
    out += [ids] if ids else []
    for value in facts.get("invalid_ids") or ():
        out.append(tr._("⚠️ {value} in the e-invoice is not a valid SIREN, SIRET or VAT number: not kept.",
                        value=value))  # fmt: skip
    if facts.get("payment_terms"):
        out.append(tr._("Payment terms: {terms}", terms=str(facts["payment_terms"])[:200]))
    iban = facts.get("iban")
    if iban:
        own = (freelancer_iban or "").replace(" ", "").upper()
        if own and own != iban:
            out.append(tr._("⚠️ The invoice asks for payment to {iban}, which is not the IBAN in your settings "
                            "({own}). Check which one is right before reminders go out.", iban=iban, own=own))  # fmt: skip
        elif not own:
            out.append(tr._("IBAN on the invoice: {iban}. Add it with /settings so that reminders show it.",
                            iban=iban))  # fmt: skip
    return out
