"""Reading article files: encodings, front matter, the dateline, paragraphs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.dates import machine_date
from transflow.errors import InputError
from transflow.project import read_source
from transflow.slugs import safe_slug, slugify
from transflow.text.frontmatter import TRANSLATABLE_FIELDS, YAML, FrontMatter, load, read_front_matter

__all__ = ["MAX_SOURCE_BYTES", "Article", "decode", "parse_article", "slugify", "source_hash"]

MAX_SOURCE_BYTES = 1_000_000  # a press release is a few KB; more is a wrong file
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009"), " ")
_DATE = re.compile(r"date\s+(\d{4}-\d{2}(?:-\d{2})?)(?:\s+|\Z)")
# "Altena - ", "Bad Berleburg – ": up to four capitalised words before a dash. Words are
# separated by exactly one space, so there is one way to match a line and the time is
# linear (an optional space between words made 'A' * 400 take half a minute).
_DATELINE = re.compile(r"([A-ZÄÖÜ][\w.'’]*(?: [A-ZÄÖÜ][\w.'’]*){0,3})\s+[-–—]\s+(?=\S)")
# A paragraph that is only a dateline ("Altena -", as Word files have it before the Title)
_DATELINE_ALONE = re.compile(r"([A-ZÄÖÜ][\w.'’]*(?: [A-ZÄÖÜ][\w.'’]*){0,3})\s+[-–—]\s*")
_DATELINE_WINDOW = 200  # a dateline is at the very start of the first line
# Front matter keys transflow reads; a value longer than MAX_FIELD characters is cut.
FRONT_MATTER_KEYS = ("title", "date", "place", "slug", "summary", "teaser")
MAX_FIELD = 300


@dataclass(frozen=True)
class Article:
    """One German source article, parsed."""

    source: Path
    slug: str
    paragraphs: tuple[str, ...]
    source_hash: str
    title: str | None = None
    date: str | None = None
    place: str | None = None
    warnings: tuple[str, ...] = field(default=())
    # Markdown before each paragraph that re-creates the structure ("## ", "- "); () for .txt
    prefixes: tuple[str, ...] = field(default=())
    summary_paragraph: int | None = None  # the front matter's summary or teaser (a Word Subtitle)
    front_matter: FrontMatter | None = None  # as written in the source, for the English draft


def source_hash(raw: bytes) -> str:
    """Content hash that decides whether an article changed."""
    return hashlib.sha256(raw).hexdigest()


def decode(raw: bytes, path: Path) -> tuple[str, list[str]]:
    """Bytes → clean NFC text with ``\\n`` line ends; cp1252 is accepted with a warning."""
    if len(raw) > MAX_SOURCE_BYTES:
        raise InputError(f"{path.name}: larger than {MAX_SOURCE_BYTES // 1000} KB, skipped")
    if b"\x00" in raw:
        raise InputError(f"{path.name}: binary file, not text; skipped")
    warnings = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{path.name}: not UTF-8 (line {line}, byte {e.start}) and not Windows-1252; save it as UTF-8"
            ) from e
        warnings.append(f"{path.name}: not UTF-8 (line {line}, byte {e.start}); read as Windows-1252")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    return text, warnings


def _front_matter(
    text: str, path: Path, names: Sequence[str]
) -> tuple[dict[str, Any], str, list[str], FrontMatter | None]:
    """The front matter's known keys, the body after it, warnings, and the front matter itself."""
    front, data, body = read_front_matter(text, path.name, names)
    if front is None:
        return {}, text, [], None
    meta: dict[str, Any] = {}
    warnings = []
    for key in FRONT_MATTER_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if key == "date" and not isinstance(value, (dict, list, bytes)):
            meta[key] = value  # a YAML or TOML timestamp stays one: dates.machine_date reads it
            continue
        if isinstance(value, (dict, list, bytes)):
            raise InputError(f"{path.name}: front matter '{key}' must be one line of text")
        value = str(value)
        if len(value) > MAX_FIELD:
            warnings.append(f"{path.name}: front matter '{key}' is longer than {MAX_FIELD} characters; cut")
            value = value[:MAX_FIELD]
        meta[key] = value
    return meta, body, warnings, front


def load_front_matter(text: str, name: str) -> dict[Any, Any]:
    """YAML front matter as a mapping; ``InputError`` for anything else."""
    return load(YAML, text, name)


