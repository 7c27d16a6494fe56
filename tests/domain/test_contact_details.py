"""Postal addresses and phone numbers as typed: normalized, or refused with the reason."""

from __future__ import annotations

import pytest

from bot.domain.contact_details import (
    AddressError,
    AddressProblem,
    PhoneError,
    PhoneProblem,
    address_town,
    format_phone,
    one_line_address,
    parse_phone,
    parse_postal_address,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12 rue des Lilas, 69003 Lyon", "12 rue des Lilas\n69003 Lyon"),
        ("  12  rue des Lilas\n\n 69003   Lyon \n", "12 rue des Lilas\n69003 Lyon"),
        ("Bât. B; 3 avenue de l'Opéra; 75001 Paris", "Bât. B\n3 avenue de l'Opéra\n75001 Paris"),
    ],
)
def test_addresses_are_split_into_lines_and_folded(typed: str, stored: str) -> None:
    assert parse_postal_address(typed) == stored
    assert one_line_address(stored) == ", ".join(stored.split("\n"))


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", AddressProblem.EMPTY),
        ("  ,  ", AddressProblem.EMPTY),
        ("1 r, Lyo", AddressProblem.TOO_SHORT),
        ("12 rue des Lilas 69003 Lyon", AddressProblem.NO_TOWN),
        ("12 rue des Lilas, 69003", AddressProblem.NO_TOWN),
        ("a, b, c, d, e, f, g 12345", AddressProblem.TOO_MANY_LINES),
        ("x" * 81 + ", 69003 Lyon", AddressProblem.LINE_TOO_LONG),
        ("12 rue\x00 des Lilas, 69003 Lyon", AddressProblem.CONTROL_CHARACTERS),
        ("12 rue\u200b des Lilas, 69003 Lyon", AddressProblem.CONTROL_CHARACTERS),
    ],
)
def test_bad_addresses_say_why(typed: str, problem: AddressProblem) -> None:
    with pytest.raises(AddressError) as caught:
        parse_postal_address(typed)
    assert caught.value.problem == problem


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("12 rue des Lilas\n69003 Lyon", "Lyon"),
        ("12 rue des Lilas\n69003 Lyon\nFrance", "Lyon"),
        ("Musterstraße 1\nD-10115 Berlin", "Berlin"),
        ("1 Main Street\nDublin", "Dublin"),
        ("", ""),
    ],
)
def test_the_town_of_an_address(address: str, town: str) -> None:
    assert address_town(address) == town


@pytest.mark.parametrize(
    ("typed", "region", "e164"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "DE", "+33612345678"),
        ("0033 6 12 34 56 78", "FR", "+33612345678"),
        ("+44 20 7946 0958", "FR", "+442079460958"),
        ("02 555 12 12", "BE", "+3225551212"),
    ],
)
def test_phones_are_stored_in_e164(typed: str, region: str, e164: str) -> None:
    assert parse_phone(typed, region) == e164


def test_phones_are_shown_grouped() -> None:
    assert format_phone("+33612345678") == "+33 6 12 34 56 78"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("call me", PhoneProblem.NOT_A_NUMBER),
        ("", PhoneProblem.NOT_A_NUMBER),
        ("06 12", PhoneProblem.INVALID),
        ("+33 1 23 45", PhoneProblem.INVALID),
        ("0" * 40, PhoneProblem.TOO_LONG),
    ],
)
def test_bad_phones_say_why(typed: str, problem: PhoneProblem) -> None:
    with pytest.raises(PhoneError) as caught:
        parse_phone(typed, "FR")
    assert caught.value.problem == problem
