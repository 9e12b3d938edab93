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

from transflow.project import read_inside
from transflow.states import Origin
from transflow.terms.glossary import Glossary
from transflow.work.assessment import assess
from transflow.work.drafts import (
    DRAFT_FILE,
    Draft,
    compose_body,
    default_after,
    front_matter_edits,
    keep_revision,
    lead_of,
    read_draft,
    realign,
)
from transflow.work.memory import Memory
from transflow.work.record import EDITOR, ArticleRecord, Sentence

# Block Markdown at the end of a piece: the next heading's "## " or list item's "- " / "2. ".
_TRAILING_MARKUP = re.compile(r"\n[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)[ \t]+)+\Z")


def _english_of(piece: str, separator: str) -> str:
    """A sentence's English: its piece without the separator and the next block's Markdown."""
    if separator.strip() and piece.endswith(separator):
        return piece[: -len(separator)].rstrip()
    match = _TRAILING_MARKUP.search(piece)
    return (piece[: match.start()] if match else piece).rstrip()


def apply_edits(
    record: ArticleRecord, draft: Draft, glossary: Glossary | None = None
) -> tuple[ArticleRecord, list[Sentence]]:
    """The record with the edited draft's English in it, and the sentences whose English changed.

    With a glossary, each changed sentence is judged again (terms, findings).
    """
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
        default = default_after(sentences, k, record.prefixes)
        english = _english_of(piece, default)
        after: str | None = piece[len(english) :]
        if k + 1 == len(sentences) and not after and not default:
            # The body is stripped: the last sentence's after is not an edit (unless a table
            # ended the article and the editor deleted it).
            after = sentence.after
        if after == default:
            after = None
        new = replace(sentence, after=after)
        if english != sentence.english:
            # An edit after the German changed is the editor's decision: the conflict is resolved.
            new = new.written_by(english, EDITOR)
            if glossary is not None:
                new = assess(new, glossary)
            changed.append(new)
        updated.append(new)
    return replace(record, sentences=tuple(updated)), changed


def sync_edits(
    folder: Path, record: ArticleRecord, memory: Memory, glossary: Glossary
) -> tuple[ArticleRecord, int]:
    """If the editor changed draft.en.md, take their English into the record; return it and how many changed.

    The draft file itself is not touched. The edited file is kept as a new revision, and
    every sentence an editor wrote goes into the translation memory, so a later draft can
    never lose it. The caller writes the record.
    """
    found = read_draft(folder)
    if found is None or found[1] == record.draft_sha256:
        return record, 0
    draft, digest = found
    updated, changed = apply_edits(record, draft, glossary)
    updated = replace(front_matter_edits(updated, draft.front_matter), draft_sha256=digest)
    written = [(s.source, s.english) for s in changed]
    memory.store(record.slug, written, Origin.EDITOR, json.dumps(record.signature.to_dict(), sort_keys=True))
    keep_revision(folder, ".edited.en.md", read_inside(folder / DRAFT_FILE))
    return updated, len(changed)
