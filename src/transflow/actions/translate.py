"""One `transflow translate` run: take in editors' changes, find pending articles, translate, write.

The flow is one way: articles → segments → (what the last draft keeps) → engine (batched)
→ glossary enforcement → checks → files. Articles are written in groups, so an interrupted
run keeps what it finished.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow import __version__
from transflow.errors import InputError, ModelError
from transflow.mt.engine import Engine, EngineOptions, ModelPackage, Translation, find_model, resolve_device
from transflow.project import Project, atomic_write, read_inside, run_lock
from transflow.settings import load_settings
from transflow.states import Origin, TermStatus
from transflow.terms import lemmas
from transflow.terms.glossary import Glossary, load_glossary
from transflow.text.articles import Article
from transflow.work.changes import DRAFT_CHANGED, DRAFT_CLEAN, ChangeCache, SourceFacts
from transflow.work.drafts import DRAFT_FILE, draft_sha256, is_edited, write_article, write_record
from transflow.work.record import (
    RECORD_FILE,
    ArticleRecord,
    RecordDamaged,
    Sentence,
    Signature,
    load_record,
    now,
)

if TYPE_CHECKING:  # the rest is imported where it is used: a no-op run needs none of it
    from transflow.terms.matching import TermMatch
    from transflow.text.protect import Protected
    from transflow.text.segmentation import Segment
    from transflow.work.memory import Memory
    from transflow.work.reuse import Plan

# Articles are translated in groups that are written as soon as they are done, so an
# interrupted run keeps its work: up to eight checkpoints a run. A group is at least 400
# sentences (about eight full batches): each group ends in a part-filled batch, and with
# 96-sentence groups bench/throughput.py measured 0.73 of raw CTranslate2's throughput
# on 332 sentences, against 0.97 with this size.
GROUP_MIN_SENTENCES = 400
CHECKPOINTS = 8


@dataclass
class ArticleResult:
    """The outcome of one article in a run."""

    slug: str
    source: str
    status: str  # translated | unchanged | skipped
    sentences: int = 0
    terms_enforced: int = 0
    terms_missing: int = 0
    message: str = ""


@dataclass
class RunReport:
    """Everything a run did, for the CLI's summary table."""

    results: list[ArticleResult] = field(default_factory=list)
    model: ModelPackage | None = None
    warnings: list[str] = field(default_factory=list)
    edited_sentences: int = 0  # editors' changes collected from drafts
    remembered_sentences: int = 0  # of those, new editor units in the translation memory
    engine_sentences: int = 0  # sentences sent to the engine (reused ones are not)

    @property
    def translated(self) -> list[ArticleResult]:
        return [r for r in self.results if r.status == "translated"]

    def count(self, status: str) -> int:
        """How many articles ended with ``status`` (translated, unchanged or skipped)."""
        return sum(1 for r in self.results if r.status == status)


@dataclass(frozen=True)
class Pending:
    """An article to translate and the record of its last draft."""

    article: Article
    previous: ArticleRecord | None


def model_identity(project: Project) -> tuple[ModelPackage, str] | None:
    """The model a run would use and its checksum (cached by size and mtime), or None if none."""
    try:
        package = find_model()
    except ModelError:
        return None
    weights = package.path / "model" / "model.bin"
    try:
        stat = weights.stat()
    except OSError:
        return None
    key = f"{weights}:{stat.st_size}:{stat.st_mtime_ns}"
    cache = project.state / "model-checksum.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(cached, dict) and cached.get("key") == key and isinstance(cached.get("sha256"), str):
            return package, cached["sha256"]
    except (OSError, ValueError):
        pass
    digest = Engine(package).checksum()
    if project.state.is_dir():
        with contextlib.suppress(Exception):  # a cache that cannot be written only costs time
            atomic_write(cache, json.dumps({"key": key, "sha256": digest}) + "\n")
    return package, digest


def make_signature(package: ModelPackage, checksum: str, glossary: Glossary, beam_size: int) -> Signature:
    """The signature of drafts made by this model, glossary and beam size."""
    return Signature(
        transflow=__version__,
        model=package.name,
        model_version=package.version,
        model_sha256=checksum,
        ctranslate2=version("ctranslate2"),
        beam_size=beam_size,
        glossary_sha256=glossary.sha256,
        generated=package.generated,
    )


