"""One `transflow translate` run: find pending articles, translate them in one stream, write.

The flow is one way: articles → segments → engine (batched) → glossary enforcement →
files. Articles are written in groups, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transflow import __version__
from transflow.articles import Article, parse_article
from transflow.drafts import ArticleResult, SegmentResult, Signature, write_article
from transflow.editing import sync_edits
from transflow.enforcement import TermMatch
from transflow.engine import (
    Engine,
    EngineOptions,
    ModelPackage,
    Translation,
    find_model,
)
from transflow.errors import InputError
from transflow.glossary import Glossary, load_glossary
from transflow.memory import Memory
from transflow.project import Project, atomic_write, file_sha256, read_record, run_lock
from transflow.review import write_index, write_review
from transflow.segmentation import Segment, segment_paragraphs

# Articles are translated in groups that are written as soon as they are done, so an
# interrupted run keeps its work: up to eight checkpoints a run. A group is at least 400
# sentences (about eight full batches): each group ends in a part-filled batch, and with
# 96-sentence groups bench/throughput.py measured 0.73 of raw CTranslate2's throughput
# on 332 sentences, against 0.97 with this size.
GROUP_MIN_SENTENCES = 400
CHECKPOINTS = 8


@dataclass
class RunReport:
    """Everything a run did, for the CLI's summary table."""

    results: list[ArticleResult] = field(default_factory=list)
    model: ModelPackage | None = None
    warnings: list[str] = field(default_factory=list)
    edited_sentences: int = 0  # editors' changes collected from drafts
    engine_sentences: int = 0  # sentences sent to the engine (memory hits are not)

    @property
    def translated(self) -> list[ArticleResult]:
        return [r for r in self.results if r.status == "translated"]


def discover(
    project: Project, files: Iterable[Path] | None, glossary: Glossary, force: bool, report: RunReport
) -> list[Article]:
    """Parse the articles to translate; unchanged and unusable ones go into the report.

    Every source is parsed, named on the command line or not, so that two files that make
    one output folder are refused on every run.
    """
    scanned, skipped = project.scan_sources()
    report.warnings.extend(skipped)
    paths = [project.named_source(path) for path in files] if files else scanned
    parsed: dict[Path, Article | str] = {}
    seen: dict[str, Path] = {}
    for path in dict.fromkeys([*scanned, *paths]):
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise InputError(f"{path}: cannot read ({e.strerror})") from e
        try:
            article = parse_article(path, raw)
        except InputError as e:
            parsed[path] = e.message
            continue
        if article.slug in seen:
            raise InputError(
                f"{path.name} and {seen[article.slug].name} both make output/{article.slug}/",
                hint="rename one of them, or give one a different slug: in its front matter",
            )
        seen[article.slug] = path
        parsed[path] = article
    pending: list[Article] = []
    for path in paths:
        outcome = parsed[path]
        if isinstance(outcome, str):
            report.results.append(ArticleResult(path.stem, path.name, "skipped", message=outcome))
            continue
        article = outcome
        report.warnings.extend(article.warnings)
        state = read_record(project, article.slug)
        unchanged = (
            state.get("source_sha256") == article.source_hash
            and state.get("signature", {}).get("glossary_sha256") == glossary.sha256
        )
        if unchanged and not force:
            report.results.append(ArticleResult(article.slug, path.name, "unchanged"))
        else:
            pending.append(article)
    return pending


def enforce_glossary(
    segment: Segment, translation: Translation, glossary: Glossary, constraints: bool = False
) -> SegmentResult:
    """Apply the glossary to one translated sentence and record what happened to each term.

    With ``constraints`` every entry is required in this sentence, found in the German or not.
    """
    from transflow.enforcement import enforce_terms, find_terms, locate_constraints

    matches = find_terms(segment.text, glossary) if glossary.entries else []
    if constraints:
        matches = locate_constraints(segment.text, glossary, matches)
    english, statuses = enforce_terms(
        segment.text,
        translation.text,
        matches,
        translation.source_spans,
        translation.target_pieces,
        translation.attention,
    )
    return _checked(segment, english, [(s.match, s.status) for s in statuses], "machine")


