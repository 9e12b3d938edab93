"""The article workflow: one named state per article, derived in one place, and approval.

    new ─translate─► drafted ─edit─► edited ─approve─► approved ─publish─► published
                                                          │ German or English changes
                                                          ▼
                                                        stale (the site keeps the approved version)

"needs attention" is any article that a person must look at before it can move on: its
German changed under an editor's sentence, its German source is gone or changed since the
last run, or its record is damaged. ``status``, the review pages, the index, ``approve``,
``publish`` and ``glossary check`` all read ``article_state``.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, replace
from pathlib import Path

from transflow.errors import ConfigError, InputError
from transflow.project import Project, atomic_write, file_sha256
from transflow.slugs import no_such_article
from transflow.states import ArticleStatus, TermStatus
from transflow.terms.glossary import Glossary, load_glossary
from transflow.work.assessment import assess
from transflow.work.changes import ChangeCache, Summary, summary_from_json, summary_json
from transflow.work.drafts import DRAFT_FILE, read_draft, revision_snapshots
from transflow.work.editing import apply_edits
from transflow.work.record import (
    APPROVAL_FILE,
    MACHINE,
    MEMORY,
    RECORD_FILE,
    SITE_FILE,
    Approval,
    ArticleRecord,
    Publication,
    RecordDamaged,
    Sentence,
    approval_json,
    load_approval,
    load_record,
    load_site,
    now,
    old_approval,
)

NEW, DRAFTED, EDITED, APPROVED_STATE, PUBLISHED, STALE, ATTENTION = tuple(ArticleStatus)
STATES = tuple(ArticleStatus)


@dataclass(frozen=True)
class ArticleState:
    """Where one article stands, and why."""

    slug: str
    state: str
    reasons: tuple[str, ...] = ()
    record: ArticleRecord | None = None  # as the draft on disk stands now (edits applied, not written)
    body: str = ""  # the draft's English body on disk
    approval: Approval | None = None
    publication: Publication | None = None

    @property
    def approved(self) -> bool:
        return self.state in (APPROVED_STATE, PUBLISHED)

    @property
    def warnings(self) -> int:
        return sum(len(s.findings) for s in self.record.sentences) if self.record else 0

    @property
    def missing(self) -> int:
        return len(self.record.missing_terms()) if self.record else 0

    @property
    def title(self) -> str:
        record = self.record
        if record is None:
            return self.slug
        if record.title:
            return record.title
        first = record.sentences[0].source if record.sentences else self.slug
        return first if len(first) <= 90 else first[:87] + "…"


def source_changed(project: Project, record: ArticleRecord) -> str | None:
    """Why the German source no longer matches the record, or None if it does."""
    path = project.sources / record.source
    if not record.source or not path.is_file():
        return "its German source file is gone (`transflow forget` removes the article)"
    if file_sha256(path) != record.source_sha256:
        return "its German source changed since the last translation: run `transflow translate`"
    return None


def upgrade_approval(folder: Path, record: ArticleRecord, body: str, draft_hash: str) -> Approval | None:
    """The approval of ``folder``; a version-1 approval (hashes only) becomes a snapshot in place."""
    approval = load_approval(folder)
    if approval is not None:
        return approval
    old = old_approval(folder)
    if (
        old is None
        or old.get("draft_sha256") != draft_hash
        or old.get("source_sha256") != record.source_sha256
    ):
        return None
    approval = snapshot(record, body, str(old.get("approved_at") or now()), bool(old.get("forced")))
    atomic_write(folder / APPROVAL_FILE, approval_json(approval))
    return approval


def snapshot(record: ArticleRecord, body: str, when: str, forced: bool) -> Approval:
    """What an approval records: the German and the English, exactly as they are now."""
    return Approval(
        approved_at=when,
        german=record.german,
        paragraphs=tuple(s.paragraph for s in record.sentences),
        english=body,
        source=record.source,
        source_sha256=record.source_sha256,
        title=record.title,
        date=record.date,
        place=record.place,
        generated=record.signature.generated,
        forced=forced,
        prefixes=record.prefixes,
        summary=" ".join(s.english for s in record.sentences if s.paragraph == record.summary_paragraph)
        or None,
    )


def current(folder: Path, record: ArticleRecord, glossary: Glossary | None) -> tuple[ArticleRecord, str, str]:
    """The record as the draft on disk stands (edited sentences re-checked), its body and hash."""
    found = read_draft(folder)
    if found is None:
        return record, "", ""
    draft, digest = found
    if digest != record.draft_sha256:
        record = apply_edits(record, draft, glossary)[0]
    return record, draft.body, digest


def article_state(
    project: Project,
    slug: str,
    glossary: Glossary | None = None,
    site: dict[str, Publication] | None = None,
) -> ArticleState:
    """The one place an article's state is decided."""
    folder = project.article_dir(slug)
    publication = (site if site is not None else load_site(project.state)).get(slug)
    try:
        stored = load_record(folder)
    except RecordDamaged as e:
        return ArticleState(
            slug, ATTENTION, (f"its record is damaged ({e.reason}): run `transflow translate`",)
        )
    if stored is None:
        state = STALE if publication else NEW
        return ArticleState(slug, state, publication=publication)
    record, body, digest = current(folder, stored, glossary)
    if not digest:
        return ArticleState(
            slug,
            ATTENTION,
            ("draft.en.md is missing: run `transflow translate`",),
            record,
            "",
            None,
            publication,
        )
    approval = upgrade_approval(folder, stored, body, digest)
    reasons: list[str] = []
    german = source_changed(project, record)
    if german:
        reasons.append(german)
    if record.conflicts:
        reasons.append(f"the German changed under {record.conflicts} edited sentence(s): check them")
    approved = approval is not None and german is None and approval.covers(record, body)
    gone = german is not None and not (project.sources / record.source).is_file()
    if approval is not None and not approved and not gone:  # a gone source cannot be approved again
        what = "English" if german is None and approval.german == record.german else "German"
        reasons.append(f"its {what} changed since approval: approve it again")
    if gone:  # whatever was approved: a person must decide (`forget`, or put the source back)
        state = ATTENTION
    elif approved and approval is not None:
        on_site = publication is not None and publication.approval == approval
        state = PUBLISHED if on_site else APPROVED_STATE
    elif approval is not None or publication is not None:
        state = STALE
    elif german or record.conflicts:
        state = ATTENTION
    elif record.edited:
        state = EDITED
        reasons += _german_changed_since(folder, record)
    else:
        state = DRAFTED
    if publication is not None and (state == STALE or gone):
        reasons.append("the site shows the version approved on " + publication.approval.approved_at[:10])
    reasons += held_back(record)
    return ArticleState(slug, state, tuple(reasons), record, body, approval, publication)


