"""The freelancer's profile fields: how each is asked, offered as buttons, validated and shown.

Onboarding and /settings share these, so a value is checked the same way wherever it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.domain import validation
from bot.domain.contact_details import AddressError, one_line_address, parse_postal_address
from bot.domain.dates import holiday_subdivisions, parse_subdivision, subdivision_name
from bot.domain.money import AmountError, Money, parse_amount, parse_currency
from bot.domain.penalties import RateError, format_rate, parse_rate
from bot.domain.zones import COMMON_ZONES, Place, find_timezone
from bot.i18n import N_, SUPPORTED, Html, Translator
from bot.presentation.contact_views import address_problem
from bot.storage import Freelancer

MAX_NAME_LENGTH = validation.MAX_NAME_LENGTH
clean_text = validation.clean_text


class Invalid(Exception):
    """The typed value is refused; `message` (translated HTML) says what was expected, and `choices`
    (label, value) are buttons for what may have been meant."""

    def __init__(self, message: Html, choices: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices or []


def parse_name(text: str, tr: Translator, example: str) -> str:
    """A client or contact name: 1 to 80 characters, no control characters, white space folded."""
    try:
        return validation.name(text)
    except validation.InvalidValue as exc:
        if exc.problem is validation.Problem.CONTROL_CHARACTERS:
            message = tr._(
                "That name contains invisible control characters. Please type it again, for example: {example}.",
                example=example,
            )
        elif exc.problem is validation.Problem.TOO_LONG:
            message = tr._(
                "That name is too long ({length} characters). Please keep it to {limit} at most, "
                "for example: {example}.",
                length=exc.length,
                limit=MAX_NAME_LENGTH,
                example=example,
            )
        else:
            message = tr._("Please type a name, for example: {example}.", example=example)
        raise Invalid(message) from None


def _postal_address(text: str, tr: Translator) -> str:
    try:
        return parse_postal_address(text)
    except AddressError as exc:
        raise Invalid(address_problem(tr, exc)) from exc


def _name(text: str, tr: Translator) -> str:
    return parse_name(text, tr, "Claire Martin Design")


def validate_email_address(text: str, tr: Translator) -> str:
    """Accept exactly what the e-mail channel can send to (its `validate_address`), normalized."""
    try:
        return validation.typed_email_address(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._("That is not a valid e-mail address. Please type one, for example claire@example.com.")
        ) from None


def _currency(text: str, tr: Translator) -> str:
    try:
        return parse_currency(clean_text(text)[:40])
    except AmountError as exc:
        if exc.candidates:
            raise Invalid(
                tr._(
                    "“{text}” could mean several currencies ({codes}). Please type the ISO code, for example USD.",
                    text=clean_text(text)[:40],
                    codes=", ".join(exc.candidates[:5]),
                )
            ) from None
        raise Invalid(
            tr._("Unknown currency. Please type an ISO code, for example EUR, USD or CHF.")
        ) from None


def _timezone(text: str, tr: Translator) -> str:
    """A city or town (accents and case ignored) or an IANA zone; a name shared by places in
    different zones asks which one, with a button each (the biggest first)."""
    typed = clean_text(text)[:80]
    match = find_timezone(typed)
    if match.zone:
        return match.zone
    if match.places:
        raise Invalid(
            tr._("Several places are called “{name}”. Which one did you mean?", name=typed),
            [(_place_label(place, match.places, tr), place.zone) for place in match.places],
        )
    raise Invalid(
        tr._(
            "Unknown time zone: I do not know “{name}”. Please type your city or town, for example Lyon or "
            "Montréal, or a zone name such as Europe/Paris.",
            name=typed,
        )
    )


def _place_label(place: Place, places: tuple[Place, ...], tr: Translator) -> str:
    """`Paris, France`; with the zone's city when the country has several zones in the list
    (`Geneva, United States (Chicago)`)."""
    country = tr.country_name(place.country)
    if sum(p.country == place.country for p in places) > 1:
        city = place.zone.rsplit("/", 1)[-1].replace("_", " ")
        return tr.plain("{place}, {country} ({zone})", place=place.name, country=country, zone=city)
    return tr.plain("{place}, {country}", place=place.name, country=country)


def _country(text: str, tr: Translator) -> str:
    try:
        return validation.holiday_country(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._(
                "Unknown country code. Please type the two-letter code of the country whose public "
                "holidays apply to you, for example FR, BE or CA."
            )
        ) from None


def _language(text: str, tr: Translator) -> str:
    code = clean_text(text).lower()[:2]
    if code not in SUPPORTED:
        raise Invalid(tr._("Please choose a language with the buttons, for example Français."))
    return code


def _payment_term(text: str, tr: Translator) -> int:
    try:
        return validation.payment_term_days(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._("Please type a number of days between 0 and 120, for example 30 (the usual term in France).")
        ) from None


def _iban(text: str, tr: Translator) -> str:
    try:
        return validation.iban(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._(
                "That IBAN is not valid (its check digits do not match). Please copy it again from your "
                "bank, for example FR76 3000 6000 0112 3456 7890 189."
            )
        ) from None


def _bic(text: str, tr: Translator) -> str:
    try:
        return validation.bic(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._("That BIC is not valid. It has 8 or 11 characters, for example AGRIFRPP.")
        ) from None


def _payment_link(text: str, tr: Translator) -> str:
    try:
        return validation.payment_link(text)
    except validation.InvalidValue:
        raise Invalid(
            tr._("A payment link must start with https://, for example https://buy.stripe.com/abc123.")
        ) from None


def _send_time(text: str, tr: Translator) -> str:
    try:
        return validation.send_time(text)
    except validation.InvalidValue:
        raise Invalid(tr._("Please type a time between 08:00 and 19:59, for example 09:30.")) from None


APPROVAL_MODES = {"auto": N_("Send unless I skip"), "manual": N_("Send only what I approve")}
NOTIFY_MODES = {"each": N_("After each sending"), "daily": N_("One daily summary")}
SWITCH = {"on": N_("On"), "off": N_("Off")}
BANK_MATCHING = {"apply": N_("Apply certain matches"), "ask": N_("Ask me for everything")}


def _one_of(options: dict[str, str]) -> Callable[[str, Translator], str]:
    """A setting chosen with buttons: the button's value, or the same code typed."""

    def parse(text: str, tr: Translator) -> str:
        code = clean_text(text).lower()
        if code not in options:
            raise Invalid(
                tr._(
                    "Please choose with the buttons, for example “{example}”.",
                    example=tr.plain(next(iter(options.values()))),
                )
            )
        return code

    return parse


