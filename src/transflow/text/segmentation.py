"""Paragraphs → sentences (``Segment``) with SoMaJo's German splitter, exactly reversible."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

# Inline Markdown that must not be cut by a sentence end: code spans and link targets are
# skipped, paired markers (**, __, ~~, and * or _ at a word's edge, not the gender star
# in "Bürger*innen") and link brackets are counted.
_SKIP = re.compile(r"`[^`]*`|\]\([^)\s]*\)")
_PAIRED = re.compile(r"\*\*|__|~~|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_PHONE_END = re.compile(r"(?:\+\d{2}[ /-]?|\b0)\d{2,5}(?:[ /-]?\d{1,6}){1,5}-\d{1,5}\.\s+(?=[A-ZÄÖÜ])")


@dataclass(frozen=True)
class Segment:
    """One sentence of a paragraph and the whitespace that followed it."""

    paragraph: int
    index: int
    text: str
    space_after: str = ""


@functools.cache
def _splitter() -> Any:
    from somajo import SoMaJo

    return SoMaJo("de_CMC", split_camel_case=False, split_sentences=True, character_offsets=True)


def sentence_starts(text: str) -> list[int]:
    """Character offsets where SoMaJo starts a new sentence (first one is 0)."""
    starts = [0]
    # SoMaJo reads "kommen.** Danach" as one sentence: it sees the markers as spaces (same
    # length, so offsets hold), and a sentence that opens with "**" gets its marker back.
    masked = _PAIRED.sub(lambda m: " " * len(m.group()), text) if "*" in text or "_" in text else text
    try:
        sentences = list(_splitter().tokenize_text([masked]))
    except Exception:
        return starts
    for sentence in sentences[1:]:
        offset = getattr(sentence[0], "character_offset", None)
        if not offset:
            continue
        at = offset[0]
        while at > 0 and masked[at - 1] == " " and text[at - 1] != " ":
            at -= 1
        if starts[-1] < at < len(text):
            starts.append(at)
    # SoMaJo reads the "0." of "209-0. Die ..." as an ordinal: a phone number at a
    # sentence's end does end it when a capitalised word follows.
    for match in _PHONE_END.finditer(text):
        if match.end() < len(text) and match.end() not in starts:
            starts.append(match.end())
    return [at for at in sorted(starts) if at == 0 or not inside_markup(text[:at])]


def inside_markup(before: str) -> bool:
    """Does ``before`` leave bold, emphasis, strike-through or a link's text open?

    "**Wichtig. Bitte kommen.**" stays one sentence: cut, each half would carry an
    unbalanced "**" to the engine and into the draft.
    """
    if "*" not in before and "_" not in before and "~" not in before and "[" not in before:
        return False
    plain = _SKIP.sub("] ", before)
    counts: dict[str, int] = {}
    for match in _PAIRED.finditer(plain):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    if any(n % 2 for n in counts.values()):
        return True
    return plain.count("[") > plain.count("]")


def split_paragraph(text: str, paragraph: int = 0) -> list[Segment]:
    """Split one paragraph; ``"".join(s.text + s.space_after)`` gives ``text`` back exactly."""
    if not text:
        return []
    starts = [*sentence_starts(text), len(text)]
    segments = []
    for i, (start, end) in enumerate(itertools.pairwise(starts)):
        chunk = text[start:end]
        stripped = chunk.rstrip()
        segments.append(Segment(paragraph, i, stripped, chunk[len(stripped) :]))
    return segments


def segment_paragraphs(paragraphs: tuple[str, ...] | list[str]) -> list[Segment]:
    """All sentences of an article, in order."""
    return [seg for i, p in enumerate(paragraphs) for seg in split_paragraph(p, i)]
