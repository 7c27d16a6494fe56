"""The pure checks behind every typed profile and client field."""

from __future__ import annotations

import pytest

from bot.domain import validation
from bot.domain.validation import InvalidValue, Problem


def problem(check, text: str) -> Problem:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValue) as refused:
        check(text)
    return refused.value.problem


def test_names_are_folded_and_bounded() -> None:
    assert validation.name("  Amélie \u200b Durand   Design ") == "Amélie Durand Design"
    assert problem(validation.name, "   ") is Problem.EMPTY
    assert problem(validation.name, "Acme\x00Corp") is Problem.CONTROL_CHARACTERS
    with pytest.raises(InvalidValue) as refused:
        validation.name("x" * 81)
    assert (refused.value.problem, refused.value.length) == (Problem.TOO_LONG, 81)
    assert validation.name("x" * 80) == "x" * 80


def test_email_addresses_are_normalized_and_single_line() -> None:
    assert validation.typed_email_address(" Claire@Example.COM ") == "Claire@example.com"
    assert validation.email_address("zoe@exämple.fr") == "zoe@xn--exmple-cua.fr"
    for bad in ("claire@", "no at sign", "a@b.fr\nBcc: x@y.fr", "zoé@example.fr"):
        assert problem(validation.typed_email_address, bad) is Problem.EMAIL


def test_iban_bic_and_country() -> None:
    assert validation.iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert problem(validation.iban, "FR76 3000 6000 0112 3456 7890 188") is Problem.IBAN
    assert validation.bic("agrifrpp") == "AGRIFRPP"
    assert problem(validation.bic, "AGRI") is Problem.BIC
    assert validation.holiday_country(" ca ") == "CA"
    assert problem(validation.holiday_country, "XX") is Problem.COUNTRY


def test_payment_terms_links_and_send_times() -> None:
    assert [validation.payment_term_days(t) for t in ("30", "45 j", "60 days", "0", "120")] == [
        30,
        45,
        60,
        0,
        120,
    ]
    for bad in ("121", "-1", "trente", "30 weeks"):
        assert problem(validation.payment_term_days, bad) is Problem.PAYMENT_TERM
    assert validation.payment_link("https://buy.stripe.com/abc123") == "https://buy.stripe.com/abc123"
    for bad in ("buy.stripe.com/abc", "https://localhost", "javascript:alert(1)", "https://a.b/" + "x" * 300):
        assert problem(validation.payment_link, bad) is Problem.LINK
    assert [validation.send_time(t) for t in ("9", "9h30", "08:00", "19:59")] == [
        "09:00",
        "09:30",
        "08:00",
        "19:59",
    ]
    for bad in ("7:59", "20:00", "9:60", "noon"):
        assert problem(validation.send_time, bad) is Problem.SEND_TIME
