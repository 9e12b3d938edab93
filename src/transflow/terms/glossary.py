"""glossary.yml: schema, validation with line numbers, and in-place editing that keeps comments."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from transflow.errors import GlossaryError
from transflow.terms import glossarycache, yamlnodes

KEYS = {"de", "en", "en_plural", "forms", "note", "translate", "case_sensitive", "gendered"}
MAX_TERM = 200  # characters of a term or rendering; a longer one is a pasting accident
MAX_NOTE = 1000
_TEXT_KEYS = ("de", "en", "en_plural", "note", "forms")


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
    # Feminine and gender-inclusive forms (Kümmerin, Bürger*innen) count as the term.
    gendered: bool = True
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


def _text(value: Any) -> str | None:
    # NFC like the articles: a term typed in decomposed Unicode must still match, and be one term.
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) and value.strip() else None


def _entry(
    item: dict[Any, Any], key_lines: dict[Any, int], line: int, problems: list[str]
) -> GlossaryEntry | None:
    for key in item:
        if key not in KEYS:
            problems.append(f"line {line}: unknown key '{key}' (allowed: {', '.join(sorted(KEYS))})")
    de = _text(item.get("de"))
    translate = item.get("translate", True)
    case_sensitive = item.get("case_sensitive", False)
    gendered = item.get("gendered", True)
    for key, value in (("translate", translate), ("case_sensitive", case_sensitive), ("gendered", gendered)):
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
    _check_text(item, key_lines, line, problems)
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
        gendered=gendered is not False,
        line=line,
    )


def _check_text(item: dict[Any, Any], key_lines: dict[Any, int], line: int, problems: list[str]) -> None:
    """Control characters (they break XML exports and the feed) and overlong values."""
    from transflow.safetext import control_characters

    for key in (k for k in _TEXT_KEYS if k in item):
        value = item[key]
        values = value if isinstance(value, list) else [value]
        at = key_lines.get(key, line)  # the key's own line
        for text in (v for v in values if isinstance(v, str)):
            bad = [] if text.isprintable() else control_characters(text)  # isprintable: fast
            if key != "note":  # a term is one line: a tab or line break in it is a pasting accident
                bad += [f"\\x{ord(c):02x}" for c in "\t\n\r" if c in text]
            if bad:
                problems.append(f"line {at}: '{key}' contains control characters ({', '.join(bad)})")
            limit = MAX_NOTE if key == "note" else MAX_TERM
            if len(text) > limit:
                problems.append(f"line {at}: '{key}' is longer than {limit} characters")


def _terms_node(text: str, name: str, problems: list[str]) -> tuple[Any, Any, Any]:
    """(document node, the ``terms`` sequence node or None, loader); top-level problems added."""
    import yaml

    doc, loader = yamlnodes.parse(text, name)
    if doc is None:
        return None, None, loader
    keys = (
        [(yamlnodes.value(k, loader), k, v) for k, v in doc.value]
        if isinstance(doc, yaml.MappingNode)
        else None
    )
    terms = next((v for key, _, v in keys or () if key == "terms"), None)
    if keys is None or (terms is not None and not isinstance(terms, yaml.SequenceNode)):
        problems.append("line 1: expected a mapping with a 'terms:' list")
        return doc, None, loader
    seen: set[Any] = set()
    for key, key_node, _ in keys:
        at = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool | None):  # "? [a]": a list as a key
            problems.append(f"line {at}: not a glossary: keys must be plain words")
            continue
        if key in seen:
            problems.append(
                f'line {at}: found duplicate key "{key}" (while constructing a mapping that starts on line 1)'
            )
        elif key != "terms":
            problems.append(f"line {at}: unknown top-level key '{key}'")
        seen.add(key)
    return doc, terms, loader


@dataclass(frozen=True)
class _Read:
    """A parsed glossary: its entries, its problems, and the ``terms`` node for editing in place."""

    entries: tuple[GlossaryEntry, ...]
    problems: list[str]
    terms: Any  # the block or flow sequence node, None where there is none
    only_terms: bool  # ``terms`` is the document's only key


def _read(text: str, name: str) -> _Read:
    """The parse of ``text``; the last one is kept, so validating and then editing parses once."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if digest not in _LAST_READ:
        read = _read_uncached(text, name)
        _LAST_READ.clear()
        _LAST_READ[digest] = read
    return _LAST_READ[digest]


