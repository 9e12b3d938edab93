"""Finding glossary terms in German sentences and forcing their English into the MT output.

Matching uses simplemma's German lemmas (Kümmerern → Kümmerer), with a small stem
comparison as a fallback for words the lemma dictionary does not know, hyphenated and
elided compounds (``Kümmerer-Modell``, ``Haupt- und Ehrenamt``), and closed compounds
(``Ehrenamtskoordinator``), which are flagged but not enforced.

Enforcement works on the engine's output: when a required rendering is missing, the
target words aligned (by the decoder's attention) to the German term are replaced by
the glossary's rendering, keeping punctuation, sentence-start capitals and a/an right.
It never depends on the model being good: with random weights the term still lands.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from transflow.attention import Attention
from transflow.glossary import Glossary, GlossaryEntry

_WORD = re.compile(r"\w+")
_ENDINGS = ("ern", "en", "em", "er", "es", "e", "n", "s")
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie"}
_ELIDED = re.compile(r"-\s+(\w+)\s+(\w+)")  # "Haupt- und Ehrenamt"
_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|se|su|ro|ti)|hour|honou?r)", re.IGNORECASE)

EXACT, INFLECTED, HYPHENATED, ELIDED, CLOSED = (
    "exact",
    "inflected",
    "hyphenated",
    "elided",
    "closed-compound",
)


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a German sentence (character span)."""

    entry: GlossaryEntry
    start: int
    end: int
    surface: str
    kind: str
    plural: bool = False

    @property
    def required(self) -> bool:
        """Closed compounds are only flagged: their English shape is the editor's call."""
        return self.kind != CLOSED


@dataclass(frozen=True)
class TermStatus:
    """What enforcement did for one match: kept, enforced, missing or flagged."""

    match: TermMatch
    status: str


@functools.cache
def _lemma(word: str) -> str:
    import simplemma

    return str(simplemma.lemmatize(word, lang="de")).casefold()


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def same_word(word: str, term: str, case_sensitive: bool = False) -> bool:
    """Is ``word`` an inflected form of the glossary word ``term``?"""
    if case_sensitive and word[:1] != term[:1]:
        return False
    # German nouns are capitalised: "kümmern" (verb) is not "Kümmerer".
    if term[:1].isupper() and not word[:1].isupper():
        return False
    a, b = word.casefold(), term.casefold()
    if a == b:
        return True
    if a[:3] != b[:3]:
        return False
    return _lemma(word) == _lemma(term) or _stem(a) == _stem(b)


def _is_plural(surface: str, entry: GlossaryEntry) -> bool:
    # Dative plurals and weak plurals add -n/-en (Kümmerern, Geflüchteten); genitive -s does not.
    s, de = surface.casefold(), entry.de.casefold()
    return s != de and s.endswith("n") and not de.endswith("n")