def load_or_set_aside(folder: Path, report: RunReport | None) -> ArticleRecord | None:
    """The folder's record; a damaged one counts as none (with a report: moved aside, with a warning)."""
    try:
        return load_record(folder, repair=report is not None)
    except RecordDamaged as e:
        where = f"; moved to {e.moved_to.name}" if e.moved_to else ""
        if report is not None:
            report.warnings.append(
                f"output/{folder.name}/segments.json was damaged ({e.reason}){where}:"
                " the article is translated again, its draft kept"
            )
        return None


def discover(
    project: Project,
    files: Iterable[Path | str] | None,
    glossary: Glossary,
    signature: Signature | None,
    force: bool,
    report: RunReport,
    repair: bool = True,
    cache: ChangeCache | None = None,
) -> list[Pending]:
    """The articles to translate; unchanged and unusable ones go into the report.

    Every source is looked at, named on the command line or not, so that two files that make
    one output folder are refused on every run; only those whose stamp changed are read
    (``changes.ChangeCache``), and only pending ones are parsed whole.
    """
    cache = cache or ChangeCache(project)
    cache.article_slugs()  # one look at output/: its folders need no system call each below
    scanned, skipped = cache.scan_sources()
    report.warnings.extend(skipped)
    named = list(files or ())
    given = [project.named_source(f) for f in named if isinstance(f, Path)]
    facts: dict[Path, SourceFacts] = {}
    seen: dict[str, Path] = {}
    # What an up-to-date article was made with.
    context = (glossary.sha256, *(_model_key(signature) if signature else ("", 0)))
    whole = not files and signature is not None and not force  # every source, judged for "current"
    if whole:
        cache.kept_sources([path.name for path in scanned], context)
    for path in dict.fromkeys([*scanned, *given]):
        fact = facts[path] = cache.source(path)
        if not fact.slug:
            continue
        if fact.slug in seen:
            raise InputError(
                f"{path.name} and {seen[fact.slug].name} both make output/{fact.slug}/",
                hint="rename one of them, or give one a different slug: in its front matter",
            )
        seen[fact.slug] = path
    paths = [_source_named(f, seen) for f in named] if named else scanned
    if not files:
        cache.complete.add("sources")
    pending: list[Pending] = []
    current: set[str] = set()
    for path in paths:
        fact = facts[path]
        if not fact.slug:
            report.results.append(ArticleResult(path.stem, path.name, "skipped", message=fact.problem))
            continue
        report.warnings.extend(fact.warnings)
        at = cache.folder(fact.slug)
        if signature is not None and not force and cache.is_current(path, at, context):
            report.results.append(ArticleResult(fact.slug, path.name, "unchanged"))
            current.add(path.name)
            continue
        folder = Path(at)
        try:
            article = cache.article(path)
        except InputError as e:  # changed since it was looked at above
            report.results.append(ArticleResult(path.stem, path.name, "skipped", message=e.message))
            continue
        previous = load_or_set_aside(folder, report if repair else None)
        unchanged = (
            previous is not None
            and previous.source_sha256 == article.source_hash
            and previous.signature.glossary_sha256 == glossary.sha256
            and (signature is None or previous.signature.same_model(signature))
            and (folder / DRAFT_FILE).exists()
        )
        if signature is not None:
            cache.note_current(path, folder, context, unchanged)
        if unchanged and not force:
            report.results.append(ArticleResult(article.slug, path.name, "unchanged"))
            current.add(path.name)
        else:
            pending.append(Pending(article, previous))
    if whole:
        cache.keep_sources({path.name: facts[path] for path in scanned}, current, context)
    return pending


def _source_named(name: Path | str, seen: dict[str, Path]) -> Path:
    """A source named on the command line: a path as given, or the source of the article a slug names."""
    if isinstance(name, Path):
        return name
    from transflow.slugs import check_slug, did_you_mean

    if check_slug(name) in seen:
        return seen[name]
    raise InputError(
        f"no article '{name}' in sources/",
        hint=did_you_mean(name, sorted(seen)) or "give a file in sources/ or an article name from `status`",
    )


# What a no-op run depends on in an article's folder (besides its source): see edits_waiting.
QUIET_FILES = (RECORD_FILE, DRAFT_FILE)


