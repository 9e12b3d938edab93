"""Dates for people ("4 July 2024", "4. Juli 2024", "April 2018"), machine dates kept for <time>."""

from __future__ import annotations

import re

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
}  # fmt: skip


def people_date(value: str, language: str = "en", style: str = "long") -> str:
    """``2024-07-04`` as "4 July 2024" (en) or "4. Juli 2024" (de); ``2024-07`` as "July 2024".

    Anything else, and every date with style "iso", is returned as it is.
    """
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
    if style != "long" or not found or not 1 <= int(found.group(2)) <= 12:
        return value
    year, month = found.group(1), MONTHS.get(language, MONTHS["en"])[int(found.group(2)) - 1]
    if found.group(3) is None:
        return f"{month} {year}"
    day = int(found.group(3))
    if not 1 <= day <= 31:
        return value
    return f"{day}. {month} {year}" if language == "de" else f"{day} {month} {year}"