def _checked(
    segment: Segment, english: str, statuses: list[tuple[TermMatch, str]], origin: str
) -> SegmentResult:
    """The result for one sentence: its terms' statuses and every QA finding."""
    from transflow.checks import Finding, run_checks

    findings = [
        Finding("term-missing", "critical", f"term missing: {match.surface} → {match.entry.en}")
        for match, status in statuses
        if status == "missing"
    ] + run_checks(segment.text, english)
    terms = tuple(_term_record(match, status) for match, status in statuses)
    return SegmentResult(segment, english, terms, tuple(f.to_dict() for f in findings), origin)


def _term_record(match: TermMatch, status: str) -> dict[str, Any]:
    entry = match.entry
    return {
        "de": entry.de,
        "surface": match.surface,
        "start": match.start,
        "end": match.end,
        "note": entry.note,
        "renderings": list(entry.renderings),
        "en": entry.en,
        "kind": match.kind,
        "status": status,
    }


def translate_segments(
    engine: Engine,
    glossary: Glossary,
    segments: list[Segment],
    progress: Callable[[int], None] | None = None,
) -> list[SegmentResult]:
    """Translate sentences in one batched stream and enforce the glossary on each."""
    translations = engine.translate([s.text for s in segments], progress)
    return [enforce_glossary(s, t, glossary) for s, t in zip(segments, translations, strict=True)]


def make_signature(engine: Engine, glossary: Glossary) -> Signature:
    """The signature of drafts made by this engine and glossary."""
    import ctranslate2

    return Signature(
        transflow=__version__,
        model=engine.package.name,
        model_version=engine.package.version,
        model_sha256=engine.checksum(),
        ctranslate2=ctranslate2.__version__,
        beam_size=engine.options.beam_size,
        glossary_sha256=glossary.sha256,
        generated=engine.package.generated,
    )


