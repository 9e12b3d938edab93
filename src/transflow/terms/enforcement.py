"""Forcing the glossary's English into the MT output.

Finding the terms in the German is ``matching``'s (``find_terms``, ``TermMatch`` and
``same_word`` are re-exported here for the modules that use both).

Enforcement works on the engine's output: when a required rendering is missing (in
either number: "community liaisons" satisfies "community liaison"), the target words
aligned (by the decoder's attention) to the German term are replaced by the glossary's
rendering in the number of the words it replaces (inflect makes the other number),
keeping punctuation, possessives, hyphenated neighbours, sentence-start capitals and a/an
right. It never depends on the model being good: with random weights the term still lands.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from transflow.mt.attention import Attention
from transflow.states import TermStatus
from transflow.terms import inflection
from transflow.terms.glossary import Glossary, GlossaryEntry
from transflow.terms.matching import (
    CLOSED,
    ELIDED,
    EXACT,
    HYPHENATED,
    INFLECTED,
    TermMatch,
    find_terms,
    lemma,
    same_word,
    variant_gaps,
)

_WORD = re.compile(r"\w+")
_UMLAUTS = str.maketrans("äöü", "aou")
_GERMAN_PLURAL_ENDINGS = ("e", "n", "en", "er", "nen", "se")
_SECTION_NUMBER = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?$")  # "2.1.1", "3)": a heading starts after it

__all__ = [
    "CLOSED",
    "ELIDED",
    "EXACT",
    "HYPHENATED",
    "INFLECTED",
    "TermMatch",
    "TermOutcome",
    "accepted_forms",
    "aligned_owners",
    "enforce_terms",
    "find_terms",
    "german_plural",
    "locate_constraints",
    "rendering_present",
    "same_word",
    "satisfied",
    "variant_gaps",
]


@dataclass(frozen=True)
class TermOutcome:
    """What enforcement did for one match: kept, enforced, missing or flagged."""

    match: TermMatch
    status: str


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


@functools.cache
def accepted_forms(entry: GlossaryEntry) -> tuple[str, ...]:
    """Every English form that counts as the entry being present: its renderings in either number."""
    return present_forms(entry.en, entry.renderings, entry.translate)


@functools.cache
def present_forms(en: str, renderings: tuple[str, ...], translate: bool = True) -> tuple[str, ...]:
    """The one rule for "the English has this term": the renderings in either number.

    Enforcement, the checks and the review page's marks all ask it. A name that stays German
    (``translate: false``) counts only as written.
    """
    if not translate:
        return renderings
    plural = renderings[1] if len(renderings) > 1 else None
    return tuple(dict.fromkeys((*renderings, *inflection.number_forms(en, plural))))


def satisfied(english: str, entry: GlossaryEntry) -> bool:
    """Does the English contain the entry's rendering, in either number ("community liaisons")?"""
    return any(rendering_present(english, r) for r in accepted_forms(entry))


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
    source = _term_pieces(match.start, match.end, sentence, source_spans)
    if not source or not attention.rows:
        return []
    return aligned_owners(attention, source, owner)


def _term_pieces(start: int, end: int, sentence: str, source_spans: list[tuple[int, int]]) -> list[int]:
    """The source pieces whose bytes overlap the characters ``sentence[start:end]`` (a term's)."""
    offsets = _byte_offsets(sentence)
    lo, hi = int(offsets[start]), int(offsets[end])
    # Spans run in sentence order: start at the first piece that ends after lo.
    first = bisect.bisect_right(source_spans, lo, key=lambda span: span[1])
    return list(itertools.takewhile(lambda k: source_spans[k][0] < hi, range(first, len(source_spans))))


def aligned_words(
    sentence: str,
    start: int,
    end: int,
    source_spans: list[tuple[int, int]],
    target_pieces: list[str],
    attention: Attention,
) -> list[str]:
    """The engine's English words the attention links to ``sentence[start:end]``, in order.

    The words from the first to the last linked one; none where the attention has none or
    links them too far apart to be one phrase (more than twice the German words, plus two).
    """
    words, owner = _target_words(target_pieces)
    source = _term_pieces(start, end, sentence, source_spans)
    if not source or not attention.rows:
        return []
    linked = aligned_owners(attention, source, owner)
    if not linked or max(linked) - min(linked) > 2 * len(sentence[start:end].split()) + 2:
        return []
    return words[min(linked) : max(linked) + 1]


def aligned_owners(attention: Attention, source: Collection[int], owner: list[int]) -> list[int]:
    """Target words linked to the source pieces by the attention, most links first.

    A link is a target piece attending most to one of the source pieces, or the target piece
    a source piece is attended by most; ``owner`` maps target pieces to words.
    """
    hits: Counter[int] = Counter()
    strongest = attention.strongest_sources[: len(owner)]
    for row in np.flatnonzero(np.isin(strongest, list(source))):
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


