"""Protected spans: URLs, e-mail addresses, phone numbers, code and link targets never reach the engine.

Each span is replaced by a numbered placeholder before translation and put back, byte for
byte, afterwards. A Markdown link's text is translated on its own and the link re-made
around it with the original URL. A placeholder the engine lost is put at the sentence's
end with a finding: a protected span is never lost.

Emphasis (``**bold**``, ``*italic*``, ``~~struck~~``) travels as a pair of placeholders
around its words. Where the engine loses either of a pair, both go, and ``rewrap`` puts
the markers around the English words the attention aligns with the German ones; what still
cannot be placed is the ``markup-lost`` finding (checks.py): never silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from transflow.checks import Finding, emphasis_pairs

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
    pair: int | None = None  # an emphasis marker: the index of the span that opens or closes it


@dataclass(frozen=True)
class Protected:
    """A sentence as the engine sees it, and what its placeholders stand for."""

    text: str
    spans: tuple[Span, ...]

    @property
    def pairs(self) -> list[tuple[int, int]]:
        """The emphasis pairs: (opening span, closing span)."""
        return [(n, s.pair) for n, s in enumerate(self.spans) if s.pair is not None and s.pair > n]

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


def protect(text: str, emphasis: bool = True) -> Protected:
    """Every protected span, and every emphasis marker unless ``emphasis`` is false, as a placeholder."""
    found: list[Span] = []
    masked = list(text)
    for match in _PROTECTED.finditer(text):
        if match.group(0)[0] in "0+" and sum(c.isdigit() for c in match.group(0)) < 6:
            continue  # "0,5", "07:30": numbers, not phone numbers
        found.append(
            Span(match.start(), match.end(), match.group(0), match.group("label"), match.group("url"))
        )
        masked[match.start() : match.end()] = "x" * (match.end() - match.start())
    markers: list[tuple[int, int]] = []
    for marker, start, end in (
        emphasis_pairs("".join(masked)) if emphasis else ()
    ):  # never in a link, code or an address
        markers += [(start, start + len(marker)), (end - len(marker), end)]
    found += [Span(a, b, text[a:b], pair=-1) for a, b in markers]
    found.sort(key=lambda span: span.start)
    spans = _paired(found, markers)
    out: list[str] = []
    last = 0
    for n, span in enumerate(spans):
        out.append(text[last : span.start] + _PLACEHOLDER.format(n))
        last = span.end
    out.append(text[last:])
    return Protected("".join(out), tuple(spans))


def _paired(spans: list[Span], markers: list[tuple[int, int]]) -> list[Span]:
    """The emphasis markers with the index of their partner (markers come as opening, closing)."""
    index = {span.start: n for n, span in enumerate(spans)}
    partner: dict[int, int] = {}
    for (a, _), (b, _) in zip(markers[::2], markers[1::2], strict=True):
        partner[index[a]], partner[index[b]] = index[b], index[a]
    return [replace(span, pair=partner[n]) if n in partner else span for n, span in enumerate(spans)]


def pairs_lost(english: str, protected: Protected) -> list[tuple[int, int]]:
    """The emphasis pairs whose placeholders the engine did not keep, once each and in order."""
    lost = []
    for a, b in protected.pairs:
        at, to = english.find(_PLACEHOLDER.format(a)), english.find(_PLACEHOLDER.format(b))
        if at == -1 or to == -1 or to < at:
            lost.append((a, b))
    return lost


def _attach(english: str, marker: str, value: str, opening: bool) -> str:
    """An emphasis marker back against its words: "the ⟦0⟧ party ⟦1⟧." → "the **party**."."""
    at = english.find(marker)
    before, after = english[:at], english[at + len(marker) :]
    if opening:
        after = after.lstrip()
        before = before + " " if before[-1:].isalnum() else before
    else:
        before = before.rstrip()
        after = " " + after if after[:1].isalnum() else after
    return before + value + after


def words_at(protected: Protected, pair: tuple[int, int]) -> tuple[int, int]:
    """Where the words between a pair's placeholders are in ``protected.text`` (start, end)."""
    opening, closing = (_PLACEHOLDER.format(n) for n in pair)
    start = protected.text.find(opening) + len(opening)
    return start, protected.text.find(closing, start)


def rewrap(english: str, words: list[str], opening: str, closing: str) -> str:
    """``words`` (in order, as the engine wrote them) wrapped in the markers where the English has them."""
    words = [w.strip(".,;:!?\"'„“”»«()") for w in words]
    words = [w for w in words if w]
    if not words:
        return english
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(rf"(?<![\w*_~]){pattern}(?![\w*_~])", english)
    if not found:
        return english  # enforcement or the editor changed them: markup-lost says so
    return english[: found.start()] + opening + found.group(0) + closing + english[found.end() :]


def restore(
    english: str, protected: Protected, labels: dict[int, str] | None = None
) -> tuple[str, list[Finding]]:
    """Put each span back where its placeholder is; one the engine lost goes at the end."""
    labels = labels or {}
    findings: list[Finding] = []
    lost: list[str] = []
    broken = {n for pair in pairs_lost(english, protected) for n in pair}
    for n, span in enumerate(protected.spans):
        value = span.text
        if n in broken:
            continue  # a pair the engine broke: rewrap puts it on the aligned words
        if span.url is not None:
            label = labels.get(n, "").strip() or (span.label or "")
            value = f"[{label}]({span.url})"
        marker = _PLACEHOLDER.format(n)
        if span.pair is not None:
            english = _attach(english, marker, value, opening=span.pair > n)
        elif marker in english:
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
