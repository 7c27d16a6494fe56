"""Statutory late-payment amounts: interest and the fixed recovery indemnity, to the cent.

Pure code: integer minor units and integer basis points (1215 = 12.15 % a year), no float, no clock.
The rate tables are shipped in bot/domain/data (their sources are named in the files); rates an
operator adds (`relance rates add`) come in as `extra_rates` and take precedence for their half-year.

France (Code de commerce L441-10 II): between businesses, interest runs from the day after the due date
at the ECB rate of its most recent main refinancing operation in force on 1 January (for the first
half-year) or 1 July (for the second), plus 10 points; simple interest, actual days / 365; when the rate
changes at a half-year boundary, each part of the delay is counted at its half-year's rate. On top, a
fixed indemnity for recovery costs of 40 EUR per invoice (D441-5). Never VAT on either: they are
damages, not the price of a supply. Never towards a consumer (B2C): L441-10 only governs dealings
between professionals, so a consumer owes neither (a contractual rate aside, see `compute`).

Other EU countries: Directive 2011/7/EU, art. 2(6), 3 and 6: the reference rate (for the euro area,
the ECB MRO rate on the first calendar day of the half-year) plus at least 8 points, and 40 EUR —
with the national rules below where they differ. A half-year with no known rate is reported in
`Penalties.missing_rates`, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Protocol

from bot.domain.money import currency_decimals

DATA = Path(__file__).with_name("data")
ECB_FILE = DATA / "ecb_mro.tsv"
FR_LEGAL_FILE = DATA / "fr_legal_rate.tsv"
DAYS_IN_YEAR = 365
"""Actual days / 365, in leap years too (L441-10 does not say otherwise; the usual French practice)."""
MAX_RATE_BP = 100_00
"""100 % a year: a higher rate is surely a typo."""
INDEMNITY_EUR_MINOR = 40_00
"""D441-5 (France) and Directive 2011/7/EU art. 6: 40 EUR per invoice paid late."""


@dataclass(frozen=True)
class CountryRule:
    country: str
    margin_bp: int
    """Points added to the reference rate, in basis points (10 points = 1000)."""
    round_up_to_bp: int = 1
    """The statutory rate is rounded up to a multiple of this (Belgium: half a point = 50)."""
    indemnity_eur_minor: int = INDEMNITY_EUR_MINOR
    source: str = ""
    note: str | None = None
    """Said to the user with the result (e.g. the national reference rate is not the ECB's)."""


# The national rules; sources checked against the national texts as cited (2024 wording).
RULES: dict[str, CountryRule] = {
    # France: Code de commerce L441-10 II (ECB rate of the most recent MRO + 10 points, rate in force on
    # 1 January / 1 July for the half-year); D441-5 (40 EUR indemnity for recovery costs).
    "FR": CountryRule("FR", 10_00, source="Code de commerce L441-10 II, D441-5"),
    # Belgium: Loi du 2 août 2002 concernant la lutte contre le retard de paiement dans les transactions
    # commerciales, art. 5 (ECB reference rate + 8 points, rounded up to the next half point) and art. 6
    # (40 EUR). The rate is published each half-year by the SPF Finances.
    "BE": CountryRule("BE", 8_00, round_up_to_bp=50, source="Loi du 2 août 2002, art. 5 et 6"),
    # Germany: BGB § 288 (2) — base rate + 9 points in transactions without a consumer — and § 288 (5)
    # (40 EUR Pauschale). The base rate (Basiszinssatz, BGB § 247) is the Bundesbank's own, not the ECB
    # MRO rate; Relance does not ship it and uses the ECB reference rate instead, which is higher than the
    # Basiszinssatz (by 0.88 points since 2023): the result says so.
    "DE": CountryRule(
        "DE",
        9_00,
        source="BGB § 288 (2) and (5), § 247",
        note="de_base_rate",
    ),
    # Spain: Ley 3/2004, de 29 de diciembre, art. 7 (ECB rate of the most recent MRO before the first day
    # of the half-year + 8 points; published by the Ministerio de Hacienda in the BOE) and art. 8 (40 EUR).
    "ES": CountryRule("ES", 8_00, source="Ley 3/2004, art. 7 y 8"),
    # Italy: D.Lgs. 9 ottobre 2002, n. 231, art. 5 (ECB MRO rate + 8 points, published by the Ministero
    # dell'economia) and art. 6 (40 EUR). Perishable food products have their own rule; not covered here.
    "IT": CountryRule("IT", 8_00, source="D.Lgs. 231/2002, art. 5 e 6"),
    # Netherlands: Burgerlijk Wetboek art. 6:119a and 6:120 (wettelijke handelsrente: ECB MRO rate + 8
    # points, set on 1 January / 1 July) and art. 6:96 (5) (at least 40 EUR for collection costs).
    "NL": CountryRule("NL", 8_00, source="BW art. 6:119a, 6:120, 6:96"),
    # Luxembourg: Loi du 18 avril 2004 relative aux délais de paiement et aux intérêts de retard, as
    # amended by the loi du 29 mars 2013 (ECB reference rate + 8 points; 40 EUR indemnity).
    "LU": CountryRule("LU", 8_00, source="Loi du 18 avril 2004 (modifiée le 29 mars 2013)"),
}
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
EURO_AREA = frozenset("AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split())
"""Bulgaria joined on 1 January 2026; its pre-2026 reference rate was its own (treated as outside)."""


def rule_for(country: str) -> CountryRule | None:
    """The national rule, the Directive's minimum for another EU country, None outside the EU."""
    country = country.upper()
    if country in RULES:
        return RULES[country]
    if country in EU:
        note = None if country in EURO_AREA else "own_reference_rate"
        # Outside the euro area the Directive's reference rate is the national central bank's rate
        # (art. 2(7)(b)); Relance does not ship those and uses the ECB rate instead, and says so.
        return CountryRule(country, 8_00, source="Directive 2011/7/EU, art. 2, 3 and 6", note=note)
    return None


# --- Rates ----------------------------------------------------------------------------------------


class RateError(ValueError):
    """A rate or a half-year date that cannot be used; the message says what was expected."""


def parse_rate(text: str) -> int:
    """ "12.15" or "12,15" (percent a year) → 1215 basis points; RateError otherwise."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RateError(f"not a rate: {text!r} (example: 12.15)") from None
    if not value.is_finite() or value < 0:
        raise RateError(f"not a rate: {text!r} (example: 12.15)")
    hundredths = value * 100
    if hundredths != hundredths.to_integral_value():
        raise RateError(f"a rate has at most 2 decimals: {text!r} (example: 12.15)")
    bp = int(hundredths)
    if bp > MAX_RATE_BP:
        raise RateError(f"a yearly rate above 100 % is surely a typo: {text!r} (example: 12.15)")
    return bp


def format_rate(bp: int) -> str:
    """1215 → "12.15"."""
    return f"{bp // 100}.{bp % 100:02d}"


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def check_half_year_start(day: date) -> date:
    if (day.month, day.day) not in ((1, 1), (7, 1)):
        raise RateError(
            f"{day.isoformat()} does not start a half-year: give 1 January or 1 July (example: 2027-01-01)"
        )
    return day


def _rows(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    meta: dict[str, str] = {}
    rows: list[tuple[str, str]] = []
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, value = line.split("\t")
        if not header_seen and not key[:1].isdigit():
            if key in ("effective", "half_year_start"):
                header_seen = True
            else:
                meta[key] = value
            continue
        rows.append((key, value))
    return meta, rows


@dataclass(frozen=True)
class RateTable:
    """Rates by half-year start (1 January / 1 July), in basis points."""

    rates: Mapping[date, int]
    source: str

    def get(self, start: date) -> int | None:
        return self.rates.get(start)

    def merged(self, extra: Mapping[date, int]) -> RateTable:
        """This table with `extra` (operator-added rates) taking precedence."""
        return RateTable({**self.rates, **extra}, self.source)


@cache
def ecb_table() -> RateTable:
    """The ECB MRO rate in force on each half-year's first day, from 2019 to `checked_through`."""
    meta, rows = _rows(ECB_FILE)
    changes = sorted((date.fromisoformat(d), parse_rate(r)) for d, r in rows)
    checked = date.fromisoformat(meta["checked_through"])
    rates: dict[date, int] = {}
    start = date(2019, 1, 1)
    while start <= checked:
        in_force = [bp for effective, bp in changes if effective <= start]
        if in_force:
            rates[start] = in_force[-1]
        start = next_half_year(start)
    return RateTable(rates, "ECB key interest rates (main refinancing operations)")


@cache
def fr_legal_table() -> RateTable:
    """The French legal interest rate (creditors other than private individuals), by half-year."""
    _meta, rows = _rows(FR_LEGAL_FILE)
    return RateTable(
        {check_half_year_start(date.fromisoformat(d)): parse_rate(r) for d, r in rows},
        "Taux de l'intérêt légal (arrêtés publiés au Journal officiel, Banque de France)",
    )


def legal_floor_bp(country: str, day: date) -> int | None:
    """The lowest contractual rate the law allows on `day`: in France three times the legal interest
    rate (L441-10 II); None when unknown (another country, or a half-year not in the table)."""
    if country.upper() != "FR":
        return None
    legal = fr_legal_table().get(half_year_start(day))
    return None if legal is None else 3 * legal


# --- The computation --------------------------------------------------------------------------------


class PaymentLike(Protocol):
    """Anything with `amount_minor` and `paid_on` (bot.storage payments qualify)."""

    @property
    def amount_minor(self) -> int: ...
    @property
    def paid_on(self) -> date: ...


@dataclass(frozen=True)
class Period:
    """A stretch of the delay with one base and one rate."""

    first_day: date
    last_day: date
    base_minor: int
    rate_bp: int

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class AdminFee:
    """A fixed fee the freelancer's terms state, due once the invoice is `after_days` late."""

    amount_minor: int
    after_days: int


@dataclass(frozen=True)
class Penalties:
    currency: str
    country: str
    b2b: bool
    due_date: date
    on: date
    days_late: int
    balance_minor: int
    """What is still owed on the invoice on `on` (after payments)."""
    periods: tuple[Period, ...]
    interest_minor: int | None
    """None when a rate is missing (see `missing_rates`)."""
    indemnity_minor: int
    admin_fee_minor: int
    rate_bp: int | None
    """The yearly rate applied; the latest one when it changed along the way."""
    contractual: bool
    missing_rates: tuple[date, ...] = ()
    """Half-years (their first day) with no known reference rate: no interest is given then."""
    warnings: tuple[str, ...] = ()
    """Codes: "below_legal_floor", "legal_floor_unknown", "de_base_rate", "own_reference_rate",
    "no_statutory_rule", "consumer", "indemnity_currency"."""
    floor_bp: int | None = None
    source: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing_rates

    @property
    def claimed_minor(self) -> int:
        """Interest + indemnity + admin fee (0 for interest when it could not be computed)."""
        return (self.interest_minor or 0) + self.indemnity_minor + self.admin_fee_minor

    @property
    def total_minor(self) -> int:
        return self.balance_minor + self.claimed_minor

    @property
    def rate_changed(self) -> bool:
        return len({p.rate_bp for p in self.periods}) > 1


def _round_up(bp: int, step: int) -> int:
    return -(-bp // step) * step


def _statutory_rate(rule: CountryRule, reference_bp: int) -> int:
    return _round_up(reference_bp + rule.margin_bp, rule.round_up_to_bp)


def _breakpoints(first: date, last: date, payment_days: Iterable[date]) -> list[date]:
    """The days from which the base or the half-year changes, within [first, last], sorted."""
    points = {first}
    start = next_half_year(half_year_start(first))
    while start <= last:
        points.add(start)
        start = next_half_year(start)
    points.update(d for d in payment_days if first < d <= last)
    return sorted(points)


def _divide_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def compute(
    *,
    amount_minor: int,
    currency: str,
    due_date: date,
    on: date,
    b2b: bool,
    country: str = "FR",
    payments: Sequence[PaymentLike] = (),
    contractual_rate_bp: int | None = None,
    admin_fee: AdminFee | None = None,
    extra_rates: Mapping[date, int] | None = None,
    extra_legal_rates: Mapping[date, int] | None = None,
) -> Penalties:
    """Interest, indemnity and admin fee on an invoice of `amount_minor` due on `due_date`, counted to `on`.

    Interest runs from the day after the due date to `on` inclusive; a payment made on day P lowers the
    base from the day after P (the day it is paid is still a day late for the money paid). A contractual
    rate replaces the statutory one (a warning comes back when it is below the legal floor). Towards a
    consumer (`b2b` False) nothing statutory is due: only a contractual rate gives interest, and there is
    never an indemnity or an admin fee.
    """
    if amount_minor <= 0:
        raise ValueError("the amount must be positive")
    if contractual_rate_bp is not None and not 0 <= contractual_rate_bp <= MAX_RATE_BP:
        raise ValueError("the contractual rate must be 0 to 100 % a year")
    country = country.upper()
    rule = rule_for(country)
    warnings: list[str] = []
    days_late = max(0, (on - due_date).days)
    paid = sorted((p.paid_on, p.amount_minor) for p in payments if p.paid_on <= on)
    balance = amount_minor - sum(amount for _day, amount in paid)
    table = ecb_table().merged(extra_rates or {})
    floor_bp: int | None = None
    if contractual_rate_bp is not None and country == "FR":
        # L441-10 II: the contractual rate may not be below three times the legal interest rate.
        legal = fr_legal_table().merged(extra_legal_rates or {}).get(half_year_start(on))
        if legal is None:
            warnings.append("legal_floor_unknown")
        else:
            floor_bp = 3 * legal
            if contractual_rate_bp < floor_bp:
                warnings.append("below_legal_floor")
    if not b2b:
        warnings.append("consumer")
    if rule is None and contractual_rate_bp is None:
        warnings.append("no_statutory_rule")
    elif rule is not None and rule.note and contractual_rate_bp is None:
        warnings.append(rule.note)
    interest_applies = contractual_rate_bp is not None or (b2b and rule is not None)
    periods: list[Period] = []
    missing: list[date] = []
    if days_late and interest_applies:
        first, last = due_date + timedelta(days=1), on
        points = _breakpoints(first, last, (day + timedelta(days=1) for day, _amount in paid))
        for index, start in enumerate(points):
            end = points[index + 1] - timedelta(days=1) if index + 1 < len(points) else last
            base = amount_minor - sum(amount for day, amount in paid if day < start)
            if base <= 0:
                continue
            if contractual_rate_bp is not None:
                rate: int | None = contractual_rate_bp
            else:
                assert rule is not None
                reference = table.get(half_year_start(start))
                rate = None if reference is None else _statutory_rate(rule, reference)
            if rate is None:
                if half_year_start(start) not in missing:
                    missing.append(half_year_start(start))
                continue
            periods.append(Period(start, end, base, rate))
    interest: int | None = None
    if not missing:
        numerator = sum(p.base_minor * p.rate_bp * p.days for p in periods)
        interest = _divide_half_up(numerator, 10_000 * DAYS_IN_YEAR)
    indemnity = 0
    if b2b and days_late and rule is not None:
        if currency == "EUR":
            indemnity = rule.indemnity_eur_minor
        else:
            # The Directive sets 40 EUR "or the equivalent in national currency": no exchange rate here.
            warnings.append("indemnity_currency")
    fee = 0
    if admin_fee is not None and b2b and days_late >= admin_fee.after_days and admin_fee.amount_minor > 0:
        fee = admin_fee.amount_minor
    rate_bp = periods[-1].rate_bp if periods and not missing else contractual_rate_bp
    if rate_bp is None and rule is not None and b2b and not missing:
        reference = table.get(half_year_start(on))
        rate_bp = None if reference is None else _statutory_rate(rule, reference)
    return Penalties(
        currency=currency,
        country=country,
        b2b=b2b,
        due_date=due_date,
        on=on,
        days_late=days_late,
        balance_minor=max(0, balance),
        periods=tuple(periods),
        interest_minor=interest,
        indemnity_minor=indemnity,
        admin_fee_minor=fee,
        rate_bp=rate_bp,
        contractual=contractual_rate_bp is not None,
        missing_rates=tuple(missing),
        warnings=tuple(warnings),
        floor_bp=floor_bp,
        source=(rule.source if rule and contractual_rate_bp is None else ""),
    )


def format_minor(minor: int, currency: str) -> str:
    """1049.99 for EUR, 1050 for JPY: the amount as a plain decimal string (for JSON)."""
    decimals = currency_decimals(currency)
    if decimals == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def as_json(result: Penalties) -> dict[str, object]:
    """The result for scripts: amounts and rates as strings with the currency's decimals."""
    money = lambda minor: format_minor(minor, result.currency)  # noqa: E731
    return {
        "currency": result.currency,
        "country": result.country,
        "b2b": result.b2b,
        "due": result.due_date.isoformat(),
        "on": result.on.isoformat(),
        "days_late": result.days_late,
        "balance": money(result.balance_minor),
        "rate": None if result.rate_bp is None else format_rate(result.rate_bp),
        "contractual": result.contractual,
        "interest": None if result.interest_minor is None else money(result.interest_minor),
        "indemnity": money(result.indemnity_minor),
        "admin_fee": money(result.admin_fee_minor),
        "total": money(result.total_minor),
        "periods": [
            {
                "from": p.first_day.isoformat(),
                "to": p.last_day.isoformat(),
                "days": p.days,
                "base": money(p.base_minor),
                "rate": format_rate(p.rate_bp),
            }
            for p in result.periods
        ],
        "missing_rates": [d.isoformat() for d in result.missing_rates],
        "legal_floor": None if result.floor_bp is None else format_rate(result.floor_bp),
        "warnings": list(result.warnings),
        "source": result.source,
    }