def find_terms(sentence: str, glossary: Glossary) -> list[TermMatch]:
    """All glossary terms in one German sentence, left to right, without overlaps."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    found: list[TermMatch] = []
    taken: set[int] = set()

    def add(first: int, last: int, entry: GlossaryEntry, kind: str, start: int, end: int) -> None:
        if taken.intersection(range(first, last + 1)):
            return
        taken.update(range(first, last + 1))
        surface = sentence[start:end]
        found.append(TermMatch(entry, start, end, surface, kind, _is_plural(surface, entry)))

    # Longer terms first, so "dezentrale Unterbringung" wins over a single-word entry inside it.
    entries = sorted(glossary.entries, key=lambda e: -len(_WORD.findall(e.de)))
    for entry in entries:
        variants = [_WORD.findall(entry.de)] + [_WORD.findall(f) for f in entry.forms]
        own_gaps = [variant_gaps(entry, len(v)) for v in variants]
        for i in range(len(words)):
            for variant, allowed in zip(variants, own_gaps, strict=True):
                n = len(variant)
                if not n or i + n > len(words):
                    continue
                window = words[i : i + n]
                gaps = [sentence[window[j][1] : window[j + 1][0]] for j in range(n - 1)]
                # Between words only spaces, hyphens, or the term's own punctuation ("F & E").
                if any(g.strip(" -") and g.strip() != t.strip() for g, t in zip(gaps, allowed, strict=False)):
                    continue
                if all(
                    same_word(w[2], t, entry.case_sensitive) for w, t in zip(window, variant, strict=True)
                ):
                    start, end = window[0][0], window[-1][1]
                    surface = sentence[start:end]
                    near = sentence[max(0, start - 1) : start] + sentence[end : end + 1]
                    if "-" in near:
                        kind = HYPHENATED
                    elif surface.casefold() == entry.de.casefold():
                        kind = EXACT
                    else:
                        kind = INFLECTED
                    add(i, i + n - 1, entry, kind, start, end)
                    break
    single = [e for e in glossary.entries if len(_WORD.findall(e.de)) == 1]
    for i, (start, end, word) in enumerate(words):
        if i in taken:
            continue
        # "Haupt- und Ehrenamt": complete the elided first part with the second's head.
        elided = _ELIDED.match(sentence, end)
        if elided and elided.group(1).casefold() in _CONJUNCTIONS:
            partner = elided.group(2)
            for entry in single:
                if any(
                    same_word(word + partner[k:], entry.de, entry.case_sensitive)
                    for k in range(1, len(partner) - 2)
                ):
                    add(i, i, entry, ELIDED, start, end + 1)
                    break
            if i in taken:
                continue
        folded = word.casefold()
        for entry in single:
            stem = _stem(entry.de.casefold())
            noun_ok = word[:1].isupper() or not entry.de[:1].isupper()
            if (
                len(stem) >= 5
                and noun_ok
                and folded != stem
                and (folded.startswith(stem) or folded.endswith(stem))
            ):
                add(i, i, entry, CLOSED, start, end)
                break
    return sorted(found, key=lambda m: m.start)


def variant_gaps(entry: GlossaryEntry, n: int) -> list[str]:
    """The text between the words of the entry's German (``" & "`` in ``F & E``)."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(entry.de)]
    gaps = [entry.de[spans[j][1] : spans[j + 1][0]] for j in range(len(spans) - 1)]
    return gaps if len(gaps) == n - 1 else [" "] * (n - 1)


def locate_constraints(sentence: str, glossary: Glossary, matches: list[TermMatch]) -> list[TermMatch]:
    """Sentence-level constraints: place entries the matcher did not find at their likeliest span.

    Used where each sentence comes with its own required terms (WMT's terminology task):
    a term is required even when its German in the annotation is not a form we can match.
    """
    import difflib

    done = {m.entry for m in matches}
    words = [(m.start(), m.end()) for m in _WORD.finditer(sentence)]
    extra = []
    for entry in glossary.entries:
        if entry in done:
            continue
        n = max(1, len(_WORD.findall(entry.de)))
        best, span = 0.0, (len(sentence), len(sentence))
        for i in range(len(words)):
            start, end = words[i][0], words[min(i + n, len(words)) - 1][1]
            ratio = difflib.SequenceMatcher(None, sentence[start:end].casefold(), entry.de.casefold()).ratio()
            if ratio > best:
                best, span = ratio, (start, end)
        extra.append(TermMatch(entry, span[0], span[1], sentence[span[0] : span[1]], "constraint"))
    return sorted(matches + extra, key=lambda m: m.start)


@functools.lru_cache(maxsize=64)  # one English is checked for every term of its sentence
def rendering_present(english: str, rendering: str) -> bool:
    """Case-insensitive whole-word search (the term-success rule of WMT 2023)."""
    pattern = r"(?<!\w)" + re.escape(rendering) + r"(?!\w)"
    return re.search(pattern, english, re.IGNORECASE) is not None


def satisfied(english: str, entry: GlossaryEntry) -> bool:
    """Does the English contain one of the entry's renderings?"""
    return any(rendering_present(english, r) for r in entry.renderings)


def _target_words(pieces: list[str]) -> tuple[list[str], list[int]]:
    words: list[str] = []
    owner: list[int] = []
    for piece in pieces:
        if piece.startswith("▁") or not words:
            words.append(piece.lstrip("▁"))
        else:
            words[-1] += piece
        owner.append(len(words) - 1)
    return words, owner


