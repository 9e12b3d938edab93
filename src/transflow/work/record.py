"""The article record: one typed, versioned file per article (``output/<slug>/segments.json``).

Every module that needs to know what a run made of an article reads it through ``load_record``
and writes it through ``dump_record``; nothing else parses the JSON. Records written by
transflow 0.1 (no ``schema_version``) are upgraded on load without losing a field that
mattered. A record that cannot be read is set aside (``segments.json.damaged-<time>``), never
a traceback: the article is then translated again, and the editor's draft is kept.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transflow.checks import Finding
from transflow.project import RECORD_FILE, read_inside
from transflow.states import Origin, TermStatus
from transflow.text.frontmatter import FrontMatter

SCHEMA_VERSION = 2
APPROVAL_FILE = "approved.json"

# Who made a sentence's current English (states.Origin says what each means).
MACHINE, MEMORY, APPROVED, EDITOR, IMPORTED = tuple(Origin)
ORIGINS = tuple(Origin)
# English a person wrote here: never replaced, kept beside new German until someone decides.
WRITTEN = (EDITOR, IMPORTED)
# English a person wrote or approved: kept while its German is unchanged, whatever the model says.
PERSONS = (MEMORY, APPROVED, EDITOR, IMPORTED)


@dataclass(frozen=True)
class Signature:
    """What made a draft (sacrebleu-style): recorded in front matter, record and memory rows."""

    transflow: str
    model: str
    model_version: str
    model_sha256: str
    ctranslate2: str
    beam_size: int
    glossary_sha256: str
    generated: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: Any) -> Signature:
        data = data if isinstance(data, dict) else {}
        return cls(
            transflow=str(data.get("transflow", "")),
            model=str(data.get("model", "")),
            model_version=str(data.get("model_version", "")),
            model_sha256=str(data.get("model_sha256", "")),
            ctranslate2=str(data.get("ctranslate2", "")),
            beam_size=_int(data.get("beam_size"), 0),
            glossary_sha256=str(data.get("glossary_sha256", "")),
            generated=str(data["generated"]) if data.get("generated") else None,
        )

    def same_model(self, other: Signature) -> bool:
        """Would this model and beam size give the same machine English as ``other``'s?"""
        return (self.model_sha256, self.beam_size) == (other.model_sha256, other.beam_size)


@dataclass(frozen=True)
class Term:
    """A glossary term found in a sentence's German, and its state in the English."""

    de: str
    en: str
    surface: str
    start: int
    end: int
    kind: str
    status: str  # enforced | kept | missing | flagged
    renderings: tuple[str, ...] = ()
    note: str | None = None

    @property
    def key(self) -> tuple[Any, ...]:
        """What enforcement depends on: the same key gives the same machine English."""
        return (self.de, self.en, self.renderings, self.start, self.end, self.kind)


@dataclass(frozen=True)
class Sentence:
    """One German sentence and its English, with who made it and what the checks found."""

    paragraph: int
    index: int
    source: str
    english: str
    origin: str = MACHINE
    machine: str | None = None  # the engine's English for this German, when known
    space_after: str = " "  # whitespace after the German sentence in its paragraph
    after: str | None = None  # the editor's text between this English and the next; None: as the German
    terms: tuple[Term, ...] = ()
    findings: tuple[Finding, ...] = ()
    written_for: str | None = None  # the German a person's English was written for, when it changed since
    suggestion: str | None = None  # new machine English waiting for an editor's decision

    def written_by(self, english: str, origin: str) -> Sentence:
        """This sentence with English a person wrote: the engine's English kept, any conflict decided."""
        machine = self.english if self.origin == MACHINE or self.machine is None else self.machine
        return replace(
            self, english=english, origin=origin, machine=machine, written_for=None, suggestion=None
        )

    @property
    def conflict(self) -> bool:
        """The German changed under English a person wrote, and nobody has decided yet."""
        return self.written_for is not None

    @property
    def edited(self) -> bool:
        return self.origin in WRITTEN


