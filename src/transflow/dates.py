"""Dates for people ("4 July 2024", "4. Juli 2024", "April 2018"), machine dates kept for <time>.

Times ("27 November 2026, 08:19") are shown in the project's ``timezone`` setting, or the
system's local zone (``TZ``) when it has none: records keep UTC, people read local time.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
}  # fmt: skip

# date_style: "long" writes dates as the page's language does, "german" always as German does.
DATE_STYLES = ("long", "german", "iso")


def _language(language: str, style: str) -> str:
    return "de" if style == "german" else language


# Memoised: an index of 10,000 articles shows a few hundred distinct days (issue 28).
@functools.lru_cache(maxsize=4096)
def people_date(value: str, language: str = "en", style: str = "long") -> str:
    """``2024-07-04`` as "4 July 2024" (en) or "4. Juli 2024" (de); ``2024-07`` as "July 2024".

    Anything else, and every date with style "iso", is returned as it is.
    """
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
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
