"""Paragraphs → sentences (``Segment``) with SoMaJo's German splitter, exactly reversible."""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

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
    try:
        sentences = list(_splitter().tokenize_text([text]))
    except Exception:
        return starts
    for sentence in sentences[1:]:
        offset = getattr(sentence[0], "character_offset", None)
        if offset and starts[-1] < offset[0] < len(text):
            starts.append(offset[0])
    # SoMaJo reads the "0." of "209-0. Die ..." as an ordinal: a phone number at a
    # sentence's end does end it when a capitalised word follows.
    for match in _PHONE_END.finditer(text):
        if match.end() < len(text) and match.end() not in starts:
            starts.append(match.end())
    return sorted(starts)


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
