"""Freelancers type invoice amounts the way their phone keyboard lets them; Relance must read them all."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.money import (
    MAX_AMOUNT_MAJOR,
    AmountError,
    AmountErrorReason,
    Money,
    babel_locale,
    currency_decimals,
    format_major,
    format_money,
    is_known_currency,
    parse_amount,
    parse_currency,
)

Reason = AmountErrorReason


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def reason_for(text: str, locale: str = "fr", default_currency: str = "EUR") -> AmountError:
    with pytest.raises(AmountError) as caught:
        parse_amount(text, locale=locale, default_currency=default_currency)
    return caught.value


# --- Money ----------------------------------------------------------------------------------------


def test_money_from_decimal_uses_the_currency_minor_units():
    assert Money.from_decimal(Decimal("1234.56"), "EUR") == Money(123456, "EUR")
    assert Money.from_decimal(Decimal("1234"), "JPY") == Money(1234, "JPY")
    assert Money.from_decimal(Decimal("1.234"), "BHD") == Money(1234, "BHD")
    assert Money.from_decimal(Decimal("12.50"), "EUR") == Money(1250, "EUR")
    assert Money.from_decimal(Decimal("12.00"), "JPY") == Money(12, "JPY")
    assert Money.from_decimal(Decimal("-3.5"), "EUR") == Money(-350, "EUR")
    assert Money.from_decimal(Decimal("1E+3"), "EUR") == Money(100000, "EUR")


@pytest.mark.parametrize(
    ("value", "currency"),
    [("12.345", "EUR"), ("100.5", "JPY"), ("NaN", "EUR"), ("Infinity", "EUR"), ("sNaN", "EUR")],
)
def test_money_from_decimal_refuses_what_the_currency_cannot_hold(value, currency):
    with pytest.raises(ValueError):
        Money.from_decimal(Decimal(value), currency)


def test_money_to_decimal_and_back():
    assert Money(123456, "EUR").to_decimal() == Decimal("1234.56")
    assert str(Money(100, "EUR").to_decimal()) == "1.00"
    assert str(Money(1234, "JPY").to_decimal()) == "1234"
    assert Money(0, "EUR").is_zero()
    assert not Money(1, "EUR").is_zero()


def test_money_checks_its_fields():
    with pytest.raises(ValueError):
        Money(100, "eur")
    with pytest.raises(ValueError):
        Money(100, "EURO")
    with pytest.raises(TypeError):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True, "EUR")


def test_money_adds_subtracts_and_compares_within_one_currency():
    assert eur(1000) + eur(250) == eur(1250)
    assert eur(1000) - eur(250) == eur(750)
    assert eur(250) - eur(1000) == eur(-750)
    assert eur(1) < eur(2) <= eur(2)
    assert eur(3) > eur(2) >= eur(2)
    assert max(eur(5), eur(9), eur(1)) == eur(9)


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_money_refuses_to_mix_currencies(operation):
    with pytest.raises(ValueError):
        operation(eur(100), Money(100, "USD"))


def test_money_of_different_currencies_is_never_equal():
    assert Money(100, "EUR") != Money(100, "USD")


def test_currency_decimals():
    assert currency_decimals("EUR") == 2
    assert currency_decimals("JPY") == 0
    assert currency_decimals("BHD") == 3


# --- parse_amount: what people type ---------------------------------------------------------------


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56 €", Money(123456, "EUR")),
        ("1234.56", Money(123456, "EUR")),
        ("€1,234.56", Money(123456, "EUR")),
        ("1.234,56 EUR", Money(123456, "EUR")),
        ("1200 eur", Money(120000, "EUR")),
        ("1200 Eur", Money(120000, "EUR")),
        ("1200", Money(120000, "EUR")),
        ("1 200€", Money(120000, "EUR")),
        ("1'234.50 CHF", Money(123450, "CHF")),
        ("1’234.50 CHF", Money(123450, "CHF")),
        ("£99", Money(9900, "GBP")),
        ("99 GBP", Money(9900, "GBP")),
        ("99 gbp", Money(9900, "GBP")),
        ("US$ 50", Money(5000, "USD")),
        ("US$50", Money(5000, "USD")),
        ("50 $US", Money(5000, "USD")),
        ("12,5", Money(1250, "EUR")),
        ("12.5", Money(1250, "EUR")),
        ("0,50 €", Money(50, "EUR")),
        ("1\u202f234,56 €", Money(123456, "EUR")),
        ("1\u00a0234,56\u00a0€", Money(123456, "EUR")),
        ("EUR 1200", Money(120000, "EUR")),
        ("€ 1 200", Money(120000, "EUR")),
        ("¥1500", Money(1500, "JPY")),
        ("1500 JPY", Money(1500, "JPY")),
        ("CHF 250", Money(25000, "CHF")),
        ("250 Fr.", Money(25000, "CHF")),
        ("Fr. 250.50", Money(25050, "CHF")),
        ("1200 euros", Money(120000, "EUR")),
        ("300 livres", Money(30000, "GBP")),
        ("80 dollars canadiens", Money(8000, "CAD")),
        ("80 CA$", Money(8000, "CAD")),
        ("1.234.567,89 €", Money(123456789, "EUR")),
        ("1,234,567.89 €", Money(123456789, "EUR")),
        ("+50", Money(5000, "EUR")),
        ("  1200 €  ", Money(120000, "EUR")),
        ("1 000 000 000 €", Money(100000000000, "EUR")),
        ("0,01 €", Money(1, "EUR")),
    ],
)
def test_freelancer_types_an_amount(text, locale, expected):
    assert parse_amount(text, locale=locale, default_currency="EUR") == expected


def test_an_amount_without_currency_is_in_the_default_currency():
    assert parse_amount("1200", locale="fr", default_currency="CHF") == Money(120000, "CHF")
    assert parse_amount("1200", locale="en", default_currency="JPY") == Money(1200, "JPY")


def test_a_single_mark_before_three_digits_follows_the_locale():
    assert parse_amount("1,234", locale="en", default_currency="EUR") == Money(123400, "EUR")
    assert parse_amount("1.234", locale="fr", default_currency="EUR") == Money(123400, "EUR")
    assert reason_for("1,234", locale="fr").reason is Reason.TOO_MANY_DECIMALS
    assert reason_for("1.234", locale="en").reason is Reason.TOO_MANY_DECIMALS
    # In a 3-decimal currency the same text means 1 234,000 or 1,234 whatever the language: asked.
    assert reason_for("1,234 BHD", locale="fr").reason is Reason.AMBIGUOUS_AMOUNT


def test_a_mark_in_a_number_grouped_with_spaces_is_decimal():
    assert parse_amount("1 234.5", locale="fr", default_currency="EUR") == Money(123450, "EUR")
    assert reason_for("1 234.567", locale="fr").reason is Reason.TOO_MANY_DECIMALS


def test_an_ambiguous_symbol_means_the_default_currency_when_it_can():
    assert parse_amount("$50", locale="en", default_currency="USD") == Money(5000, "USD")
    assert parse_amount("50 $", locale="fr", default_currency="CAD") == Money(5000, "CAD")
    assert parse_amount("100 kr", locale="en", default_currency="SEK") == Money(10000, "SEK")


# --- parse_amount: what it refuses ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\u00a0"])
def test_an_empty_answer(text):
    assert reason_for(text).reason is Reason.EMPTY


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "€",
        "1e309",
        "1E5",
        "NaN",
        "nan €",
        "inf",
        "-inf",
        "Infinity",
        "--5",
        "+-5",
        "1,2,3",
        "12..5",
        "12,,5",
        "12 5",
        "1 23,45",
        "1,234.567,89",
        "1.234,567.89",
        "1'234 567",
        "12,",
        ",5",
        "(50)",
        "50)",
        "50 -",
        "5-",
        "12 € 50",
        "€ 12 EUR",
        "€100 HT",
        "100 %",
        "1" * 10_000,
        "1" * 101,
        "12\x00",
        "12\x07 €",
        "1\u200b200",
        "٣",
    ],
)
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_what_cannot_be_read_as_an_amount(text, locale):
    assert reason_for(text, locale=locale).reason is Reason.UNPARSEABLE


@pytest.mark.parametrize("text", ["0", "-0", "0,00 €", "-5", "-5 €", "€-5", "-€5", "\u22125", "- 12,50"])
def test_zero_and_negative_amounts(text):
    assert reason_for(text).reason is Reason.NOT_POSITIVE


@pytest.mark.parametrize(
    ("text", "locale", "currency"),
    [
        ("12.345 EUR", "en", "EUR"),
        ("12,345 €", "fr", "EUR"),
        ("0,001 €", "fr", "EUR"),
        ("100.5 JPY", "en", "JPY"),
        ("100,5 ¥", "fr", "JPY"),
        ("12.00 JPY", "en", "JPY"),
        ("1.2345 BHD", "en", "BHD"),
    ],
)
def test_too_many_decimals_for_the_currency(text, locale, currency):
    error = reason_for(text, locale=locale)
    assert error.reason is Reason.TOO_MANY_DECIMALS
    assert error.currency == currency


@pytest.mark.parametrize(
    "text", ["1 000 000 000,01 €", "1 000 000 001", "99999999999999999999", "2000000000 €"]
)
def test_absurdly_large_amounts(text):
    error = reason_for(text)
    assert error.reason is Reason.TOO_LARGE
    assert error.currency == "EUR"
    assert MAX_AMOUNT_MAJOR == Decimal(1_000_000_000)


@pytest.mark.parametrize("text", ["100 XYZ", "100 bananas", "100 FRF", "100 € HT", "XYZ 100"])
def test_unknown_currencies(text):
    assert reason_for(text).reason is Reason.UNKNOWN_CURRENCY


def test_a_dollar_amount_needs_to_say_which_dollar():
    error = reason_for("$50", locale="en", default_currency="EUR")
    assert error.reason is Reason.AMBIGUOUS_CURRENCY
    assert error.candidates[:3] == ("USD", "CAD", "AUD")


def test_kroner_are_ambiguous_too():
    error = reason_for("500 kr", default_currency="EUR")
    assert error.reason is Reason.AMBIGUOUS_CURRENCY
    assert set(error.candidates) >= {"SEK", "NOK", "DKK"}


def test_the_amount_is_checked_before_its_size_and_decimals():
    assert reason_for("-12,345 €").reason is Reason.NOT_POSITIVE
    assert reason_for("-2 000 000 000").reason is Reason.NOT_POSITIVE


def test_amount_error_is_a_value_error_with_data_for_the_handler():
    error = AmountError(Reason.AMBIGUOUS_CURRENCY, ("USD", "CAD"))
    assert isinstance(error, ValueError)
    assert error.reason == "ambiguous_currency"
    assert error.candidates == ("USD", "CAD")
    assert error.currency is None


# --- Currencies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eur", "EUR"),
        ("EUR", "EUR"),
        ("€", "EUR"),
        ("euro", "EUR"),
        ("Euro", "EUR"),
        ("EUROS", "EUR"),
        (" chf ", "CHF"),
        ("Fr.", "CHF"),
        ("franc suisse", "CHF"),
        ("Francs Suisses", "CHF"),
        ("£", "GBP"),
        ("livre", "GBP"),
        ("livre sterling", "GBP"),
        ("British pound", "GBP"),
        ("¥", "JPY"),
        ("yen", "JPY"),
        ("yen japonais", "JPY"),
        ("US$", "USD"),
        ("$US", "USD"),
        ("US dollars", "USD"),
        ("dollar des États-Unis", "USD"),
        ("dollar des Etats-Unis", "USD"),
        ("dollars canadiens", "CAD"),
        ("Canadian dollar", "CAD"),
        ("CA$", "CAD"),
        ("$ CA", "CAD"),
        ("zł", "PLN"),
        ("couronne suédoise", "SEK"),
        ("eur.", "EUR"),
    ],
)
def test_freelancer_names_a_currency(text, expected):
    assert parse_currency(text) == expected


@pytest.mark.parametrize("text", ["$", "dollar", "dollars", "Dollars", "kr", "francs"])
def test_ambiguous_currency_names(text):
    with pytest.raises(AmountError) as caught:
        parse_currency(text)
    assert caught.value.reason is Reason.AMBIGUOUS_CURRENCY
    assert len(caught.value.candidates) > 1


def test_dollars_are_ordered_by_likelihood():
    with pytest.raises(AmountError) as caught:
        parse_currency("dollars")
    assert caught.value.candidates[0] == "USD"


@pytest.mark.parametrize("text", ["XYZ", "bananas", "FRF", "DEM", "euro dollars", "1\x00", "e" * 200])
def test_unknown_currency_names(text):
    with pytest.raises(AmountError) as caught:
        parse_currency(text)
    assert caught.value.reason in {Reason.UNKNOWN_CURRENCY, Reason.UNPARSEABLE}


def test_an_empty_currency_answer():
    with pytest.raises(AmountError) as caught:
        parse_currency("  ")
    assert caught.value.reason is Reason.EMPTY


def test_known_currencies_are_active_upper_case_iso_codes():
    for code in ("EUR", "USD", "GBP", "JPY", "CHF", "CAD", "XOF", "BHD"):
        assert is_known_currency(code)
    for code in ("eur", "FRF", "DEM", "XYZ", "", "EURO"):
        assert not is_known_currency(code)


# --- Formatting -----------------------------------------------------------------------------------


def test_format_money_in_french_uses_babel_spaces():
    assert format_money(Money(123456, "EUR"), "fr") == "1\u202f234,56\u00a0€"
    assert format_money(Money(1234, "JPY"), "fr") == "1\u202f234\u00a0JPY"


def test_format_money_in_english():
    assert format_money(Money(123456, "EUR"), "en") == "€1,234.56"
    assert format_money(Money(123456, "GBP"), "en") == "£1,234.56"


def test_relance_english_writes_us_dollars_unambiguously():
    assert babel_locale("en") == "en_GB"
    assert babel_locale("en_US") == "en_US"
    assert babel_locale("fr") == "fr"
    assert format_money(Money(5000, "USD"), "en") == "US$50.00"
    assert format_money(Money(5000, "USD"), "en_US") == "$50.00"


def test_format_major_is_plain_for_csv():
    assert format_major(Money(123456, "EUR")) == "1234.56"
    assert format_major(Money(100, "EUR")) == "1.00"
    assert format_major(Money(5, "EUR")) == "0.05"
    assert format_major(Money(0, "EUR")) == "0.00"
    assert format_major(Money(1234, "JPY")) == "1234"
    assert format_major(Money(-150, "EUR")) == "-1.50"


# --- Properties -----------------------------------------------------------------------------------

LOCALES = st.sampled_from(["fr", "en"])
NUMBERISH = st.text(alphabet="0123456789.,' -+€$\u00a0\u202fEURkr", max_size=30)


@given(text=st.text(), locale=LOCALES)
def test_parse_amount_only_ever_raises_amount_error(text, locale):
    try:
        parse_amount(text, locale=locale, default_currency="EUR")
    except AmountError:
        pass


@given(text=NUMBERISH, locale=LOCALES)
def test_parse_amount_only_ever_raises_amount_error_on_number_like_text(text, locale):
    try:
        money = parse_amount(text, locale=locale, default_currency="EUR")
    except AmountError:
        return
    assert money.minor > 0
    assert money.to_decimal() <= MAX_AMOUNT_MAJOR


@given(text=st.text())
def test_parse_currency_only_ever_raises_amount_error(text):
    try:
        assert is_known_currency(parse_currency(text))
    except AmountError:
        pass


@st.composite
def invoice_amounts(draw):
    currency = draw(st.sampled_from(["EUR", "USD", "GBP", "JPY", "CHF"]))
    largest = int(MAX_AMOUNT_MAJOR) * 10 ** currency_decimals(currency)
    return Money(draw(st.integers(min_value=1, max_value=largest)), currency)


@given(money=invoice_amounts(), locale=LOCALES)
def test_a_formatted_amount_reads_back_as_the_same_money(money, locale):
    text = format_money(money, locale)
    assert parse_amount(text, locale=locale, default_currency="SEK") == money


@given(money=invoice_amounts())
def test_format_major_reads_back_as_the_same_money(money):
    assert Money.from_decimal(Decimal(format_major(money)), money.currency) == money


# --- issue 18: no silent ×1000 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale", "currency"),
    [("0,500", "en", "EUR"), ("0.500 €", "fr", "EUR"), ("0,500", "fr", "EUR")],
)
def test_a_leading_zero_means_decimals_never_thousands(text, locale, currency):
    with pytest.raises(AmountError) as error:
        parse_amount(text, locale=locale, default_currency=currency)
    assert error.value.reason is AmountErrorReason.TOO_MANY_DECIMALS  # said, not read as 500


def test_a_thousandth_of_a_dinar_is_a_thousandth_in_any_language():
    assert parse_amount("0,001 KWD", locale="en", default_currency="EUR") == Money(1, "KWD")
    assert parse_amount("0.001 KWD", locale="fr", default_currency="EUR") == Money(1, "KWD")
    assert parse_amount("0,5", locale="en", default_currency="EUR") == Money(50, "EUR")


@pytest.mark.parametrize("text", ["1.234 TND", "1,234 TND"])
@pytest.mark.parametrize("locale", ["en", "fr"])
def test_three_decimal_currencies_ask_instead_of_guessing(text, locale):
    with pytest.raises(AmountError) as error:
        parse_amount(text, locale=locale, default_currency="EUR")
    assert error.value.reason is AmountErrorReason.AMBIGUOUS_AMOUNT
    assert error.value.readings == (Money(1_234_000, "TND"), Money(1_234, "TND"))


def test_unambiguous_three_decimal_amounts_are_read():
    assert parse_amount("1 234.500 TND", locale="en", default_currency="EUR") == Money(1_234_500, "TND")
    assert parse_amount("1.234,500 TND", locale="en", default_currency="EUR") == Money(1_234_500, "TND")
    assert parse_amount("12,5 BHD", locale="en", default_currency="EUR") == Money(12_500, "BHD")


def test_two_decimal_currencies_keep_reading_a_three_digit_group_as_thousands():
    assert parse_amount("1,234", locale="en", default_currency="EUR") == Money(123_400, "EUR")
    assert parse_amount("1.234", locale="fr", default_currency="EUR") == Money(123_400, "EUR")


def test_a_badly_grouped_number_is_refused():
    with pytest.raises(AmountError) as error:
        parse_amount("1234 567", locale="fr", default_currency="EUR")
    assert error.value.reason is AmountErrorReason.UNPARSEABLE


def test_from_decimal_refuses_a_fraction_of_a_cent():
    with pytest.raises(ValueError):
        Money.from_decimal(Decimal("0.001"), "EUR")
    with pytest.raises(ValueError):
        Money.from_decimal(Decimal("0.0010"), "EUR")
    assert Money.from_decimal(Decimal("0.010"), "EUR") == Money(1, "EUR")
