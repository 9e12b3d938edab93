"""glossary.yml: schema, validation with line numbers, and in-place editing that keeps comments."""

from __future__ import annotations

import contextlib
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.errors import GlossaryError

KEYS = {"de", "en", "en_plural", "forms", "note", "translate", "case_sensitive"}
MAX_TERM = 200  # characters of a term or rendering; a longer one is a pasting accident
MAX_NOTE = 1000


@dataclass(frozen=True)
class GlossaryEntry:
    """One German term and the English the town requires for it."""

    de: str
    en: str
    en_plural: str | None = None
    forms: tuple[str, ...] = ()
    note: str | None = None
    translate: bool = True
    case_sensitive: bool = False
    line: int = 0  # 1-based line in glossary.yml, 0 when built in code

    @property
    def renderings(self) -> tuple[str, ...]:
        """English forms that satisfy the glossary (singular first)."""
        return (self.en, self.en_plural) if self.en_plural else (self.en,)


@dataclass(frozen=True)
class Glossary:
    """The validated glossary and the hash that goes into every draft's signature."""

    entries: tuple[GlossaryEntry, ...] = ()
    sha256: str = field(default_factory=lambda: hashlib.sha256(b"").hexdigest())

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]]) -> Glossary:
        """A glossary built in code from (German, English) pairs, e.g. for benchmarks."""
        entries = tuple(GlossaryEntry(de=de, en=en) for de, en in pairs if de.strip() and en.strip())
        digest = hashlib.sha256(repr(entries).encode()).hexdigest()
        return cls(entries, digest)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps comments, order and quoting
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def _load_document(text: str, name: str) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _yaml().load(text)
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = (e.problem or e.context or "invalid YAML").strip()
        if e.context and e.context_mark is not None and e.problem_mark is not None:
            problem += f" ({e.context.strip()} that starts on line {e.context_mark.line + 1})"
        raise GlossaryError([f"{line}{problem}"], name) from e
    except YAMLError as e:
        raise GlossaryError([f"invalid YAML: {' '.join(str(e).split())}"], name) from e
    except (TypeError, ValueError, RecursionError) as e:  # e.g. a list as a key: `? [[1]]`
        raise GlossaryError([f"not a glossary: keys must be plain words ({type(e).__name__})"], name) from e


def _text(value: Any) -> str | None:
    # NFC like the articles: a term typed in decomposed Unicode must still match, and be one term.
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) and value.strip() else None


def _entry(item: Any, line: int, problems: list[str]) -> GlossaryEntry | None:
    if not hasattr(item, "items"):
        problems.append(f"line {line}: each term must be a mapping with de: and en:")
        return None
    for key in item:
        if key not in KEYS:
            problems.append(f"line {line}: unknown key '{key}' (allowed: {', '.join(sorted(KEYS))})")
    de = _text(item.get("de"))
    translate = item.get("translate", True)
    case_sensitive = item.get("case_sensitive", False)
    for key, value in (("translate", translate), ("case_sensitive", case_sensitive)):
        if not isinstance(value, bool):
            problems.append(f"line {line}: '{key}' must be true or false")
    en = _text(item.get("en")) or (de if translate is False else None)
    if de is None:
        problems.append(f"line {line}: 'de' is missing or empty")
    if en is None:
        problems.append(f"line {line}: 'en' is missing or empty" + (f" for '{de}'" if de else ""))
    forms = item.get("forms", [])
    if isinstance(forms, str):
        forms = [forms]
    if not isinstance(forms, list) or not all(_text(f) for f in forms):
        problems.append(f"line {line}: 'forms' must be a list of German words")
        forms = []
    for key in ("en_plural", "note"):
        if key in item and _text(item[key]) is None:
            problems.append(f"line {line}: '{key}' is empty")
    _check_text(item, line, problems)
    if de is None or en is None:
        return None
    return GlossaryEntry(
        de=de,
        en=en,
        en_plural=_text(item.get("en_plural")),
        forms=tuple(unicodedata.normalize("NFC", str(f).strip()) for f in forms),
        note=_text(item.get("note")),
        translate=translate is not False,
        case_sensitive=case_sensitive is True,
        line=line,
    )


def _check_text(item: Any, line: int, problems: list[str]) -> None:
    """Control characters (they break XML exports and the feed) and overlong values."""
    from transflow.safetext import control_characters

    for key in ("de", "en", "en_plural", "note", "forms"):
        value = item.get(key)
        values = value if isinstance(value, list) else [value]
        at = line
        with contextlib.suppress(Exception):  # the key's own line where ruamel knows it
            at = item.lc.key(key)[0] + 1
        for text in (v for v in values if isinstance(v, str)):
            bad = control_characters(text)
            if bad:
                problems.append(f"line {at}: '{key}' contains control characters ({', '.join(bad)})")
            limit = MAX_NOTE if key == "note" else MAX_TERM
            if len(text) > limit:
                problems.append(f"line {at}: '{key}' is longer than {limit} characters")