def held_back(record: ArticleRecord | None) -> list[str]:
    """Why an article is never published (its front matter says so), or nothing."""
    if record is None or record.front_matter is None or not record.front_matter.unpublished:
        return []
    return ["its front matter marks it a draft (draft: true or published: false): never published"]


def _german_changed_since(folder: Path, record: ArticleRecord) -> list[str]:
    """Why an edited article needs a look although no editor's sentence conflicts: new German.

    A run gives German that changed since the previous revision machine English; until an
    editor writes or approves it, "edited" alone would hide that part of the English is new.
    """
    snapshots = revision_snapshots(folder, last=2)
    if len(snapshots) < 2:
        return []
    before = {german for german, _ in snapshots[0]["sentences"]}
    fresh = sum(s.source not in before and s.origin == MACHINE for s in record.sentences)
    if not fresh:
        return []
    return [
        f"its German changed since revision {snapshots[0]['revision']}: "
        f"{fresh} sentence(s) have new German and the machine's English: check them"
    ]


def all_states(project: Project, glossary: Glossary | None = None) -> list[ArticleState]:
    """Every article: in sources/ (not yet translated: new), with a record, or still on the site."""
    site = load_site(project.state)
    slugs = set(project.article_slugs()) | set(site)
    states = [article_state(project, slug, glossary, site) for slug in sorted(slugs)]
    return sorted(states + _untranslated(project, slugs), key=lambda s: s.slug)


