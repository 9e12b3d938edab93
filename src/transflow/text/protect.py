"""Protected spans: URLs, e-mail addresses, phone numbers, code and link targets never reach the engine.

Each span is replaced by a numbered placeholder before translation and put back, byte for
byte, afterwards. A Markdown link's text is translated on its own and the link re-made
around it with the original URL. A placeholder the engine lost is put at the sentence's
end with a finding: a protected span is never lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transflow.checks import Finding

__all__ = ["Protected", "protect", "restore"]

_LINK = r"(?<!!)\[(?P<label>[^\]\n]{1,300})\]\((?P<url>[^()\s]{1,2000})\)"
_CODE = r"`[^`\n]{1,300}`"
_URL = r"(?:https?://|www\.)[^\s<>()\[\]]{1,2000}[^\s<>()\[\].,;:!?\"'»«]"
_EMAIL = r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"
# German phone numbers: "02352 209-0", "+49 2352 2090", "0 23 52/20 90"; at least six digits.
_PHONE = r"(?:\+\d{2}[ /-]?(?:\(0\))?|\b0)\d{1,5}(?:[ /-]?\d{1,6}){1,5}(?:-\d{1,5})?\b"
_PROTECTED = re.compile("|".join(f"(?:{p})" for p in (_LINK, _CODE, _URL, _EMAIL, _PHONE)))
_PLACEHOLDER = "⟦{}⟧"
_ANY_PLACEHOLDER = re.compile(r"⟦\d+⟧")


@dataclass(frozen=True)
class Span:
    """One protected span of a German sentence."""

    start: int
    end: int
    text: str  # exactly as in the German
    label: str | None = None  # a link's text, to be translated
    url: str | None = None


@dataclass(frozen=True)
class Protected:
    """A sentence as the engine sees it, and what its placeholders stand for."""

    text: str
    spans: tuple[Span, ...]

    def offset(self, at: int) -> int:
        """An offset in ``text`` as an offset in the German sentence."""
        shift = 0
        for n, span in enumerate(self.spans):
            marker_start = span.start - shift
            if at <= marker_start:
                break
            marker = len(_PLACEHOLDER.format(n))
            if at < marker_start + marker:
                return span.start
            shift += (span.end - span.start) - marker
        return at + shift


def protect(text: str) -> Protected:
    """Replace every protected span with a placeholder."""
    spans: list[Span] = []
    out: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(text):
        found = match.group(0)
        if found[0] in "0+" and sum(c.isdigit() for c in found) < 6:
            continue  # "0,5", "07:30": numbers, not phone numbers
        spans.append(
            Span(match.start(), match.end(), match.group(0), match.group("label"), match.group("url"))
        )
        out.append(text[last : match.start()] + _PLACEHOLDER.format(len(spans) - 1))
        last = match.end()
    out.append(text[last:])
    return Protected("".join(out), tuple(spans))


def restore(
    english: str, protected: Protected, labels: dict[int, str] | None = None
) -> tuple[str, list[Finding]]:
    """Put each span back where its placeholder is; one the engine lost goes at the end."""
    labels = labels or {}
    findings: list[Finding] = []
    lost: list[str] = []
    for n, span in enumerate(protected.spans):
        value = span.text
        if span.url is not None:
            label = labels.get(n, "").strip() or (span.label or "")
            value = f"[{label}]({span.url})"
        marker = _PLACEHOLDER.format(n)
        if marker in english:
            english = english.replace(marker, value, 1)
        else:
            lost.append(value)
    english = " ".join(_ANY_PLACEHOLDER.sub("", english).split()) if lost or "⟦" in english else english
    if lost:
        english = f"{english} {' '.join(lost)}".strip()
        findings.append(
            Finding(
                "protected-moved",
                "functional",
                "could not place " + ", ".join(lost) + " in the English; put at the sentence's end",
            )
        )
    return english, findings