def validate(text: str, name: str = "glossary.yml") -> tuple[tuple[GlossaryEntry, ...], list[str]]:
    """Parse glossary text; return the entries and one line per problem."""
    doc = _load_document(text, name)
    if doc is None:
        return (), []
    if not hasattr(doc, "get") or not isinstance(doc.get("terms", []), list):
        return (), ["line 1: expected a mapping with a 'terms:' list"]
    problems: list[str] = []
    for key in doc:
        if key != "terms":
            problems.append(f"line {doc.lc.key(key)[0] + 1}: unknown top-level key '{key}'")
    entries: list[GlossaryEntry] = []
    seen: dict[str, GlossaryEntry] = {}
    terms: Any = doc.get("terms") or []
    for i, item in enumerate(terms):
        line = terms.lc.item(i)[0] + 1
        entry = _entry(item, line, problems)
        if entry is None:
            continue
        key = entry.de.casefold()
        if key in seen:
            other = seen[key]
            kind = "duplicate" if other.en == entry.en else "conflicting renderings for"
            problems.append(
                f"line {line}: {kind} term '{entry.de}' (also on line {other.line}: '{other.en}')"
            )
            continue
        seen[key] = entry
        entries.append(entry)
    return tuple(entries), problems


def plural_hints(entries: tuple[GlossaryEntry, ...]) -> list[str]:
    """One line per multi-word term whose generated English plural looks wrong and has no ``en_plural``."""
    from transflow.inflection import doubtful_plural

    hints = []
    for entry in entries:
        made = doubtful_plural(entry.en) if entry.translate and not entry.en_plural else None
        if made:
            hints.append(
                f"line {entry.line}: '{entry.en}' would become '{made}' where the English is plural;"
                f" if that is wrong, add en_plural: (en_plural: {entry.en} keeps one form)"
            )
    return hints


def load_glossary(path: Path) -> Glossary:
    """Load and validate glossary.yml; a missing file is an empty glossary."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Glossary()
    except OSError as e:
        raise GlossaryError([f"cannot read: {e.strerror}"], path.name) from e
    digest = hashlib.sha256(raw).hexdigest()
    if digest in _PARSED:
        return _PARSED[digest]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GlossaryError([f"byte {e.start}: not UTF-8; save the file as UTF-8"], path.name) from e
    entries, problems = validate(text, path.name)
    if problems:
        raise GlossaryError(problems, path.name)
    _PARSED[digest] = Glossary(entries, digest)
    return _PARSED[digest]


# Valid glossaries parsed in this process, by content hash: YAML round-trip parsing is slow
# (tens of ms for a small file) and one command may read the glossary several times.
_PARSED: dict[str, Glossary] = {}


def add_term(
    text: str,
    de: str,
    en: str | None,
    note: str | None = None,
    translate: bool = True,
    *,
    en_plural: str | None = None,
    forms: tuple[str, ...] = (),
    case_sensitive: bool = False,
) -> str:
    """Return the glossary text with a new term appended, comments and layout untouched."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entries, problems = validate(text)
    if problems:
        raise GlossaryError(problems)
    if any(e.de.casefold() == de.strip().casefold() for e in entries):
        raise GlossaryError(
            [f"'{de}' is already in the glossary"],
            hint="see it with `transflow glossary list`; to change it, edit glossary.yml"
            " or `transflow glossary remove` it first",
        )
    if translate and not (en and en.strip()):
        raise GlossaryError(
            [f"an English rendering is required for '{de}'"],
            hint=f"give it: transflow glossary add {de} 'English', or --no-translate for a name",
        )
    yaml = _yaml()
    doc = yaml.load(text) if text.strip() else None
    if doc is None:
        doc = CommentedMap()
    if doc.get("terms") is None:
        doc["terms"] = CommentedSeq()
    item = CommentedMap()
    item["de"] = de.strip()
    if translate:
        item["en"] = (en or "").strip()
    else:
        item["translate"] = False
    if translate and en_plural and en_plural.strip():
        item["en_plural"] = en_plural.strip()
    if forms:
        item["forms"] = CommentedSeq(f.strip() for f in forms if f.strip())
        item["forms"].fa.set_flow_style()
    if case_sensitive:
        item["case_sensitive"] = True
    if note:
        item["note"] = note.strip()
    doc["terms"].append(item)
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def remove_term(text: str, de: str) -> str:
    """Return the glossary text without the term ``de``."""
    yaml = _yaml()
    doc = _load_document(text, "glossary.yml")
    terms: Any = doc.get("terms") if doc is not None and hasattr(doc, "get") else None
    for i, item in enumerate(terms or []):
        if hasattr(item, "get") and str(item.get("de", "")).strip().casefold() == de.strip().casefold():
            del terms[i]
            out = io.StringIO()
            yaml.dump(doc, out)
            return out.getvalue()
    raise GlossaryError(
        [f"'{de}' is not in the glossary"], hint="see every term with `transflow glossary list`"
    )