def _aligned_words(
    match: TermMatch,
    sentence: str,
    source_spans: list[tuple[int, int]],
    attention: Attention | Sequence[Sequence[float]],
    owner: list[int],
) -> list[int]:
    if not isinstance(attention, Attention):
        attention = Attention.from_rows(attention)
    offsets = _byte_offsets(sentence)
    lo, hi = int(offsets[match.start]), int(offsets[match.end])
    # Spans run in sentence order: start at the first piece that ends after lo.
    first = bisect.bisect_right(source_spans, lo, key=lambda span: span[1])
    source = list(itertools.takewhile(lambda k: source_spans[k][0] < hi, range(first, len(source_spans))))
    if not source or not attention.rows:
        return []
    hits: Counter[int] = Counter()
    strongest = attention.strongest_sources[: len(owner)]
    for row in np.flatnonzero(np.isin(strongest, source)):
        hits[owner[row]] += 1
    for s in source:
        best = attention.strongest_target(s, len(owner))
        if best is not None:
            hits[owner[best]] += 1
    return sorted(hits, key=lambda w: (-hits[w], w))


@functools.lru_cache(maxsize=4)
def _byte_offsets(sentence: str) -> np.ndarray:
    """UTF-8 byte offset of every character position (and the end): one pass per sentence, not per term."""
    codes = np.frombuffer(sentence.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    sizes = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
    return np.concatenate(([0], np.cumsum(sizes)))


def _apply(words: list[str], lo: int, hi: int, rendering: str, keep_case: bool) -> None:
    """Replace words[lo:hi] by the rendering (an insertion when lo == hi)."""
    old = words[lo:hi]
    lead = re.match(r"^\W*", old[0]).group() if old else ""  # type: ignore[union-attr]
    trail = re.search(r"\W*$", old[-1]).group() if old else ""  # type: ignore[union-attr]
    new = rendering
    at_start = lo == 0 and (not old or old[0].lstrip("\"'„“‚(")[:1].isupper())
    if at_start and not keep_case:
        new = new[:1].upper() + new[1:]
    words[lo:hi] = (lead + new + trail).split(" ")
    if lo > 0 and words[lo - 1].casefold() in ("a", "an"):
        article = "an" if _VOWEL_SOUND.match(new) else "a"
        words[lo - 1] = article.capitalize() if words[lo - 1][:1].isupper() else article


def enforce_terms(
    sentence: str,
    english: str,
    matches: list[TermMatch],
    source_spans: list[tuple[int, int]],
    target_pieces: list[str],
    attention: Attention | Sequence[Sequence[float]],
) -> tuple[str, list[TermStatus]]:
    """Put every required rendering into ``english``; report what happened to each match."""
    statuses: dict[int, str] = {}
    plans: list[tuple[int, int, str, bool, int]] = []  # lo, hi, rendering, keep_case, match
    words, owner = _target_words(target_pieces)
    for m_index, match in enumerate(matches):
        if not match.required:
            statuses[m_index] = "flagged"
            continue
        if satisfied(english, match.entry):
            statuses[m_index] = "kept"
            continue
        aligned = _aligned_words(match, sentence, source_spans, attention, owner)
        n_render = len(match.entry.en.split())
        if aligned:
            lo, hi = min(aligned), max(aligned) + 1
            if hi - lo > n_render + 2:
                lo, hi = aligned[0], aligned[0] + 1
        else:
            lo = hi = len(words)
        last = words[hi - 1] if hi > lo else ""
        plural = match.plural or (
            last.rstrip(".,;:!?\"“”'").endswith("s") and match.entry.en_plural is not None
        )
        rendering = match.entry.en_plural if plural and match.entry.en_plural else match.entry.en
        for plo, phi, *_ in plans:
            if (lo < phi and hi > plo) or (lo == hi == plo == phi):
                lo = hi = phi  # overlapping claim: insert after the earlier term instead
        plans.append((lo, hi, rendering, not match.entry.translate, m_index))
    if plans:
        for lo, hi, rendering, keep_case, _ in sorted(plans, key=lambda p: (p[0], p[1]), reverse=True):
            _apply(words, lo, hi, rendering, keep_case)
        english = " ".join(w for w in words if w)
    for m_index, match in enumerate(matches):
        if m_index not in statuses:
            statuses[m_index] = "enforced" if satisfied(english, match.entry) else "missing"
    return english, [TermStatus(m, statuses[i]) for i, m in enumerate(matches)]
