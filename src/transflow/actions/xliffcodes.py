"""A sentence's Markdown as XLIFF 1.2 inline codes, and back: what a CAT tool must keep, it locks.

Protected spans (URLs, e-mail addresses, phone numbers, code; see text/protect.py) become
``<ph>`` elements, bold and italic ``<bpt>``/``<ept>`` pairs around their words, a link a pair
``[``…``](url)`` around its text. Each element holds the Markdown it stands for, so the file
says what the code is, and the unit's Markdown is its text and its codes' content, in order.
Emphasis is found with markdown-it-py (the same parser that reads the articles); a sentence
whose Markdown the parser would change (escapes) keeps its emphasis as plain text, never altered.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from transflow.text.protect import protect

__all__ = ["Code", "CodeProblem", "markdown_of", "pieces", "read_content", "target_pieces", "write_content"]

XLIFF_1_2 = "urn:oasis:names:tc:xliff:document:1.2"
_PAIRS = {"strong": "bold", "em": "italic"}


@dataclass(frozen=True)
class Code:
    """One inline code: a placeholder (``ph``) or one end of a pair (``bpt``/``ept``)."""

    kind: str  # ph | bpt | ept
    id: str
    text: str  # the Markdown it stands for
    ctype: str | None = None
    key: tuple[str, ...] = ()  # what the code is, for matching the English's codes to the German's


Piece = str | Code


def _span_code(n: int, text: str, url: str | None) -> list[Piece]:
    if url is not None:  # a link: its text stays translatable between the pair
        label = text[1 : text.index("](")] if "](" in text else ""
        key = ("link", "[", f"]({url})")
        return [Code("bpt", str(n), "[", "link", key), label, Code("ept", str(n), f"]({url})", None, key)]
    if text.startswith("`"):
        ctype = "x-code"
    elif "@" in text:
        ctype = "x-email"
    elif text[0].isdigit() or text[0] == "+":
        ctype = "x-phone"
    else:
        ctype = "x-url"
    return [Code("ph", str(n), text, ctype, ("ph", text))]


def _protected(text: str, first: int, spans: Any) -> tuple[list[Piece], int]:
    """A run of text with ⟦n⟧ placeholders as text and codes numbered from ``first``."""
    out: list[Piece] = []
    last = 0
    for match in re.finditer(r"⟦(\d+)⟧", text):
        if int(match.group(1)) >= len(spans):
            continue  # the German's own "⟦9⟧", not a placeholder: the Markdown check below sorts it out
        span = spans[int(match.group(1))]
        out += [text[last : match.start()], *_span_code(first, span.text, span.url)]
        first += 1
        last = match.end()
    out.append(text[last:])
    return [p for p in out if p != ""], first


def _emphasis(markdown: str) -> list[Piece] | None:
    """Text and codes with bold and italic as pairs, or None where markdown-it would alter the text."""
    from markdown_it import MarkdownIt

    protected = protect(markdown, emphasis=False)
    tokens = MarkdownIt("zero").enable(["emphasis", "escape"]).parseInline(protected.text)[0].children
    out: list[Piece] = []
    n, opened = 1, []
    for token in tokens or ():
        kind = token.type.rsplit("_", 1)
        if token.type == "text":
            run, n = _protected(token.content, n, protected.spans)
            out += run
        elif kind[0] in _PAIRS and kind[1] == "open":
            key = (_PAIRS[kind[0]], token.markup, token.markup)
            out.append(Code("bpt", str(n), token.markup, _PAIRS[kind[0]], key))
            opened.append((str(n), key))
            n += 1
        elif kind[0] in _PAIRS and kind[1] == "close" and opened:
            ident, key = opened.pop()
            out.append(Code("ept", ident, token.markup, None, key))
        else:
            return None
    return out if markdown_of(out) == markdown else None


def pieces(markdown: str) -> list[Piece]:
    """A sentence as text and inline codes (ids from 1, in order); its Markdown exactly kept."""
    found = _emphasis(markdown)
    if found is None:
        protected = protect(markdown, emphasis=False)
        found, _ = _protected(protected.text, 1, protected.spans)
        if markdown_of(found) != markdown:
            found = [markdown]
    return found


def target_pieces(english: str, source: list[Piece]) -> list[Piece]:
    """The English's pieces, each code under the id of the German's code it stands for.

    A code the German lacks (markup an editor added) gets an id of its own after the German's.
    """
    ids: dict[tuple[str, ...], deque[str]] = defaultdict(deque)
    for code in source:
        if isinstance(code, Code) and code.kind != "ept":
            ids[code.key].append(code.id)
    fresh = max((int(c.id) for c in source if isinstance(c, Code)), default=0) + 1
    renamed: dict[str, str] = {}
    out: list[Piece] = []
    for piece in pieces(english):
        if isinstance(piece, Code):
            if piece.kind != "ept":
                if ids[piece.key]:
                    renamed[piece.id] = ids[piece.key].popleft()
                else:
                    renamed[piece.id], fresh = str(fresh), fresh + 1
            piece = Code(piece.kind, renamed[piece.id], piece.text, piece.ctype, piece.key)
        out.append(piece)
    return out


def markdown_of(found: list[Piece]) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in found)


def write_content(element: Any, found: list[Piece]) -> None:
    """Fill an XLIFF ``<source>`` or ``<target>`` with text and inline elements."""
    from lxml import etree

    for child in list(element):
        element.remove(child)
    element.text = ""
    last = None
    for piece in found:
        if isinstance(piece, str):
            if last is None:
                element.text += piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        last = etree.SubElement(element, f"{{{XLIFF_1_2}}}{piece.kind}", id=piece.id)
        if piece.ctype:
            last.set("ctype", piece.ctype)
        last.text = piece.text


class CodeProblem(ValueError):
    """A target whose inline codes do not match its source's: the reason, in words."""


