"""Reading article files: encodings, front matter, the dateline, paragraphs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from transflow.errors import InputError

MAX_SOURCE_BYTES = 1_000_000  # a press release is a few KB; more is a wrong file
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009"), " ")
_DATE = re.compile(r"date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")
# "Altena - ", "Bad Berleburg – ": up to four capitalised words before a dash.
_DATELINE = re.compile(r"((?:[A-ZÄÖÜ][\w.'’]*\s?){1,4}?)\s+[-–—]\s+(?=\S)")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.DOTALL)
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


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


def slugify(name: str) -> str:
    """ASCII-folded lower-case slug: ``Kümmerer Treffen`` → ``kuemmerer-treffen``."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name).translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or "article"


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


def _front_matter(text: str, path: Path) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(match.group(1) or "") or {}
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"{path.name}:{where} front matter is not valid YAML") from e
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: front matter must be key: value lines")
    return {str(k): str(v) for k, v in data.items() if v is not None}, text[match.end() :]


def parse_article(path: Path, raw: bytes | None = None) -> Article:
    """Read one ``.txt`` or ``.md`` article; raise ``InputError`` for unusable files."""
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from e
    text, warnings = decode(raw, path)
    meta, body = _front_matter(text, path) if path.suffix.lower() == ".md" else ({}, text)
    body = body.strip()
    date, place = meta.get("date"), meta.get("place")
    match = _DATE.match(body)
    if match:
        date = date or match.group(1)
        body = body[match.end() :]
    match = _DATELINE.match(body)
    if match and "\n" not in match.group(0):
        place = place or match.group(1).strip()
        body = body[match.end() :]
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip())
    if not paragraphs:
        raise InputError(f"{path.name}: empty, nothing to translate; skipped")
    return Article(
        source=path,
        slug=slugify(meta.get("slug") or path.stem),
        paragraphs=paragraphs,
        source_hash=source_hash(raw),
        title=meta.get("title"),
        date=date,
        place=place,
        warnings=tuple(warnings),
    )
