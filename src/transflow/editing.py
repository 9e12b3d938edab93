"""Editors' changes to draft.en.md: noticed by hash, re-aligned to sentences, kept in the memory.

An editor may change anything in the English body. The last draft's sentence boundaries are
carried over to the edited text through a word-level diff, so every edited character lands
in exactly one German sentence's English (or in the text after it: a merged or split
paragraph, an added sentence) and nothing is lost.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from transflow.drafts import (
    DRAFT_FILE,
    Draft,
    compose_body,
    default_after,
    keep_revision,
    lead_of,
    read_draft,
    realign,
)
from transflow.glossary import Glossary
from transflow.memory import Memory
from transflow.record import EDITOR, MACHINE, WRITTEN, ArticleRecord, Sentence

# Block Markdown at the end of a piece: the next heading's "## " or list item's "- " / "2. ".
_TRAILING_MARKUP = re.compile(r"\n[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)+\Z")


def _english_of(piece: str, separator: str) -> str:
    """A sentence's English: its piece without the separator and the next block's Markdown."""
    if separator.strip() and piece.endswith(separator):
        return piece[: -len(separator)].rstrip()
    match = _TRAILING_MARKUP.search(piece)
    return (piece[: match.start()] if match else piece).rstrip()


def apply_edits(record: ArticleRecord, draft: Draft) -> tuple[ArticleRecord, list[Sentence]]:
    """The record with the edited draft's English in it, and the sentences whose English changed."""
    sentences = list(record.sentences)
    body, starts = compose_body(sentences, record.prefixes)
    # The lead ("# " of the title) is structure, not the first sentence's English.
    lead = lead_of(sentences, record.prefixes).strip()
    edited = draft.body
    if lead and edited.startswith(lead):
        edited = edited[len(lead) :].lstrip(" ")
    pieces = realign(body.strip(), starts, edited)
    updated, changed = [], []
    for k, (sentence, piece) in enumerate(zip(sentences, pieces, strict=True)):
        english = _english_of(piece, default_after(sentences, k, record.prefixes))
        after: str | None = piece[len(english) :]
        if k + 1 == len(sentences) and not after:
            after = sentence.after  # the body is stripped: the last sentence's after is not an edit
        if after == default_after(sentences, k, record.prefixes):
            after = None
        new = replace(sentence, after=after)
        if english != sentence.english:
            machine = sentence.machine if sentence.machine is not None else sentence.english
            if sentence.origin == MACHINE:
                machine = sentence.english
            origin = MACHINE if english == machine and sentence.origin == MACHINE else EDITOR
            # An edit after the German changed is the editor's decision: the conflict is resolved.
            new = replace(
                new, english=english, origin=origin, machine=machine, written_for=None, suggestion=None
            )
            changed.append(new)
        updated.append(new)
    return replace(record, sentences=tuple(updated)), changed


def current_record(folder: Path, record: ArticleRecord) -> ArticleRecord:
    """The record as the draft on disk stands now (edits applied in memory, nothing written)."""
    found = read_draft(folder)
    if found is None or found[1] == record.draft_sha256:
        return record
    return apply_edits(record, found[0])[0]


def sync_edits(
    folder: Path, record: ArticleRecord, memory: Memory, glossary: Glossary
) -> tuple[ArticleRecord, int]:
    """If the editor changed draft.en.md, take their English into the record; return it and how many changed.

    The draft file itself is not touched. The edited file is kept as a new revision, and
    every sentence an editor wrote goes into the translation memory, so a later draft can
    never lose it. The caller writes the record.
    """
    from transflow.assessment import assess

    found = read_draft(folder)
    if found is None or found[1] == record.draft_sha256:
        return record, 0
    draft, digest = found
    updated, changed = apply_edits(record, draft)
    updated = replace(
        updated,
        draft_sha256=digest,
        sentences=tuple(assess(s, glossary) if s in changed else s for s in updated.sentences),
    )
    written = [(s.source, s.english) for s in changed if s.origin in WRITTEN]
    memory.store(record.slug, written, "editor", json.dumps(record.signature.to_dict(), sort_keys=True))
    keep_revision(folder, ".edited.en.md", (folder / DRAFT_FILE).read_bytes())
    return updated, len(changed)
