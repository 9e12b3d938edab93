"""The document model between reading and translating: an article as a sequence of blocks.

A block is a title, a heading with its level, a paragraph, a list item with its kind and
depth, or a quote; its ``text`` is what is split into sentences and translated, its
``prefix`` the Markdown that re-creates the structure in the English draft ("## ", "- ",
"  1. ", "> "). Markdown is read from markdown-it-py's token stream; inline markup (links,
bold, emphasis, code) stays in the text as Markdown so the draft keeps it.
Constructs transflow does not translate (tables, fenced code, raw HTML, a picture on its
own) are kept verbatim in the next block's prefix, or in one more prefix after the last
block, never dropped. A front-matter summary or teaser is a block after the title,
translated like it. Helpers turn a prefix back into what a page shows (``block_mark``)
and sentences back into clean text for the published German original (``plain_text``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Block",
    "BlockMark",
    "block_mark",
    "markdown_blocks",
    "plain_text",
    "split_prefix",
    "structured_markdown",
]

TITLE, HEADING, PARAGRAPH, ITEM = "title", "heading", "paragraph", "item"
QUOTE, VERBATIM, SUMMARY = "quote", "verbatim", "summary"


@dataclass(frozen=True)
class Block:
    """One block of an article: its kind, its translatable text and the Markdown before it."""

    kind: str
    text: str
    prefix: str = ""
    level: int = 0  # heading level, 1-6
    ordered: bool = False  # list items: numbered or bullets
    depth: int = 0  # list items: 0 for the outer list
    verbatim: tuple[str, ...] = ()  # untranslated constructs before this block, as written (also in prefix)


_LIST_MARKER = re.compile(r"(?:> )*[ ]*(?:[-*+]|\d{1,9}[.)]) \Z")
_MARKER = re.compile(r"(?:> )*[ ]*(?:#{1,6} |[-*+] |\d{1,9}[.)] )?")


@dataclass
class _List:
    ordered: bool
    number: int
    marker: str


def _inline(token: Any) -> str:
    """An inline token's children as one line of Markdown text (links keep their URL)."""
    out: list[str] = []
    hrefs: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "code_inline":
            out.append(f"{child.markup}{child.content}{child.markup}")
        elif kind in ("strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close"):
            out.append(child.markup)
        elif kind == "link_open":
            hrefs.append(str(child.attrs.get("href", "")))
            out.append("<" if child.markup == "autolink" else "[")
        elif kind == "link_close":
            href = hrefs.pop() if hrefs else ""
            out.append(">" if child.markup == "autolink" else f"]({href})")
        elif kind == "image":
            out.append(f"![{child.content}]({child.attrs.get('src', '')})")
        else:  # html_inline and anything newer: as written
            out.append(child.content)
    return " ".join("".join(out).split())


def markdown_blocks(body: str, title: str | None = None, summary: str | None = None) -> list[Block]:
    """The blocks of a Markdown body (front matter already removed); ``title`` and ``summary`` come first."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = parser.parse(body)
    lines = body.split("\n")
    blocks: list[Block] = [Block(TITLE, " ".join(title.split()), "# ", level=1)] if title else []
    if summary and summary.strip():
        blocks.append(Block(SUMMARY, " ".join(summary.split()), ""))
    lists: list[_List] = []
    quotes = 0
    pending_item = False  # the next paragraph opens a list item
    heading = 0
    verbatim: list[str] = []  # untranslated constructs waiting for the next block
    skip_until = -1

    def add(kind: str, text: str, prefix: str, **extra: Any) -> None:
        lead = "".join(v + "\n\n" for v in verbatim)
        blocks.append(Block(kind, text, lead + "> " * quotes + prefix, verbatim=tuple(verbatim), **extra))
        verbatim.clear()

    for i, token in enumerate(tokens):
        if i <= skip_until:
            continue
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "bullet_list_open":
            lists.append(_List(False, 1, token.markup or "-"))
        elif kind == "ordered_list_open":
            start = token.attrs.get("start", 1)
            lists.append(_List(True, int(start) if start is not None else 1, token.markup or "."))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            pending_item = True
        elif kind == "list_item_close" and lists:
            lists[-1].number += 1
        elif kind == "blockquote_open":
            quotes += 1
        elif kind == "blockquote_close":
            quotes -= 1
        elif kind == "inline":
            text = _inline(token)
            if not text:
                continue
            if _only_images(token) and not heading and not lists and token.map:
                start, end = token.map  # a picture on its own: nothing to translate, kept as written
                verbatim.append("\n".join(lines[start:end]).strip())
                pending_item = False
                continue
            if heading:
                add(HEADING, text, "#" * heading + " ", level=heading)
                heading = 0
            elif lists:
                indent = "   " * (len(lists) - 1)
                top = lists[-1]
                if pending_item:
                    marker = f"{top.number}{top.marker} " if top.ordered else f"{top.marker} "
                else:
                    marker = "   "  # a second paragraph inside the same item
                add(ITEM, text, indent + marker, ordered=top.ordered, depth=len(lists) - 1)
                pending_item = False
            else:
                add(QUOTE if quotes else PARAGRAPH, text, "")
        elif kind in ("fence", "code_block", "html_block", "table_open", "hr") and token.map:
            start, end = token.map
            verbatim.append("\n".join(lines[start:end]).rstrip())
            if kind == "table_open":
                depth = 0
                for j in range(i, len(tokens)):
                    depth += tokens[j].nesting if tokens[j].type.startswith("table") else 0
                    if tokens[j].type == "table_close" and depth == 0:
                        skip_until = j
                        break
    if verbatim:  # at the very end: a block of its own, kept as written (never sent to the engine)
        blocks.append(Block(VERBATIM, "", "\n\n".join(verbatim), verbatim=tuple(verbatim)))
    return blocks


def _only_images(token: Any) -> bool:
    """Is an inline token nothing but pictures (and spaces)?"""
    children = token.children or []
    return any(c.type == "image" for c in children) and all(
        c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
        for c in children
    )


def split_prefix(prefix: str) -> tuple[str, str]:
    """A block's prefix as (the untranslated constructs before it, its own Markdown marker).

    The constructs end with a blank line, the marker ("## ", "- ", "   1. ") is one line
    without one. A prefix after the last block (a table ending the article) is all verbatim.
    """
    if _MARKER.fullmatch(prefix):
        return "", prefix
    lead, _, marker = prefix.rpartition("\n\n")
    if lead and _MARKER.fullmatch(marker):
        return lead, marker
    return prefix.strip("\n"), ""


@dataclass(frozen=True)
class BlockMark:
    """What a page shows of a block's structure: its kind, a short label, its list depth."""

    kind: str  # title, heading, item, quote, paragraph
    label: str  # "H2", "• list item", "1. list item", "" for a paragraph
    level: int = 0  # heading level
    depth: int = 0  # list depth


