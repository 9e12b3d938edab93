"""One unit's English set from the browser: in the record first, draft.en.md rendered from it.

A save names a unit of the article (today: one sentence, by its number) and sets that unit's
English in the record, and nothing else: no boundaries are worked out again, so a save that
holds two sentences, or none, stays that unit's English. draft.en.md is then rendered from the
record, kept as a revision like any edited draft, and the English goes into the memory as an
editor's. Edits to draft.en.md made outside the browser are taken in first, under the lock,
so nothing written in the file is lost. Every unit has a version (a hash of its German and
English); a save against an older version is refused and both texts are returned, so nothing
is overwritten silently.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from transflow.actions.unit_of_work import ArticleWork, article
from transflow.errors import InputError
from transflow.project import Project, atomic_write
from transflow.states import Origin
from transflow.terms.glossary import Glossary
from transflow.work.assessment import assess
from transflow.work.drafts import DRAFT_FILE, default_after, draft_sha256, keep_revision, render_draft
from transflow.work.record import EDITOR, ArticleRecord, Sentence

# A browser waits its turn behind a translate run or other editors' saves rather than failing.
SAVE_WAIT_SECONDS = 60.0


def sentence_version(sentence: Sentence) -> str:
    """A short hash of the sentence's German and current English: what a save must be based on."""
    raw = f"{sentence.source}\x00{sentence.english}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def unit_sentences(record: ArticleRecord, unit: str) -> list[int]:
    """The sentences (0-based) a unit id names; an ``InputError`` for an id the article lacks.

    A unit id is a sentence's number ("5"). It is a string so that a group of sentences saved
    as one English (a later unit kind) can be named the same way, with the same save.
    """
    if unit.isascii() and unit.isdigit() and 1 <= int(unit) <= len(record.sentences):
        return [int(unit) - 1]
    raise InputError(f"{record.slug} has no sentence {unit}")


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
    """One sentence's English on one line: a sentence lives in one paragraph, and line breaks
    typed into the box are layout, not text (a blank line would start a paragraph in the draft)."""
    return " ".join(text.split())


def save_sentence(
    project: Project, slug: str, number: int, english: str, version: str, *, render: bool = True
) -> SaveResult:
    """Set sentence ``number`` (1-based) of ``slug`` to ``english`` if it is still at ``version``."""
    return save_unit(project, slug, str(number), english, version, render=render)


def save_unit(
    project: Project, slug: str, unit: str, english: str, version: str, *, render: bool = True
) -> SaveResult:
    """Set the English of ``unit`` (``unit_sentences``) of ``slug`` if it is still at ``version``.

    Through the article's door: pending edits to draft.en.md are taken in first (they win: a
    save based on the text before them is refused), then the unit's English is set in the
    record (``set_english``) and the draft rendered from it; the review page is rendered again,
    and the index where what it shows changed. Empty English is the editor leaving the sentence
    out (the review page marks it "left out").
    """
    english = clean_english(english)
    with article(project, slug, wait_seconds=SAVE_WAIT_SECONDS, render=render) as work:
        (k,) = unit_sentences(work.record, unit)
        taken, before = work.taken_in, _summary(work.record)
        sentence = work.record.sentences[k]
        saved = sentence_version(sentence) == version
        if saved and english != sentence.english:
            _write_edit(work, set_english(work.record, k, english, work.glossary))
            work.remember([(sentence.source, english)], Origin.EDITOR)
        work.index = bool(taken) or _summary(work.record) != before  # the index shows only these
    now = work.record.sentences[k]
    return SaveResult(saved, k + 1, now.english, sentence_version(now), work.record.draft_sha256, taken)


def set_english(record: ArticleRecord, k: int, english: str, glossary: Glossary) -> ArticleRecord:
    """The record with sentence ``k``'s English set by an editor (judged again), nothing else changed.

    Only the space after the sentence follows: a sentence left out inside a paragraph takes its
    space with it (the draft reads "A. C.", as if the editor had deleted it in the file), and
    gets it back when it is given English again.
    """
    sentences = list(record.sentences)
    old = sentences[k]
    after = old.after
    gap = default_after(sentences, k, record.prefixes)
    if not english and after is None and gap and not gap.strip() and "\n\n" not in gap:
        after = ""
    elif english and not old.english and after == "":
        after = None
    sentences[k] = assess(replace(old, after=after).written_by(english, EDITOR), glossary)
    return replace(record, sentences=tuple(sentences))


def _write_edit(work: ArticleWork, record: ArticleRecord) -> None:
    """draft.en.md rendered from ``record``, kept as an edited revision, then the record that names it.

    The draft first: were the record lost, the next take-in would find the same English there.
    """
    draft = render_draft(record)
    atomic_write(work.folder / DRAFT_FILE, draft)
    keep_revision(work.folder, ".edited.en.md", draft)
    work.save(replace(record, draft_sha256=draft_sha256(draft)))


def _summary(record: ArticleRecord) -> tuple[bool, int, int]:
    """What the index shows of an article's sentences: edited, warnings, missing terms."""
    findings = sum(len(s.findings) for s in record.sentences)
    return record.edited, findings, len(record.missing_terms())
