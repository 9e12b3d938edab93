"""Review pages: side-by-side German/English HTML per article, and the index of all articles.

Pages are built from what translate wrote (segments.json, revisions/, draft.en.md), so
they can be re-rendered at any time without the model. They are self-contained: inline
CSS and a few lines of inline JS, no network, readable from ``file://``.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow import GENERATED_NOTICE
from transflow.editing import WORD_TOKEN
from transflow.errors import InputError
from transflow.project import Project, atomic_write


@dataclass(frozen=True)
class Piece:
    """A run of text on a page: plain, a glossary term, or part of a diff."""

    text: str
    term: str | None = None  # id shared by the German term and its English rendering
    note: str | None = None
    kind: str = "equal"  # equal | insert | delete (diffs) | flagged (a compound to check)


@dataclass(frozen=True)
class SentenceRow:
    """One German sentence beside its English, with badges and the diff to the last draft."""

    number: int
    german: list[Piece]
    english: list[Piece]
    badges: list[dict[str, str]]
    diff: list[Piece] | None
    origin: str
    diff_label: str = ""


@dataclass(frozen=True)
class ReviewPage:
    """Everything review.html shows for one article."""

    slug: str
    title: str
    date: str | None
    place: str | None
    source: str
    status: str
    paragraphs: list[list[SentenceRow]]
    counts: dict[str, int]
    signature: dict[str, Any]
    translated_at: str
    revision: int
    previous_revision: int | None
    notice: str | None = None
    rows: list[SentenceRow] = field(default_factory=list)


def jinja_environment(overrides: Path | None = None) -> Any:
    """The one jinja environment: autoescape on, undefined names are errors.

    Every value a template prints passes ``safetext.clean_text``, so a control character
    in a draft or a glossary note cannot make a page or the Atom feed malformed.
    Templates in ``overrides`` (a project's own folder) win over transflow's.
    """
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

    ours = PackageLoader("transflow", "templates")
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(overrides)), ours]) if overrides else ours,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,
    )


def _printable(value: Any) -> Any:
    """Clean text for XML 1.0 and HTML, keeping markup that is already safe."""
    from markupsafe import Markup

    from transflow.safetext import clean_text

    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    return clean_text(value) if isinstance(value, str) else value


def _marked(
    text: str, spans: list[tuple[int, int, str, str | None]], flagged: set[str] | None = None
) -> list[Piece]:
    pieces, at = [], 0
    for start, end, term, note in sorted(spans):
        if start < at or end > len(text):
            continue
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], term, note, "flagged" if term in (flagged or ()) else "equal"))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def _english_spans(
    english: str, terms: list[dict[str, Any]], ids: list[str]
) -> list[tuple[int, int, str, str | None]]:
    """Each kept or enforced term's first free occurrence in the English.

    Each rendering is searched once and its hits are used in order (a hit that overlaps a
    taken span stays overlapped), so a sentence with thousands of terms costs n log n, not n³.
    """
    spans: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    hits: dict[str, list[tuple[int, int]]] = {}
    next_hit: dict[str, int] = {}
    for term, term_id in zip(terms, ids, strict=True):
        if term.get("status") not in ("kept", "enforced"):
            continue
        for rendering in sorted(term.get("renderings") or [term.get("en", "")], key=len, reverse=True):
            if rendering not in hits:
                pattern = r"(?<!\w)" + re.escape(rendering) + r"(?!\w)"
                hits[rendering] = [m.span() for m in re.finditer(pattern, english, re.IGNORECASE)]
                next_hit[rendering] = 0
            found, k = None, next_hit[rendering]
            while found is None and k < len(hits[rendering]):
                if _free(taken, *hits[rendering][k]):
                    found = hits[rendering][k]
                k += 1
            next_hit[rendering] = k
            if found:
                bisect.insort(taken, found)
                spans.append((found[0], found[1], term_id, _term_note(term)))
                break
    return spans


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does [start, end) overlap none of the sorted, disjoint spans in ``taken``?"""
    k = bisect.bisect_left(taken, (start, end))
    before_ok = k == 0 or taken[k - 1][1] <= start
    after_ok = k == len(taken) or taken[k][0] >= end
    return before_ok and after_ok


def _term_note(term: dict[str, Any]) -> str:
    """Tooltip of a German term: the required English, the editors' note, what was done."""
    if term.get("status") == "flagged":
        return f"compound containing '{term.get('de')}': check its English ('{term.get('en')}')"
    note = f"glossary: {term.get('de')} → {term.get('en')}"
    if term.get("note"):
        note += f". {term['note']}"
    return note + {"enforced": " (enforced by transflow)", "missing": " (MISSING in the English)"}.get(
        term.get("status", ""), ""
    )


def word_diff(old: str, new: str) -> list[Piece]:
    """Word-level diff of two English texts (difflib), as equal/insert/delete pieces."""
    a, b = WORD_TOKEN.findall(old), WORD_TOKEN.findall(new)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("".join(a[i1:i2]), kind="delete"))
        if op in ("insert", "replace"):
            pieces.append(Piece("".join(b[j1:j2]), kind="insert"))
    return pieces


