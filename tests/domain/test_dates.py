"""Freelancers type invoice and due dates in French or English, as numbers, words or payment terms."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import (
    MAX_TERM_DAYS,
    DateError,
    DateErrorReason,
    DueWarning,
    add_days_end_of_month,
    due_date_warnings,
    end_of_month,
    format_date,
    is_business_day,
    next_business_day,
    parse_date,
    parse_due_date,
)

Reason = DateErrorReason
TODAY = date(2026, 11, 20)
ISSUE = date(2026, 1, 15)


def date_error(text: str, locale: str = "fr", today: date = TODAY) -> Reason:
    with pytest.raises(DateError) as caught:
        parse_date(text, locale=locale, today=today)
    return caught.value.reason


def due_error(text: str, issue_date: date = ISSUE) -> Reason:
    with pytest.raises(DateError) as caught:
        parse_due_date(text, locale="fr", issue_date=issue_date, today=TODAY)
    return caught.value.reason


# --- parse_date -----------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    "text",
    [
        "15/12/2026",
        "15.12.2026",
        "15-12-2026",
        "2026-12-15",
        "2026/12/15",
        "15/12/26",
        "15 / 12 / 2026",
        "15.12.",
        "15/12",
        "15.12",
        "15-12",
        "15 déc.",
        "15 dec",
        "15 DÉC",
        "15 décembre",
        "15 decembre 2026",
        "15 décembre 2026",
        "le 15 décembre",
        "mardi 15 décembre 2026",
        "Dec 15",
        "Dec. 15, 2026",
        "December 15, 2026",
        "December 15th, 2026",
        "Tuesday, December 15, 2026",
        "15 Dec 2026",
        "15 Dec 26",
        "15th December",
        "the 15th of December",
        "15th Dec",
    ],
)
def test_freelancer_types_the_15th_of_december(text, locale):
    assert parse_date(text, locale=locale, today=TODAY) == date(2026, 12, 15)


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1er janvier", date(2027, 1, 1)),
        ("1er janvier 2026", date(2026, 1, 1)),
        ("1st January 2026", date(2026, 1, 1)),
        ("2nd Feb 2026", date(2026, 2, 2)),
        ("3rd March 2026", date(2026, 3, 3)),
        ("15 févr. 2026", date(2026, 2, 15)),
        ("15 fev 2026", date(2026, 2, 15)),
        ("15 fév 2026", date(2026, 2, 15)),
        ("15 février 2026", date(2026, 2, 15)),
        ("15 mars 2026", date(2026, 3, 15)),
        ("15 mar 2026", date(2026, 3, 15)),
        ("15 avr. 2026", date(2026, 4, 15)),
        ("15 April 2026", date(2026, 4, 15)),
        ("1 mai 2026", date(2026, 5, 1)),
        ("May 1, 2026", date(2026, 5, 1)),
        ("15 juin 2026", date(2026, 6, 15)),
        ("15 juil. 2026", date(2026, 7, 15)),
        ("15 juillet 2026", date(2026, 7, 15)),
        ("15 July 2026", date(2026, 7, 15)),
        ("15 août 2026", date(2026, 8, 15)),
        ("15 aout 2026", date(2026, 8, 15)),
        ("15 Aug 2026", date(2026, 8, 15)),
        ("15 sept. 2026", date(2026, 9, 15)),
        ("15 Sep 2026", date(2026, 9, 15)),
        ("15 oct. 2026", date(2026, 10, 15)),
        ("15 nov. 2026", date(2026, 11, 15)),
        ("5/1/2026", date(2026, 1, 5)),
        ("05/01/2026", date(2026, 1, 5)),
        ("12/31/2026", date(2026, 12, 31)),
        ("31/12/2026", date(2026, 12, 31)),
    ],
)
def test_freelancer_types_a_date(text, locale, expected):
    assert parse_date(text, locale=locale, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("today", 0),
        ("Today", 0),
        ("aujourd'hui", 0),
        ("Aujourd’hui", 0),
        ("auj", 0),
        ("yesterday", -1),
        ("hier", -1),
        ("tomorrow", 1),
        ("Demain", 1),
    ],
)
def test_relative_days_count_from_today(text, days):
    assert parse_date(text, locale="fr", today=TODAY) == TODAY + timedelta(days=days)


def test_numeric_dates_are_day_first_for_european_users():
    assert parse_date("05/01/2026", locale="en", today=TODAY) == date(2026, 1, 5)
    assert parse_date("05/01/2026", locale="fr", today=TODAY) == date(2026, 1, 5)


def test_an_explicit_american_locale_reads_month_first():
    assert parse_date("05/01/2026", locale="en_US", today=TODAY) == date(2026, 5, 1)
    assert parse_date("31/12/2026", locale="en_US", today=TODAY) == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("15/12", date(2026, 11, 20), date(2026, 12, 15)),
        ("15/01", date(2026, 11, 20), date(2027, 1, 15)),
        ("15/01", date(2026, 3, 1), date(2026, 1, 15)),
        ("15/10", date(2026, 3, 1), date(2025, 10, 15)),
        ("15/08", date(2026, 3, 1), date(2026, 8, 15)),
        ("1er janvier", date(2026, 12, 28), date(2027, 1, 1)),
        ("31 déc.", date(2027, 1, 3), date(2026, 12, 31)),
    ],
)
def test_a_date_without_year_is_the_one_closest_to_today(text, today, expected):
    assert parse_date(text, locale="fr", today=today) == expected


def test_the_29th_of_february_without_year_finds_the_leap_year():
    assert parse_date("29/02", locale="fr", today=date(2028, 1, 10)) == date(2028, 2, 29)
    assert date_error("29/02", today=date(2026, 11, 20)) is Reason.IMPOSSIBLE


@pytest.mark.parametrize("text", ["", "  ", "\n"])
def test_an_empty_date(text):
    assert date_error(text) is Reason.EMPTY


@pytest.mark.parametrize(
    "text",
    [
        "blah",
        "15",
        "15/12/2026/1",
        "15/12.2026",
        "15//12",
        "15/12/202",
        "2026-12",
        "décembre",
        "décembre 2026",
        "15 jui",
        "15 ju",
        "15 bananas 2026",
        "15 décembre 2026 10h",
        "1" * 10_000,
        "15/12\x00",
        "15\x1b/12",
    ],
)
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_what_cannot_be_read_as_a_date(text, locale):
    assert date_error(text, locale=locale) is Reason.UNPARSEABLE


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",
        "30.02",
        "30/02",
        "31/04/2026",
        "15/13/2026",
        "13/13",
        "00/12",
        "32/01/2026",
        "31 juin 2026",
    ],
)
def test_dates_that_do_not_exist(text):
    assert date_error(text) is Reason.IMPOSSIBLE


@pytest.mark.parametrize("text", ["15/12/1999", "15/12/2101", "1999-12-31", "15 décembre 1850", "31/12/9999"])
def test_dates_outside_the_supported_years(text):
    assert date_error(text) is Reason.OUT_OF_RANGE


def test_relative_days_outside_the_supported_years():
    assert date_error("tomorrow", today=date.max) is Reason.OUT_OF_RANGE
    assert date_error("today", today=date(1999, 6, 1)) is Reason.OUT_OF_RANGE


# --- parse_due_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", ISSUE + timedelta(days=30)),
        ("0", ISSUE),
        ("30 jours", ISSUE + timedelta(days=30)),
        ("30j", ISSUE + timedelta(days=30)),
        ("30 J", ISSUE + timedelta(days=30)),
        ("30 days", ISSUE + timedelta(days=30)),
        ("30d", ISSUE + timedelta(days=30)),
        ("net 30", ISSUE + timedelta(days=30)),
        ("à 30 jours", ISSUE + timedelta(days=30)),
        ("in 45 days", ISSUE + timedelta(days=45)),
        ("dans 45 jours", ISSUE + timedelta(days=45)),
        ("+45d", ISSUE + timedelta(days=45)),
        ("+45j", ISSUE + timedelta(days=45)),
        ("+45", ISSUE + timedelta(days=45)),
        ("+ 45", ISSUE + timedelta(days=45)),
        ("45 jours net", ISSUE + timedelta(days=45)),
        ("366", ISSUE + timedelta(days=366)),
        ("fin de mois", date(2026, 1, 31)),
        ("Fin du mois", date(2026, 1, 31)),
        ("end of month", date(2026, 1, 31)),
        ("EOM", date(2026, 1, 31)),
        ("45 jours fin de mois", date(2026, 3, 31)),
        ("45 days end of month", date(2026, 3, 31)),
        ("45j FDM", date(2026, 3, 31)),
        ("45 days EOM", date(2026, 3, 31)),
        ("30 jours fin de mois", date(2026, 2, 28)),
        ("today", TODAY),
        ("aujourd'hui", TODAY),
        ("15/01", date(2027, 1, 15)),
        ("15/02/2026", date(2026, 2, 15)),
        ("15 février 2026", date(2026, 2, 15)),
    ],
)
def test_freelancer_types_a_due_date_or_payment_term(text, expected):
    assert parse_due_date(text, locale="fr", issue_date=ISSUE, today=TODAY) == expected


def test_payment_terms_count_from_the_issue_date_not_today():
    issue = date(2026, 6, 30)
    assert parse_due_date("30 days", locale="en", issue_date=issue, today=TODAY) == date(2026, 7, 30)
    assert parse_due_date("45j fdm", locale="fr", issue_date=issue, today=TODAY) == date(2026, 8, 31)


@pytest.mark.parametrize("text", [str(MAX_TERM_DAYS + 1), "400 jours", "in 1000 days", "2026"])
def test_payment_terms_longer_than_a_year(text):
    assert due_error(text) is Reason.OUT_OF_RANGE


def test_payment_term_past_the_supported_years():
    assert due_error("30", issue_date=date(2100, 12, 15)) is Reason.OUT_OF_RANGE
    assert due_error("30", issue_date=date.max) is Reason.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.EMPTY),
        ("  ", Reason.EMPTY),
        ("bientôt", Reason.UNPARSEABLE),
        ("30 semaines", Reason.UNPARSEABLE),
    ],
)
def test_due_dates_that_cannot_be_read(text, reason):
    assert due_error(text) is reason


# --- Month ends and warnings ----------------------------------------------------------------------


def test_end_of_month():
    assert end_of_month(date(2026, 2, 10)) == date(2026, 2, 28)
    assert end_of_month(date(2028, 2, 10)) == date(2028, 2, 29)
    assert end_of_month(date(2026, 12, 31)) == date(2026, 12, 31)


def test_add_days_end_of_month_is_the_french_rule():
    assert add_days_end_of_month(date(2026, 1, 15), 45) == date(2026, 3, 31)
    assert add_days_end_of_month(date(2026, 1, 31), 30) == date(2026, 3, 31)
    assert add_days_end_of_month(date(2026, 1, 1), 30) == date(2026, 1, 31)


def test_a_reasonable_due_date_has_no_warning():
    assert due_date_warnings(ISSUE, ISSUE) == []
    assert due_date_warnings(ISSUE, ISSUE + timedelta(days=60)) == []


def test_a_due_date_before_the_invoice_is_flagged():
    assert due_date_warnings(ISSUE, ISSUE - timedelta(days=1)) == [DueWarning.BEFORE_ISSUE]


def test_a_due_date_beyond_the_legal_60_days_is_flagged():
    assert due_date_warnings(ISSUE, ISSUE + timedelta(days=61)) == [DueWarning.BEYOND_60_DAYS]
    assert DueWarning.BEYOND_60_DAYS == "beyond_60_days"


# --- Formatting -----------------------------------------------------------------------------------


def test_format_date_in_french_and_english():
    d = date(2026, 12, 5)
    assert format_date(d, "fr") == "5 déc. 2026"
    assert format_date(d, "fr", "short") == "05/12/2026"
    assert format_date(d, "fr", "long") == "5 décembre 2026"
    assert format_date(d, "en") == "5 Dec 2026"
    assert format_date(d, "en", "short") == "05/12/2026"
    assert format_date(d, "en", "long") == "5 December 2026"


# --- Business days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "holiday", [date(2026, 7, 14), date(2026, 12, 25), date(2026, 4, 6), date(2026, 5, 1), date(2026, 1, 1)]
)
def test_french_public_holidays_are_not_business_days(holiday):
    assert not is_business_day(holiday, "FR")


def test_weekends_are_not_business_days():
    assert not is_business_day(date(2026, 11, 21), "FR")  # Saturday
    assert not is_business_day(date(2026, 11, 22), "FR")  # Sunday
    assert is_business_day(date(2026, 11, 20), "FR")  # Friday


def test_a_holiday_of_one_country_is_a_business_day_in_another():
    assert not is_business_day(date(2026, 7, 14), "FR")
    assert is_business_day(date(2026, 7, 14), "GB")
    assert is_business_day(date(2026, 7, 14), "fr") is False


def test_a_friday_holiday_moves_to_monday():
    assert date(2026, 12, 25).weekday() == 4
    assert next_business_day(date(2026, 12, 25), "FR") == date(2026, 12, 28)
    assert next_business_day(date(2026, 5, 1), "FR") == date(2026, 5, 4)


def test_next_business_day_is_the_day_itself_when_it_is_one():
    assert next_business_day(date(2026, 11, 20), "FR") == date(2026, 11, 20)


def test_easter_weekend_then_easter_monday():
    assert next_business_day(date(2026, 4, 4), "FR") == date(2026, 4, 7)


def test_unknown_countries_only_skip_weekends():
    assert is_business_day(date(2026, 12, 25), "XX")
    assert is_business_day(date(2026, 12, 25), "")
    assert next_business_day(date(2026, 11, 21), "XX") == date(2026, 11, 23)


# --- Properties -----------------------------------------------------------------------------------

LOCALES = st.sampled_from(["fr", "en"])
SUPPORTED_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
DATEISH = st.text(alphabet="0123456789/.-+ ,jdJDerthstdécDecfinmoisEOM'", max_size=30)


@given(text=st.text(), locale=LOCALES, today=st.dates())
def test_parse_date_only_ever_raises_date_error(text, locale, today):
    try:
        found = parse_date(text, locale=locale, today=today)
    except DateError:
        return
    assert 2000 <= found.year <= 2100


@given(text=DATEISH, locale=LOCALES, today=st.dates())
def test_parse_date_only_ever_raises_date_error_on_date_like_text(text, locale, today):
    try:
        parse_date(text, locale=locale, today=today)
    except DateError:
        pass


@given(text=DATEISH, locale=LOCALES, issue_date=st.dates(), today=st.dates())
def test_parse_due_date_only_ever_raises_date_error(text, locale, issue_date, today):
    try:
        found = parse_due_date(text, locale=locale, issue_date=issue_date, today=today)
    except DateError:
        return
    assert 2000 <= found.year <= 2100


@given(d=SUPPORTED_DATES, locale=LOCALES, style=st.sampled_from(["short", "medium", "long", "full"]))
def test_a_formatted_date_reads_back_as_the_same_date(d, locale, style):
    assert parse_date(format_date(d, locale, style), locale=locale, today=TODAY) == d


@given(d=SUPPORTED_DATES, today=st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)))
def test_a_date_without_year_is_within_six_months_of_today(d, today):
    if (d.month, d.day) == (2, 29):
        return
    found = parse_date(f"{d.day}/{d.month}", locale="fr", today=today)
    assert (found.month, found.day) == (d.month, d.day)
    assert abs((found - today).days) <= 184


# --- issue 18: 45 days end of month, two-digit years, boundaries ------------------------------------


def test_45_days_end_of_month_is_lawful_both_ways_and_60_is_not():
    from bot.domain.dates import DueTerm, read_due_date

    issue = date(2026, 1, 15)
    due, term = read_due_date("45 jours fin de mois", locale="fr", issue_date=issue, today=issue)
    assert (due, term) == (date(2026, 3, 31), DueTerm(45, end_of_month=True))
    assert due_date_warnings(issue, due, term) == []
    due, term = read_due_date("fin de mois + 45", locale="fr", issue_date=issue, today=issue)
    assert (due, term) == (date(2026, 3, 17), DueTerm(45, end_of_month=True, month_end_first=True))
    assert due_date_warnings(issue, due, term) == []
    due, term = read_due_date("EOM 45 days", locale="en", issue_date=issue, today=issue)
    assert due == date(2026, 3, 17)
    due, term = read_due_date("60 days EOM", locale="en", issue_date=issue, today=issue)
    assert due_date_warnings(issue, due, term) == [DueWarning.BEYOND_60_DAYS]
    assert due_date_warnings(issue, date(2026, 3, 31)) == [DueWarning.BEYOND_60_DAYS]  # a typed date


def test_two_digit_years_take_the_nearest_century():
    today = date(2026, 6, 1)
    assert parse_date("15/12/26", locale="fr", today=today) == date(2026, 12, 15)
    assert parse_date("15/12/75", locale="fr", today=today) == date(2075, 12, 15)
    with pytest.raises(DateError) as error:
        parse_date("15/12/99", locale="fr", today=today)  # 1999, not 2099
    assert error.value.reason is DateErrorReason.OUT_OF_RANGE


def test_a_lone_letter_is_no_month():
    with pytest.raises(DateError):
        parse_date("15 f", locale="fr", today=date(2026, 6, 1))
    assert parse_date("15 fév", locale="fr", today=date(2026, 6, 1)) == date(2026, 2, 15)


def test_year_2100_is_the_last_accepted():
    today = date(2026, 6, 1)
    assert parse_date("31/12/2100", locale="fr", today=today) == date(2100, 12, 31)
    with pytest.raises(DateError) as error:
        parse_date("01/01/2101", locale="fr", today=today)
    assert error.value.reason is DateErrorReason.OUT_OF_RANGE


def test_month_13_in_us_english():
    today = date(2026, 6, 1)
    assert parse_date("05/13/2026", locale="en_US", today=today) == date(2026, 5, 13)
    assert parse_date("13/05/2026", locale="en_US", today=today) == date(2026, 5, 13)  # only one way round
    with pytest.raises(DateError) as error:
        parse_date("13/13/2026", locale="en_US", today=today)
    assert error.value.reason is DateErrorReason.IMPOSSIBLE