def _switch(text: str, tr: Translator) -> bool:
    return _one_of(SWITCH)(text, tr) == "on"


MAX_ADMIN_FEE_DAYS = 365
MAX_ADMIN_FEE_MAJOR = 10_000
_ADMIN_FEE = re.compile(
    r"^(?P<amount>.+?)\s*(?:,|;|/|\+|\bafter\b|\bapr[eè]s\b|\bfrom\b|\bd[eè]s\b|\bau bout de\b)\s*"
    r"(?P<days>\d{1,4})\s*(?:d|days?|j|jours?)?\s*(?:late|de retard)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AdminFeeTerms:
    amount: Money
    after_days: int


def _contractual_rate(text: str, tr: Translator) -> int:
    try:
        return parse_rate(clean_text(text)[:20])
    except RateError:
        raise Invalid(
            tr._(
                "Please type the yearly rate your terms state, in percent, with at most 2 decimals, for "
                "example 12.15 (or tap Skip for the legal rate)."
            )
        ) from None


def _show_rate(value: int | None, tr: Translator) -> str:
    if value is None:
        return tr.plain("the legal rate")
    return tr.plain("{rate} % a year", rate=tr.number(Decimal(format_rate(value))))


def _admin_fee(text: str, tr: Translator, freelancer: Freelancer) -> AdminFeeTerms:
    example = tr.plain("15 € after 30 days")
    match = _ADMIN_FEE.match(clean_text(text)[:60])
    problem = None
    if match is None:
        problem = tr._(
            "Please type the fee and after how many days late it is due, for example <i>{example}</i>.",
            example=example,
        )
    else:
        try:
            amount = parse_amount(
                match["amount"], locale=freelancer.language, default_currency=freelancer.default_currency
            )
        except AmountError:
            amount = None
        days = int(match["days"])
        if amount is None or amount.to_decimal() > MAX_ADMIN_FEE_MAJOR:
            problem = tr._(
                "I could not read the fee’s amount (a positive amount up to {limit}). Please type it with "
                "the number of days, for example <i>{example}</i>.",
                limit=tr.number(MAX_ADMIN_FEE_MAJOR),
                example=example,
            )
        elif days > MAX_ADMIN_FEE_DAYS:
            problem = tr._(
                "The number of days late must be 0 to {limit}, for example <i>{example}</i>.",
                limit=MAX_ADMIN_FEE_DAYS,
                example=example,
            )
        else:
            return AdminFeeTerms(amount, days)
    raise Invalid(problem)


def _show_admin_fee(freelancer: Freelancer, tr: Translator) -> str:
    if freelancer.admin_fee_minor is None or freelancer.admin_fee_currency is None:
        return tr.plain("no fee")
    money = tr.money(freelancer.admin_fee_minor, freelancer.admin_fee_currency)
    return tr.plain_n("{amount} after {n} day late", "{amount} after {n} days late", freelancer.admin_fee_days or 0,
                 amount=money)  # fmt: skip


def admin_fee_columns(value: AdminFeeTerms | None) -> dict[str, object]:
    """The columns the admin-fee setting is stored in (all empty when skipped)."""
    if value is None:
        return {"admin_fee_minor": None, "admin_fee_currency": None, "admin_fee_days": None}
    return {
        "admin_fee_minor": value.amount.minor,
        "admin_fee_currency": value.amount.currency,
        "admin_fee_days": value.after_days,
    }


MAX_REGION_BUTTONS = 27


def holiday_calendar_label(freelancer: Freelancer, tr: Translator) -> str:
    """Whose public holidays reminders skip: "Quebec (Canada)", "France, national holidays"."""
    country = tr.country_name(freelancer.country)
    if freelancer.holiday_subdivision:
        region = subdivision_name(freelancer.country, freelancer.holiday_subdivision)
        return tr.plain("{region} ({country})", region=region, country=country)
    return tr.plain("{country}, national holidays", country=country)


def _holiday_regions(freelancer: Freelancer, tr: Translator) -> list[tuple[str, str]]:
    codes = holiday_subdivisions(freelancer.country)
    if len(codes) > MAX_REGION_BUTTONS:  # Italy has over a hundred provinces: typing is quicker
        return []
    return [(subdivision_name(freelancer.country, code), code) for code in codes]


def _holiday_region_prompt(freelancer: Freelancer, tr: Translator) -> Html:
    country = tr.country_name(freelancer.country)
    if not holiday_subdivisions(freelancer.country):
        return tr._(
            "{country} has the same public holidays everywhere, so there is no region to choose. Tap Skip, "
            "or change the country in “Holidays of”.",
            country=country,
        )
    return tr._(
        "Some public holidays in {country} depend on the region (for example Quebec’s Fête nationale or "
        "Moselle’s Saint-Étienne). Tap your region or type its code, for example <i>{example}</i>. "
        "Skip to follow the national holidays only.",
        country=country,
        example=holiday_subdivisions(freelancer.country)[0],
    )


def _holiday_region(text: str, tr: Translator, freelancer: Freelancer) -> str:
    codes = holiday_subdivisions(freelancer.country)
    code = parse_subdivision(freelancer.country, clean_text(text)[:60])
    if code is not None:
        return code
    country = tr.country_name(freelancer.country)
    if not codes:
        raise Invalid(
            tr._(
                "{country} has no regional public holidays. Tap Skip, or first change the country in "
                "“Holidays of”, for example to CA for Canada.",
                country=country,
            )
        )
    raise Invalid(
        tr._(
            "Unknown region of {country}. Please tap one or type its code, for example {example}.",
            country=country,
            example=", ".join(codes[:4]),
        )
    )


@dataclass(frozen=True)
class Field:
    key: str
    label: Callable[[Translator], str]
    prompt: Callable[[Translator], Html]
    parse: Callable[[str, Translator], Any]
    choices: Callable[[Translator], list[tuple[str, str]]] = lambda tr: []
    optional: bool = False
    display: Callable[[Any, Translator], str] | None = None
    """How a stored code is shown (a setting chosen among labelled options)."""
    parse_for: Callable[[str, Translator, Freelancer], Any] | None = None
    """Instead of `parse`, for a field whose valid values depend on the freelancer's other settings."""
    choices_for: Callable[[Freelancer, Translator], list[tuple[str, str]]] | None = None
    prompt_for: Callable[[Freelancer, Translator], Html] | None = None
    columns: Callable[[Any], dict[str, object]] | None = None
    """The columns a value is saved in, for a field stored in several; None: the column `key`."""

    def offered(self, freelancer: Freelancer, tr: Translator) -> list[tuple[str, str]]:
        return self.choices_for(freelancer, tr) if self.choices_for else self.choices(tr)

    def question(self, freelancer: Freelancer, tr: Translator) -> Html:
        return self.prompt_for(freelancer, tr) if self.prompt_for else self.prompt(tr)

    def read(self, text: str, tr: Translator, freelancer: Freelancer) -> Any:
        return self.parse_for(text, tr, freelancer) if self.parse_for else self.parse(text, tr)

    def show(self, freelancer: Freelancer, tr: Translator) -> str:
        value = getattr(freelancer, self.key)
        if self.key == "holiday_subdivision":
            return holiday_calendar_label(freelancer, tr)
        if self.key == "admin_fee_minor":
            return _show_admin_fee(freelancer, tr)
        if self.display is not None:
            return self.display(value, tr)
        if value in (None, ""):
            return tr.plain("not set")
        if self.key == "language":
            return tr.language_name(value)
        if self.key == "payment_term_days":
            return tr.n_("{n} day", "{n} days", value)
        if self.key == "iban":
            return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return str(value)


FIELDS: dict[str, Field] = {
    f.key: f
    for f in [
        Field(
            "display_name",
            lambda tr: tr.plain("Name"),
            lambda tr: tr._(
                "What name should your clients see on reminders? Your own name or your business "
                "name, for example: <i>Claire Martin Design</i>."
            ),
            _name,
        ),
        Field(
            "reply_to_email",
            lambda tr: tr.plain("Reply-to e-mail"),
            lambda tr: tr._(
                "Which e-mail address should clients' replies go to? For example <i>claire@example.com</i>. "
                "You can skip this."
            ),
            validate_email_address,
            optional=True,
        ),
        Field(
            "default_currency",
            lambda tr: tr.plain("Currency"),
            lambda tr: tr._(
                "Which currency do you usually invoice in? Tap one or type its code, for example <i>CHF</i>."
            ),
            _currency,
            lambda tr: [(code, code) for code in ("EUR", "USD", "GBP", "CHF", "CAD")],
        ),
        Field(
            "timezone",
            lambda tr: tr.plain("Time zone"),
            lambda tr: tr._(
                "Which time zone are you in? Reminders go out at decent hours in it. Tap one, or type "
                "your city or town (<i>Lyon</i> → Paris time) or a zone like <i>Europe/Paris</i>."
            ),
            _timezone,
            lambda tr: [(zone.split("/")[-1].replace("_", " "), zone) for zone in COMMON_ZONES],
        ),
        Field(
            "language",
            lambda tr: tr.plain("Language"),
            lambda tr: tr._("Which language should I speak with you?"),
            _language,
            lambda tr: [(tr.language_name(code), code) for code in SUPPORTED],
        ),
        Field(
            "business_name",
            lambda tr: tr.plain("Business name"),
            lambda tr: tr._(
                "Your business name, if it differs from your name, for example <i>CM Studio SARL</i>."
            ),
            _name,
            optional=True,
        ),
        Field(
            "payment_term_days",
            lambda tr: tr.plain("Payment term"),
            lambda tr: tr._(
                "Your usual payment term in days, used to suggest due dates. For example <i>30</i> "
                "(the French default; the legal cap between businesses is 60 days)."
            ),
            _payment_term,
            lambda tr: [(str(days), str(days)) for days in (15, 30, 45, 60)],
        ),
        Field(
            "postal_address",
            lambda tr: tr.plain("Postal address"),
            lambda tr: tr._(
                "Your postal address, printed on formal notices, for example <i>12 rue des Lilas, 69003 Lyon</i>."
            ),
            _postal_address,
            optional=True,
            display=lambda value, tr: one_line_address(value) if value else tr.plain("not set"),
        ),
        Field(
            "country",
            lambda tr: tr.plain("Holidays of"),
            lambda tr: tr._(
                "Reminders skip weekends and public holidays. Whose holidays? Type a two-letter country "
                "code, for example <i>FR</i>, <i>BE</i>, <i>CH</i> or <i>CA</i>."
            ),
            _country,
            lambda tr: [(code, code) for code in ("FR", "BE", "CH", "LU", "CA")],
        ),
        Field(
            "holiday_subdivision",
            lambda tr: tr.plain("Holiday region"),
            lambda tr: tr._("Which region's public holidays apply to you?"),
            lambda text, tr: text,
            optional=True,
            parse_for=_holiday_region,
            choices_for=_holiday_regions,
            prompt_for=_holiday_region_prompt,
        ),
        Field(
            "send_time",
            lambda tr: tr.plain("Sending time"),
            lambda tr: tr._(
                "At what local time should reminders go out? Between 08:00 and 19:59, for example <i>09:30</i>."
            ),
            _send_time,
            lambda tr: [(t, t) for t in ("09:00", "09:30", "10:00", "14:00")],
        ),
        Field(
            "iban",
            lambda tr: tr.plain("IBAN"),
            lambda tr: tr._(
                "Your IBAN, printed on reminders so clients can pay by transfer, for example "
                "<i>FR76 3000 6000 0112 3456 7890 189</i>."
            ),
            _iban,
            optional=True,
        ),
        Field(
            "bic",
            lambda tr: tr.plain("BIC"),
            lambda tr: tr._("Your bank's BIC (8 or 11 characters), for example <i>AGRIFRPP</i>."),
            _bic,
            optional=True,
        ),
        Field(
            "payment_link",
            lambda tr: tr.plain("Payment link"),
            lambda tr: tr._(
                "A link where clients can pay online, for example <i>https://buy.stripe.com/abc123</i>."
            ),
            _payment_link,
            optional=True,
        ),
        Field(
            "approval_mode",
            lambda tr: tr.plain("Approval"),
            lambda tr: tr._(
                "Every evening at 18:00 I show you tomorrow's reminders. Should they go out unless you "
                "skip them, or only those you approve?"
            ),
            _one_of(APPROVAL_MODES),
            lambda tr: [(tr.plain(label), code) for code, label in APPROVAL_MODES.items()],
            display=lambda value, tr: tr.plain(APPROVAL_MODES.get(value, APPROVAL_MODES["auto"])),
        ),
        Field(
            "notify_mode",
            lambda tr: tr.plain("Sending notices"),
            lambda tr: tr._(
                "When reminders go out, should I tell you after each sending, or once a day in the "
                "18:00 summary?"
            ),
            _one_of(NOTIFY_MODES),
            lambda tr: [(tr.plain(label), code) for code, label in NOTIFY_MODES.items()],
            display=lambda value, tr: tr.plain(NOTIFY_MODES.get(value, NOTIFY_MODES["each"])),
        ),
        Field(
            "digest_enabled",
            lambda tr: tr.plain("Weekly digest"),
            lambda tr: tr._(
                "Every Monday at 09:00 I can send you a digest: what is overdue, what was sent last week "
                "and what falls due this week. Do you want it?"
            ),
            _switch,
            lambda tr: [(tr.plain(label), code) for code, label in SWITCH.items()],
            display=lambda value, tr: tr.plain(SWITCH["on" if value else "off"]),
        ),
        Field(
            "digest_chart",
            lambda tr: tr.plain("Chart in the digest"),
            lambda tr: tr._(
                "Should the weekly digest open with a bar chart of what is outstanding, by how late it is "
                "(not due yet, 1–30, 31–60, 61–90, over 90 days)?"
            ),
            _switch,
            lambda tr: [(tr.plain(label), code) for code, label in SWITCH.items()],
            display=lambda value, tr: tr.plain(SWITCH["on" if value else "off"]),
        ),
        Field(
            "late_penalties",
            lambda tr: tr.plain("Late penalties"),
            lambda tr: tr._(
                "Do your terms (invoices, quotes, general terms) state late-payment penalties? Between "
                "businesses, French law adds interest from the day after the due date (the ECB rate + 10 "
                "points) and a fixed 40 € indemnity for recovery costs; other EU countries have similar "
                "rules.\n\nIf you turn this on, overdue invoices of business clients show the interest so "
                "far and the indemnity, the final reminder mentions them politely, and a formal notice "
                "claims them. Private individuals (B2C clients) never see them."
            ),
            _switch,
            lambda tr: [(tr.plain(label), code) for code, label in SWITCH.items()],
            display=lambda value, tr: tr.plain(SWITCH["on" if value else "off"]),
        ),
        Field(
            "contractual_rate_bp",
            lambda tr: tr.plain("Late-payment rate"),
            lambda tr: tr._(
                "Do your terms state their own yearly late-payment rate? Type it in percent, for example "
                "<i>12.15</i>. Tap Skip to use the legal rate (in France: the ECB rate + 10 points). In "
                "France a contractual rate may not be below three times the legal interest rate: I warn "
                "you if it is."
            ),
            _contractual_rate,
            optional=True,
            display=_show_rate,
        ),
        Field(
            "admin_fee_minor",
            lambda tr: tr.plain("Admin fee"),
            lambda tr: tr._(
                "Do your terms add a fixed admin fee once an invoice is some days late? Type the fee and "
                "the number of days, for example <i>15 € after 30 days</i>. Tap Skip for none."
            ),
            lambda text, tr: text,
            optional=True,
            parse_for=_admin_fee,
            columns=admin_fee_columns,
        ),
        Field(
            "bank_matching",
            lambda tr: tr.plain("Bank statements"),
            lambda tr: tr._(
                "When you send me a bank statement, should I record at once the payments that name an "
                "invoice for certain (its number or its RF reference), or ask you to confirm every match?"
            ),
            _one_of(BANK_MATCHING),
            lambda tr: [(tr.plain(label), code) for code, label in BANK_MATCHING.items()],
            display=lambda value, tr: tr.plain(BANK_MATCHING.get(value, BANK_MATCHING["apply"])),
        ),
    ]
}

ONBOARDING_FIELDS = ("display_name", "reply_to_email", "default_currency", "timezone", "language")
