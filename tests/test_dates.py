"""Dates for people on pages; the machine date stays in <time datetime>."""

from __future__ import annotations

import pytest

from transflow.dates import people_date


@pytest.mark.parametrize(
    ("value", "language", "style", "shown"),
    [
        ("2024-07-04", "en", "long", "4 July 2024"),
        ("2024-07-04", "de", "long", "4. Juli 2024"),
        ("2018-04", "en", "long", "April 2018"),
        ("2018-03", "de", "long", "März 2018"),
        ("2024-07-04", "en", "iso", "2024-07-04"),
        ("2024-13-01", "en", "long", "2024-13-01"),
        ("Sommer 2024", "en", "long", "Sommer 2024"),
    ],
)
def test_people_date(value: str, language: str, style: str, shown: str) -> None:
    assert people_date(value, language, style) == shown
