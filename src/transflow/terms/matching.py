"""Finding glossary terms in German sentences, at a cost that does not grow with the glossary.

Matching uses simplemma's German lemmas (Kümmerern → Kümmerer), with a small stem
comparison as a fallback for words the lemma dictionary does not know, hyphenated and
elided compounds (``Kümmerer-Modell``, ``Haupt- und Ehrenamt``), and closed compounds
(``Ehrenamtskoordinator``), which are flagged but not enforced. Feminine and gender-inclusive
person nouns (``Kümmerin``, ``Bürger*innen``, ``Bürger:innen``, ``Bürger_innen``, ``BürgerInnen``,
``Bürgerinnen und Bürger``) are the term itself, in the German's number, unless the entry says
``gendered: false``.

The glossary is indexed once (per glossary object, and ``load_glossary`` gives one object per
content hash): a sentence word can only be a form of a term word that starts with the same
three letters (``same_word``'s rule), so every term word is filed by its stem (exact forms and
the stem comparison) and by that prefix (lemmas, computed only for the prefix groups a
sentence reaches). A sentence costs a few dictionary look-ups per word at any glossary size
(20 terms or 20,000), and a sentence with no word that shares a prefix with a term never
loads simplemma's dictionary.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from transflow.terms.glossary import Glossary, GlossaryEntry
from transflow.terms.lemmas import lemma

_WORD = re.compile(r"\w+")
_ENDINGS = ("ern", "en", "em", "er", "es", "e", "n", "s")
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie"}
_ELIDED = re.compile(r"-\s+(\w+)\s+(\w+)")  # "Haupt- und Ehrenamt"
_PREFIX = 3  # same_word compares this many casefolded letters before anything costly
_CLOSED_STEM = 5  # a closed compound's term stem has at least this many letters

EXACT, INFLECTED, HYPHENATED, ELIDED, CLOSED, GENDERED = (
    "exact",
    "inflected",
    "hyphenated",
    "elided",
    "closed-compound",
    "gendered",
)

# A sentence's words for matching: a gender mark and its ending stay with the word they follow
# ("Bürger*innen", "Bürger:innen", "Bürger/-innen"; "Bürger_innen" and "BürgerInnen" are one \w+).
_TOKEN = re.compile(r"\w+(?:[*:/]-?(?:innen|in)\b)?")
_MARKED = re.compile(r"(\w+?)(?:[*:_/]-?)(innen|in)\Z")  # Bürger*innen, Bürger_innen
_BINNEN_I = re.compile(r"(\w+?[a-zäöüß])(Innen|In)\Z")  # BürgerInnen
_FEMININE = re.compile(r"(\w{3,}?)(innen|in)\Z")  # Bürgerinnen, Kümmerin, Ärztin
_PLAIN_VOWELS = str.maketrans("äöüÄÖÜ", "aouAOU")

T = TypeVar("T", bound=Hashable)


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


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _case_fits(word: str, term: str, case_sensitive: bool) -> bool:
    # German nouns are capitalised: "kümmern" (verb) is not "Kümmerer".
    if case_sensitive and word[:1] != term[:1]:
        return False
    return not (term[:1].isupper() and not word[:1].isupper())


def same_word(word: str, term: str, case_sensitive: bool = False) -> bool:
    """Is ``word`` an inflected form of the glossary word ``term``?"""
    if not _case_fits(word, term, case_sensitive):
        return False
    a, b = word.casefold(), term.casefold()
    if a == b:
        return True
    if a[:_PREFIX] != b[:_PREFIX]:
        return False
    # The stem first: it is free, the lemma may load the dictionary.
    return _stem(a) == _stem(b) or lemma(word) == lemma(term)


def gender_bases(word: str) -> list[tuple[str, bool]]:
    """The masculine words a feminine or gender-inclusive noun may stand for, each with its number.

    ``Bürger*innen`` → Bürger (plural); ``Kümmerin`` → Kümmer, Kümmerer, Kümmere (singular);
    ``Ärztinnen`` → … and Arzt. Only capitalised words (nouns); the candidates are compared with
    glossary terms like any word, so a word that merely ends in -in (``Termin``) matches nothing.
    """
    if not word[:1].isupper():
        return []
    marked = _MARKED.match(word) or _BINNEN_I.match(word)
    if marked:
        return [(marked.group(1), marked.group(2).casefold() == "innen")]
    feminine = _FEMININE.match(word)
    if not feminine:
        return []
    stem, plural = feminine.group(1), feminine.group(2) == "innen"
    plain = stem.translate(_PLAIN_VOWELS)  # Ärztin → Arzt, Bäuerin → Bauer
    candidates = dict.fromkeys((stem, stem + "er", stem + "e", plain, plain + "er"))
    return [(c, plural) for c in candidates]


class WordIndex(Generic[T]):
    """Term words filed so that the ones a sentence word is a form of (``same_word``) are found by look-up."""

    def __init__(self) -> None:
        self._by_stem: dict[str, list[tuple[str, bool, T]]] = defaultdict(list)
        # Keyed by (casefolded prefix, term capitalised): a lower-case word never matches a noun.
        self._by_prefix: dict[tuple[str, bool], list[tuple[str, bool, T]]] = defaultdict(list)
        self._by_lemma: dict[tuple[str, bool], dict[str, list[tuple[str, bool, T]]]] = {}
        self.examined = 0  # term words compared with a sentence word: the matcher's work

    def add(self, term: str, case_sensitive: bool, item: T) -> None:
        """File ``item`` under the term word ``term``."""
        folded = term.casefold()
        row = (term, case_sensitive, item)
        self._by_stem[_stem(folded)].append(row)
        self._by_prefix[(folded[:_PREFIX], term[:1].isupper())].append(row)

    def find(self, word: str) -> list[T]:
        """The items whose term word ``word`` is a form of."""
        folded = word.casefold()
        hits: list[T] = []
        by_stem: dict[tuple[str, bool], int] = defaultdict(int)  # prefix group → term words found
        for term, case_sensitive, item in self._by_stem.get(_stem(folded), ()):
            self.examined += 1
            if same_word(word, term, case_sensitive):
                hits.append(item)
                by_stem[(term.casefold()[:_PREFIX], term[:1].isupper())] += 1
        groups = [(folded[:_PREFIX], False)] + ([(folded[:_PREFIX], True)] if word[:1].isupper() else [])
        for group in groups:
            rows = self._by_prefix.get(group)
            # The lemma only where a term word of this prefix is not found yet: "Kümmerer" alone
            # in its group, found by its stem, does not load the dictionary.
            if not rows or by_stem[group] == len(rows):
                continue
            for term, case_sensitive, item in self._lemmas(group).get(lemma(word), ()):
                self.examined += 1
                if item not in hits and same_word(word, term, case_sensitive):
                    hits.append(item)
        return hits

    def _lemmas(self, group: tuple[str, bool]) -> dict[str, list[tuple[str, bool, T]]]:
        """The group's term words by lemma, built the first time a sentence word reaches the group."""
        if group not in self._by_lemma:
            table: dict[str, list[tuple[str, bool, T]]] = defaultdict(list)
            for row in self._by_prefix[group]:
                table[lemma(row[0])].append(row)
            self._by_lemma[group] = table
        return self._by_lemma[group]


