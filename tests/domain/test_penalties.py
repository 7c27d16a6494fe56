"""Late-payment interest and indemnity, each case computed by hand in the comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from bot.domain.penalties import (
    AdminFee,
    RateError,
    as_json,
    check_half_year_start,
    compute,
    ecb_table,
    format_minor,
    fr_legal_table,
    parse_rate,
)


@dataclass(frozen=True)
class Payment:
    amount_minor: int
    paid_on: date


def fr(**kwargs: object) -> dict[str, object]:
    out = as_json(compute(**{"currency": "EUR", "b2b": True, **kwargs}))  # type: ignore[arg-type]
    return out


def test_the_issue_example() -> None:
    # 1000.00 due 31 Jan 2026, counted to 2 Mar 2026: 1 Feb..2 Mar = 28 + 2 = 30 days; rate in force on
    # 1 Jan 2026 = ECB 2.15 + 10 = 12.15; 1000 × 12.15 % × 30 / 365 = 9.9863 → 9.99; + 40.00 indemnity.
    out = fr(amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2))
    assert (out["days_late"], out["rate"], out["interest"]) == (30, "12.15", "9.99")
    assert (out["indemnity"], out["total"], out["missing_rates"]) == ("40.00", "1049.99", [])


def test_the_shipped_ecb_table_gives_the_official_french_rates() -> None:
    # The rates the French administration published for L441-10 (ECB + 10) from 2023 to 2026.
    table = ecb_table()
    expected = {
        date(2022, 7, 1): 0, date(2023, 1, 1): 250, date(2023, 7, 1): 400, date(2024, 1, 1): 450,
        date(2024, 7, 1): 425, date(2025, 1, 1): 315, date(2025, 7, 1): 215, date(2026, 1, 1): 215,
    }  # fmt: skip
    assert {d: table.get(d) for d in expected} == expected
    assert table.get(date(2019, 1, 1)) == 0
    assert table.get(date(2026, 7, 1)) is None  # after the table's checked_through date: not guessed


def test_a_half_year_boundary_splits_the_interest_at_each_rate() -> None:
    # Due 15 Jun 2025, to 15 Jul 2025: 16..30 Jun = 15 days at 13.15 (ECB 3.15 on 1 Jan 2025),
    # 1..15 Jul = 15 days at 12.15 (ECB 2.15 on 1 Jul 2025):
    # 1000 × (13.15 % × 15 + 12.15 % × 15) / 365 = 1000 × 3.795 / 365 = 10.397 → 10.40.
    out = fr(amount_minor=100_000, due_date=date(2025, 6, 15), on=date(2025, 7, 15))
    assert out["days_late"] == 30
    assert out["interest"] == "10.40"
    assert [(p["from"], p["to"], p["days"], p["rate"]) for p in out["periods"]] == [  # type: ignore[attr-defined]
        ("2025-06-16", "2025-06-30", 15, "13.15"),
        ("2025-07-01", "2025-07-15", 15, "12.15"),
    ]
    assert out["rate"] == "12.15"  # the latest one


def test_a_leap_year_still_counts_actual_days_over_365() -> None:
    # Due 1 Feb 2024, to 1 Mar 2024: 2..29 Feb + 1 Mar = 29 days at 14.50 (ECB 4.50 on 1 Jan 2024):
    # 1000 × 14.50 % × 29 / 365 = 11.5205 → 11.52 (over 366 it would be 11.49).
    out = fr(amount_minor=100_000, due_date=date(2024, 2, 1), on=date(2024, 3, 1))
    assert (out["days_late"], out["interest"]) == (29, "11.52")
    # The whole of 2024 (366 days): 182 days at 14.50 and 184 at 14.25:
    # 1000 × (0.145 × 182 + 0.1425 × 184) / 365 = 1000 × 52.61 / 365 = 144.137 → 144.14.
    out = fr(amount_minor=100_000, due_date=date(2023, 12, 31), on=date(2024, 12, 31))
    assert (out["days_late"], out["interest"]) == (366, "144.14")


def test_a_consumer_owes_no_statutory_interest_and_never_an_indemnity() -> None:
    out = fr(amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2), b2b=False)
    assert (out["interest"], out["indemnity"], out["admin_fee"], out["total"]) == (
        "0.00",
        "0.00",
        "0.00",
        "1000.00",
    )
    assert "consumer" in out["warnings"]  # type: ignore[operator]
    # A contractual rate in the consumer's contract gives interest, still no indemnity nor admin fee:
    # 1000 × 5 % × 30 / 365 = 4.109 → 4.11.
    out = fr(
        amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2), b2b=False,
        contractual_rate_bp=500, admin_fee=AdminFee(1_500, 10),
    )  # fmt: skip
    assert (out["interest"], out["indemnity"], out["admin_fee"]) == ("4.11", "0.00", "0.00")


def test_a_contractual_rate_replaces_the_statutory_one_and_is_checked_against_the_floor() -> None:
    # 1 Feb..2 Mar 2025 = 30 days; 1000 × 10 % × 30 / 365 = 8.219 → 8.22. The floor in the first half
    # of 2025 is 3 × 3.71 (legal rate for professionals) = 11.13: 10 % is below it.
    out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), contractual_rate_bp=1000)
    assert (out["rate"], out["interest"], out["contractual"]) == ("10.00", "8.22", True)
    assert out["legal_floor"] == "11.13"
    assert "below_legal_floor" in out["warnings"]  # type: ignore[operator]
    out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), contractual_rate_bp=1200)
    assert out["warnings"] == [] and out["interest"] == "9.86"  # 1000 × 12 % × 30 / 365 = 9.863
    # 2026: no legal rate shipped for that half-year: the floor is unknown, and said so.
    out = fr(amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2), contractual_rate_bp=1200)
    assert out["legal_floor"] is None and "legal_floor_unknown" in out["warnings"]  # type: ignore[operator]
    assert fr_legal_table().get(date(2024, 1, 1)) == 507


def test_partial_payments_lower_the_base_from_the_day_after_they_are_paid() -> None:
    # 400.00 paid on 10 Feb: 1..10 Feb (10 days) on 1000, 11 Feb..2 Mar (20 days) on 600, at 12.15:
    # 12.15 % × (1000 × 10 + 600 × 20) / 365 = 12.15 % × 22000 / 365 = 7.323 → 7.32.
    out = fr(
        amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2),
        payments=[Payment(40_000, date(2026, 2, 10))],
    )  # fmt: skip
    assert (out["balance"], out["interest"], out["total"]) == ("600.00", "7.32", "647.32")
    # A payment before the due date lowers the base from the start: 600 × 12.15 % × 30 / 365 = 5.99.
    out = fr(
        amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2),
        payments=[Payment(40_000, date(2026, 1, 20))],
    )  # fmt: skip
    assert out["interest"] == "5.99"
    # Paid in full 10 days late: 1000 × 12.15 % × 10 / 365 = 3.328 → 3.33 still due, plus the indemnity.
    out = fr(
        amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2),
        payments=[Payment(100_000, date(2026, 2, 10))],
    )  # fmt: skip
    assert (out["balance"], out["interest"], out["indemnity"], out["total"]) == (
        "0.00",
        "3.33",
        "40.00",
        "43.33",
    )
    # A payment after `on` does not count yet.
    out = fr(
        amount_minor=100_000, due_date=date(2026, 1, 31), on=date(2026, 3, 2),
        payments=[Payment(40_000, date(2026, 3, 5))],
    )  # fmt: skip
    assert (out["balance"], out["interest"]) == ("1000.00", "9.99")


def test_a_half_year_without_a_known_rate_is_reported_not_guessed() -> None:
    out = fr(amount_minor=100_000, due_date=date(2026, 6, 15), on=date(2026, 7, 20))
    assert out["missing_rates"] == ["2026-07-01"]
    assert out["interest"] is None and out["rate"] is None
    assert out["total"] == "1040.00"  # the amount and the indemnity only: no interest invented
    # Once the operator adds it, it is used: 35 days at 12.15 → 1000 × 0.1215 × 35 / 365 = 11.65.
    result = compute(
        amount_minor=100_000, currency="EUR", due_date=date(2026, 6, 15), on=date(2026, 7, 20), b2b=True,
        extra_rates={date(2026, 7, 1): 215},
    )  # fmt: skip
    assert result.complete and result.interest_minor == 11_65
    # A contractual rate needs no reference rate.
    out = fr(amount_minor=100_000, due_date=date(2026, 6, 15), on=date(2026, 7, 20), contractual_rate_bp=1215)
    assert out["missing_rates"] == [] and out["interest"] == "11.65"


def test_other_countries_follow_their_rule() -> None:
    def rate_and_interest(country: str) -> tuple[object, object, object]:
        out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), country=country)
        return out["rate"], out["interest"], out["indemnity"]

    # 30 days; ECB 3.15 on 1 Jan 2025.
    assert rate_and_interest("FR") == ("13.15", "10.81", "40.00")  # 1000 × 0.1315 × 30 / 365 = 10.808
    assert rate_and_interest("ES") == ("11.15", "9.16", "40.00")  # + 8: 9.164
    assert rate_and_interest("IT") == ("11.15", "9.16", "40.00")
    assert rate_and_interest("NL") == ("11.15", "9.16", "40.00")
    assert rate_and_interest("LU") == ("11.15", "9.16", "40.00")
    assert rate_and_interest("BE") == ("11.50", "9.45", "40.00")  # 11.15 rounded up to the half point
    assert rate_and_interest("DE") == ("12.15", "9.99", "40.00")  # + 9, with the base-rate caveat
    assert rate_and_interest("PT") == ("11.15", "9.16", "40.00")  # the Directive's minimum
    out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), country="DE")
    assert "de_base_rate" in out["warnings"]  # type: ignore[operator]
    out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), country="PL")
    assert "own_reference_rate" in out["warnings"]  # type: ignore[operator]
    # Outside the EU: no statutory rule known, so nothing but what a contract says.
    out = fr(amount_minor=100_000, due_date=date(2025, 1, 31), on=date(2025, 3, 2), country="CH")
    assert (out["interest"], out["indemnity"]) == ("0.00", "0.00")
    assert "no_statutory_rule" in out["warnings"]  # type: ignore[operator]


def test_the_indemnity_is_in_euros_only_and_amounts_use_the_currencys_decimals() -> None:
    result = compute(
        amount_minor=100_000, currency="JPY", due_date=date(2026, 1, 31), on=date(2026, 3, 2), b2b=True
    )
    # ¥100,000 × 12.15 % × 30 / 365 = ¥998.6 → ¥999.
    assert (result.interest_minor, result.indemnity_minor) == (999, 0)
    assert "indemnity_currency" in result.warnings
    assert as_json(result)["interest"] == "999"
    assert format_minor(104_999, "EUR") == "1049.99" and format_minor(1_234, "BHD") == "1.234"


def test_not_late_means_nothing_claimed() -> None:
    out = fr(amount_minor=100_000, due_date=date(2026, 3, 2), on=date(2026, 3, 2))
    assert (out["days_late"], out["interest"], out["indemnity"], out["total"]) == (
        0,
        "0.00",
        "0.00",
        "1000.00",
    )


def test_the_admin_fee_is_due_from_n_days_late() -> None:
    def fee(after: int) -> object:
        out = fr(
            amount_minor=100_000,
            due_date=date(2026, 1, 31),
            on=date(2026, 3, 2),
            admin_fee=AdminFee(25_00, after),
        )
        return out["admin_fee"], out["total"]

    assert fee(30) == ("25.00", "1074.99")
    assert fee(31) == ("0.00", "1049.99")


@pytest.mark.parametrize(
    ("text", "bp"), [("12.15", 1215), ("12,15", 1215), ("2", 200), (" 0.5 % ", 50), ("0", 0), ("100", 10_000)]
)
def test_rates_are_read_as_typed(text: str, bp: int) -> None:
    assert parse_rate(text) == bp


@pytest.mark.parametrize("text", ["", "abc", "-1", "12.155", "101", "nan", "inf", "1e400"])
def test_bad_rates_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(RateError, match="12.15"):
        parse_rate(text)


def test_a_rate_is_for_a_half_year_start() -> None:
    assert check_half_year_start(date(2027, 7, 1)) == date(2027, 7, 1)
    with pytest.raises(RateError, match="1 January or 1 July"):
        check_half_year_start(date(2027, 2, 1))


def test_bad_amounts_and_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        compute(amount_minor=0, currency="EUR", due_date=date(2026, 1, 1), on=date(2026, 2, 1), b2b=True)
    with pytest.raises(ValueError):
        compute(
            amount_minor=1, currency="EUR", due_date=date(2026, 1, 1), on=date(2026, 2, 1), b2b=True,
            contractual_rate_bp=-1,
        )  # fmt: skip
