"""The project's settings, ``transflow.toml`` beside ``glossary.yml``: read here and nowhere else."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from transflow.dates import DATE_STYLES, zone
from transflow.errors import ConfigError

SETTINGS_FILE = "transflow.toml"
ZONE_HINT = 'a zone like "Europe/Berlin", or "" for this computer\'s own'

# What `transflow init` writes: every setting, commented, with its default.
TEMPLATE = """\
# transflow settings for this project. Lines starting with # are comments.

# The name of the public site (page headings and the Atom feed's title).
site_title = "News in English"

# The address the site will have once uploaded, e.g. "https://www.example-town.de/en/".
# Feed readers need it: without it the feed's links are relative.
base_url = ""

# The town or organisation the news is from (shown under the site title).
town = ""

# How the two languages are named on the pages.
source_label = "German"
target_label = "English"

# Dates on pages: "long" (4 July 2024), "german" (4. Juli 2024), or "iso" (2024-07-04).
date_style = "long"

# The time zone of times on the review pages, e.g. "Europe/Berlin"; empty: this computer's own.
timezone = ""

# Who wrote the articles: the author of exported Word files (empty: the town, else "transflow").
author = ""

# Front-matter fields translated into the English draft; "image.alt" is the alt key inside
# the image table (or each table of a list). All other fields are kept as written.
translatable_fields = ["title", "description", "summary", "teaser", "excerpt", "image.alt", "cover.alt"]
"""


@dataclass(frozen=True)
class Settings:
    """The project's settings; defaults where transflow.toml is missing or leaves one out."""

    site_title: str = "News in English"
    base_url: str = ""  # ends with "/" when set
    town: str = ""
    source_label: str = "German"
    target_label: str = "English"
    date_style: str = "long"
    timezone: str = ""  # empty: the system's local zone
    author: str = ""
    translatable_fields: tuple[str, ...] = (
        "title",
        "description",
        "summary",
        "teaser",
        "excerpt",
        "image.alt",
        "cover.alt",
    )

    def link(self, name: str) -> str:
        """``name`` as the site will link it: absolute when a base URL is set."""
        return f"{self.base_url}{name}"


def _line_of(text: str, key: str) -> str:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return f"line {number}: "
    return ""


def parse_settings(text: str, name: str = SETTINGS_FILE) -> Settings:
    """Settings from the text of transflow.toml; a problem is one ConfigError naming its line."""
    hint = f"compare with the comments `transflow init` writes in a new {SETTINGS_FILE}"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"\(at line (\d+), column \d+\)", str(e))
        where = f"line {found.group(1)}: " if found else ""
        raise ConfigError(f"{name}: {where}not valid TOML ({str(e).split(' (at')[0]})", hint=hint) from e
    known = Settings.__dataclass_fields__
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = _line_of(text, key)
        if key not in known:
            raise ConfigError(f"{name}: {where}unknown setting '{key}'", hint=f"settings: {', '.join(known)}")
        if key == "translatable_fields":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{name}: {where}{key} must be a list of field names in quotes", hint=hint)
            values[key] = tuple(v.strip() for v in value)
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{name}: {where}{key} must be text in quotes", hint=hint)
        values[key] = value.strip()
    if values.get("date_style", "long") not in DATE_STYLES:
        where = _line_of(text, "date_style")
        raise ConfigError(f"{name}: {where}date_style must be one of: {', '.join(DATE_STYLES)}", hint=hint)
    try:
        zone(values.get("timezone", ""))
    except ValueError as e:
        raise ConfigError(
            f"{name}: {_line_of(text, 'timezone')}{e}",
            hint=ZONE_HINT,
        ) from e
    base = values.get("base_url", "")
    if base:
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            where = _line_of(text, "base_url")
            raise ConfigError(
                f"{name}: {where}base_url must be a full address starting with https://", hint=hint
            )
        values["base_url"] = base if base.endswith("/") else base + "/"
    for key in ("site_title", "source_label", "target_label"):
        if key in values and not values[key]:
            raise ConfigError(f"{name}: {_line_of(text, key)}{key} must not be empty", hint=hint)
    return Settings(**values)


def load_settings(root: Path) -> Settings:
    """The settings of the project in ``root`` (defaults when it has no transflow.toml)."""
    path = root / SETTINGS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as e:
        raise ConfigError(f"{SETTINGS_FILE}: cannot read ({e.strerror})") from e
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{SETTINGS_FILE}: byte {e.start}: not UTF-8; save the file as UTF-8") from e
    return parse_settings(text)


def init_project(root: Path) -> list[Path]:
    """Create what a project needs and is missing: transflow.toml, sources/, glossary.yml."""
    from transflow.errors import InputError
    from transflow.project import atomic_write

    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is a file, not a folder", hint="name a new or existing folder")
    made = []
    if not (root / "sources").is_dir():
        (root / "sources").mkdir(parents=True)
        made.append(root / "sources")
    glossary = root / "glossary.yml"
    if not glossary.exists():
        atomic_write(
            glossary, "# Required English for German terms: transflow glossary add DE 'EN'\nterms: []\n"
        )
        made.append(glossary)
    settings = root / SETTINGS_FILE
    if not settings.exists():
        atomic_write(settings, TEMPLATE)
        made.append(settings)
    return made
