"""Postal addresses and phone numbers as the freelancer reads them, and why a typed address was refused."""

from __future__ import annotations

from bot.domain.contact_details import (
    AddressError,
    AddressProblem,
    format_phone,
    one_line_address,
    parse_postal_address,
)
from bot.i18n import Html, Translator

ADDRESS_EXAMPLE = "12 rue des Lilas, 69003 Lyon"


def address_problem(tr: Translator, error: AddressError) -> Html:
    """Why an address was refused, with an example of what works."""
    problem = error.problem
    if problem == AddressProblem.CONTROL_CHARACTERS:
        reason = tr.plain("That address contains invisible control characters.")
    elif problem == AddressProblem.TOO_MANY_LINES:
        reason = tr.plain("That address has too many lines (6 at most).")
    elif problem == AddressProblem.LINE_TOO_LONG:
        reason = tr.plain("A line of that address is too long (80 characters at most).")
    elif problem == AddressProblem.NO_TOWN:
        reason = tr.plain("I need the street and, on its own line or after a comma, the postcode and town.")
    else:
        reason = tr.plain("That does not look like a postal address.")
    return tr._(
        "{reason} Please type it again, for example: <i>{example}</i> (one line, or one line per part).",
        reason=reason,
        example=ADDRESS_EXAMPLE,
    )


def read_address(tr: Translator, text: str) -> tuple[str | None, Html | None]:
    """The normalized address, or the re-prompt."""
    try:
        return parse_postal_address(text), None
    except AddressError as exc:
        return None, address_problem(tr, exc)


def show_address(tr: Translator, address: str | None) -> str:
    return one_line_address(address) if address else tr.plain("not set")


def show_phone(phone: str | None) -> str:
    return format_phone(phone) if phone else ""
