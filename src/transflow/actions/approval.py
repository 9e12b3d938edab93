"""Approving an article: its English as it stands, through the article's one door."""

from __future__ import annotations

from dataclasses import dataclass, replace

from transflow.actions.unit_of_work import article
from transflow.errors import ApprovalRefused, ArticleChanged, ChecksFailed
from transflow.project import Project, atomic_write
from transflow.states import Origin
from transflow.work.drafts import read_draft
from transflow.work.record import APPROVAL_FILE, APPROVED, MACHINE, MEMORY, approval_json, now
from transflow.work.workflow import approval_notes, article_version, checked, snapshot, source_changed


@dataclass(frozen=True)
class ApprovalResult:
    """What approve recorded, and what it passed over."""

    slug: str
    sentences: int
    missing_terms: int
    conflicts: int
    forced: bool
    blockers: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    version: str = ""  # ``workflow.article_version`` of what was approved


def approve(project: Project, slug: str, force: bool = False, version: str | None = None) -> ApprovalResult:
    """Approve an article's current German and English; refuse while ``approval_notes`` blocks it.

    With ``version`` (what the approver saw: ``status``, the review page), refuse with
    ``ArticleChanged`` where the article, its draft edits taken in, is no longer at that version.
    """
    with article(project, slug) as work:
        record = work.record
        seen = article_version(record)
        if version is not None and version.strip().lower() != seen:
            raise ArticleChanged(slug, version.strip(), seen)
        why = source_changed(project, record)
        if why:
            raise ChecksFailed(f"{slug}: {why}", hint="approve after the new German is translated")
        record = checked(record, work.glossary)
        missing, conflicts = record.missing_terms(), record.conflicts
        notes = approval_notes(record)
        if notes.blockers and not force:
            raise ApprovalRefused(slug, notes.blockers, notes.warnings, seen)
        # The generated model's English is not a translation: only people's English is remembered.
        remembered = [
            (s.source, s.english)
            for s in record.sentences
            if not (record.signature.generated and s.origin in (MACHINE, MEMORY))
        ]
        approved = tuple(
            replace(
                s,
                origin=APPROVED if s.origin in (MACHINE, MEMORY) else s.origin,
                written_for=None,
                suggestion=None,
            )
            for s in record.sentences
        )
        work.save(checked(replace(record, sentences=approved), work.glossary))
        if remembered:
            work.remember(remembered, Origin.APPROVED)
        found = read_draft(work.folder)
        body = found[0].body if found else ""
        forced = bool(notes.blockers)
        snapshot_json = approval_json(snapshot(work.record, body, now(), forced))
        atomic_write(work.folder / APPROVAL_FILE, snapshot_json)
    sentences, blockers, warnings = len(work.record.sentences), notes.blockers, notes.warnings
    return ApprovalResult(slug, sentences, len(missing), conflicts, forced, blockers, warnings, seen)
