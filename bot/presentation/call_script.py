"""The freelancer's courtesy call (the CALL step of a plan): a short script and the outcome buttons,
and the buttons under the formal-notice alert that ends a plan.

Pure rendering: the dispatcher sends these, `bot.handlers.calls` answers the buttons. Buttons carry
`call:<action>:<invoice id>`; the handler looks the invoice up with the pressing freelancer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup

from bot.i18n import Html, Translator
from bot.presentation import keyboards as kb
from bot.presentation.keyboards import keyboard
from bot.presentation.reminder_views import when
from bot.storage import Client, Contact, Freelancer, Invoice
from bot.storage.call_outcomes import CallOutcome


def call_contact(contacts: Sequence[Contact]) -> Contact | None:
    """Whom to call: a contact with a phone (one chosen for reminders first), else the first contact
    chosen for reminders, else the first one."""
    ranked = sorted(contacts, key=lambda c: (c.phone is None, not c.remind, c.id))
    return ranked[0] if ranked else None


def render_call_script(
    tr: Translator,
    *,
    freelancer: Freelancer,
    client: Client,
    invoice: Invoice,
    contact: Contact | None,
    today: date,
) -> Html:
    """Who to call, about what, and a few words to open with, in the freelancer's language."""
    days = max(0, (today - invoice.due_date).days)
    amount = tr.money(invoice.balance_minor, invoice.currency)
    lines = [
        tr._("📞 <b>Time for a courtesy call</b> about invoice {number}.", number=invoice.number),
        "",
        tr._("Client: {client}", client=client.name),
    ]
    if contact is not None and contact.name:
        lines.append(tr._("Contact: {name}", name=contact.name))
    if contact is not None and contact.phone:
        # Not <a href="tel:…">: real Telegram accepts only http(s):// and tg:// URLs in a link (the fake
        # in tests/fake_telegram accepts any href, so a test would not catch it), and a refused link
        # would cost the whole message. The number is plain text in E.164 instead, which Telegram apps
        # recognise as a phone number and dial on a tap; inside <code> a tap would copy it instead.
        lines.append(tr._("Phone: {phone}", phone=contact.phone))
    else:
        lines.append(tr._("Phone: none on file. You can add one on the client card: /clients"))
    lines += [
        tr._("Amount due: {amount}", amount=amount),
        tr.n_(
            "Due on {date}: {n} day late.",
            "Due on {date}: {n} days late.",
            days,
            date=tr.date(invoice.due_date),
        ),
        "",
        tr._(
            "You could say: “Hello {name}, this is {freelancer}. I am calling about invoice {number} for "
            "{amount}, which was due on {date}. Has the payment been scheduled? When can I expect it?”",
            name=contact.name if contact is not None and contact.name else client.name,
            freelancer=freelancer.display_name,
            number=invoice.number,
            amount=amount,
            date=tr.date(invoice.due_date),
        ),
        "",
        tr._("Then tell me how it went:"),
    ]
    return Html("\n".join(lines))


def call_buttons(tr: Translator, invoice_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(tr.plain("📞 Called: promised a date"), kb.CALL_PROM(invoice_id))],
            [
                (tr.plain("No answer"), kb.CALL_NONE(invoice_id)),
                (tr.plain("✅ Paid"), kb.CALL_PAID(invoice_id)),
            ],
        ]
    )


def notice_buttons(tr: Translator, invoice_id: int) -> InlineKeyboardMarkup:
    """Under the end-of-plan alert: draft the formal notice in one tap (the card's own button), or settle."""
    return keyboard(
        [
            [(tr.plain("⚖️ Formal notice…"), kb.FN_START(invoice_id))],
            [
                (tr.plain("✅ Mark paid"), kb.INV_PAID(invoice_id)),
                (tr.plain("⏸ Pause reminders"), kb.INV_PAUSE(invoice_id)),
            ],
        ]
    )


def resumed_buttons(tr: Translator, invoice_id: int) -> InlineKeyboardMarkup:
    """Under "a promised date passed, reminders resume": settle it, or pause again."""
    return keyboard(
        [
            [
                (tr.plain("✅ Mark paid"), kb.INV_PAID(invoice_id)),
                (tr.plain("⏸ Pause reminders"), kb.INV_PAUSE(invoice_id)),
            ]
        ]
    )


def call_history_line(tr: Translator, outcome: CallOutcome, tz: str, client: str) -> Html:
    """One courtesy call's outcome in /history."""
    at = when(tr, outcome.created_at, tz)
    if outcome.outcome == "promised":
        promised = tr.date(outcome.promised_on or outcome.created_at.date())
        line = (
            tr._("🤝 {when} — {client} promised in Telegram to pay by {date}", when=at, client=client, date=promised)
            if outcome.source == "client"
            else tr._("📞 {when} — courtesy call: {client} promised to pay by {date}", when=at, client=client,
                      date=promised)
        )  # fmt: skip
        if outcome.kept is None:
            return line
        state = tr._("kept ✅") if outcome.kept else tr._("broken ❌")
        return Html(f"{line} — {state}")
    if outcome.outcome == "paid":
        return tr._("📞 {when} — courtesy call: the client has paid", when=at)
    return tr._("📞 {when} — courtesy call: no answer", when=at)


def promise_line(tr: Translator, promised_on: date, source: str = "call") -> Html:
    """On the invoice card while a promise pauses its reminders: made on the call, by the client in
    Telegram, or recorded by the freelancer."""
    values = {"date": tr.date(promised_on), "resume": tr.date(promised_on + timedelta(days=1))}
    if source == "client":
        return tr._(
            "🤝 The client promised to pay by {date}. Reminders resume on {resume} if it is not paid.",
            **values,
        )
    return tr._(
        "📞 Promised on the phone: paid by {date}. Reminders resume on {resume} if it is not.", **values
    )