def _untranslated(project: Project, known: set[str], cache: ChangeCache | None = None) -> list[ArticleState]:
    cache = cache or ChangeCache(project)
    try:
        files = cache.scan_sources()[0]  # the listing project_digest took, not a second one
    except ConfigError:
        return []
    cache.complete.add("sources")
    out = []
    for path in files:
        try:
            slug = cache.source(path).slug
        except InputError:  # unreadable: not an article
            continue
        if slug and slug not in known:
            known.add(slug)
            out.append(ArticleState(slug, NEW, ("not translated yet: run `transflow translate`",)))
    return out


def article_summaries(
    project: Project, glossary: Glossary | None = None, cache: ChangeCache | None = None
) -> list[Summary]:
    """``all_states`` as ``status`` and the index show it, sorted by slug.

    An article whose files (record, draft, approval, German source, the site's list) did not
    change since the last command keeps its cached summary (``changes.ChangeCache``): nothing
    of it is read. ``cache``: a run's change cache, its stamps still good (else a new one).
    """
    cache = cache or ChangeCache(project)
    context = (glossary.sha256 if glossary is not None else "",)
    try:
        digest = cache.project_digest(SUMMARY_FILES, context, (project.state / SITE_FILE,))
    except ConfigError:  # no sources/ folder: the articles in output/ are still shown
        digest = ""
    with contextlib.suppress(TypeError, ValueError):
        found = cache.quiet("status", digest)
        if isinstance(found, list):
            return [summary_from_json(value) for value in found]
    site: dict[str, Publication] | None = None

    def judge(slug: str) -> Summary:
        nonlocal site
        site = load_site(project.state) if site is None else site
        return _summary(article_state(project, slug, glossary, site))

    slugs = set(cache.article_slugs()) | set(cache.site_slugs())
    judged_with = glossary.sha256 if glossary is not None else ""
    kept = cache.kept_summaries(sorted(slugs), judged_with)  # groups none of whose files changed
    summaries = [
        kept[slug]
        if slug in kept
        else cache.summary(cache.folder(slug), judged_with, functools.partial(judge, slug))
        for slug in sorted(slugs)
    ]
    cache.keep_summaries(summaries, judged_with)
    if not kept:  # every article looked at: verdicts on files gone since are dropped
        cache.complete.update(("unedited", "states"))
    new = [_summary(state) for state in _untranslated(project, slugs, cache)]
    every = sorted(summaries + new, key=lambda s: s.slug)
    cache.keep_quiet("status", digest, [summary_json(s) for s in every])
    cache.save()
    return every


# What an article's summary depends on in its folder (besides its source and the site's list).
SUMMARY_FILES = (RECORD_FILE, DRAFT_FILE, APPROVAL_FILE)


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
    reasons: tuple[str, ...] = ()
    has_page: bool = True
    version: str = ""


def index_rows(project: Project, cache: ChangeCache | None = None) -> list[IndexRow]:
    """Every article, newest first, with the state ``status`` shows (``cache``: a run's, or a new one)."""
    rows = []
    # Summaries, not whole states: an article whose files did not change is not read again.
    for state in article_summaries(project, try_glossary(project), cache):
        rows.append(
            IndexRow(
                state.slug,
                state.title,
                state.date,
                state.state,
                state.warnings,
                state.missing,
                state.translated_at,
                reasons=tuple(state.reasons),
                has_page=state.has_page,
                version=state.version,
            )
        )
    rows.sort(key=lambda r: (r.date, r.translated_at, r.slug), reverse=True)
    return rows


def _summary(state: ArticleState) -> Summary:
    record = state.record
    return Summary(
        state.slug,
        state.state,
        state.reasons,
        state.title,
        (record.date if record else None) or "",
        state.warnings,
        state.missing,
        record.translated_at if record else "",
        record is not None,
        article_version(record) if record else "",
    )


def try_glossary(project: Project) -> Glossary | None:
    """The glossary, or None where it is invalid (status still works then)."""
    from transflow.errors import GlossaryError

    try:
        return load_glossary(project.glossary)
    except GlossaryError:
        return None


# ---- approving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalNotes:
    """What approving an article passes over: blockers need --force, warnings are shown."""

    blockers: tuple[str, ...]
    warnings: tuple[str, ...]