def block_mark(marker: str, first: bool = False) -> BlockMark:
    """The structure a block's Markdown marker stands for ("## " → heading 2, "   - " → item, depth 1)."""
    quoted = marker.startswith("> ")
    bare = marker.replace("> ", "")
    stripped = bare.lstrip(" ")
    depth = (len(bare) - len(stripped)) // 3
    if stripped.startswith("#"):
        level = len(stripped) - len(stripped.lstrip("#"))
        if first and level == 1:
            return BlockMark(TITLE, "title", level=1)
        return BlockMark(HEADING, f"H{level}", level=level)
    if stripped[:1] in ("-", "*", "+"):
        return BlockMark(ITEM, "• list item", depth=depth)
    if stripped[:1].isdigit():
        return BlockMark(ITEM, stripped.strip() + " list item", depth=depth)
    if bare and not stripped:
        return BlockMark(ITEM, "", depth=max(depth - 1, 0))  # a list item's second paragraph
    return BlockMark(QUOTE, "quote") if quoted else BlockMark(PARAGRAPH, "")


def structured_markdown(sentences: Sequence[str], paragraphs: Sequence[int], prefixes: Sequence[str]) -> str:
    """Sentences put back into their blocks: the article as Markdown (the German original's)."""
    out: list[str] = []
    last: int | None = None
    for number, sentence in zip(paragraphs, sentences, strict=True):
        if number != last:
            marker = prefixes[number] if 0 <= number < len(prefixes) else ""
            here = prefixes[last] if last is not None and last < len(prefixes) else ""
            # One list's items on consecutive lines, as the draft writes them (drafts.default_after).
            tight = _LIST_MARKER.match(here) and _LIST_MARKER.match(marker)
            out.append(("\n" if tight else "\n\n") if out else "")
            out.append(marker)
        else:
            out.append(" ")
        out.append(sentence)
        last = number
    if last is not None and last + 1 < len(prefixes):
        out.append("\n\n" + prefixes[last + 1])
    return "".join(out).strip()


def plain_text(markdown: str) -> str:
    """Markdown as clean text for people: headings and paragraphs as lines, "•"/"1." list items,
    links as "text (address)", no emphasis markers; tables, code and pictures as written."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").parse(markdown)
    lines = markdown.split("\n")
    out: list[str] = []
    lists: list[list[int]] = []  # per open list: [ordered, next number]
    item = in_table = False
    for token in tokens:
        kind = token.type
        if in_table:  # written out as a whole at table_open
            in_table = kind != "table_close"
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrs.get("start", 1) if kind == "ordered_list_open" else 0
            lists.append([kind == "ordered_list_open", int(start) if start is not None else 1])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                out.append("")
        elif kind == "list_item_open":
            item = True
        elif kind == "inline":
            text = _plain_inline(token)
            if lists:
                indent = "  " * (len(lists) - 1)
                if item:
                    ordered, number = lists[-1]
                    marker = f"{number}. " if ordered else "• "
                    lists[-1][1] += 1 if ordered else 0
                    out.append(indent + marker + text)
                else:
                    out.append(indent + "  " + text)
                item = False
            else:
                out.extend([text, ""])
        elif kind in ("fence", "code_block", "html_block", "table_open") and token.map:
            start, end = token.map
            out.extend(["\n".join(lines[start:end]).rstrip(), ""])
            in_table = kind == "table_open"
    return "\n".join(out).strip()


def _plain_inline(token: Any) -> str:
    out: list[str] = []
    hrefs: list[str] = []
    texts: list[int] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "link_open":
            hrefs.append(str(child.attrs.get("href", "")))
            texts.append(len(out))
        elif kind == "link_close" and hrefs:
            href, at = hrefs.pop(), texts.pop()
            label = "".join(out[at:])
            address = href.removeprefix("mailto:")
            if address and address != label:
                out.append(f" ({address})")
        elif kind == "image":
            out.append(f"[{child.content}] ({child.attrs.get('src', '')})")
        elif kind == "html_inline":
            out.append(child.content)
    return " ".join("".join(out).split())
