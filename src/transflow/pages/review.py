"""Review pages: side-by-side German/English HTML per article, and the index of all articles.

Pages are built from what translate wrote (segments.json, revisions/, draft.en.md), so
they can be re-rendered at any time without the model. They are self-contained: inline
CSS and a few lines of inline JS, no network, readable from ``file://``.
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow import GENERATED_NOTICE
from transflow.errors import OutputError
from transflow.project import Project, atomic_write
from transflow.safetext import clean_text
from transflow.settings import load_settings
from transflow.slugs import no_such_article
from transflow.states import TermStatus
from transflow.terms.glossary import Glossary
from transflow.text.document import BlockMark, block_mark, split_prefix
from transflow.work.changes import ChangeCache
from transflow.work.drafts import WORD_TOKEN, revision_snapshots
from transflow.work.record import Term

if TYPE_CHECKING:
    from transflow.work.workflow import IndexRow


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
    written_for: str | None = None  # the German an editor's English was written for, before it changed
    suggestion: str | None = None  # the engine's English for the new German, for the editor to weigh
    german_diff: list[Piece] | None = None  # the German's own change since the previous revision
    next_warning: int | None = None  # the number of the next sentence with a warning
    previous_warning: int | None = None


@dataclass(frozen=True)
class ReviewPage:
    """Everything review.html shows for one article."""

    slug: str
    title: str
    date: str | None
    place: str | None
    source: str
    status: str
    reasons: list[str]
    paragraphs: list[list[SentenceRow]]
    counts: dict[str, int]
    signature: dict[str, Any]
    translated_at: str
    revision: int
    previous_revision: int | None
    notice: str | None = None
    rows: list[SentenceRow] = field(default_factory=list)
    # Per paragraph: its structure and the untranslated constructs (tables, code) before it.
    blocks: list[tuple[BlockMark, str]] = field(default_factory=list)
    tail: str = ""  # untranslated constructs after the last paragraph
    first_warning: int | None = None  # the number of the first sentence with a warning
    warning_counts: dict[str, int] = field(default_factory=dict)  # finding code → how many on this page
    version: str = ""  # ``workflow.article_version`` of what this page shows: what an approval names


@functools.lru_cache(maxsize=8)
def jinja_environment(overrides: Path | None = None, compiled: Path | None = None) -> Any:
    """The one jinja environment: autoescape on, undefined names are errors.

    Every value a template prints passes ``safetext.clean_text``, so a control character
    in a draft or a glossary note cannot make a page or the Atom feed malformed.
    Templates in ``overrides`` (a project's own folder) win over transflow's. One environment
    per folder for the process, so each template is compiled once (a server renders a page
    on every save). ``compiled``: a folder (that exists) where compiled templates are kept for
    the next process, so a run that writes one page does not compile its templates again.
    """
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemBytecodeCache,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
    )

    ours = PackageLoader("transflow", "templates")
    from transflow import badges
    from transflow.dates import people_date, people_time

    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(overrides)), ours]) if overrides else ours,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,
        # jinja checks each kept template against its source: a changed template is compiled again.
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled and compiled.is_dir() else None,
    )
    env.globals.update(
        people_date=people_date,
        people_time=people_time,
        time_element=time_element,
        warning_wording=badges.warning_wording,
        origin_wording=badges.origin_wording,
        warning_kinds=badges.WARNINGS,
        severities=badges.SEVERITIES,
    )
    return env


def time_element(value: str | None, shown: str) -> Any:
    """``shown`` in a ``<time>`` element when ``value`` is a valid machine date, as plain text
    when it is not: a page never carries an invalid ``datetime`` attribute."""
    from markupsafe import Markup, escape

    from transflow.dates import datetime_attribute

    iso = datetime_attribute(value)
    return escape(shown) if iso is None else Markup('<time datetime="{}">{}</time>').format(iso, shown)


def _printable(value: Any) -> Any:
    """Clean text for XML 1.0 and HTML, keeping markup that is already safe."""
    if type(value) is str:  # nearly every value on a page; markup is imported for the rest only
        return clean_text(value)
    from markupsafe import Markup

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
        pieces.append(
            Piece(text[start:end], term, note, TermStatus.FLAGGED if term in (flagged or ()) else "equal")
        )
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return pieces


def _english_spans(english: str, terms: list[Term], ids: list[str]) -> list[tuple[int, int, str, str | None]]:
    """Each kept or enforced term's first free occurrence in the English.

    Each rendering is searched once and its hits are used in order (a hit that overlaps a
    taken span stays overlapped), so a sentence with thousands of terms costs n log n, not n³.
    """
    from transflow.terms.enforcement import present_forms  # inflect: only where a page is made

    spans: list[tuple[int, int, str, str | None]] = []
    taken: list[tuple[int, int]] = []  # sorted, disjoint
    hits: dict[str, list[tuple[int, int]]] = {}
    next_hit: dict[str, int] = {}
    for term, term_id in zip(terms, ids, strict=True):
        if not TermStatus(term.status).present:
            continue
        forms = present_forms(term.en, term.renderings or (term.en,), term.en != term.de)
        for rendering in sorted(forms, key=len, reverse=True):
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


def _term_note(term: Term) -> str:
    """Tooltip of a German term: the required English, the editors' note, what was done."""
    if term.status == TermStatus.FLAGGED:
        return f"compound containing '{term.de}': check its English ('{term.en}')"
    note = f"glossary: {term.de} → {term.en}"
    if term.note:
        note += f". {term.note}"
    said: dict[str, str] = {
        TermStatus.ENFORCED: " (enforced by transflow)",
        TermStatus.MISSING: " (MISSING in the English)",
        TermStatus.OMITTED: " (the editor left this sentence out)",
    }
    return note + said.get(term.status, "")


# Where a piece (a glossary term) begins and ends, carried through the Markdown renderer.
_OPEN, _CLOSE = "\ue000", "\ue001"


def formatted(pieces: list[Piece]) -> list[Piece]:
    """The pieces as one run of HTML: inline Markdown (bold, italic, code, links) as formatting.

    A Markdown or Word article's sentences carry ``**bold**`` and ``[links](…)``; people read
    them as formatting, not as asterisks. The glossary terms' ``<mark>``s are kept: each term
    travels through markdown-it between two private-use characters. Where the renderer drops
    one (a term inside a link's address), the pieces are shown as they are.
    """
    from markdown_it import MarkdownIt
    from markupsafe import Markup, escape

    if not any(c in p.text for p in pieces for c in "*_`[\\"):
        return pieces  # nothing to format: most sentences
    marked = "".join(f"{_OPEN}{p.text}{_CLOSE}" if p.term else p.text for p in pieces)
    html = MarkdownIt("commonmark", {"html": False}).renderInline(marked)
    terms = [p for p in pieces if p.term]
    if html.count(_OPEN) != len(terms) or html.count(_CLOSE) != len(terms):
        return pieces
    out, rest = [], html
    for p in terms:
        before, rest = rest.split(_OPEN, 1)
        flagged = " flagged" if p.kind == TermStatus.FLAGGED else ""
        title = f' title="{escape(p.note)}"' if p.note else ""
        out.append(f'{before}<mark class="term{flagged}" tabindex="0" data-term="{escape(p.term)}"{title}>')
        inside, rest = rest.split(_CLOSE, 1)
        out.append(f"{inside}</mark>")
    return [Piece(Markup("".join(out) + rest))]


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


def build_review_page(project: Project, slug: str, glossary: Glossary | None = None) -> ReviewPage:
    """Assemble one article's review page from its files (``glossary``: the project's, read if not given)."""
    from transflow.work.reuse import continued  # imported here: status and the index need no alignment
    from transflow.work.workflow import article_state, article_version, try_glossary

    # Read as `status` reads it: draft edits taken in and judged with the glossary, so a term an
    # editor put into the file shows present here too.
    state = article_state(project, slug, glossary if glossary is not None else try_glossary(project))
    record = state.record
    if record is None:
        raise no_such_article(slug, project.article_slugs())
    folder = project.article_dir(slug)
    revisions = revision_snapshots(folder)
    previous = revisions[-2] if len(revisions) >= 2 else None
    old = previous["sentences"] if previous else []
    # The previous English of a sentence: same German if it is still there, else same place.
    by_source = dict(old)
    by_place = {k: english for k, (_, english) in enumerate(old)}
    # The previous German of a changed sentence: the old sentence it continues (as a run decides).
    was = continued([german for german, _ in old], record.german) if previous else []
    paragraphs: dict[int, list[SentenceRow]] = {}
    kinds: dict[str, int] = {}
    counts = dict.fromkeys(
        ("sentences", "terms", "enforced", "missing", "critical", "functional", "cosmetic"), 0
    )
    # Markdown and Word articles carry inline Markdown; a plain text's asterisks are its own.
    markdown = Path(record.source).suffix.lower() in (".md", ".docx")
    for number, sentence in enumerate(record.sentences, start=1):
        terms = list(sentence.terms)
        ids = [f"t{number}-{k}" for k in range(len(terms))]
        german_spans: list[tuple[int, int, str, str | None]] = [
            (t.start, t.end, i, _term_note(t)) for t, i in zip(terms, ids, strict=True)
        ]
        flagged = {i for t, i in zip(terms, ids, strict=True) if t.status == TermStatus.FLAGGED}
        english = sentence.english
        badges = [f.to_dict() for f in sentence.findings]
        before: str | None
        if sentence.edited and sentence.machine is not None:
            before, label = sentence.machine, "editor's changes to the machine draft"
        else:
            before = by_source.get(sentence.source, by_place.get(number - 1))
            label = f"changes since revision {previous['revision']}" if previous else ""
        german_pieces = _marked(sentence.source, german_spans, flagged)
        english_pieces = _marked(english, _english_spans(english, terms, ids))
        row = SentenceRow(
            number=number,
            german=formatted(german_pieces) if markdown else german_pieces,
            english=formatted(english_pieces) if markdown else english_pieces,
            badges=badges,
            diff=word_diff(before, english) if before is not None and before != english else None,
            origin=sentence.origin,
            diff_label=label,
            written_for=sentence.written_for,
            suggestion=sentence.suggestion,
            german_diff=_german_diff(old, was, number - 1, sentence.source),
        )
        paragraphs.setdefault(sentence.paragraph, []).append(row)
        counts["sentences"] += 1
        counts["terms"] += sum(t.status != TermStatus.FLAGGED for t in terms)
        counts["enforced"] += sum(t.status == TermStatus.ENFORCED for t in terms)
        counts["missing"] += sum(t.status == TermStatus.MISSING for t in terms)
        for finding in sentence.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
            kinds[finding.check] = kinds.get(finding.check, 0) + 1
    linked = _linked_warnings(paragraphs)
    signature = record.signature.to_dict()
    blocks = []
    for number in sorted(paragraphs):
        before, marker = split_prefix(record.prefix(number))
        mark = BlockMark("summary", "summary") if number == record.summary_paragraph else None
        blocks.append((mark or block_mark(marker, first=number == 0), before))
    return ReviewPage(
        slug=slug,
        title=state.title,
        date=record.date,
        place=record.place,
        source=record.source,
        status=state.state,
        reasons=list(state.reasons),
        paragraphs=linked,
        counts=counts,
        signature=signature,
        translated_at=record.translated_at,
        revision=revisions[-1]["revision"] if revisions else 0,
        previous_revision=previous["revision"] if previous else None,
        notice=GENERATED_NOTICE if record.signature.generated else None,
        blocks=blocks,
        tail=split_prefix(record.prefix(max(paragraphs, default=-1) + 1))[0] if record.prefixes else "",
        first_warning=next((r.number for rows in linked for r in rows if r.badges), None),
        warning_counts=kinds,
        version=article_version(record),
    )


def _german_diff(
    old: list[tuple[str, str]], was: list[tuple[int | None, bool]], at: int, german: str
) -> list[Piece] | None:
    """The word diff from the German this sentence had in the previous revision, if it changed."""
    if at >= len(was):
        return None
    before, changed = was[at]
    if before is None or not changed or old[before][0] == german:
        return None
    return word_diff(old[before][0], german)


def _linked_warnings(paragraphs: dict[int, list[SentenceRow]]) -> list[list[SentenceRow]]:
    """The paragraphs in order, each sentence with a warning linked to the next and the previous one."""
    ordered = [rows for _, rows in sorted(paragraphs.items())]
    warned = [r.number for rows in ordered for r in rows if r.badges]
    after: dict[int, int | None] = dict(zip(warned, [*warned[1:], None], strict=False))
    before: dict[int, int | None] = dict(zip(warned, [None, *warned[:-1]], strict=False))
    return [
        [
            replace(r, next_warning=after[r.number], previous_warning=before[r.number]) if r.badges else r
            for r in rows
        ]
        for rows in ordered
    ]


def _compiled(project: Project) -> Path | None:
    """``output/.transflow/templates``, made where the state folder exists (else None: compile in memory)."""
    folder = project.state / "templates"
    if not folder.is_dir() and project.state.is_dir():
        with contextlib.suppress(OSError):
            folder.mkdir()
    return folder if folder.is_dir() else None


def write_review(project: Project, slug: str, glossary: Glossary | None = None) -> Path:
    """Render ``output/<slug>/review.html``; return its path."""
    page = build_review_page(project, slug, glossary)
    html = (
        jinja_environment(None, _compiled(project))
        .get_template("review.html")
        .render(page=page, settings=load_settings(project.root))
    )
    path = project.article_dir(slug) / "review.html"
    atomic_write(path, html)
    return path


def write_index(project: Project, cache: ChangeCache | None = None) -> Path:
    """Render ``output/index.html``: every article, newest first (``cache``: see ``index_rows``).

    Each row is rendered on its own (``index_row.html``) and kept in ``output/.transflow/``
    under what it shows: a run that changed one article renders one row (issue 28).
    """
    from markupsafe import Markup

    from transflow.work.workflow import index_rows

    env = jinja_environment(None, _compiled(project))
    settings = load_settings(project.root)
    rows = index_rows(project, cache)
    html = env.get_template("index.html").render(
        rows=rows, rows_html=Markup("".join(_row_html(project, env, settings, rows))), settings=settings
    )
    path = project.output / "index.html"
    atomic_write(path, html)
    return path


INDEX_ROWS_FILE = "index-rows.marshal"


def _row_key(r: IndexRow) -> tuple[object, ...]:
    """Everything a row shows (``astuple`` spelt out: it deep-copies, 10,000 times an index)."""
    return (
        r.slug,
        r.title,
        r.date,
        str(r.status),
        r.warnings,
        r.missing,
        r.translated_at,
        r.reasons,
        r.has_page,
    )


def _row_html(project: Project, env: Any, settings: Any, rows: list[IndexRow]) -> list[str]:
    """Each row's HTML: kept from the last index where the row and what shapes it are the same."""
    import marshal
    import os

    from transflow import __version__

    template = env.get_template("index_row.html")
    # What every row's HTML depends on besides the row: the template, the settings, the zone.
    context = repr(
        (
            __version__,
            template.filename,
            os.path.getmtime(template.filename) if template.filename else 0,
            settings.date_style,
            settings.timezone,
            os.environ.get("TZ"),
        )
    )
    cache = project.state / INDEX_ROWS_FILE
    try:  # marshal: ten times faster than JSON for 10,000 rows; another Python's file only misses
        kept = marshal.loads(cache.read_bytes())
        old = kept["rows"] if isinstance(kept, dict) and kept.get("context") == context else {}
    except (OSError, ValueError, EOFError, KeyError, TypeError):
        old = {}
    new: dict[str, list[str]] = {}
    out = []
    for row in rows:
        key = repr(_row_key(row))
        found = old.get(row.slug)
        if isinstance(found, list) and len(found) == 2 and found[0] == key and isinstance(found[1], str):
            html = found[1]
        else:
            html = template.render(r=row, settings=settings)
        new[row.slug] = [key, html]
        out.append(html)
    if new != old and project.state.is_dir():
        with contextlib.suppress(OutputError, OSError):  # a cache that cannot be written costs time only
            atomic_write(cache, marshal.dumps({"context": context, "rows": new}))
    return out