def _untranslated(match: TermMatch, replaced: list[str]) -> bool:
    """Are the replaced words the German term itself, left untranslated by the model?"""
    german = _WORD.findall(match.surface) + _WORD.findall(match.entry.de)
    return any(same_word(w, g) for w in _WORD.findall(" ".join(replaced)) for g in german)


def german_plural(surface: str) -> bool:
    """Does the German read as plural: its last word is its lemma plus a plural ending or umlaut?

    ``Maßnahmen``, ``Indexwerte``, ``Städte``, ``Kümmerern``; not the genitive ``Kreises``.
    Plurals that look like the singular (``Zuwanderer``) cannot be told apart.
    """
    words = _WORD.findall(surface)
    if not words:
        return False
    word = words[-1].casefold()
    root = lemma(words[-1])
    plain = word.translate(_UMLAUTS)
    if not plain.startswith(root.translate(_UMLAUTS)) or word == root:
        return False
    return plain[len(root) :] in _GERMAN_PLURAL_ENDINGS or (plain == root.translate(_UMLAUTS))


def _wants_plural(match: TermMatch, words: list[str], lo: int, hi: int, untranslated: bool) -> bool | None:
    """The number the rendering takes; None where nothing tells (the glossary's form stays).

    The replaced English word's number decides: a good model's number is usually right
    ("newcomers" → "immigrants"); a word English does not have, or any word of an output
    that does not read as English (a random model's), tells nothing. Where the model left
    the German in place, a determiner before it ("these", "a"), the German's plural ending,
    then a verb after it ("the Zuwanderer were") decide; not for a name-like rendering
    ("Continuing Education Krems"), which stays as written.
    """
    if not untranslated:
        # The words around the term, not the whole output: a run-on "sentence" of thousands of
        # words with a term in every line would make this quadratic.
        if hi <= lo or not inflection.reads_as_english(words[max(0, lo - 30) : hi + 30]):
            return None
        return inflection.known_number(inflection.word_parts(words[hi - 1])["core"])
    if match.entry.en.split(" ")[-1][:1].isupper():
        return None
    before = words[lo - 1] if lo > 0 else ""
    closed = hi > lo and inflection.word_parts(words[hi - 1])["trail"]  # "X, were": not its verb
    after = words[hi] if hi < len(words) and not closed else ""
    determiner = inflection.determiner_plural(before)
    if determiner is not None:
        return determiner
    nouns = [w for w in _WORD.findall(match.surface) if w[:1].isupper()]
    if match.plural or (nouns and german_plural(nouns[-1])):
        return True
    return inflection.verb_plural(before, after)


def _rendering(match: TermMatch, plural: bool | None) -> str:
    entry = match.entry
    if not entry.translate or plural is None:
        return entry.en  # a name that stays German keeps its one form
    one, many = inflection.number_forms(entry.en, entry.en_plural)
    return many if plural else one


@dataclass(frozen=True)
class _Splice:
    """One planned replacement of target words by a rendering."""

    lo: int
    hi: int
    rendering: str
    plural: bool | None
    capital: bool  # the rendering starts a sentence or heading
    prefix: str = ""  # the first replaced word's start that is not the term ("anti-")
    suffix: str = ""  # the last replaced word's end that is not the term ("-related", "/CSU")


def _starts_sentence(words: list[str], lo: int, untranslated: bool) -> bool:
    if lo == 0:
        return True
    before = words[lo - 1]
    if lo == 1 and _SECTION_NUMBER.match(before):
        return True
    # A German noun is capitalised anywhere: after a colon its capital tells nothing.
    return bool(re.search(r"[.!?]\W*$", before)) or (before.endswith(":") and not untranslated)


def _affixes(
    match: TermMatch,
    sentence: str,
    source_spans: list[tuple[int, int]],
    attention: Attention,
    pieces: list[str],
    owner: list[int],
    lo: int,
    hi: int,
) -> tuple[str, str]:
    """Parts of the boundary words joined by a hyphen or slash whose pieces the term does not own.

    "coronavirus-related" where only "coronavirus" translates the term keeps "-related".
    """
    if hi <= lo or not attention.rows:
        return "", ""
    source = set(_term_pieces(match.start, match.end, sentence, source_spans))
    strongest = attention.strongest_sources

    def owned(t: int) -> bool:
        return t < len(strongest) and int(strongest[t]) in source

    def split(word: int, from_end: bool) -> str:
        ts = [t for t, w in enumerate(owner) if w == word]
        flags = [owned(t) for t in ts]
        if True not in flags:
            return ""
        texts = [pieces[t].lstrip("▁") for t in ts]
        k = len(flags) - flags[::-1].index(True) if from_end else flags.index(True)
        cut = len("".join(texts[:k]))
        text = "".join(texts)
        if from_end:
            while cut > 0 and text[cut - 1] in "-/":
                cut -= 1
            return text[cut:] if text[cut : cut + 1] in ("-", "/") and text[:cut].strip("-/") else ""
        while cut < len(text) and text[cut] in "-/":
            cut += 1
        return text[:cut] if text[cut - 1 : cut] in ("-", "/") and text[cut:].strip("-/") else ""

    return split(lo, from_end=False), split(hi - 1, from_end=True)


