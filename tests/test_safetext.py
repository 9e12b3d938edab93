"""Text made safe for XML 1.0, HTML and the terminal."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from transflow.safetext import clean_text, control_characters, for_terminal


def test_clean_text_keeps_tabs_and_newlines_and_drops_controls() -> None:
    assert clean_text("a\x0bb\x0cc\x01d\te\nf\x7fg\x85h") == "a b c d\te\nf g h"
    assert control_characters("a\x0bb\x0b\x01") == ["\\x0b", "\\x01"]
    from xml.sax.saxutils import escape

    everything = clean_text("".join(map(chr, range(0x3000))) + "\ud800\ufffe\uffff")
    ET.fromstring(f"<a>{escape(everything)}</a>".encode("utf-8", "surrogatepass"))
    assert for_terminal("bad\x1b[31mname\n.txt") == "bad\\x1b[31mname\\x0a.txt"


def test_plain_ascii_taken_as_it_is_matches_the_full_rules() -> None:
    """The shortcut for printable ASCII gives what the patterns give, for every ASCII character."""
    from transflow import safetext

    for code in range(128):
        text = f"a{chr(code)}b"
        assert clean_text(text) == safetext._NOT_TEXT.sub(" ", text)
        assert for_terminal(text) == safetext._NOT_SHOWN.sub(safetext._escape, text)
