"""User text made safe for where it goes: XML 1.0 and HTML files, and the terminal.

Word puts ``\\x0b`` (a manual line break) and ``\\x0c`` (a page break) into text, and a file
name can carry terminal escape codes. XML 1.0 forbids most control characters outright,
so one of them in a draft makes a feed that no reader can parse; in a terminal an escape
code can rewrite what the user sees.
"""

from __future__ import annotations

import re

# Not allowed in XML 1.0 (C0 controls but tab, newline and carriage return; lone surrogates;
# U+FFFE, U+FFFF) or discouraged there and a parse error in HTML (DEL, C1 controls).
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# For one terminal line: every control character, line breaks included, and the bidi
# controls that reorder what is shown.
_NOT_SHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text that XML 1.0 and HTML accept: control characters become spaces (tab and newline stay)."""
    if text.isascii() and text.isprintable():
        return text  # most text on a page (slugs, dates, numbers): 10,000 of each on the index
    return _NOT_TEXT.sub(" ", text)


def control_characters(text: str) -> list[str]:
    """The characters ``clean_text`` would replace, as escapes (``\\x0b``), in order of appearance."""
    return list(dict.fromkeys(_escape(m) for m in _NOT_TEXT.finditer(text)))


def for_terminal(text: str) -> str:
    """One printable line: control characters and escape codes are shown as ``\\x1b``, not obeyed."""
    if text.isascii() and text.isprintable():
        return text  # most cells of a table (slugs, numbers, states): nothing to show otherwise
    return _NOT_SHOWN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