def _apply(words: list[str], splice: _Splice) -> None:
    """Replace words[lo:hi] by the rendering (an insertion when lo == hi).

    The replaced words' punctuation, possessive and hyphenated neighbours carry over, a
    sentence start keeps its capital, and an "a"/"an" before them is made to fit.
    """
    lo, hi = splice.lo, splice.hi
    old = words[lo:hi]
    if old:
        old[0] = old[0][len(splice.prefix) :]
        old[-1] = old[-1][: len(old[-1]) - len(splice.suffix)]
    first = inflection.word_parts(old[0]) if old else {"lead": ""}
    last = inflection.word_parts(old[-1]) if old else {"possessive": "", "trail": ""}
    many = inflection.is_plural(splice.rendering) if splice.plural is None else splice.plural
    new = inflection.with_possessive(splice.rendering, last["possessive"], many)
    if splice.capital:
        new = new[:1].upper() + new[1:]
    new = first["lead"] + splice.prefix + new + splice.suffix + last["trail"]
    words[lo:hi] = new.split(" ")
    if lo > 0 and words[lo - 1].casefold() in ("a", "an"):
        article = inflection.indefinite_article(splice.rendering)
        words[lo - 1] = article.capitalize() if words[lo - 1][:1].isupper() else article


def enforce_terms(
    sentence: str,
    english: str,
    matches: list[TermMatch],
    source_spans: list[tuple[int, int]],
    target_pieces: list[str],
    attention: Attention | Sequence[Sequence[float]],
) -> tuple[str, list[TermOutcome]]:
    """Put every required rendering into ``english``; report what happened to each match.

    A rendering already there in either number counts as kept. A replacement takes the
    number of the English words it replaces, keeps their possessive, punctuation and
    sentence-start capital, and fixes the a/an before it.
    """
    if not isinstance(attention, Attention):
        attention = Attention.from_rows(attention)
    statuses: dict[int, str] = {}
    plans: list[_Splice] = []
    words, owner = _target_words(target_pieces)
    for m_index, match in enumerate(matches):
        if not match.required:
            statuses[m_index] = TermStatus.FLAGGED
            continue
        if satisfied(english, match.entry):
            statuses[m_index] = TermStatus.KEPT
            continue
        aligned = _aligned_words(match, sentence, source_spans, attention, owner)
        n_render = len(match.entry.en.split())
        if aligned:
            lo, hi = min(aligned), max(aligned) + 1
            if hi - lo > n_render + 2:
                lo, hi = aligned[0], aligned[0] + 1
        else:
            lo = hi = len(words)
        for plan in plans:
            if (lo < plan.hi and hi > plan.lo) or (lo == hi == plan.lo == plan.hi):
                lo = hi = plan.hi  # overlapping claim: insert after the earlier term instead
        prefix, suffix = _affixes(match, sentence, source_spans, attention, target_pieces, owner, lo, hi)
        replaced = words[lo:hi]
        if replaced:
            replaced = [replaced[0][len(prefix) :], *replaced[1:]]
            replaced[-1] = replaced[-1][: len(replaced[-1]) - len(suffix)]
        untranslated = _untranslated(match, replaced)
        core = inflection.word_parts(replaced[0])["core"] if replaced else ""
        capital = (
            match.entry.translate
            and (core[:1].isupper() or not replaced)
            and _starts_sentence(words, lo, untranslated)
        )
        plural = _wants_plural(match, [*words[:lo], *replaced, *words[hi:]], lo, hi, untranslated)
        plans.append(_Splice(lo, hi, _rendering(match, plural), plural, capital, prefix, suffix))
    if plans:
        for plan in sorted(plans, key=lambda p: (p.lo, p.hi), reverse=True):
            _apply(words, plan)
        english = " ".join(w for w in words if w)
    for m_index, match in enumerate(matches):
        if m_index not in statuses:
            statuses[m_index] = TermStatus.ENFORCED if satisfied(english, match.entry) else TermStatus.MISSING
    return english, [TermOutcome(m, statuses[i]) for i, m in enumerate(matches)]