def variant_gaps(entry: GlossaryEntry, n: int) -> list[str]:
    """The text between the words of the entry's German (``" & "`` in ``F & E``)."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(entry.de)]
    gaps = [entry.de[spans[j][1] : spans[j + 1][0]] for j in range(len(spans) - 1)]
    return gaps if len(gaps) == n - 1 else [" "] * (n - 1)


def _is_plural(surface: str, entry: GlossaryEntry) -> bool:
    # Dative plurals and weak plurals add -n/-en (Kümmerern, Geflüchteten); genitive -s does not.
    s, de = surface.casefold(), entry.de.casefold()
    return s != de and s.endswith("n") and not de.endswith("n")


class TermIndex:
    """One glossary's terms, indexed for ``find``."""

    def __init__(self, entries: Sequence[GlossaryEntry]) -> None:
        self.entries = tuple(entries)
        counts = [len(_WORD.findall(e.de)) for e in self.entries]
        # Longer terms first, so "dezentrale Unterbringung" wins over a single-word entry inside it;
        # then glossary order.
        order = sorted(range(len(self.entries)), key=lambda k: -counts[k])
        self._order = order
        self._rank = {k: r for r, k in enumerate(order)}
        self._variants: list[list[tuple[list[str], list[str]]]] = []
        self.starts: WordIndex[tuple[int, int]] = WordIndex()  # first words of each German and form
        self.singles: WordIndex[int] = WordIndex()  # one-word terms, for elided compounds
        self._closed: dict[str, list[int]] = defaultdict(list)  # stem → one-word terms, glossary order
        for k, entry in enumerate(self.entries):
            variants = [_WORD.findall(entry.de)] + [_WORD.findall(f) for f in entry.forms]
            self._variants.append([(v, variant_gaps(entry, len(v))) for v in variants])
            for v, words in enumerate(variants):
                if words:
                    self.starts.add(words[0], entry.case_sensitive, (k, v))
            if counts[k] == 1:
                self.singles.add(entry.de, entry.case_sensitive, k)
                stem = _stem(entry.de.casefold())
                if len(stem) >= _CLOSED_STEM:
                    self._closed[stem].append(k)
        self._closed_lengths = sorted({len(s) for s in self._closed})

    def find(self, sentence: str) -> list[TermMatch]:
        """All terms in one German sentence, left to right, without overlaps."""
        words = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(sentence)]
        found: list[TermMatch] = []
        taken: set[int] = set()

        def add(
            first: int,
            last: int,
            entry: GlossaryEntry,
            kind: str,
            start: int,
            end: int,
            plural: bool | None = None,
        ) -> None:
            if taken.intersection(range(first, last + 1)):
                return
            taken.update(range(first, last + 1))
            surface = sentence[start:end]
            number = _is_plural(surface, entry) if plural is None else plural
            found.append(TermMatch(entry, start, end, surface, kind, number))

        # (rank, position) → the entry's first German or form found there. Claims are then made
        # entry by entry in rank order, left to right: an earlier claim wins an overlap.
        first_variant: dict[tuple[int, int], int] = {}
        for i, (_, _, word) in enumerate(words):
            starts = self.starts.find(word)
            for base, _ in gender_bases(word):
                starts += [(k, v) for k, v in self.starts.find(base) if self.entries[k].gendered]
            for k, v in starts:
                if self._window_fits(sentence, words, i, k, v):
                    key = (self._rank[k], i)
                    first_variant[key] = min(v, first_variant.get(key, v))
        for (rank, i), v in sorted(first_variant.items()):
            k = self._order[rank]
            entry = self.entries[k]
            n = len(self._variants[k][v][0])
            gendered = self._gendered(words[i + n - 1][2], self._variants[k][v][0][-1], entry)
            last = i + n - 1
            if gendered is not None or self._gendered(words[i][2], entry.de, entry) is None:
                last = self._pair_end(words, i + n - 1, k, gendered is not None)
            start, end = words[i][0], words[last][1]
            surface = sentence[start:end]
            near = sentence[max(0, start - 1) : start] + sentence[end : end + 1]
            if last > i + n - 1:
                kind, plural = GENDERED, True  # "Bürgerinnen und Bürger": both, so many
            elif gendered is not None:
                kind, plural = GENDERED, gendered
            elif "-" in near:
                kind, plural = HYPHENATED, None
            elif surface.casefold() == entry.de.casefold():
                kind, plural = EXACT, None
            else:
                kind, plural = INFLECTED, None
            add(i, last, entry, kind, start, end, plural)
        for i, (start, end, word) in enumerate(words):
            if i in taken:
                continue
            # "Haupt- und Ehrenamt": complete the elided first part with the second's head.
            elided = _ELIDED.match(sentence, end)
            if elided and elided.group(1).casefold() in _CONJUNCTIONS:
                partner = elided.group(2)
                hits = [
                    k for cut in range(1, len(partner) - 2) for k in self.singles.find(word + partner[cut:])
                ]
                if hits:
                    add(i, i, self.entries[min(hits)], ELIDED, start, end + 1)
                    continue
            closed = self._closed_compound(word)
            if closed is not None:
                add(i, i, self.entries[closed], CLOSED, start, end)
        return sorted(found, key=lambda m: m.start)

    def _window_fits(self, sentence: str, words: list[tuple[int, int, str]], i: int, k: int, v: int) -> bool:
        """Do the words from ``i`` on spell the entry's variant ``v`` (its first word already does)?"""
        variant, allowed = self._variants[k][v]
        n = len(variant)
        if i + n > len(words):
            return False
        window = words[i : i + n]
        gaps = [sentence[window[j][1] : window[j + 1][0]] for j in range(n - 1)]
        # Between words only spaces, hyphens, or the term's own punctuation ("F & E").
        if any(g.strip(" -") and g.strip() != t.strip() for g, t in zip(gaps, allowed, strict=False)):
            return False
        entry = self.entries[k]
        return all(
            same_word(w[2], t, entry.case_sensitive) or self._gendered(w[2], t, entry) is not None
            for w, t in zip(window[1:], variant[1:], strict=True)
        )

    @staticmethod
    def _gendered(word: str, term: str, entry: GlossaryEntry) -> bool | None:
        """Is ``word`` a feminine or gender-inclusive form of the term word: its number, or None."""
        if not entry.gendered or same_word(word, term, entry.case_sensitive):
            return None
        for base, plural in gender_bases(word):
            if same_word(base, term, entry.case_sensitive):
                return plural
        return None

    def _pair_end(self, words: list[tuple[int, int, str]], i: int, k: int, gendered: bool) -> int:
        """Where "Bürgerinnen und Bürger" (or "Bürger und Bürgerinnen") ends, or ``i`` for no pair."""
        entry = self.entries[k]
        if not entry.gendered or i + 2 >= len(words) or words[i + 1][2] not in ("und", "oder"):
            return i
        partner = words[i + 2][2]
        term = _WORD.findall(entry.de)[-1]
        if gendered and same_word(partner, term, entry.case_sensitive):
            return i + 2
        if not gendered and self._gendered(partner, term, entry) is not None:
            return i + 2
        return i

    def _closed_compound(self, word: str) -> int | None:
        """The first one-word term whose stem starts or ends ``word`` (and is not all of it)."""
        folded = word.casefold()
        best: int | None = None
        for length in self._closed_lengths[: bisect.bisect_right(self._closed_lengths, len(folded))]:
            for stem in {folded[:length], folded[-length:]}:
                if stem == folded:
                    continue
                for k in self._closed.get(stem, ()):
                    if word[:1].isupper() or not self.entries[k].de[:1].isupper():
                        best = k if best is None else min(best, k)
                        break
        return best


# Indexes of the glossaries in use, by object: load_glossary gives one object per content hash,
# and a benchmark may make one small glossary per sentence.
_INDEXES: OrderedDict[int, tuple[Glossary, TermIndex]] = OrderedDict()
_KEEP = 16


def term_index(glossary: Glossary) -> TermIndex:
    """The glossary's index, built on first use."""
    key = id(glossary)
    cached = _INDEXES.get(key)
    if cached is not None and cached[0] is glossary:
        _INDEXES.move_to_end(key)
        return cached[1]
    index = TermIndex(glossary.entries)
    _INDEXES[key] = (glossary, index)  # the glossary is held, so its id is not reused meanwhile
    while len(_INDEXES) > _KEEP:
        _INDEXES.popitem(last=False)
    return index


def find_terms(sentence: str, glossary: Glossary) -> list[TermMatch]:
    """All glossary terms in one German sentence, left to right, without overlaps."""
    if not glossary.entries:
        return []
    return term_index(glossary).find(sentence)
