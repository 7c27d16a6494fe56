"""The words of a reminder: built-in wording per tone and language, or the freelancer's own.

Values are filled by `render_template` (data, never code). The HTML version escapes the template
and every value; the plain version (e-mail text part) escapes nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from bot.domain.templates import render_template
from bot.i18n import N_, Translator, translator
from bot.storage import Client, Freelancer, Invoice

DEFAULT_TEMPLATES: dict[str, str] = {
    "courtesy": N_(
        "Hello {client},\n\nA quick heads-up: invoice {number} of {issue_date}, for {amount}, is due on "
        "{due_date}.\n\n{payment_details}\n\nIf anything prevents payment by then, just tell me and we will "
        "find a solution.\n\nThank you!\n{freelancer}"
    ),
    "friendly": N_(
        "Hello {client},\n\nUnless I am mistaken, invoice {number} of {issue_date}, for {amount}, was due on "
        "{due_date} and I have not received the payment yet. It is probably an oversight.\n\n"
        "{payment_details}\n\nIf you need more time or a payment plan, just let me know.\n\nBest regards,\n"
        "{freelancer}"
    ),
    "firm": N_(
        "Hello {client},\n\nInvoice {number} of {issue_date}, for {amount}, is now {days_overdue} days overdue "
        "(it was due on {due_date}). Could you please arrange the payment this week?\n\n{payment_details}\n\n"
        "If there is a problem with this invoice, please tell me so that we can sort it out.\n\nRegards,\n"
        "{freelancer}"
    ),
    "final": N_(
        "Hello {client},\n\nDespite my previous reminders, invoice {number} of {issue_date}, for {amount}, is "
        "still unpaid {days_overdue} days after its due date ({due_date}). Please settle it within 8 days.\n\n"
        "{payment_details}\n\nIf you cannot pay in full, contact me so that we can agree on a schedule.\n\n"
        "Regards,\n{freelancer}"
    ),
}
NOTICE_TEXT = N_(
    "⚖️ Invoice {number} ({client}, {amount}) is now {days_overdue} days overdue despite the reminders. "
    "It may be time to send a formal notice (mise en demeure) yourself, by registered letter."
)


@dataclass(frozen=True)
class ReminderText:
    html: str
    plain: str
    subject: str


def payment_details(tr: Translator, freelancer: Freelancer) -> str:
    """How to pay, in plain text: transfer details and/or a payment link."""
    lines = []
    if freelancer.iban:
        iban = " ".join(freelancer.iban[i : i + 4] for i in range(0, len(freelancer.iban), 4))
        lines.append(tr.plain("Payment by bank transfer: IBAN {iban}", iban=iban))
        if freelancer.bic:
            lines.append(tr.plain("BIC: {bic}", bic=freelancer.bic))
    if freelancer.payment_link:
        lines.append(tr.plain("Pay online: {link}", link=freelancer.payment_link))
    return "\n".join(lines) or tr.plain("Payment details are on the invoice.")


def template_values(
    tr: Translator, freelancer: Freelancer, client: Client, invoice: Invoice, today: date
) -> dict[str, str]:
    return {
        "client": client.name,
        "number": invoice.number,
        "amount": tr.money(invoice.balance_minor, invoice.currency),
        "due_date": tr.date(invoice.due_date, "long"),
        "issue_date": tr.date(invoice.issue_date, "long"),
        "days_overdue": str(max(0, (today - invoice.due_date).days)),
        "payment_details": payment_details(tr, freelancer),
        "freelancer": freelancer.name,
    }


def client_locale(freelancer: Freelancer, client: Client) -> str:
    return client.language or freelancer.language


def render_reminder(
    *, freelancer: Freelancer, client: Client, invoice: Invoice, tone: str, today: date, custom: str | None
) -> ReminderText:
    """The reminder in the client's language, as HTML (Telegram, e-mail) and plain text."""
    tr = translator(client_locale(freelancer, client))
    template = custom or tr.plain(DEFAULT_TEMPLATES.get(tone, DEFAULT_TEMPLATES["friendly"]))
    values = template_values(tr, freelancer, client, invoice, today)
    plain = render_template(template, values)
    escaped = {name: html.escape(value, quote=False) for name, value in values.items()}
    rich = render_template(html.escape(template, quote=False), escaped)
    subject = tr.plain(
        "Reminder: invoice {number} — {amount}", number=invoice.number, amount=values["amount"]
    ) if tone != "courtesy" else tr.plain("Invoice {number} — due on {due_date}", number=invoice.number,
                                           due_date=values["due_date"])  # fmt: skip
    return ReminderText(html=rich, plain=plain, subject=subject)


def render_notice(freelancer: Freelancer, client: Client, invoice: Invoice, today: date) -> str:
    tr = translator(freelancer.language)
    return tr._(
        NOTICE_TEXT,
        number=invoice.number,
        client=client.name,
        amount=tr.money(invoice.balance_minor, invoice.currency),
        days_overdue=max(0, (today - invoice.due_date).days),
    )