@dataclass(frozen=True)
class ArticleRecord:
    """What the last run made of one article."""

    slug: str
    source: str  # file name in sources/
    source_sha256: str
    signature: Signature
    sentences: tuple[Sentence, ...]
    draft_sha256: str = ""  # draft.en.md as transflow last wrote or read it
    translated_at: str = ""
    title: str | None = None
    date: str | None = None
    place: str | None = None
    schema_version: int = SCHEMA_VERSION
    # The Markdown before each paragraph ("## ", "- ", "   1. "): the document's structure.
    # Empty for plain text articles and for records written before structure was kept.
    prefixes: tuple[str, ...] = ()
    summary_paragraph: int | None = None  # the front matter's summary/teaser, translated like the title
    front_matter: FrontMatter | None = None  # the source's, with its fields' English, for draft.en.md

    def prefix(self, paragraph: int) -> str:
        """The Markdown that opens paragraph ``paragraph`` in the draft ("" for a plain one)."""
        return self.prefixes[paragraph] if 0 <= paragraph < len(self.prefixes) else ""

    @property
    def german(self) -> tuple[str, ...]:
        return tuple(s.source for s in self.sentences)

    @property
    def conflicts(self) -> int:
        return sum(s.conflict for s in self.sentences)

    @property
    def edited(self) -> bool:
        return any(s.edited or s.after is not None for s in self.sentences)

    def missing_terms(self) -> list[tuple[Sentence, Term]]:
        return [(s, t) for s in self.sentences for t in s.terms if t.status == TermStatus.MISSING]


@dataclass(frozen=True)
class Approval:
    """A snapshot of what an editor approved: the German and the English, exactly."""

    approved_at: str
    german: tuple[str, ...]  # the sentences, in order
    paragraphs: tuple[int, ...]  # each sentence's paragraph, for the published German
    english: str  # the draft body as approved
    source: str
    source_sha256: str
    title: str | None = None
    date: str | None = None
    place: str | None = None
    generated: str | None = None
    forced: bool = False
    schema_version: int = SCHEMA_VERSION
    prefixes: tuple[str, ...] = ()  # the German's structure, for the published German original
    summary: str | None = None  # the English summary/teaser as approved

    def covers(self, record: ArticleRecord, english: str) -> bool:
        """Does this approval still hold for the record's German and this English body?"""
        return self.german == record.german and self.english == english

    def german_text(self) -> str:
        """The approved German as clean text: paragraphs separated by blank lines, no Markdown."""
        if self.prefixes:
            from transflow.text.document import plain_text, structured_markdown

            return plain_text(structured_markdown(self.german, self.paragraphs, self.prefixes))
        out: list[str] = []
        last = None
        for number, sentence in zip(self.paragraphs, self.german, strict=True):
            if out and number != last:
                out.append("\n\n")
            elif out:
                out.append(" ")
            out.append(sentence)
            last = number
        return "".join(out)


