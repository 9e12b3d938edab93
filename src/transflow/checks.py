"""Quality checks: one small function per check, each with a severity.

Checks are registered explicitly with ``@check(severity)``; the first docstring line is the
title editors see. A check that crashes is reported by name, never counted as a pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("critical", "functional", "cosmetic")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_GERMAN = re.compile(
    r"\b(der|die|das|und|nicht|ist|wurde|werden|mit|für|auf|dem|den|des|ein|eine|zu|im)\b", re.I
)


@dataclass(frozen=True)
class Finding:
    """One problem a check found in a sentence pair."""

    check: str
    severity: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CheckFunction = Callable[[str, str], str | None]
REGISTRY: dict[str, tuple[str, CheckFunction]] = {}


def check(severity: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check: a function (German, English) → message or None."""
    assert severity in SEVERITIES

    def register(fn: CheckFunction) -> CheckFunction:
        REGISTRY[fn.__name__.replace("_", "-")] = (severity, fn)
        return fn

    return register


@check("critical")
def untranslated(source: str, english: str) -> str | None:
    """Sentence left untranslated."""
    if not english.strip():
        return "no English for this sentence"
    if english.strip() == source.strip() and len(source.split()) > 2:
        return "the English is the German text"
    words = len(english.split())
    if words >= 4 and len(_GERMAN.findall(english)) / words > 0.3:
        return "the English looks German"
    return None


# Times of day, compared as "H:MM": German "17:30 Uhr", "8.00 Uhr", "8 Uhr", "17:30";
# English "5:30 pm", "8 a.m.", "8 o'clock", "17:30".
_GERMAN_TIME = re.compile(r"\b(\d{1,2})(?:[.:](\d{2}))?\s*Uhr\b|\b(\d{1,2}):(\d{2})\b")
_ENGLISH_TIME = re.compile(
    r"\b(\d{1,2})(?:[.:](\d{2}))?\s*(?:([ap])\.?\s?m\b\.?|o'clock\b)|\b(\d{1,2}):(\d{2})\b", re.IGNORECASE
)


def _times(text: str, pattern: re.Pattern[str]) -> tuple[list[str], str]:
    """The times of day in ``text`` as "H:MM", and the text without them."""
    found: list[str] = []

    def take(match: re.Match[str]) -> str:
        groups = match.groups()
        if len(groups) == 4:  # German
            hour, minute = (groups[0], groups[1]) if groups[0] else (groups[2], groups[3])
            half = None
        else:
            hour, minute, half = (
                (groups[0], groups[1], groups[2]) if groups[0] else (groups[3], groups[4], None)
            )
        h = int(hour)
        if half and half.lower() == "p" and h < 12:
            h += 12
        elif half and half.lower() == "a" and h == 12:
            h = 0
        found.append(f"{h}:{minute or '00'}")
        return " "

    return found, pattern.sub(take, text)


def _digits(text: str, times: re.Pattern[str] | None = None) -> list[str]:
    found: list[str] = []
    if times is not None:
        found, text = _times(text, times)
    return sorted(found + [re.sub(r"\D", "", n) for n in _NUMBER.findall(text)])


@check("functional")
def numbers(source: str, english: str) -> str | None:
    """Numbers, dates or times of day differ between German and English."""
    german, english_numbers = _digits(source, _GERMAN_TIME), _digits(english, _ENGLISH_TIME)
    if german == english_numbers:
        return None
    missing = sorted(set(german) - set(english_numbers))
    extra = sorted(set(english_numbers) - set(german))
    parts = ([f"missing {', '.join(missing)}"] if missing else []) + (
        [f"extra {', '.join(extra)}"] if extra else []
    )
    return "; ".join(parts) or "numbers appear a different number of times"


@check("cosmetic")
def length_ratio(source: str, english: str) -> str | None:
    """English suspiciously short or long."""
    if len(source) < 20:
        return None
    ratio = len(english) / len(source)
    if ratio < 0.5 or ratio > 2.0:
        return f"English is {ratio:.1f}× the length of the German"
    return None


@check("functional")
def repetition(source: str, english: str) -> str | None:
    """Repeated words, as from an MT loop."""
    words = [w.casefold() for w in re.findall(r"\w+", english)]
    for n in (1, 2, 3):
        in_source: set[tuple[str, ...]] | None = None  # built once: a long line must not cost n²
        for i in range(len(words) - 3 * n + 1):
            gram = words[i : i + n]
            looped = gram == words[i + n : i + 2 * n] == words[i + 2 * n : i + 3 * n]
            if not looped:
                continue
            if in_source is None:
                in_source = {tuple(w.casefold() for w in g) for g in _repeats_in(source, n)}
            if tuple(gram) not in in_source:
                return f"'{' '.join(gram)}' repeated"
    return None


# Markdown emphasis: **bold**, *italic*, __bold__, _italic_, ***both***, ~~struck~~ around words.
# Underscores only at word edges (file_name is not emphasis); code spans are not looked into.
# The words inside hold no marker character, so a scan stops at the next one: linear time.
_EMPHASIS = re.compile(
    "|".join(
        rf"(?<![\w*_~])(?P<{name}>{marker})(?=[^\s{char}])[^{char}\n]{{1,300}}?(?<=[^\s{char}])(?P={name})(?![\w*_~])"
        for name, marker, char in (
            ("star", r"\*{1,3}", r"\*"),
            ("under", "_{1,3}", "_"),
            ("strike", "~~", "~"),
        )
    )
)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_MARKUP_NAMES = {"*": "italic", "_": "italic", "**": "bold", "__": "bold", "***": "bold italic",
                 "___": "bold italic", "~~": "struck-through"}  # fmt: skip


def emphasis_pairs(text: str) -> list[tuple[str, int, int]]:
    """Every emphasis pair in ``text``: (its marker, where the pair starts, where it ends)."""
    out = []
    for match in _EMPHASIS.finditer(text):
        marker = match.lastgroup and match.group(match.lastgroup)
        out.append((marker or "", match.start(), match.end()))
    return out


def emphasis(text: str) -> list[str]:
    """The emphasis pairs of a text, as their markers ("**", "*", "~~"), in order."""
    return [marker for marker, _, _ in emphasis_pairs(_CODE_SPAN.sub("", text))]


@check("functional")
def markup_lost(source: str, english: str) -> str | None:
    """Bold, italic or struck-through text of the German lost in the English."""
    left = emphasis(english)
    lost = []
    for marker in emphasis(source):
        if marker in left:
            left.remove(marker)
        else:
            lost.append(_MARKUP_NAMES[marker])
    if lost:
        return f"the German has {', '.join(lost)} text the English lacks: put it back around the words"
    return None


def _repeats_in(text: str, n: int) -> list[list[str]]:
    words = re.findall(r"\w+", text)
    return [words[i : i + n] for i in range(len(words) - n + 1)]


def run_checks(source: str, english: str) -> list[Finding]:
    """Every registered check on one sentence pair; an untranslated sentence gets no others."""
    findings = []
    for name, (severity, fn) in REGISTRY.items():
        try:
            message = fn(source, english)
        except Exception as e:
            findings.append(Finding(name, "critical", f"check failed: {type(e).__name__}"))
            continue
        if message:
            findings.append(Finding(name, severity, message))
            if name == "untranslated":
                break
    return findings