_LAST_READ: dict[str, _Read] = {}


def _read_uncached(text: str, name: str) -> _Read:
    import yaml

    problems: list[str] = []
    doc, terms, loader = _terms_node(text, name, problems)
    entries: list[GlossaryEntry] = []
    seen: dict[str, GlossaryEntry] = {}
    try:
        for node in terms.value if terms is not None else ():
            line = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                problems.append(f"line {line}: each term must be a mapping with de: and en:")
                continue
            item = yamlnodes.mapping(node, loader, problems)
            entry = _entry(*item, line, problems) if item is not None else None
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
    finally:
        loader.dispose()
    only_terms = isinstance(doc, yaml.MappingNode) and len(doc.value) == 1 and terms is not None
    return _Read(tuple(entries), problems, terms, only_terms)


def validate(text: str, name: str = "glossary.yml") -> tuple[tuple[GlossaryEntry, ...], list[str]]:
    """Parse glossary text; return the entries and one line per problem."""
    read = _read(text, name)
    return read.entries, list(read.problems)


def plural_hints(entries: tuple[GlossaryEntry, ...]) -> list[str]:
    """One line per multi-word term whose generated English plural looks wrong and has no ``en_plural``."""
    from transflow.terms.inflection import doubtful_plural

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
    entries = _kept_entries(path, digest)
    if entries is None:
        read = _read_uncached(text, path.name)  # not kept: a run holds the Glossary, not the node tree
        if read.problems:
            raise GlossaryError(read.problems, path.name)
        entries = read.entries
        glossarycache.write(path, digest, [_row(e) for e in entries], _append_column(read, text))
    _PARSED[digest] = Glossary(entries, digest)
    return _PARSED[digest]


def _kept_entries(path: Path, digest: str) -> tuple[GlossaryEntry, ...] | None:
    """The kept parse of this content; None where there is none or it is not one this code wrote."""
    kept = glossarycache.read(path, digest)
    try:
        return tuple(_entry_of(row) for row in kept[0]) if kept is not None else None
    except (TypeError, ValueError, KeyError):
        return None


def _row(entry: GlossaryEntry) -> list[Any]:
    return [getattr(entry, f.name) for f in fields(GlossaryEntry)]


def _entry_of(row: list[Any]) -> GlossaryEntry:
    values = dict(zip([f.name for f in fields(GlossaryEntry)], row, strict=True))
    return GlossaryEntry(**{**values, "forms": tuple(values["forms"])})


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
    read = _read_valid(text)
    entry = _new_entry(read.entries, de, en, note, translate, en_plural, forms, case_sensitive)
    return _append(text, read, [entry])


GLOSSARY_WAIT_SECONDS = 60.0  # a write waits its turn behind a translate run, as a browser save does


@contextmanager
def glossary_lock(path: Path) -> Iterator[None]:
    """The project's run lock around a change to its glossary.yml: no run reads half a change.

    Every write (the CLI, the browser, a TBX import) takes it, here, where the glossary is.
    """
    from transflow.project import Project, run_lock

    with run_lock(Project(path.parent), wait_seconds=GLOSSARY_WAIT_SECONDS):
        yield


def edit_glossary_file(path: Path, edit: Callable[[str], str]) -> None:
    """Change glossary.yml under the lock: read it, ``edit`` its text, write it whole."""
    from transflow.project import atomic_write

    with glossary_lock(path):
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        atomic_write(path, edit(text))


