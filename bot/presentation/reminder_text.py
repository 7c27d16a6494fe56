"""The words of a reminder: built-in wording per tone and language, or the freelancer's own.

Values are filled by `render_template` (data, never code). The HTML version escapes the template
and every value; the plain version (e-mail text part) escapes nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.creditor_reference import creditor_reference, format_creditor_reference
from bot.domain.templates import render_template
from bot.i18n import N_, Translator, translator
from bot.storage import Client, Freelancer, Invoice

if TYPE_CHECKING:
    from bot.domain.penalties import Penalties

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
        "Hello {client},\n\nInvoice {number} of {issue_date}, for {amount}, is now {days_overdue} overdue "
        "(it was due on {due_date}). Could you please arrange the payment this week?\n\n{payment_details}\n\n"
        "If there is a problem with this invoice, please tell me so that we can sort it out.\n\nRegards,\n"
        "{freelancer}"
    ),
    "final": N_(
        "Hello {client},\n\nDespite my previous reminders, invoice {number} of {issue_date}, for {amount}, is "
        "still unpaid {days_overdue} after its due date ({due_date}). Please settle it within 8 days.\n\n"
        "{payment_details}\n\nIf you cannot pay in full, contact me so that we can agree on a schedule.\n\n"
        "Regards,\n{freelancer}"
    ),
}
DUE_TODAY_TEMPLATE = N_(
    "Hello {client},\n\nA quick reminder: invoice {number} of {issue_date}, for {amount}, is due today "
    "({due_date}).\n\n{payment_details}\n\nIf you have already paid, thank you and please disregard this "
    "message. If you need more time, just let me know.\n\nBest regards,\n{freelancer}"
)
"""The friendly reminder when it goes out on the due date itself (Gentle and Once plans): not late yet."""
NOTICE_SINGULAR = N_(
    "⚖️ Invoice {number} ({client}, {amount}) is now {n} day overdue despite the reminders. "
    "It may be time to send a formal notice (mise en demeure) yourself, by registered letter."
)
NOTICE_PLURAL = N_(
    "⚖️ Invoice {number} ({client}, {amount}) is now {n} days overdue despite the reminders. "
    "It may be time to send a formal notice (mise en demeure) yourself, by registered letter."
)
_OLD_DAYS_WORD = re.compile(r"\{days_overdue\}[ \u00a0]+(?:days?|jours?|jour\(s\))\b")
"""Texts saved when {days_overdue} was a bare number ("{days_overdue} days"): the word now comes with it."""


@dataclass(frozen=True)
class ReminderText:
    html: str
    plain: str
    subject: str
    today: date | None = None
    """The freelancer's date the text was written for: how late the invoice is, as the text says."""
    template: str = ""
    """The wording the text was filled from, so an e-mail can fill it again around its own layout."""
    values: dict[str, str] = field(default_factory=dict)
    """The plain values `template` was filled with (`payment_details` included)."""
    late_sentence: str | None = None
    """The late-payment amounts, when this text states them (after the payment details)."""
    amount_minor: int | None = None
    """What this text asks the client to pay, when not the invoice's balance (an instalment)."""
    due_date: date | None = None
    """When that amount is due, when not the invoice's due date (an instalment)."""
    instalment: tuple[int, int] | None = None
    """(2, 3) for the second instalment of a plan in three."""


def has_payment_details(freelancer: Freelancer) -> bool:
    return bool(freelancer.iban or freelancer.payment_link)


def payment_details(tr: Translator, freelancer: Freelancer, invoice: Invoice) -> str:
    """How to pay, in plain text: transfer details and/or a payment link.

    Without either, nothing in a Telegram reminder says how to pay (it never carries the invoice
    file): the client is asked to use the 💬 Question button. E-mails word this part themselves
    (bot.presentation.reminder_email), knowing whether the invoice file is attached.
    """
    lines = []
    if freelancer.iban:
        lines.append(tr.plain("Payment by bank transfer: IBAN {iban}", iban=grouped_iban(freelancer.iban)))
        if freelancer.bic:
            lines.append(tr.plain("BIC: {bic}", bic=freelancer.bic))
        if invoice.id > 0:  # a sample invoice (a test e-mail, a preview) has none
            lines.append(
                tr.plain(
                    "Reference to give with the transfer: {reference} (or the invoice number)",
                    reference=format_creditor_reference(creditor_reference(invoice.id)),
                )
            )
    if freelancer.payment_link:
        lines.append(tr.plain("Pay online: {link}", link=freelancer.payment_link))
    if lines:
        return "\n".join(lines)
    return tr.plain(
        "Tap {button} below to ask me for the payment details, and I will send them to you right away.",
        button=tr.plain("💬 Question"),
    )