class RecordDamaged(Exception):
    """A record file exists but is not a transflow record; ``moved_to`` is where it was set aside."""

    def __init__(self, path: Path, reason: str, moved_to: Path | None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.moved_to = path, reason, moved_to


def now() -> str:
    """The time stamp records use: UTC, seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# ---- reading ---------------------------------------------------------------------------------


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _term(data: Any) -> Term:
    if not isinstance(data, dict):
        raise ValueError("a term is not an object")
    renderings = data.get("renderings") or [data.get("en") or ""]
    return Term(
        de=str(data.get("de", "")),
        en=str(data.get("en") or ""),
        surface=str(data.get("surface", "")),
        start=_int(data.get("start"), 0),
        end=_int(data.get("end"), 0),
        kind=str(data.get("kind", "")),
        status=str(data.get("status", "")),
        renderings=tuple(str(r) for r in renderings),
        note=_str(data.get("note")),
    )


def _finding(data: Any) -> Finding:
    if not isinstance(data, dict):
        raise ValueError("a finding is not an object")
    return Finding(
        str(data.get("check", "")), str(data.get("severity", "cosmetic")), str(data.get("message", ""))
    )


def _sentence(data: Any, version: int) -> Sentence:
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise ValueError("a sentence has no German")
    # Version 1 called the current English "draft" and the engine's English "machine" only
    # where a person had replaced it; its "memory" meant "reused from the last draft".
    english = data.get("english") if version >= 2 else data.get("draft")
    if not isinstance(english, str):
        raise ValueError("a sentence has no English")
    origin = str(data.get("origin", MACHINE))
    machine = _str(data.get("machine"))
    if version < 2:
        if origin == Origin.MEMORY:
            origin = MACHINE
        if machine is None and origin == MACHINE:
            machine = english
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    return Sentence(
        paragraph=_int(data.get("paragraph"), 0),
        index=_int(data.get("index"), 0),
        source=data["source"],
        english=english,
        origin=origin,
        machine=machine,
        space_after=str(data.get("space_after", " ")),
        after=_str(data.get("after")),
        terms=tuple(_term(t) for t in data.get("terms") or []),
        findings=tuple(_finding(f) for f in data.get("findings", data.get("warnings")) or []),
        written_for=_str(data.get("written_for")),
        suggestion=_str(data.get("suggestion")),
    )


def parse_record(text: str) -> ArticleRecord:
    """A record from its JSON text; ``ValueError`` if it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    version = _int(data.get("schema_version"), 1)
    if version > SCHEMA_VERSION:
        raise ValueError(f"written by a newer transflow (schema {version})")
    segments = data.get("sentences" if version >= 2 else "segments")
    if not isinstance(segments, list) or not isinstance(data.get("slug"), str):
        raise ValueError("no sentences")
    article: dict[str, Any] = data["article"] if isinstance(data.get("article"), dict) else data
    return ArticleRecord(
        slug=data["slug"],
        source=str(data.get("source", "")),
        source_sha256=str(data.get("source_sha256", "")),
        signature=Signature.from_dict(data.get("signature")),
        sentences=tuple(_sentence(s, version) for s in segments),
        draft_sha256=str(data.get("draft_sha256", "")),
        translated_at=str(data.get("translated_at", "")),
        title=_str(article.get("title")),
        date=_str(article.get("date")),
        place=_str(article.get("place")),
        prefixes=tuple(str(p) for p in article.get("prefixes") or () if isinstance(p, str)),
        summary_paragraph=_int(article["summary_paragraph"], -1) if "summary_paragraph" in article else None,
        front_matter=_front_matter(article.get("front_matter")),
    )


def _front_matter(data: Any) -> FrontMatter | None:
    if not isinstance(data, dict):
        return None
    pairs = [
        tuple((str(p), str(t)) for p, t in dict(data.get(key) or {}).items()) for key in ("fields", "english")
    ]
    return FrontMatter(
        str(data["format"]), str(data["text"]), pairs[0], pairs[1], data.get("unpublished") is True
    )


def _front_matter_json(front: FrontMatter | None) -> dict[str, Any]:
    if front is None:
        return {}
    return {"front_matter": asdict(front) | {"fields": dict(front.fields), "english": dict(front.english)}}


def set_aside(path: Path) -> Path | None:
    """Move a damaged file out of the way (``NAME.damaged-<time>``); where it went, if it could."""
    target = path.with_name(f"{path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def load_record(folder: Path, repair: bool = False) -> ArticleRecord | None:
    """The article's record, or None if there is none.

    A damaged one raises ``RecordDamaged``; with ``repair`` it is first set aside.
    """
    path = folder / RECORD_FILE
    try:
        text = read_inside(path).decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise RecordDamaged(path, f"cannot be read ({e})", set_aside(path) if repair else None) from e
    try:
        return parse_record(text)
    except (ValueError, TypeError, KeyError, RecursionError) as e:
        reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise RecordDamaged(
            path, f"not a transflow record ({reason})", set_aside(path) if repair else None
        ) from e


# ---- writing ---------------------------------------------------------------------------------


def _clean(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in defaults or v != defaults[k]}


_SENTENCE_DEFAULTS = {"after": None, "written_for": None, "suggestion": None, "machine": None}


def record_json(record: ArticleRecord) -> str:
    """The record as the JSON text that ``parse_record`` reads back."""
    sentences = []
    for s in record.sentences:
        item = asdict(s)
        item["terms"] = [_clean(asdict(t), {"note": None}) for t in s.terms]
        item["findings"] = [f.to_dict() for f in s.findings]
        sentences.append(_clean(item, _SENTENCE_DEFAULTS))
    data = {
        "schema_version": SCHEMA_VERSION,
        "slug": record.slug,
        "source": record.source,
        "source_sha256": record.source_sha256,
        "draft_sha256": record.draft_sha256,
        "translated_at": record.translated_at,
        "article": {"title": record.title, "date": record.date, "place": record.place}
        | ({"prefixes": list(record.prefixes)} if record.prefixes else {})
        | ({"summary_paragraph": record.summary_paragraph} if record.summary_paragraph is not None else {})
        | _front_matter_json(record.front_matter),
        "signature": record.signature.to_dict(),
        "sentences": sentences,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load_approval(folder: Path) -> Approval | None:
    """The article's approval snapshot, or None (also for a damaged or outdated one)."""
    try:
        data = json.loads(read_inside(folder / APPROVAL_FILE))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or _int(data.get("schema_version"), 1) < 2:
        return None  # version 1 kept only hashes: see ``old_approval``
    try:
        return _approval(data)
    except (KeyError, TypeError, ValueError):
        return None


def _approval(data: Any) -> Approval:
    return Approval(
        approved_at=str(data["approved_at"]),
        german=tuple(str(s) for s in data["german"]),
        paragraphs=tuple(int(p) for p in data["paragraphs"]),
        english=str(data["english"]),
        source=str(data.get("source", "")),
        source_sha256=str(data.get("source_sha256", "")),
        title=_str(data.get("title")),
        date=_str(data.get("date")),
        place=_str(data.get("place")),
        generated=_str(data.get("generated")),
        forced=bool(data.get("forced")),
        prefixes=tuple(str(p) for p in data.get("prefixes") or () if isinstance(p, str)),
        summary=_str(data.get("summary")),
    )


def approval_json(approval: Approval) -> str:
    data = asdict(approval)
    data["german"], data["paragraphs"] = list(approval.german), list(approval.paragraphs)
    for key, empty in (("prefixes", ()), ("summary", None)):  # only structured articles carry them
        if getattr(approval, key) == empty:
            del data[key]
        elif key == "prefixes":
            data[key] = list(approval.prefixes)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def old_approval(folder: Path) -> dict[str, Any] | None:
    """A version-1 approval (hashes only), for the upgrade."""
    try:
        data = json.loads(read_inside(folder / APPROVAL_FILE))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and _int(data.get("schema_version"), 1) == 1 and "draft_sha256" in data:
        return data
    return None


# ---- what the site holds -------------------------------------------------------------------------

SITE_FILE = "site.json"  # in output/.transflow/: what output/site/ holds, article by article


@dataclass(frozen=True)
class Publication:
    """One article on the public site: the approval snapshot it shows."""

    slug: str
    approval: Approval
    published_at: str
    with_german: bool = False


def load_site(state: Path, name: str = SITE_FILE) -> dict[str, Publication]:
    """What the site holds, by slug; an unreadable manifest counts as an empty site."""
    try:
        data = json.loads(read_inside(state / name))
        articles = data["articles"] if isinstance(data, dict) else {}
    except (OSError, ValueError, KeyError):
        return {}
    site = {}
    for slug, item in articles.items() if isinstance(articles, dict) else ():
        try:
            approval = _approval(item["approval"])
            site[str(slug)] = Publication(
                str(slug), approval, str(item["published_at"]), bool(item.get("with_german"))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return site


def site_json(site: dict[str, Publication]) -> str:
    articles = {
        slug: {
            "approval": json.loads(approval_json(p.approval)),
            "published_at": p.published_at,
            "with_german": p.with_german,
        }
        for slug, p in sorted(site.items())
    }
    return (
        json.dumps({"schema_version": SCHEMA_VERSION, "articles": articles}, ensure_ascii=False, indent=2)
        + "\n"
    )