def _revisions(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((folder / "revisions").glob("*.json")):
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


def article_status(folder: Path, record: dict[str, Any]) -> str:
    """new / changed since last draft / edited / approved / changed since approval, from the files."""
    try:
        draft = (folder / "draft.en.md").read_bytes()
    except OSError:
        return "new"
    if record.get("draft_sha256") != hashlib.sha256(draft).hexdigest():
        return "edited"
    approved = folder / "approved.json"
    if approved.exists():
        try:
            if json.loads(approved.read_text()).get("draft_sha256") == record.get("draft_sha256"):
                return "approved"
        except (OSError, ValueError):
            pass
        return "changed since approval"
    if any(seg.get("origin") == "editor" for seg in record.get("segments", [])):
        return "edited"
    return "new" if len(_revisions(folder)) <= 1 else "changed since last draft"


def _load_record(project: Project, slug: str) -> dict[str, Any]:
    try:
        record = json.loads((project.article_dir(slug) / "segments.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"no translated article '{slug}'", hint="run `transflow translate` first") from e
    if not isinstance(record, dict):
        raise InputError(f"output/{slug}/segments.json is not a transflow record")
    return record


def build_review_page(project: Project, slug: str) -> ReviewPage:
    """Assemble one article's review page from its files."""
    folder = project.article_dir(slug)
    record = _load_record(project, slug)
    revisions = _revisions(folder)
    previous = revisions[-2] if len(revisions) >= 2 else None
    old_segments = previous["segments"] if previous else []
    # The previous English of a sentence: same German if it is still there, else same place.
    by_source = {s["source"]: s["draft"] for s in old_segments}
    by_place = {(s["paragraph"], s["index"]): s["draft"] for s in old_segments}
    paragraphs: dict[int, list[SentenceRow]] = {}
    counts = {
        "sentences": 0,
        "terms": 0,
        "enforced": 0,
        "missing": 0,
        "critical": 0,
        "functional": 0,
        "cosmetic": 0,
    }
    for number, seg in enumerate(record.get("segments", []), start=1):
        terms = [t for t in seg.get("terms", []) if isinstance(t, dict)]
        ids = [f"t{number}-{k}" for k in range(len(terms))]
        german_spans: list[tuple[int, int, str, str | None]] = [
            (t["start"], t["end"], i, _term_note(t)) for t, i in zip(terms, ids, strict=True) if "start" in t
        ]
        flagged = {i for t, i in zip(terms, ids, strict=True) if t.get("status") == "flagged"}
        english = seg.get("draft", "")
        badges = [w for w in seg.get("warnings", []) if isinstance(w, dict)]
        if seg.get("origin") == "editor" and seg.get("machine") is not None:
            old, label = seg["machine"], "editor's changes to the machine draft"
        else:
            old = by_source.get(seg["source"], by_place.get((seg.get("paragraph"), seg.get("index"))))
            label = f"changes since revision {previous['revision']}" if previous else ""
        row = SentenceRow(
            number=number,
            german=_marked(seg["source"], german_spans, flagged),
            english=_marked(english, _english_spans(english, terms, ids)),
            badges=badges,
            diff=word_diff(old, english) if old is not None and old != english else None,
            origin=seg.get("origin", "machine"),
            diff_label=label,
        )
        paragraphs.setdefault(int(seg.get("paragraph", 0)), []).append(row)
        counts["sentences"] += 1
        counts["terms"] += sum(t.get("status") != "flagged" for t in terms)
        counts["enforced"] += sum(t.get("status") == "enforced" for t in terms)
        counts["missing"] += sum(t.get("status") == "missing" for t in terms)
        for badge in badges:
            counts[badge.get("severity", "cosmetic")] = counts.get(badge.get("severity", "cosmetic"), 0) + 1
    article: dict[str, Any] = record.get("article") or {}
    signature: dict[str, Any] = record.get("signature") or {}
    segments: list[dict[str, Any]] = record.get("segments") or [{}]
    first = str(segments[0].get("source", slug))
    return ReviewPage(
        slug=slug,
        title=article.get("title") or (first if len(first) <= 90 else first[:87] + "…"),
        date=article.get("date"),
        place=article.get("place"),
        source=record.get("source", ""),
        status=article_status(folder, record),
        paragraphs=[rows for _, rows in sorted(paragraphs.items())],
        counts=counts,
        signature=signature,
        translated_at=record.get("translated_at", ""),
        revision=len(revisions),
        previous_revision=previous["revision"] if previous else None,
        notice=GENERATED_NOTICE if signature.get("generated") else None,
    )


def write_review(project: Project, slug: str) -> Path:
    """Render ``output/<slug>/review.html``; return its path."""
    page = build_review_page(project, slug)
    html = jinja_environment().get_template("review.html").render(page=page)
    path = project.article_dir(slug) / "review.html"
    atomic_write(path, html)
    return path


@dataclass(frozen=True)
class IndexRow:
    """One article on the index page."""

    slug: str
    title: str
    date: str
    status: str
    warnings: int
    missing: int
    translated_at: str


def write_index(project: Project) -> Path:
    """Render ``output/index.html``: every article, newest first."""
    html = jinja_environment().get_template("index.html").render(rows=index_rows(project))
    path = project.output / "index.html"
    atomic_write(path, html)
    return path


def index_rows(project: Project) -> list[IndexRow]:
    """Every translated article, newest first."""
    rows = []
    for slug in project.article_slugs():
        try:
            page = build_review_page(project, slug)
        except InputError:
            continue
        warnings = page.counts["critical"] + page.counts["functional"] + page.counts["cosmetic"]
        rows.append(
            IndexRow(
                page.slug,
                page.title,
                page.date or "",
                page.status,
                warnings,
                page.counts["missing"],
                page.translated_at,
            )
        )
    rows.sort(key=lambda r: (r.date, r.translated_at, r.slug), reverse=True)
    return rows