def grouped_iban(iban: str) -> str:
    """ "FR76 3000 6000 …": an IBAN in groups of four, as banks print it."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def days_phrase(tr: Translator, days: int) -> str:
    """ "1 day", "3 days" / "1 jour", "3 jours": what {days_overdue} stands for in a reminder."""
    return tr.plain_n("{n} day", "{n} days", days)


def is_due_today(invoice: Invoice, today: date) -> bool:
    """Not late yet: a reminder sent on the due date (or, by hand, before it) must not say "overdue"."""
    return today <= invoice.due_date


def template_values(
    tr: Translator, freelancer: Freelancer, client: Client, invoice: Invoice, today: date
) -> dict[str, str]:
    return {
        "client": client.name,
        "number": invoice.number,
        "amount": tr.money(invoice.balance_minor, invoice.currency),
        "due_date": tr.date(invoice.due_date, "long"),
        "issue_date": tr.date(invoice.issue_date, "long"),
        "days_overdue": days_phrase(tr, max(0, (today - invoice.due_date).days)),
        "payment_details": payment_details(tr, freelancer, invoice),
        "freelancer": freelancer.name,
    }


def client_locale(freelancer: Freelancer, client: Client) -> str:
    return client.language or freelancer.language


def render_reminder(
    *,
    freelancer: Freelancer,
    client: Client,
    invoice: Invoice,
    tone: str,
    today: date,
    custom: str | None,
    late: Penalties | None = None,
) -> ReminderText:
    """The reminder in the client's language, as HTML (Telegram, e-mail) and plain text.

    `late`: the late-payment amounts (bot.presentation.late_amounts); the final reminder to a business
    client mentions them, after the payment details (never to a consumer, never in earlier tones).
    """
    tr = translator(client_locale(freelancer, client))
    values = template_values(tr, freelancer, client, invoice, today)
    from bot.presentation.late_amounts import client_sentence

    sentence = client_sentence(tr, late) if late is not None and tone == "final" and client.is_b2b else None
    template = custom or tr.plain(builtin_template(tone, invoice, today))
    template = tr.fit(_OLD_DAYS_WORD.sub("{days_overdue}", template), values)
    plain, rich = fill(template, values, sentence)
    subject = reminder_subject(tr, tone, invoice, today, values)
    return ReminderText(
        html=rich, plain=plain, subject=subject, today=today, template=template, values=values,
        late_sentence=sentence,
    )  # fmt: skip


def fill(template: str, values: dict[str, str], late_sentence: str | None = None) -> tuple[str, str]:
    """The template filled in, as plain text and as HTML (the template and every value escaped).

    The late-payment sentence follows the payment details, or ends the text when the template has none.
    """
    values = dict(values)
    if late_sentence:
        if "{payment_details}" in template:
            values["payment_details"] = f"{values['payment_details']}\n\n{late_sentence}".strip()
        else:
            template = f"{template}\n\n{{late_penalties}}"
            values["late_penalties"] = late_sentence
    plain = render_template(template, values)
    escaped = {name: html.escape(value, quote=False) for name, value in values.items()}
    return plain, render_template(html.escape(template, quote=False), escaped)


def builtin_template(tone: str, invoice: Invoice, today: date) -> str:
    if tone == "friendly" and is_due_today(invoice, today):
        return DUE_TODAY_TEMPLATE
    return DEFAULT_TEMPLATES.get(tone, DEFAULT_TEMPLATES["friendly"])


def reminder_subject(tr: Translator, tone: str, invoice: Invoice, today: date, values: dict[str, str]) -> str:
    if tone == "courtesy" or today < invoice.due_date:
        return tr.plain(
            "Invoice {number} — due on {due_date}", number=invoice.number, due_date=values["due_date"]
        )
    if is_due_today(invoice, today):
        return tr.plain(
            "Invoice {number} — {amount} due today", number=invoice.number, amount=values["amount"]
        )
    return tr.plain("Reminder: invoice {number} — {amount}", number=invoice.number, amount=values["amount"])


def render_notice(freelancer: Freelancer, client: Client, invoice: Invoice, today: date) -> str:
    tr = translator(freelancer.language)
    return tr.n_(
        NOTICE_SINGULAR,
        NOTICE_PLURAL,
        max(0, (today - invoice.due_date).days),
        number=invoice.number,
        client=client.name,
        amount=tr.money(invoice.balance_minor, invoice.currency),
    )


INSTALMENT_TEMPLATES: dict[str, str] = {
    "courtesy": N_(
        "Hello {client},\n\nA quick heads-up: instalment {seq} of {count} of our payment plan for invoice "
        "{number}, {amount}, is due on {due_date}.\n\n{payment_details}\n\nThank you!\n{freelancer}"
    ),
    "friendly": N_(
        "Hello {client},\n\nUnless I am mistaken, instalment {seq} of {count} of our payment plan for invoice "
        "{number}, {amount}, was due on {due_date} and I have not received it yet.\n\n{payment_details}\n\n"
        "If something has changed on your side, just tell me.\n\nBest regards,\n{freelancer}"
    ),
}


def render_instalment_reminder(
    *,
    freelancer: Freelancer,
    client: Client,
    invoice: Invoice,
    tone: str,
    today: date,
    seq: int,
    count: int,
    left_minor: int,
    due_date: date,
) -> ReminderText:
    """A heads-up before an instalment of a payment plan, or the one reminder when it is missed: the
    amount is what is left of that instalment, not the invoice's balance."""
    tr = translator(client_locale(freelancer, client))
    values = template_values(tr, freelancer, client, invoice, today)
    values |= {"amount": tr.money(left_minor, invoice.currency), "due_date": tr.date(due_date, "long")}
    template = tr.plain(INSTALMENT_TEMPLATES.get(tone, INSTALMENT_TEMPLATES["friendly"]))
    # Two numbers of this text only (not placeholders a freelancer's own wording may use).
    template = template.replace("{seq}", str(seq)).replace("{count}", str(count))
    plain = render_template(template, values)
    escaped = {name: html.escape(value, quote=False) for name, value in values.items()}
    rich = render_template(html.escape(template, quote=False), escaped)
    subject = tr.plain(
        "Invoice {number} — instalment {seq} of {count}, {amount}, due on {due_date}",
        number=invoice.number, seq=seq, count=count, amount=values["amount"], due_date=values["due_date"],
    )  # fmt: skip
    return ReminderText(
        html=rich, plain=plain, subject=subject, today=today, template=template, values=values,
        amount_minor=left_minor, due_date=due_date, instalment=(seq, count),
    )  # fmt: skip
