"""Editors' changes to draft.en.md: noticed by hash, re-aligned to sentences, kept in the memory.

An editor may change anything in the English body. The machine draft's sentence
boundaries are carried over to the edited text through a word-level diff (difflib), so every
edited character lands in exactly one German sentence's English and nothing is lost.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from transflow import GENERATED_NOTICE
from transflow.memory import Memory
from transflow.project import Project, atomic_write, file_sha256, read_record

# A word with the whitespace after it: diffs over these keep the text exactly.
WORD_TOKEN = re.compile(r"\S+\s*|\s+")
BANNER = f"> **{GENERATED_NOTICE}**\n\n"


@dataclass(frozen=True)
class Sentence:
    """What composing a body needs of one sentence."""

    paragraph: int
    english: str
    space_after: str = " "


def compose_body(sentences: Sequence[Sentence]) -> tuple[str, list[int]]:
    """The draft body (paragraphs split by blank lines) and each sentence's start offset."""
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    body, starts = "", []
    for k, (_, group) in enumerate(sorted(paragraphs.items())):
        text = "\n\n" if k else ""
        for sentence in group:
            starts.append(len(body) + len(text))
            text += sentence.english + (sentence.space_after or " ")
        body += text.rstrip()
    return body, starts


def draft_body(text: str) -> str:
    """The English of a draft file, without front matter and the generated-model banner."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            text = text[end + 5 :]
    text = text.lstrip("\n")
    if text.startswith(BANNER):
        text = text[len(BANNER) :]
    return text.strip()


def realign(machine_body: str, starts: list[int], edited_body: str) -> list[str]:
    """Cut ``edited_body`` where the machine sentences started; one English per sentence."""
    if not starts:
        return []
    old, new = WORD_TOKEN.findall(machine_body), WORD_TOKEN.findall(edited_body)
    offsets, at = [], 0
    for token in old:
        offsets.append(at)
        at += len(token)
    token_starts = [_token_index(offsets, s) for s in starts]
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    cuts = [0] + [_map(i, opcodes, len(new)) for i in token_starts[1:]] + [len(new)]
    cuts = [max(cuts[: k + 1]) for k in range(len(cuts))]  # keep them in order
    return ["".join(new[a:b]).strip() for a, b in itertools.pairwise(cuts)]


def _token_index(offsets: list[int], char: int) -> int:
    for i, offset in enumerate(offsets):
        if offset >= char:
            return i
    return len(offsets)


def _map(i: int, opcodes: Sequence[tuple[str, int, int, int, int]], end: int) -> int:
    for op, i1, i2, j1, j2 in opcodes:
        if i1 <= i < i2:
            if op == "equal":
                return j1 + (i - i1)
            return j1 + round((i - i1) * (j2 - j1) / (i2 - i1))
        if i == i1 == i2:  # an insertion before this token: the new words go to the earlier sentence
            return j2
    return end


def sync_edits(project: Project, slug: str, memory: Memory) -> int:
    """If the editor changed draft.en.md, record their English per sentence; return how many changed.

    The draft file itself is not touched; segments.json takes the edited English (origin
    ``editor``, the machine English kept beside it), the memory stores the pairs, and the
    edited file is copied under revisions/ so later drafts can never lose it.
    """
    record = read_record(project, slug)
    folder = project.article_dir(slug)
    current = file_sha256(folder / "draft.en.md")
    if not record or current is None or current == record.get("draft_sha256"):
        return 0
    text = (folder / "draft.en.md").read_text(encoding="utf-8")
    segments: list[dict[str, Any]] = record.get("segments", [])
    machine = [s.get("machine", s["draft"]) for s in segments]
    body, starts = compose_body(
        [Sentence(s["paragraph"], s["draft"], s.get("space_after", " ")) for s in segments]
    )
    edited = realign(body, starts, draft_body(text))
    changed = []
    for segment, old, new in zip(segments, machine, edited, strict=True):
        if new != segment["draft"] or segment.get("origin") == "editor":
            segment["machine"] = old
            segment["draft"] = new
            segment["origin"] = "editor" if new != old else segment.get("origin", "machine")
        if segment["origin"] == "editor":
            changed.append((segment["source"], new))
    memory.store(slug, changed, "editor", json.dumps(record.get("signature", {}), sort_keys=True))
    revisions = folder / "revisions"
    number = len(list(revisions.glob("*.json"))) if revisions.is_dir() else 0
    atomic_write(revisions / f"{number:04d}.edited.en.md", text)
    record["draft_sha256"] = current
    record["edited"] = True
    atomic_write(folder / "segments.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return len(changed)


def draft_sha256(text: str) -> str:
    """The hash recorded for a draft we wrote."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
