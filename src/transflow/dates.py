"""Dates for people ("4 July 2024", "4. Juli 2024", "April 2018"), machine dates kept for <time>.

Times ("27 November 2026, 08:19") are shown in the project's ``timezone`` setting, or the
system's local zone (``TZ``) when it has none: records keep UTC, people read local time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
}  # fmt: skip

# date_style: "long" writes dates as the page's language does, "german" always as German does.
DATE_STYLES = ("long", "german", "iso")


_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")
# "2024-12-12 18:45:00 +0100", "2024-12-12T18:45Z": a date, a time, perhaps a zone
_ISO_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s?(Z|[+-]\d{2}:?\d{2})?"
)
_MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2})?")


def machine_date(value: Any) -> tuple[str | None, str | None]:
    """A date as ``<time datetime>`` takes it, or why not: ``YYYY-MM-DD``, ``YYYY-MM``, or
    ``YYYY-MM-DDTHH:MM:SS`` with the zone where the source gives one.

    Read: those forms, a time with a space before its zone (``2024-12-12 18:45:00 +0100``), YAML
    and TOML timestamps (already ``date``/``datetime``), and German ``18.01.2027``. Bidi
    controls are removed first: a right-to-left override reordered what readers saw (issue 29).
    """
    if value is None:
        return None, None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    text = str(value).translate(_BIDI).strip()
    found = _ISO_DATE.fullmatch(text)
    german = _GERMAN_DATE.fullmatch(text)
    timed = _ISO_TIME.fullmatch(text)
    try:
        if found:
            dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
            return text, None
        if german:
            day, month, year = (int(g) for g in german.groups())
            return dt.date(year, month, day).isoformat(), None
        if timed:
            zone = (timed.group(3) or "").replace("Z", "+00:00")
            moment = datetime.fromisoformat(f"{timed.group(1)}T{timed.group(2)}{zone}")
            return moment.replace(microsecond=0).isoformat(), None
    except ValueError:
        pass
    shown = text.encode("ascii", "backslashreplace").decode()[:40]
    return None, f"date '{shown}' is not a calendar date (YYYY-MM-DD or YYYY-MM)"


def _language(language: str, style: str) -> str:
    return "de" if style == "german" else language


# Memoised: an index of 10,000 articles shows a few hundred distinct days (issue 28).
@functools.lru_cache(maxsize=4096)
def people_date(value: str, language: str = "en", style: str = "long") -> str:
    """``2024-07-04`` as "4 July 2024" (en) or "4. Juli 2024" (de); ``2024-07`` as "July 2024".

    Anything else, and every date with style "iso", is returned as it is.
    """
    if _MACHINE_TIME.fullmatch(value.strip()):
        value = value.strip()[:10]  # a date with its time of day: the day is what people read
    found = _ISO_DATE.fullmatch(value.strip())
    if style == "iso" or not found or not 1 <= int(found.group(2)) <= 12:
        return value
    language = _language(language, style)
    year, month = found.group(1), MONTHS.get(language, MONTHS["en"])[int(found.group(2)) - 1]
    if found.group(3) is None:
        return f"{month} {year}"
    day = int(found.group(3))
    if not 1 <= day <= 31:
        return value
    return f"{day}. {month} {year}" if language == "de" else f"{day} {month} {year}"


def datetime_attribute(value: str | None) -> str | None:
    """``value`` as a valid HTML ``datetime`` attribute (a calendar date, a month, a time), or
    None: a page then shows the date as text, never in an invalid attribute."""
    text = (value or "").strip()
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if found:
        try:
            date(int(found.group(1)), int(found.group(2)), int(found.group(3) or 1))
        except ValueError:
            return None
        return text
    moment = _moment(text)
    return moment.isoformat() if moment is not None else None


def feed_time(value: str | None, zone_name: str = "") -> str | None:
    """An article's date as an Atom (RFC 3339) time: a day or month starts at midnight in the
    project's zone (or the system's); a time without a zone is taken in that zone. None if no date."""
    text = datetime_attribute(value) or (value or "").strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    moment = _moment(text) if text else None
    if moment is None:
        return None
    try:
        where = zone(zone_name)
    except ValueError:
        where = UTC
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=where) if where else moment.astimezone()
    return moment.isoformat()


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def zone(name: str = "") -> tzinfo | None:
    """The named zone (``Europe/Berlin``), or None for the system's local zone; ValueError if unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone '{name}'") from e


def people_time(value: str, language: str = "en", style: str = "long", zone_name: str = "") -> str:
    """``2026-11-27T07:19:09+00:00`` as "27 November 2026, 08:19" in the local zone (or ``zone_name``).

    A time without a zone is taken as UTC (records store UTC). Anything that is not a time,
    and every time with style "iso", is returned as it is.
    """
    if len(value.strip()) <= len("2024-07-04"):
        return people_date(value, language, style)  # a date without a time of day
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    if style == "iso":
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        local = moment.astimezone(zone(zone_name))
    except (ValueError, OverflowError, OSError):
        local = moment.astimezone(UTC)  # an odd zone or a time out of its range: UTC, said so
        return people_date(local.date().isoformat(), language, style) + local.strftime(", %H:%M UTC")
    # strftime spelt out: the index calls this once per article.
    return f"{people_date(local.date().isoformat(), language, style)}, {local.hour:02d}:{local.minute:02d}"
