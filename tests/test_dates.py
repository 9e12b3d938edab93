"""Dates for people on pages; the machine date stays in <time datetime>."""

from __future__ import annotations

import datetime
import re

import pytest

from transflow.dates import machine_date, people_date, people_time


@pytest.mark.parametrize(
    ("value", "language", "style", "shown"),
    [
        ("2024-07-04", "en", "long", "4 July 2024"),
        ("2024-07-04", "de", "long", "4. Juli 2024"),
        ("2018-04", "en", "long", "April 2018"),
        ("2018-03", "de", "long", "März 2018"),
        ("2024-07-04", "en", "iso", "2024-07-04"),
        ("2024-07-04", "en", "german", "4. Juli 2024"),
        ("2024-13-01", "en", "long", "2024-13-01"),
        ("Sommer 2024", "en", "long", "Sommer 2024"),
    ],
)
def test_people_date(value: str, language: str, style: str, shown: str) -> None:
    assert people_date(value, language, style) == shown


STAMP = "2026-11-27T07:19:09+00:00"  # how records keep times: UTC


@pytest.mark.parametrize(
    ("tz", "language", "style", "shown"),
    [
        ("Europe/Berlin", "en", "long", "27 November 2026, 08:19"),
        ("Europe/Berlin", "en", "german", "27. November 2026, 08:19"),
        ("America/New_York", "en", "long", "27 November 2026, 02:19"),
        ("Pacific/Kiritimati", "en", "long", "27 November 2026, 21:19"),
        ("UTC", "de", "long", "27. November 2026, 07:19"),
        ("Europe/Berlin", "en", "iso", STAMP),
    ],
)
def test_people_time_is_in_the_local_zone(
    tz: str, language: str, style: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        assert people_time(STAMP, language, style) == shown
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_timezone_setting_wins_over_the_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert people_time(STAMP, "en", "long", "Europe/Berlin") == "27 November 2026, 08:19"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("tz", [None, "", "Nowhere/Bogus", ":/nonexistent", "<+0530>-5:30"])
def test_people_time_with_an_unset_or_odd_tz(tz: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    if tz is None:
        monkeypatch.delenv("TZ", raising=False)
    else:
        monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        shown = people_time(STAMP)
        assert shown.startswith(("27 November 2026, ", "26 November 2026, ")), shown
        assert len(shown.split(", ")[1]) >= 5
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("value", ["", "yesterday", "2026-11-27T99:00", "2024-07", "<script>"])
def test_people_time_leaves_what_is_not_a_time(value: str) -> None:
    assert people_time(value) == people_date(value)


@pytest.mark.parametrize(
    ("value", "machine"),
    [
        ("2024-12-12 18:45:00 +0100", "2024-12-12T18:45:00+01:00"),
        ("2024-12-12T18:45:00Z", "2024-12-12T18:45:00+00:00"),
        ("2024-12-12 18:45", "2024-12-12T18:45:00"),
        (datetime.datetime(2024, 12, 12, 18, 45, tzinfo=datetime.UTC), "2024-12-12T18:45:00+00:00"),
        (datetime.date(2024, 12, 12), "2024-12-12"),
        ("18.01.2027", "2027-01-18"),
        ("1. 2. 2027", "2027-02-01"),
        ("2018-04", "2018-04"),
    ],
)
def test_machine_date_reads_times_zones_yaml_timestamps_and_german_dates(value: object, machine: str) -> None:
    assert machine_date(value) == (machine, None)
    assert re.fullmatch(VALID_DATETIME, machine)  # what <time datetime> accepts (HTML, simplified)


@pytest.mark.parametrize("value", ["31.02.2027", "2024-12-12 25:00", "gestern", "2024-12-12 18:45 +2500"])
def test_machine_date_refuses_what_is_no_date(value: str) -> None:
    date, problem = machine_date(value)
    assert date is None and problem is not None and "is not a calendar date" in problem


def test_a_date_with_its_time_shows_the_day() -> None:
    assert people_date("2024-12-12T18:45:00+01:00") == "12 December 2024"
    assert people_date("2024-12-12T18:45:00+01:00", "de") == "12. Dezember 2024"


VALID_DATETIME = r"\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2})?)?)?"
