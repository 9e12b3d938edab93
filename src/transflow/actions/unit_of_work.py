"""The one door for every change to an article, and the one place pages are rendered again.

``with article(project, slug) as work:`` takes the run lock, loads the record, takes in the
editor's draft once (``editing.sync_edits``: the record, the memory, a revision), opens the
translation memory, and on a clean exit renders the article's review page and the index
again. Inside, ``work.save`` writes the record, ``work.remember`` stores memory units, and
``work.take_in`` takes in a draft written meanwhile. Approve, the browser's save and XLIFF
import go through it; a translate run, which holds the lock and the memory for many articles,
uses ``opened_memory`` and ``refresh_pages`` the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from transflow.project import Project, run_lock
from transflow.terms.glossary import Glossary, load_glossary
from transflow.work.changes import ChangeCache
from transflow.work.drafts import write_article, write_record
from transflow.work.editing import sync_edits
from transflow.work.memory import Memory
from transflow.work.record import ArticleRecord
from transflow.work.workflow import recorded


@dataclass
class ArticleWork:
    """An article opened for change: its record as it stands and the memory, under the lock."""

    project: Project
    slug: str
    folder: Path
    glossary: Glossary
    memory: Memory
    record: ArticleRecord
    taken_in: int  # sentences an editor changed in draft.en.md, taken in on opening
    changed: bool = False  # anything written: the pages are rendered again on exit
    index: bool = True  # False where the change cannot show on the index (a browser save)

    def save(self, record: ArticleRecord) -> None:
        """Write the record now (atomically); the pages follow on exit."""
        write_record(self.folder, record)
        self.record, self.changed = record, True

    def save_with_draft(self, record: ArticleRecord) -> None:
        """Write draft.en.md, a revision and the record (the English changed); the pages follow on exit."""
        self.record, self.changed = write_article(self.folder, record, self.record), True

    def remember(self, pairs: Iterable[tuple[str, str]], origin: str) -> int:
        """Store German/English pairs of this article in the memory, signed with its model."""
        signature = json.dumps(self.record.signature.to_dict(), sort_keys=True)
        return self.memory.store(self.slug, list(pairs), origin, signature)

    def take_in(self) -> int:
        """Take in draft.en.md if it changed since the record was written; how many sentences changed."""
        record, taken = sync_edits(self.folder, self.record, self.memory, self.glossary)
        if record is not self.record:
            self.save(record)
        return taken


@contextmanager
def article(
    project: Project,
    slug: str,
    *,
    glossary: Glossary | None = None,
    wait_seconds: float = 5.0,
    render: bool = True,
) -> Iterator[ArticleWork]:
    """Open ``slug`` for change: lock, record, the editor's draft taken in, memory; pages on exit."""
    glossary = glossary if glossary is not None else load_glossary(project.glossary)
    with run_lock(project, wait_seconds=wait_seconds):
        folder, record = recorded(project, slug)
        with opened_memory(project) as memory:
            work = ArticleWork(project, slug, folder, glossary, memory, record, taken_in=0)
            work.taken_in = work.take_in()
            yield work
    if render and work.changed:
        refresh_pages(project, [slug], index=work.index)


@contextmanager
def opened_memory(project: Project, *, warn: bool = True) -> Iterator[Memory]:
    """The project's translation memory, closed again however the block ends.

    ``warn=False``: a damaged database is moved aside without a warning (``doctor`` says it).
    """
    memory = Memory.of(project) if warn else Memory.of(project, warn=lambda message: None)
    try:
        yield memory
    finally:
        memory.close()


def refresh_pages(
    project: Project, slugs: Iterable[str], *, index: bool = True, cache: ChangeCache | None = None
) -> list[Path]:
    """Render these articles' review pages again, then the index: the one place pages are made.

    ``cache``: a run's change cache, whose stamps still hold for the articles it did not write.
    """
    from transflow.pages.review import write_index, write_review
    from transflow.work.workflow import try_glossary

    slugs = list(slugs)
    glossary = try_glossary(project) if slugs else None  # read once for all the pages
    paths = [write_review(project, slug, glossary) for slug in slugs]
    if index:
        paths.append(write_index(project, cache))
    return paths
