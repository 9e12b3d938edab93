"""Markdown as the public site's HTML (pages and feed), through markdown-it.

Raw HTML is shown as text. Bare web and e-mail addresses become links (markdown-it's linkify,
with linkify-it-py), phone numbers ``tel:`` links (phonenumbers, libphonenumber's rules: German
numbers, written with +49). Headings in the body never jump a level below the page's ``<h1>``
(a German ``###`` after the title is an ``<h2>``). Blocks kept as the German wrote them (tables,
pictures, raw HTML: the German's untranslated constructs) carry ``lang="de"``. For the feed,
every link and picture is made absolute against the site's address.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

__all__ = ["german_lines", "site_html"]

PHONE_REGION = "DE"  # the articles are German: a number without +49 is a German number
_EXTERNAL = re.compile(r"(?i)(?:https?:)?//")


def site_html(
    markdown: str, inline: bool = False, german: frozenset[str] = frozenset(), base: str = ""
) -> str:
    """``markdown`` as HTML for the site: ``german`` holds the lines of blocks kept in German,
    ``base`` (the site's address) makes every link absolute, as a feed needs."""
    parser = _parser()
    env = {"german": german, "base": base}
    return str(parser.renderInline(markdown, env) if inline else parser.render(markdown, env))


def german_lines(verbatim: Iterable[str]) -> frozenset[str]:
    """The lines of the German's untranslated constructs, as ``site_html`` recognises them."""
    return frozenset(line.strip() for text in verbatim for line in text.split("\n") if line.strip())


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(["linkify", "table"])
    parser.add_render_rule("link_open", _link_open)
    parser.core.ruler.push("phone_links", _phone_links)
    parser.core.ruler.push("heading_levels", _heading_levels)
    parser.core.ruler.push("german_blocks", _german_blocks)
    parser.core.ruler.push("absolute_links", _absolute_links)
    return parser


def _link_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """Links to other sites get rel="noopener" and open in the same tab (no target)."""
    token = tokens[idx]
    if _EXTERNAL.match(str(token.attrGet("href") or "")):
        token.attrSet("rel", "noopener")
    return str(self.renderToken(tokens, idx, options, env))


def _phone_links(state: Any) -> None:
    """Phone numbers in text (not in links or code) as ``tel:`` links."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Any] = []
        inside = 0
        for token in block.children:
            inside += {"link_open": 1, "link_close": -1}.get(token.type, 0)
            if token.type == "text" and not inside and any(c.isdigit() for c in token.content):
                children.extend(_phone_tokens(token))
            else:
                children.append(token)
        block.children = children


def _phone_tokens(token: Any) -> list[Any]:
    import phonenumbers
    from markdown_it.token import Token

    text, at, out = token.content, 0, []
    for match in phonenumbers.PhoneNumberMatcher(text, PHONE_REGION):
        if not _dialled(match.raw_string):
            continue
        if match.start > at:
            out.append(_text(text[at : match.start], token))
        uri = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.RFC3966)
        link = Token("link_open", "a", 1, attrs={"href": uri}, markup="tel", level=token.level)
        out += [link, _text(match.raw_string, token), Token("link_close", "a", -1, markup="tel")]
        at = match.end
    if not out:
        return [token]
    if at < len(text):
        out.append(_text(text[at:], token))
    return out


def _dialled(raw: str) -> bool:
    """A number as people write one to be dialled: with its 0 or +, at least six digits (as
    protect.py finds them). libphonenumber alone takes a year ("1640") for a German number."""
    return raw.lstrip("(")[:1] in ("0", "+") and sum(c.isdigit() for c in raw) >= 6


def _text(content: str, like: Any) -> Any:
    from markdown_it.token import Token

    return Token("text", "", 0, content=content, level=like.level)


def _heading_levels(state: Any) -> None:
    """Body headings from ``<h2>`` on, each at most one level below the one before it."""
    previous = 1  # the page's own <h1>, the headline
    opened: list[Any] = []
    for token in state.tokens:
        if token.type == "heading_open":
            previous = max(2, min(int(token.tag[1]), previous + 1))
            token.tag = f"h{previous}"
            opened.append(token)
        elif token.type == "heading_close" and opened:
            token.tag = opened.pop().tag


def _german_blocks(state: Any) -> None:
    """A top-level block whose every line is one of the German's untranslated lines: lang="de"."""
    german: frozenset[str] = state.env.get("german") or frozenset()
    if not german:
        return
    lines = state.src.split("\n")
    for token in state.tokens:
        if token.level != 0 or token.nesting == -1 or not token.map:
            continue
        start, end = token.map
        text = [line.strip() for line in lines[start:end] if line.strip()]
        if text and all(line in german for line in text):
            token.attrSet("lang", "de")


def _absolute_links(state: Any) -> None:
    """Every link and picture as a full address when the site's address is known (the feed's)."""
    base = state.env.get("base")
    if not base:
        return
    for block in state.tokens:
        for token in block.children or ():
            for name in ("href", "src"):
                value = token.attrGet(name)
                if value is not None:
                    token.attrSet(name, urljoin(base, str(value)))