def _groups(articles: list[Article], segmented: dict[str, list[Segment]]) -> list[list[Article]]:
    total = sum(len(s) for s in segmented.values())
    limit = max(GROUP_MIN_SENTENCES, -(-total // CHECKPOINTS))
    groups: list[list[Article]] = [[]]
    size = 0
    for article in articles:
        if groups[-1] and size + len(segmented[article.slug]) > limit:
            groups.append([])
            size = 0
        groups[-1].append(article)
        size += len(segmented[article.slug])
    return [g for g in groups if g]


def run_translate(
    project: Project,
    files: Iterable[Path] | None = None,
    force: bool = False,
    options: EngineOptions | None = None,
    engine_factory: Callable[[ModelPackage, EngineOptions], Engine] = Engine,
    on_start: Callable[[int, ModelPackage], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Translate every new or changed article of the project (or just ``files``).

    Editors' changes to drafts are collected first, so they are kept and reused.
    """
    glossary = load_glossary(project.glossary)  # an invalid glossary stops before any work
    report = RunReport()
    pending = discover(project, files, glossary, force, report)
    if not pending and not edited_articles(project):
        return report
    package = find_model() if pending else None  # before anything is written
    with run_lock(project):
        memory = Memory.of(project)
        try:
            edits = 0
            for slug in edited_articles(project):
                edits += sync_edits(project, slug, memory)
                write_review(project, slug)
            # Again under the lock: a run that just finished may have done some of them.
            report = RunReport(edited_sentences=edits)
            pending = discover(project, files, glossary, force, report)
            if pending:
                _translate(
                    project,
                    pending,
                    glossary,
                    package or find_model(),
                    options,
                    engine_factory,
                    memory,
                    force,
                    report,
                    on_start,
                    progress,
                )
            write_index(project)
        finally:
            memory.close()
    return report


def edited_articles(project: Project) -> list[str]:
    """Slugs whose draft.en.md differs from the draft transflow wrote (an editor changed it)."""
    edited = []
    for slug in project.article_slugs():
        current = file_sha256(project.article_dir(slug) / "draft.en.md")
        if current is not None and current != read_record(project, slug).get("draft_sha256"):
            edited.append(slug)
    return edited


def _translate(
    project: Project,
    pending: list[Article],
    glossary: Glossary,
    package: ModelPackage,
    options: EngineOptions | None,
    engine_factory: Callable[[ModelPackage, EngineOptions], Engine],
    memory: Memory,
    force: bool,
    report: RunReport,
    on_start: Callable[[int, ModelPackage], None] | None,
    progress: Callable[[int], None] | None,
) -> None:
    """Reuse what editors and earlier runs made; send only the rest to the engine, in groups."""
    engine = engine_factory(package, options or EngineOptions())
    engine.load()  # a broken model fails here, before the progress bar and any write
    report.model = package
    signature = make_signature(engine, glossary)
    segmented = {a.slug: segment_paragraphs(a.paragraphs) for a in pending}
    reviewed = memory.lookup(s.text for segs in segmented.values() for s in segs)
    reusable: dict[str, dict[str, SegmentResult]] = {}
    for article in pending:
        record = read_record(project, article.slug)
        known = {} if force else _reusable(record, signature)
        # The engine's English that a person's replaced, so the review page can show their change.
        machine = {s["source"]: s.get("machine") for s in record.get("segments", [])}
        for segment in segmented[article.slug]:
            unit = reviewed.get(segment.text)
            if unit is not None:
                result = reviewed_result(segment, unit.target, glossary, unit.origin)
                known[segment.text] = dataclasses.replace(result, machine=machine.get(segment.text))
        reusable[article.slug] = known
    if on_start:
        on_start(sum(s.text not in reusable[slug] for slug, segs in segmented.items() for s in segs), package)
    for group in _groups(pending, segmented):
        fresh = [s for a in group for s in segmented[a.slug] if s.text not in reusable[a.slug]]
        translated = iter(translate_segments(engine, glossary, fresh, progress))
        for article in group:
            known = reusable[article.slug]
            results = [
                _placed(known[s.text], s) if s.text in known else next(translated)
                for s in segmented[article.slug]
            ]
            report.results.append(write_article(project, article, results, signature))
            write_review(project, article.slug)
    report.engine_sentences = engine.sentences
    stats = {
        "finished_at": datetime.now(UTC).isoformat(),
        "articles": len(report.translated),
        "engine_sentences": engine.sentences,
        "engine_calls": engine.calls,
        "target_pieces": engine.target_pieces,
        "engine_seconds": round(engine.seconds, 2),
        "reused_sentences": sum(len(segs) for segs in segmented.values()) - engine.sentences,
        "model": package.label,
    }
    atomic_write(project.state / "last-run.json", json.dumps(stats, indent=2) + "\n")


def _placed(result: SegmentResult, segment: Segment) -> SegmentResult:
    """A reused result at the segment's current place in the article."""
    origin = "memory" if result.origin == "machine" else result.origin
    return dataclasses.replace(result, segment=segment, origin=origin)


def reviewed_result(segment: Segment, english: str, glossary: Glossary, origin: str) -> SegmentResult:
    """A sentence whose English a person wrote: terms are checked, never changed."""
    from transflow.enforcement import find_terms, satisfied

    statuses = [
        (m, "flagged" if not m.required else ("kept" if satisfied(english, m.entry) else "missing"))
        for m in find_terms(segment.text, glossary)
    ]
    return _checked(segment, english, statuses, origin)


def _reusable(state: dict[str, Any], signature: Signature) -> dict[str, SegmentResult]:
    """English of unchanged sentences from the article's last draft, made the same way.

    A changed article then costs only its changed sentences. Editors' sentences are not
    taken from here but from the translation memory, which prefers them.
    """
    recorded = state.get("signature", {})
    if any(
        recorded.get(k) != getattr(signature, k) for k in ("model_sha256", "glossary_sha256", "beam_size")
    ):
        return {}
    memory = {}
    for seg in state.get("segments", []):
        if seg.get("origin") in ("machine", "memory") and isinstance(seg.get("draft"), str):
            segment = Segment(
                seg.get("paragraph", 0), seg.get("index", 0), seg["source"], seg.get("space_after", "")
            )
            memory[seg["source"]] = SegmentResult(
                segment, seg["draft"], tuple(seg.get("terms", [])), tuple(seg.get("warnings", [])), "memory"
            )
    return memory
