"""One sentence's English changed from outside draft.en.md (the browser), through the file-edit path.

A save writes the new English into draft.en.md and then takes that file in with ``sync_edits``,
exactly as if an editor had changed the file: the record, the memory and the revisions get the
same thing either way. Every sentence has a version (a hash of its German and English); a save
against an older version is refused and both texts are returned, so nothing is overwritten
silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from transflow.actions.unit_of_work import article
from transflow.errors import InputError
from transflow.project import Project, atomic_write
from transflow.work.drafts import DRAFT_FILE, render_draft
from transflow.work.record import ArticleRecord, Sentence

# A browser waits its turn behind a translate run or other editors' saves rather than failing.
SAVE_WAIT_SECONDS = 60.0


def sentence_version(sentence: Sentence) -> str:
    """A short hash of the sentence's German and current English: what a save must be based on."""
    raw = f"{sentence.source}\x00{sentence.english}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SaveResult:
    """What became of one save: saved, or refused because the sentence changed meanwhile."""

    saved: bool
    number: int
    english: str  # the sentence's English now (theirs, when refused)
    version: str  # the sentence's version now
    draft_sha256: str  # draft.en.md as it stands after the save
    file_edits: int = 0  # sentences taken in from a draft.en.md edited outside the browser first

    @property
    def conflict(self) -> bool:
        return not self.saved


def clean_english(text: str) -> str:
    """One sentence's English on one line: line breaks would be the editor's layout, not text."""
    return " ".join(text.split())


def save_sentence(
    project: Project, slug: str, number: int, english: str, version: str, *, render: bool = True
) -> SaveResult:
    """Set sentence ``number`` (1-based) of ``slug`` to ``english`` if it is still at ``version``.

    Through the article's door: pending edits to draft.en.md are taken in first (they win: a
    save based on the text before them is refused), then the new English is written into
    draft.en.md and taken in like any file edit (record, memory, revision); the review page is
    rendered again, and the index where what it shows changed.
    """
    english = clean_english(english)
    with article(project, slug, wait_seconds=SAVE_WAIT_SECONDS, render=render) as work:
        if not 1 <= number <= len(work.record.sentences):
            raise InputError(f"{slug} has no sentence {number}")
        taken, before = work.taken_in, _summary(work.record)
        sentence = work.record.sentences[number - 1]
        saved = sentence_version(sentence) == version
        if saved and english != sentence.english:
            wanted = replace(work.record, sentences=_with_english(work.record.sentences, number - 1, english))
            atomic_write(work.folder / DRAFT_FILE, render_draft(wanted))
            work.take_in()
        work.index = bool(taken) or _summary(work.record) != before  # the index shows only these
    now = work.record.sentences[number - 1]
    return SaveResult(saved, number, now.english, sentence_version(now), work.record.draft_sha256, taken)


def _summary(record: ArticleRecord) -> tuple[bool, int, int]:
    """What the index shows of an article's sentences: edited, warnings, missing terms."""
    findings = sum(len(s.findings) for s in record.sentences)
    return record.edited, findings, len(record.missing_terms())


def _with_english(sentences: tuple[Sentence, ...], k: int, english: str) -> tuple[Sentence, ...]:
    return tuple(replace(s, english=english) if i == k else s for i, s in enumerate(sentences))