def parse_article(
    path: Path, raw: bytes | None = None, fields: Sequence[str] = TRANSLATABLE_FIELDS
) -> Article:
    """Read one ``.txt``, ``.md`` or ``.docx`` article; raise ``InputError`` for unusable files.

    ``fields``: the front matter's translatable fields (the ``translatable_fields`` setting).
    """
    if raw is None:
        try:
            raw = read_source(path)
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from e
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _word_article(path, raw)
    text, warnings = decode(raw, path)
    front = None
    if suffix == ".md":
        meta, body, more, front = _front_matter(text, path, fields)
        warnings.extend(more)
    else:
        meta, body = {}, text
    found_date, found_place, body = _date_and_place(body.strip())
    date, place = meta.get("date") or found_date, meta.get("place") or found_place
    prefixes: tuple[str, ...] = ()
    summary = None
    if suffix == ".md":
        from transflow.text.document import markdown_blocks

        blocks = markdown_blocks(body, meta.get("title"), meta.get("summary") or meta.get("teaser"))
        paragraphs, prefixes = _structure(blocks)
        summary = _summary_paragraph(blocks)
    else:
        paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())
        if place is None:
            paragraphs, prefixes, later, place = _headline_first(paragraphs)
            date = date or later
            meta = {"title": paragraphs[0]} if prefixes else meta
    date, problem = machine_date(date)
    if problem:
        warnings.append(f"{path.name}: {problem}; the article has no date")
    if not paragraphs:
        raise InputError(f"{path.name}: empty, nothing to translate; skipped")
    return Article(
        source=path,
        slug=safe_slug(meta.get("slug") or path.stem),
        paragraphs=paragraphs,
        source_hash=source_hash(raw),
        title=meta.get("title"),
        date=date,
        place=place,
        warnings=tuple(warnings),
        prefixes=prefixes,
        summary_paragraph=summary,
        front_matter=front,
    )


def _date_and_place(text: str) -> tuple[str | None, str | None, str]:
    """A leading ``date YYYY-MM-DD`` and dateline ``Place - `` of a text, and the text after them."""
    date = place = None
    match = _DATE.match(text)
    if match:
        date, text = match.group(1), text[match.end() :]
    match = _DATELINE.match(text, 0, _DATELINE_WINDOW) or _DATELINE_ALONE.fullmatch(text[:_DATELINE_WINDOW])
    if match and "\n" not in match.group(0):
        place, text = match.group(1).strip(), text[match.end() :]
    return date, place, text


def _headline_first(paragraphs: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], Any, Any]:
    """A plain text whose first line is a headline and whose dateline opens the next paragraph:
    the headline becomes the title ("# "), the dateline date and place (not text for the engine)."""
    if len(paragraphs) < 2 or len(paragraphs[0]) > 200 or paragraphs[0].endswith((".", ":", ",")):
        return paragraphs, (), None, None
    date, place, rest = _date_and_place(paragraphs[1])
    if place is None:
        return paragraphs, (), None, None
    kept = (paragraphs[0], *((rest,) if rest else ()), *paragraphs[2:])
    return kept, ("# ",) + ("",) * (len(kept) - 1), date, place


def _summary_paragraph(blocks: list[Any]) -> int | None:
    """Which paragraph (of those with text) is the summary, if the article has one."""
    from transflow.text.document import SUMMARY

    kept = [b for b in blocks if b.text]
    return next((k for k, b in enumerate(kept) if b.kind == SUMMARY), None)


def _structure(blocks: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The blocks' texts and prefixes; untranslated constructs at the very end are one more prefix."""
    from transflow.text.document import VERBATIM

    tail = blocks[-1].prefix if blocks and blocks[-1].kind == VERBATIM else ""
    kept = [b for b in blocks if b.text]
    paragraphs = tuple(b.text for b in kept)
    prefixes = tuple(b.prefix for b in kept) + ((tail,) if tail and kept else ())
    if not any(prefixes):
        prefixes = ()  # plain paragraphs: the record stays as before
    return paragraphs, prefixes


def _word_article(path: Path, raw: bytes) -> Article:
    """A ``.docx`` article: structure from the Word styles, the dateline from its first paragraph."""
    from dataclasses import replace

    from transflow.text.document import PARAGRAPH, TITLE
    from transflow.text.wordfile import docx_blocks

    try:
        blocks = docx_blocks(raw, path.name)
    except InputError as e:
        raise InputError(e.message if e.message.startswith(path.name) else f"{path.name}: {e.message}") from e
    date = place = None
    first = next((k for k, b in enumerate(blocks) if b.kind == PARAGRAPH), None)
    if first is not None:
        date, place, text = _date_and_place(blocks[first].text)
        if text or blocks[first].verbatim:
            blocks[first] = replace(blocks[first], text=text)
        else:  # a paragraph that was only the dateline: nothing of it goes to the engine
            del blocks[first]
    # The Title paragraph is the headline wherever it stands: it opens the article.
    at = next((k for k, b in enumerate(blocks) if b.kind == TITLE), None)
    title = blocks[at].text if at is not None else None
    if at and not blocks[at].verbatim:
        blocks.insert(0, blocks.pop(at))
    date, problem = machine_date(date)
    paragraphs, prefixes = _structure(blocks)
    if not paragraphs:
        raise InputError(f"{path.name}: empty, nothing to translate; skipped")
    return Article(
        source=path,
        slug=safe_slug(path.stem),
        paragraphs=paragraphs,
        source_hash=source_hash(raw),
        title=title,
        date=date,
        place=place,
        warnings=(f"{path.name}: {problem}; the article has no date",) if problem else (),
        prefixes=prefixes,
        summary_paragraph=_summary_paragraph(blocks),
    )