def _quiet_value(report: RunReport) -> list[Any]:
    """A no-op run's report as the change cache keeps it."""
    return [report.warnings, [[r.slug, r.source, r.status, r.message] for r in report.results]]


def _quiet_report(value: Any) -> RunReport:
    """The report kept by ``_quiet_value`` (TypeError or ValueError where it is damaged)."""
    warnings, results = value
    report = RunReport(warnings=[str(w) for w in warnings])
    for slug, source, status, message in results:
        if status not in ("unchanged", "skipped"):
            raise ValueError(status)
        report.results.append(ArticleResult(str(slug), str(source), status, message=str(message)))
    return report


def _model_key(signature: Signature) -> tuple[str, int]:
    """What ``Signature.same_model`` compares."""
    return signature.model_sha256, signature.beam_size


def edits_waiting(project: Project, cache: ChangeCache) -> bool:
    """Has any draft been edited since transflow last wrote or read it? (Stamps only, where they hold.)"""
    drafts = [cache.draft_status(cache.folder(slug)) for slug in cache.article_slugs()]
    cache.complete.add("unedited")
    return DRAFT_CHANGED in drafts


def enforce_glossary(
    segment: Segment,
    translation: Translation,
    glossary: Glossary,
    constraints: bool = False,
    matches: list[TermMatch] | None = None,
) -> Sentence:
    """Apply the glossary to one translated sentence and record what happened to each term.

    With ``constraints`` every entry is required in this sentence, found in the German or not.
    ``matches`` are the glossary's terms in the German, where the caller found them already.
    """
    from transflow.terms.enforcement import enforce_terms, locate_constraints
    from transflow.work.assessment import assess

    if matches is None:
        matches = glossary_terms(segment.text, glossary)
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
    sentence = Sentence(segment.paragraph, segment.index, segment.text, english, machine=english)
    return assess(sentence, glossary, [(s.match, s.status) for s in statuses])


def translate_segments(
    engine: Engine,
    glossary: Glossary,
    segments: list[Segment],
    progress: Callable[[int], None] | None = None,
) -> list[Sentence]:
    """Translate sentences in one batched stream and enforce the glossary on each."""
    from transflow.text.protect import protect

    protected = [protect(s.text) for s in segments]
    # Link texts are translated on their own, so the link is re-made around English text.
    labels = [
        (k, n, span.label) for k, p in enumerate(protected) for n, span in enumerate(p.spans) if span.label
    ]
    texts = [p.text for p in protected] + [label for _, _, label in labels]
    matches = [glossary_terms(p.text, glossary) for p in protected]
    # Only enforcement and lost emphasis read the attention: a sentence with terms or with a pair.
    attention = [bool(m) or bool(p.pairs) for m, p in zip(matches, protected, strict=True)]
    attention += [False] * len(labels)
    translations = engine.translate(texts, progress, attention)
    english_labels: dict[int, dict[int, str]] = {}
    for (k, n, _), t in zip(labels, translations[len(segments) :], strict=True):
        english_labels.setdefault(k, {})[n] = t.text
    return [
        _restored(
            s, p, enforce_glossary(replace(s, text=p.text), t, glossary, matches=m), english_labels.get(k), t
        )
        for k, (s, p, t, m) in enumerate(zip(segments, protected, translations, matches, strict=False))
    ]


def glossary_terms(text: str, glossary: Glossary) -> list[TermMatch]:
    """The glossary's terms in one German sentence."""
    from transflow.terms.enforcement import find_terms

    return find_terms(text, glossary) if glossary.entries else []