def add_term_to_file(
    path: Path,
    de: str,
    en: str | None,
    note: str | None = None,
    translate: bool = True,
    *,
    en_plural: str | None = None,
    forms: tuple[str, ...] = (),
    case_sensitive: bool = False,
) -> None:
    """Add a term to glossary.yml with one write; without parsing it where its parse is kept.

    A glossary parsed before (by any command: see ``glossarycache``) gets the new item appended
    and its kept parse extended by that item, so adding terms one by one to 20,000 stays cheap.
    """
    from transflow.project import atomic_write

    with glossary_lock(path):
        raw = path.read_bytes() if path.exists() else b""
        text = raw.decode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        kept, entries = glossarycache.read(path, digest), _kept_entries(path, digest)
        column = kept[1] if kept is not None else None
        if entries is None or column is None:
            added = add_term(
                text, de, en, note, translate, en_plural=en_plural, forms=forms, case_sensitive=case_sensitive
            )
            atomic_write(path, added)
            return
        rows = [_row(e) for e in entries]
        entry = _new_entry(entries, de, en, note, translate, en_plural, forms, case_sensitive)
        new = _appended(text, column, [entry])
        atomic_write(path, new)
        # The new item read back alone: the entry as validation makes it (NFC, stripped), at its line.
        alone, problems = validate(_appended("terms:\n", 0, [entry]))
        if alone and not problems:
            line = text.count("\n") + (1 if text.endswith("\n") else 2)
            read_back = replace(alone[0], line=line)
            digest = hashlib.sha256(new.encode("utf-8")).hexdigest()
            glossarycache.write(path, digest, [*rows, _row(read_back)], column)


def _new_entry(
    entries: tuple[GlossaryEntry, ...],
    de: str,
    en: str | None,
    note: str | None,
    translate: bool,
    en_plural: str | None,
    forms: tuple[str, ...],
    case_sensitive: bool,
) -> GlossaryEntry:
    """The term to add, refused where the glossary has it or its English is missing."""
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
    entry = GlossaryEntry(
        de=de.strip(),
        en=(en or "").strip() if translate else de.strip(),
        en_plural=en_plural.strip() if translate and en_plural and en_plural.strip() else None,
        forms=tuple(f.strip() for f in forms if f.strip()),
        note=note.strip() if note else None,
        translate=translate,
        case_sensitive=case_sensitive,
    )
    refuse_invalid([entry])
    return entry


def entry_problems(entry: GlossaryEntry) -> list[str]:
    """What reading glossary.yml would say of this entry (empty, control characters, too long)."""
    problems: list[str] = []
    item = _item_dict(entry)
    if "forms" in item:
        item["forms"] = list(entry.forms)  # as a YAML reader gives them back
    _entry(item, {}, 0, problems)
    return [problem.removeprefix("line 0: ") for problem in problems]


def refuse_invalid(entries: list[GlossaryEntry]) -> None:
    """Raise before anything is written where an entry would make glossary.yml invalid.

    Every write (the CLI, the browser, a TBX import) comes through here: a term the file cannot
    hold would otherwise stop every later `translate` with exit 2.
    """
    for entry in entries:
        problems = entry_problems(entry)
        if problems:
            shown = entry.de if entry.de else "(empty)"
            raise GlossaryError(
                [f"term '{shown}': {problems[0]}"],
                hint="give the German and English as plain text of at most"
                f" {MAX_TERM} characters; nothing was written",
            )


def add_terms(text: str, entries: list[GlossaryEntry]) -> str:
    """Return the glossary text with new terms appended: one parse and one write for any number.

    The terms must not be in the glossary yet (the caller compares); a glossary with problems
    is refused as for one term.
    """
    refuse_invalid(entries)
    read = _read_valid(text)
    return _append(text, read, entries) if entries else text


def _read_valid(text: str) -> _Read:
    read = _read(text, "glossary.yml") if text.strip() else _Read((), [], None, False)
    if read.problems:
        raise GlossaryError(read.problems)
    return read


