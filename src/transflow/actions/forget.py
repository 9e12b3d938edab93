"""Forgetting an article whose German source is gone: off the site, out of output/, files archived."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from transflow.actions.unit_of_work import refresh_pages
from transflow.errors import InputError
from transflow.project import Project, run_lock
from transflow.slugs import no_such_article
from transflow.work.record import RecordDamaged, load_record, load_site

ARCHIVE = "archive"  # under output/.transflow: forgotten articles' folders, revisions and all


@dataclass(frozen=True)
class Forgotten:
    """What forgetting an article did."""

    slug: str
    archive: Path
    unpublished: bool


def forget(project: Project, slug: str) -> Forgotten:
    """Take the article out of output/ (and off the site); its folder moves to the archive whole.

    Refused while its source is still in sources/: the next translate would bring it back.
    """
    folder = project.article_dir(slug)
    if not folder.is_dir():
        raise no_such_article(slug, project.article_slugs())
    try:
        record = load_record(folder)
    except RecordDamaged:
        record = None  # a damaged record names no source: nothing to keep it for
    if record is not None and record.source and (project.sources / record.source).is_file():
        raise InputError(
            f"{slug}: its German source sources/{record.source} is still there",
            hint="remove or rename the source first; `transflow translate` would bring the article back",
        )
    unpublished = slug in load_site(project.state)
    if unpublished:
        from transflow.actions.publish import unpublish

        unpublish(project, slug)
    with run_lock(project):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        archive = project.state / ARCHIVE / f"{slug}-{stamp}"
        archive.parent.mkdir(parents=True, exist_ok=True)
        # One rename: an interrupted forget leaves the article either in output/ or archived.
        os.replace(folder, archive)
    refresh_pages(project, [])
    return Forgotten(slug, archive, unpublished)
