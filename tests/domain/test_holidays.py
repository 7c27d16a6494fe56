"""Whose public holidays reminders skip: every time zone maps to its country, and regions count."""

from datetime import date, time
from zoneinfo import available_timezones

import pytest

from bot.domain.dates import (
    holiday_calendar,
    holiday_subdivisions,
    is_business_day,
    parse_subdivision,
    subdivision_name,
)
from bot.domain.planning import plan_schedule
from bot.domain.plans import Plan
from bot.domain.zones import country_for_timezone, default_holiday_subdivision


def test_every_zone_people_can_choose_has_a_country():
    zones = [z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))]
    assert [z for z in sorted(zones) if country_for_timezone(z) is None] == []


@pytest.mark.parametrize(
    ("zone", "country", "region"),
    [
        ("America/Montreal", "CA", "QC"),  # an old name, linked to America/Toronto
        ("America/Toronto", "CA", "ON"),
        ("Australia/Sydney", "AU", "NSW"),
        ("Australia/Canberra", "AU", "ACT"),  # linked to Sydney, but the ACT has its own holidays
        ("Europe/Zurich", "CH", "ZH"),
        ("Atlantic/Canary", "ES", "CN"),
        ("Europe/Paris", "FR", None),
        ("Europe/Oslo", "NO", None),
        ("US/Eastern", "US", None),
        ("Asia/Calcutta", "IN", None),
    ],
)
def test_zone_gives_country_and_default_region(zone, country, region):
    assert country_for_timezone(zone) == country
    assert default_holiday_subdivision(zone) == region


def test_a_region_is_only_offered_for_its_own_country():
    assert default_holiday_subdivision("America/Montreal", "CA") == "QC"
    assert default_holiday_subdivision("America/Montreal", "FR") is None


def test_quebec_skips_fete_nationale_and_canada_day():
    quebec = holiday_calendar("CA", "QC")
    assert quebec == "CA-QC"
    assert not is_business_day(date(2027, 6, 24), quebec)
    assert not is_business_day(date(2027, 7, 1), quebec)
    assert is_business_day(date(2027, 6, 24), "CA")  # Ontario works on 24 June
    assert is_business_day(date(2027, 6, 24), "FR")


def test_moselle_and_alsace_keep_saint_etienne_and_good_friday():
    assert not is_business_day(date(2025, 12, 26), "FR-57")  # a Friday
    assert is_business_day(date(2025, 12, 26), "FR")
    assert not is_business_day(date(2027, 3, 26), "FR-57")  # Good Friday
    assert not is_business_day(date(2027, 3, 26), "FR-6AE")
    assert is_business_day(date(2027, 3, 26), "FR")


def test_montreal_reminders_due_in_june_skip_quebec_holidays():
    plan = Plan("custom", (0, 3, 10))
    planned = plan_schedule(
        due_date=date(2027, 6, 21), plan=plan, send_time=time(9, 30), tz="America/Montreal", country="CA-QC"
    )
    days = [p.local_date for p in planned]
    assert date(2027, 6, 24) not in days and date(2027, 7, 1) not in days
    assert days == [date(2027, 6, 21), date(2027, 6, 25), date(2027, 7, 2)]


def test_regions_are_read_by_code_or_name_and_named_back():
    assert parse_subdivision("CA", "qc") == "QC"
    assert parse_subdivision("CA", "Québec") == "QC"
    assert parse_subdivision("fr", "Moselle") == "57"
    assert parse_subdivision("AU", "New South Wales") == "NSW"
    assert parse_subdivision("CA", "Bavaria") is None
    assert parse_subdivision("NO", "anything") is None
    assert subdivision_name("CA", "QC") == "Quebec"
    assert "QC" in holiday_subdivisions("CA") and holiday_subdivisions("ZZ") == ()


def test_a_region_the_holidays_package_does_not_know_falls_back_to_the_country():
    assert is_business_day(date(2027, 6, 24), "CA-XX")
    assert not is_business_day(date(2027, 7, 1), "CA-XX")