def approval_notes(record: ArticleRecord) -> ApprovalNotes:
    """The one approval rule, for the CLI and the browser: what blocks and what to read first."""
    from transflow.badges import SEVERITIES, warning_wording

    blockers = []
    missing = record.missing_terms()
    if missing:
        _, term = missing[0]
        blockers.append(
            f"{len(missing)} required glossary term(s) missing, e.g. '{term.surface}' needs '{term.en}'"
        )
    if record.conflicts:
        blockers.append(f"the German changed under {record.conflicts} edited sentence(s)")
    findings = [(n, f) for n, s in enumerate(record.sentences, start=1) for f in s.findings]
    critical = sum(f.severity == "critical" for _, f in findings)
    if critical:
        blockers.append(f"{critical} must-fix warning(s)")
    if record.signature.generated and any(s.origin in (MACHINE, MEMORY) for s in record.sentences):
        blockers.append("its English comes from the generated test model: it is not a translation")
    warnings = tuple(
        f"sentence {n}, {SEVERITIES[f.severity].words if f.severity in SEVERITIES else f.severity}: "
        f"{warning_wording(f.check).words}: {f.message}"
        for n, f in sorted(findings, key=lambda item: (item[1].severity != "critical", item[0]))
    )
    return ApprovalNotes(tuple(blockers), warnings)


def article_version(record: ArticleRecord) -> str:
    """A short hash of what an approval takes: the German, the English, its layout, open conflicts.

    The review page, ``status``, the browser's state and ``approve`` all show it; an approval
    that names a version is refused once the article has moved on from it (another editor's
    save, a file edit, a translate run), so nobody approves English they have not seen.
    Who wrote a sentence is left out: approving the same text twice is the same approval.
    """
    import hashlib
    import json

    sentences = [[s.paragraph, s.source, s.english, s.after, s.written_for] for s in record.sentences]
    article = [record.title, record.date, record.place, list(record.prefixes), record.summary_paragraph]
    raw = json.dumps([article, sentences], ensure_ascii=False).encode()
    return hashlib.sha256(raw).hexdigest()[:VERSION_LENGTH]


VERSION_LENGTH = 8  # hex digits: enough to tell two states of one article apart, short to type


def recorded(project: Project, slug: str) -> tuple[Path, ArticleRecord]:
    """The article's folder and record; a missing or damaged one is an ``InputError``."""
    folder = project.article_dir(slug)
    try:
        record = load_record(folder)
    except RecordDamaged as e:
        raise InputError(f"{slug}: {e.reason}", hint="run `transflow translate` to rebuild it") from e
    if record is None:
        raise no_such_article(slug, project.article_slugs())
    return folder, record


def checked(record: ArticleRecord, glossary: Glossary) -> ArticleRecord:
    """Every sentence judged against today's glossary (one term-presence rule for all English)."""
    return replace(record, sentences=tuple(_rechecked(s, glossary) for s in record.sentences))


def _rechecked(sentence: Sentence, glossary: Glossary) -> Sentence:
    judged = assess(sentence, glossary)
    # What enforcement did stays on record; only presence is judged again.
    enforced = {t.key for t in sentence.terms if t.status == TermStatus.ENFORCED}
    terms = tuple(
        replace(t, status=TermStatus.ENFORCED) if t.status == TermStatus.KEPT and t.key in enforced else t
        for t in judged.terms
    )
    return replace(judged, terms=terms)


# ---- the glossary check ------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingTerm:
    """A glossary term found in a German sentence whose English lacks its rendering."""

    slug: str
    sentence: str
    surface: str
    english: str


def check_terms(project: Project, slugs: list[str] | None = None) -> list[MissingTerm]:
    """Every required term missing from the drafts as they stand (editors' edits included)."""
    glossary = load_glossary(project.glossary)
    chosen = slugs if slugs is not None else project.article_slugs()
    missing: list[MissingTerm] = []
    for slug in chosen:
        folder, record = recorded(project, slug)
        record = checked(current(folder, record, None)[0], glossary)
        missing += [MissingTerm(slug, s.source, t.surface, t.en) for s, t in record.missing_terms()]
    return missing