def _restored(
    segment: Segment,
    protected: Protected,
    sentence: Sentence,
    labels: dict[int, str] | None,
    translation: Translation,
) -> Sentence:
    """The sentence with its protected spans back in the German and the English, byte for byte;
    emphasis the engine lost put around the English words aligned with the German ones."""
    from transflow.checks import REGISTRY, run_checks
    from transflow.terms.enforcement import aligned_words
    from transflow.text.protect import pairs_lost, restore, rewrap, words_at

    if not protected.spans:
        return sentence
    lost = pairs_lost(sentence.english, protected)
    english, moved = restore(sentence.english, protected, labels)
    for pair in lost:
        start, end = words_at(protected, pair)
        t = translation
        words = aligned_words(protected.text, start, end, t.source_spans, t.target_pieces, t.attention)
        opening, closing = (protected.spans[n].text for n in pair)
        english = rewrap(english, words, opening, closing)
    terms = tuple(
        replace(t, start=protected.offset(t.start), end=protected.offset(t.end)) for t in sentence.terms
    )
    kept = [f for f in sentence.findings if f.check not in REGISTRY]
    findings = (*kept, *moved, *run_checks(segment.text, english))
    return replace(
        sentence, source=segment.text, english=english, machine=english, terms=terms, findings=findings
    )