def _item_dict(entry: GlossaryEntry) -> dict[str, Any]:
    """The entry as glossary.yml writes it: only the keys it needs, forms on one line."""
    item: dict[str, Any] = {"de": entry.de}
    if entry.translate:
        item["en"] = entry.en
    else:
        item["translate"] = False
    if entry.translate and entry.en_plural:
        item["en_plural"] = entry.en_plural
    if entry.forms:
        item["forms"] = yamlnodes.Flow(entry.forms)
    if entry.case_sensitive:
        item["case_sensitive"] = True
    if not entry.gendered:
        item["gendered"] = False
    if entry.note:
        item["note"] = entry.note
    return item


def _item(entry: GlossaryEntry) -> Any:
    """The entry for ruamel's round trip."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    item = CommentedMap(_item_dict(entry))
    if entry.forms:
        item["forms"] = CommentedSeq(entry.forms)
        item["forms"].fa.set_flow_style()
    return item


def _append_column(read: _Read, text: str) -> int | None:
    """The dash column of a block ``terms:`` list that ends the file (new items go after it), else None."""
    terms = read.terms
    if read.only_terms and terms.value and not terms.flow_style and not text[terms.end_mark.index :].strip():
        return int(terms.start_mark.column)
    return None


def _appended(text: str, column: int, entries: list[GlossaryEntry]) -> str:
    listed = yamlnodes.block_list([_item_dict(e) for e in entries])
    items = "".join(" " * column + line for line in listed.splitlines(keepends=True))
    return text + ("" if text.endswith("\n") else "\n") + items


def _append(text: str, read: _Read, entries: list[GlossaryEntry]) -> str:
    """The text with the entries' items after the last term.

    A block ``terms:`` list at the end of the file (every glossary transflow writes) gets the new
    items' text appended, at the list's indentation: nothing else is parsed or rewritten. Any
    other layout goes through ruamel's round trip, which keeps comments too, but is slow for
    thousands of terms.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    column = _append_column(read, text)
    if column is not None:
        return _appended(text, column, entries)
    doc = yamlnodes.round_trip().load(text) if text.strip() else None
    if doc is None:
        doc = CommentedMap()
    if doc.get("terms") is None:
        doc["terms"] = CommentedSeq()
    for entry in entries:
        doc["terms"].append(_item(entry))
    return yamlnodes.round_trip_dump(doc)


def remove_term(text: str, de: str) -> str:
    """Return the glossary text without the term ``de``."""
    import yaml

    problems: list[str] = []
    doc, terms, loader = _terms_node(text, "glossary.yml", problems)
    try:
        wanted = de.strip().casefold()
        found = next(
            (
                i
                for i, node in enumerate(terms.value if terms is not None else ())
                if isinstance(node, yaml.MappingNode)
                and any(
                    yamlnodes.value(k, loader) == "de"
                    and str(yamlnodes.value(v, loader)).strip().casefold() == wanted
                    for k, v in node.value
                )
            ),
            None,
        )
    finally:
        loader.dispose()
    if found is None:
        raise GlossaryError(
            [f"'{de}' is not in the glossary"], hint="see every term with `transflow glossary list`"
        )
    items = terms.value
    start = text.rfind("\n", 0, items[found].start_mark.index) + 1
    alone = isinstance(doc, yaml.MappingNode) and len(doc.value) == 1 and not terms.flow_style
    if (
        alone
        and len(items) > 1
        and re.fullmatch(r"[ \t]*-[ \t]+", text[start : items[found].start_mark.index])
    ):
        # From the item's line to the next item's line: comments after an item go with it, as in ruamel.
        end = (
            text.rfind("\n", 0, items[found + 1].start_mark.index) + 1
            if found + 1 < len(items)
            else len(text)
        )
        return text[:start] + text[end:]
    rt = yamlnodes.round_trip().load(text)
    del rt["terms"][found]
    return yamlnodes.round_trip_dump(rt)