_KINDS = {"ph": "ph", "x": "ph", "bpt": "bpt", "bx": "bpt", "ept": "ept", "ex": "ept"}


def _read(element: Any, out: list[tuple[str, str, str | None]]) -> None:
    """(kind, id, content) for codes and ("text", "", text) for text, in document order."""
    if element.text:
        out.append(("text", "", element.text))
    for child in element:
        if isinstance(child.tag, str):  # not a comment or processing instruction
            name = child.tag.rsplit("}", 1)[-1]
            if name in _KINDS:
                content = "".join(child.itertext()) if name in ("ph", "bpt", "ept") else None
                # <bx/> and <ex/> pair through rid (their ids differ); the others through id.
                ident = child.get("rid") if name in ("bx", "ex") and child.get("rid") else child.get("id")
                out.append((_KINDS[name], ident or "", content))
            else:  # <g>, <mrk>: markup around translatable text; its text is what counts
                _read(child, out)
        if child.tail:
            out.append(("text", "", child.tail))


def read_content(element: Any, source: list[Piece] | None = None) -> list[Piece]:
    """A ``<source>``/``<target>`` as pieces; against ``source``, its codes checked and locked.

    Each code takes its Markdown from the source's code of that id (what the CAT tool locked);
    a code the source lacks keeps its own content. Raises CodeProblem where a code of the
    source is missing, a code comes twice, a pair is unclosed, crossed or reversed.
    """
    found: list[tuple[str, str, str | None]] = []
    _read(element, found)
    known = {(c.kind, c.id): c for c in source or () if isinstance(c, Code)}
    out: list[Piece] = []
    seen: set[tuple[str, str]] = set()
    opened: list[str] = []
    for kind, ident, content in found:
        if kind == "text":
            out.append(content or "")
            continue
        code = known.get((kind, ident))
        if code is None and content is None:
            raise CodeProblem(f'an inline code the source lacks (<{kind} id="{ident}"/>)')
        text = code.text if code is not None else content or ""
        if (kind, ident) in seen:
            raise CodeProblem(f"inline code {ident} ({text}) twice")
        seen.add((kind, ident))
        if kind == "bpt":
            opened.append(ident)
        elif kind == "ept":
            if not opened or opened[-1] != ident:
                raise CodeProblem(f"the pair {ident} ({text}) closed where it was not opened last")
            opened.pop()
        out.append(Code(kind, ident, text))
    if opened:
        start = known.get(("bpt", opened[-1]))
        raise CodeProblem(f"the pair {opened[-1]} ({start.text if start else '?'}) left open")
    missing = [c for key, c in known.items() if key not in seen]
    if missing:
        raise CodeProblem(f"inline code {missing[0].id} ({missing[0].text}) missing")
    return out