def _groups(pending: list[Pending], plans: dict[str, list[Plan]]) -> list[list[Pending]]:
    total = sum(len(p) for p in plans.values())
    limit = max(GROUP_MIN_SENTENCES, -(-total // CHECKPOINTS))
    groups: list[list[Pending]] = [[]]
    size = 0
    for item in pending:
        n = len(plans[item.article.slug])
        if groups[-1] and size + n > limit:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += n
    return [g for g in groups if g]


def collect_edits(
    project: Project, memory: Memory, glossary: Glossary, report: RunReport, cache: ChangeCache
) -> list[str]:
    """Take every edited draft's English into its record; the slugs whose record changed.

    Records the cache knows as unedited are not read; a damaged one is moved aside here.
    """
    from transflow.work.editing import sync_edits

    synced = []
    for slug in cache.article_slugs():
        at = cache.folder(slug)
        if cache.draft_status(at) == DRAFT_CLEAN:
            continue
        cache.forget_folders([slug])  # its record may be moved aside or written below
        folder = Path(at)
        record = load_or_set_aside(folder, report)
        if record is None or not is_edited(folder, record):
            continue
        # Counted as `memory stats` counts: an identical pair already stored is not new.
        before = memory.stats()[Origin.EDITOR]
        record, changed = sync_edits(folder, record, memory, glossary)
        write_record(folder, record)
        report.edited_sentences += changed
        report.remembered_sentences += memory.stats()[Origin.EDITOR] - before
        synced.append(folder.name)
    return synced


def run_translate(
    project: Project,
    files: Iterable[Path | str] | None = None,
    force: bool = False,
    options: EngineOptions | None = None,
    engine_factory: Callable[[ModelPackage, EngineOptions], Engine] = Engine,
    on_start: Callable[[int, ModelPackage], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Translate every new or changed article of the project (or just ``files``: paths or slugs).

    Editors' changes to drafts are collected first, so they are kept and reused.
    """
    glossary = load_glossary(project.glossary)  # an invalid glossary stops before any work
    load_settings(project.root)  # so does a mistake in transflow.toml (the pages read it)
    options = options or EngineOptions()
    if options.device != "auto":
        resolve_device(options.device)  # a GPU asked for and not there stops before any work
    identity = model_identity(project)
    signature = make_signature(*identity, glossary, options.beam_size) if identity else None
    cache = ChangeCache(project)
    digest = ""
    if signature is not None and not files and not force:
        digest = cache.project_digest(QUIET_FILES, (glossary.sha256, *_model_key(signature)))
        found = cache.quiet("translate", digest)
        with contextlib.suppress(TypeError, ValueError):
            if found is not None:
                return _quiet_report(found)
    with contextlib.ExitStack() as held:
        # Where the lock is free, it is taken first: the look below holds for the work, and the
        # run looks at the articles once (issue 28). Where another run holds it, the look
        # outside it decides whether there is work to wait for.
        locked = _lock_now(project, held)
        probe = RunReport()
        pending = discover(project, files, glossary, signature, force, probe, repair=False, cache=cache)
        if not pending and not edits_waiting(project, cache):
            cache.keep_quiet("translate", digest, _quiet_value(probe))
            cache.save()
            return probe
        if pending and identity is None:
            find_model()  # raises the "no model" error, before anything is written
        if not locked:
            held.enter_context(run_lock(project))
            cache.refresh()  # under the lock: a run that just finished may have written files
        job = Job(files, glossary, identity, signature, options, force, engine_factory, on_start, progress)
        return _locked_run(project, job, cache)
    raise AssertionError("unreachable")  # for mypy: the block returns


@dataclass(frozen=True)
class Job:
    """What a translate run was asked to do."""

    files: Iterable[Path | str] | None
    glossary: Glossary
    identity: tuple[ModelPackage, str] | None
    signature: Signature | None
    options: EngineOptions
    force: bool
    engine_factory: Callable[[ModelPackage, EngineOptions], Engine]
    on_start: Callable[[int, ModelPackage], None] | None
    progress: Callable[[int], None] | None


def _lock_now(project: Project, held: contextlib.ExitStack) -> bool:
    """Take the run lock where it is free now (and the state folder exists); never wait for it."""
    from transflow.errors import LockedError, OutputError

    if not project.state.is_dir():
        return False
    try:
        held.enter_context(run_lock(project, wait_seconds=0))
    except (LockedError, OutputError):
        return False
    return True


def _locked_run(project: Project, job: Job, cache: ChangeCache) -> RunReport:
    """Under the lock: take in editors' changes, translate what is pending, write the pages."""
    from transflow.actions.unit_of_work import opened_memory, refresh_pages

    glossary, identity, signature = job.glossary, job.identity, job.signature
    with opened_memory(project) as memory:
        if memory.damaged is not None:  # moved aside: what the records hold comes back
            from transflow.actions.doctor import rebuild_memory

            rebuild_memory(project, memory)
        report = RunReport()
        lemmas.load(project.state)
        synced = collect_edits(project, memory, glossary, report, cache)  # forgets what it touches
        # Under the lock, files repaired: a second look, from the verdicts of the first.
        pending = discover(project, job.files, glossary, signature, job.force, report, cache=cache)
        written: set[str] = set()
        if pending and identity is not None and signature is not None:
            written = _translate(project, pending, identity[0], signature, job, memory, report)
        lemmas.save(project.state)
        cache.forget_folders([*written, *synced])
        refresh_pages(project, [slug for slug in synced if slug not in written], cache=cache)
        cache.save()
    return report


def _translate(
    project: Project,
    pending: list[Pending],
    package: ModelPackage,
    signature: Signature,
    job: Job,
    memory: Memory,
    report: RunReport,
) -> set[str]:
    """Keep what editors and earlier runs made; send only the rest to the engine, in groups."""
    glossary, options, force, progress = job.glossary, job.options, job.force, job.progress
    from transflow.actions.unit_of_work import refresh_pages
    from transflow.text.segmentation import Segment, segment_paragraphs
    from transflow.work.assessment import assess
    from transflow.work.fields import field_plan
    from transflow.work.reuse import ENGLISH, NOTHING, plan_article, with_machine

    segmented = {p.article.slug: segment_paragraphs(p.article.paragraphs) for p in pending}
    reviewed = memory.lookup(s.text for segs in segmented.values() for s in segs)
    plans = {
        p.article.slug: plan_article(
            p.previous, segmented[p.article.slug], glossary, signature, reviewed, force
        )
        for p in pending
    }
    fields = {p.article.slug: field_plan(p.article, p.previous) for p in pending}
    needed = sum(plan.needs != NOTHING for ps in plans.values() for plan in ps)
    needed += sum(len(todo) for _, todo in fields.values())
    engine: Engine | None = None
    if needed:
        engine = job.engine_factory(package, options)
        engine.load()  # a broken model fails here, before the progress bar and any write
    report.model = package
    if job.on_start:
        job.on_start(needed, package)
    written: set[str] = set()
    for group in _groups(pending, plans):
        todo = [plan for item in group for plan in plans[item.article.slug] if plan.needs != NOTHING]
        segments = [Segment(p.sentence.paragraph, p.sentence.index, p.sentence.source) for p in todo]
        made = iter(translate_segments(engine, glossary, segments, progress) if engine and todo else [])
        front_english = _field_english(engine, glossary, [fields[i.article.slug] for i in group], progress)
        for item in group:
            sentences = []
            for plan in plans[item.article.slug]:
                if plan.needs == NOTHING:
                    sentence = plan.sentence
                    if (
                        sentence.origin != Origin.MACHINE
                    ):  # a person's English: checked against today's glossary
                        sentence = assess(sentence, glossary)
                elif plan.needs == ENGLISH:
                    machine = next(made)
                    sentence = replace(
                        with_machine(plan, machine.english), terms=machine.terms, findings=machine.findings
                    )
                else:
                    sentence = assess(with_machine(plan, next(made).english), glossary)
                sentences.append(sentence)
            english = front_english.pop(0)
            report.results.append(_write(project, item, sentences, signature, memory, glossary, english))
            written.add(item.article.slug)
            refresh_pages(project, [item.article.slug], index=False)
    engine_sentences = engine.sentences if engine else 0
    report.engine_sentences = engine_sentences
    stats = {
        "finished_at": now(),
        "articles": len(report.translated),
        "engine_sentences": engine_sentences,
        "engine_calls": engine.calls if engine else 0,
        "target_pieces": engine.target_pieces if engine else 0,
        "engine_seconds": round(engine.seconds, 2) if engine else 0.0,
        "reused_sentences": sum(len(ps) for ps in plans.values()) - engine_sentences,
        "model": package.label,
    }
    atomic_write(project.state / "last-run.json", json.dumps(stats, indent=2) + "\n")
    return written


def _field_english(
    engine: Engine | None,
    glossary: Glossary,
    plans: list[tuple[dict[str, str], dict[str, str]]],
    progress: Callable[[int], None] | None,
) -> list[dict[str, str]]:
    """Each article's front-matter fields in English: kept ones as they were, the rest translated
    in one engine call for the group (with the glossary, like any sentence)."""
    from transflow.text.segmentation import Segment

    todo = [(k, path, german) for k, (_, fields) in enumerate(plans) for path, german in fields.items()]
    segments = [Segment(-1, n, german) for n, (_, _, german) in enumerate(todo)]
    made = translate_segments(engine, glossary, segments, progress) if engine and segments else []
    english = [dict(kept) for kept, _ in plans]
    for (k, path, _), sentence in zip(todo, made, strict=False):
        english[k][path] = sentence.english
    return english


def _draft_bytes(folder: Path) -> bytes | None:
    """The bytes of the folder's draft.en.md, or None if there is none (a link is refused)."""
    try:
        return read_inside(folder / DRAFT_FILE)
    except OSError:
        return None


def _write(
    project: Project,
    item: Pending,
    sentences: list[Sentence],
    signature: Signature,
    memory: Memory,
    glossary: Glossary,
    front_english: dict[str, str],
) -> ArticleResult:
    article = item.article
    folder = project.article_dir(article.slug)
    front = article.front_matter
    if front is not None:
        front = replace(front, english=tuple(front_english.items()))
    record = ArticleRecord(
        slug=article.slug,
        source=article.source.name,
        source_sha256=article.source_hash,
        signature=signature,
        sentences=tuple(sentences),
        translated_at=now(),
        title=article.title,
        date=article.date,
        place=article.place,
        prefixes=article.prefixes,
        summary_paragraph=article.summary_paragraph,
        front_matter=front,
    )
    # No record but a draft: the record was damaged and set aside (or lost). The draft is the
    # editor's file, so it is taken in as an edit of the new machine draft: every word an
    # editor wrote stays in draft.en.md, the record and the memory (issue 29: after
    # `doctor --repair` the next translate left three edits only in revisions/).
    found = _draft_bytes(folder) if item.previous is None else None
    record = write_article(folder, record, item.previous)
    if found is not None and draft_sha256(found) != record.draft_sha256:
        from transflow.work.editing import sync_edits

        atomic_write(folder / DRAFT_FILE, found)
        record, _ = sync_edits(folder, record, memory, glossary)
        write_record(folder, record)
        sentences = list(record.sentences)
    kept = sum(s.origin != Origin.MACHINE for s in sentences)
    conflicts = sum(s.conflict for s in sentences)
    notes = [f"{kept} sentence(s) of editors' English kept"] if kept else []
    if conflicts:
        notes.append(f"{conflicts} edited sentence(s) whose German changed: check them")
    return ArticleResult(
        article.slug,
        article.source.name,
        "translated",
        sentences=len(sentences),
        terms_enforced=sum(t.status == TermStatus.ENFORCED for s in sentences for t in s.terms),
        terms_missing=sum(t.status == TermStatus.MISSING for s in sentences for t in s.terms),
        message="; ".join(notes),
    )
