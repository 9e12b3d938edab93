"""The term index finds what scanning every entry at every word found, with work that does not grow
with the glossary, and loads the lemma dictionary only for words that could be a term."""

import itertools
import os
import random
import re
import subprocess
import sys
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from transflow.terms.glossary import Glossary, GlossaryEntry, load_glossary
from transflow.terms.matching import TermIndex, TermMatch, find_terms, same_word, variant_gaps

SEED = load_glossary(ROOT / "glossary.yml")
EXTRA = (
    GlossaryEntry("OECD", "OECD", case_sensitive=True),
    GlossaryEntry("F & E", "R & D"),
    GlossaryEntry("COVID-19", "coronavirus"),
    GlossaryEntry("Amt", "office", forms=("Ämter", "Amt für Soziales")),
    GlossaryEntry("Rat", "council", forms=("Räte",)),
    GlossaryEntry("kümmern", "look after"),
    GlossaryEntry("Stadtrat", "city council"),
    GlossaryEntry("Haus", "house"),
)
GLOSSARY = Glossary(SEED.entries + EXTRA)
SENTENCES = [
    "Wir danken den Kümmerern.",
    "Die Rolle des Ehrenamts und des Ehrenamtes.",
    "Das Kümmerer-Modell wirkt.",
    "Haupt- und Ehrenamt arbeiten zusammen.",
    "Der Ehrenamtskoordinator lädt ein.",
    "Die dezentralen Unterbringungen im Märkischen Kreis.",
    "Ehrenamtler des Stellwerks.",
    "Wir kümmern uns um alles.",
    "Die OECD-Studie und die oecd sprechen über F & E, F und E und COVID-19.",
    "Das Amt für Soziales, die Ämter und der Stadtrat tagen im Haus der Räte.",
    "Die Kümmerer der Stadt unterstützen Zuwanderer im Alltag.",
    "Der Märkische Kreis fördert die Integrationsarbeit der Geflüchteten.",
]
_WORD = re.compile(r"\w+")


def scan(sentence: str, glossary: Glossary) -> list[TermMatch]:
    """The matcher before the index, as the reference: every entry tried at every word."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    found: list[TermMatch] = []
    taken: set[int] = set()

    def add(first: int, last: int, entry: GlossaryEntry, kind: str, start: int, end: int) -> None:
        if not taken.intersection(range(first, last + 1)):
            taken.update(range(first, last + 1))
            s, de = sentence[start:end].casefold(), entry.de.casefold()
            plural = s != de and s.endswith("n") and not de.endswith("n")
            found.append(TermMatch(entry, start, end, sentence[start:end], kind, plural))

    for entry in sorted(glossary.entries, key=lambda e: -len(_WORD.findall(e.de))):
        variants = [_WORD.findall(v) for v in (entry.de, *entry.forms)]
        for i in range(len(words)):
            for variant in variants:
                n, allowed = len(variant), variant_gaps(entry, len(variant))
                window = words[i : i + n]
                if not n or len(window) < n:
                    continue
                gaps = [sentence[window[j][1] : window[j + 1][0]] for j in range(n - 1)]
                if any(g.strip(" -") and g.strip() != t.strip() for g, t in zip(gaps, allowed, strict=False)):
                    continue
                if all(
                    same_word(w[2], t, entry.case_sensitive) for w, t in zip(window, variant, strict=True)
                ):
                    start, end = window[0][0], window[-1][1]
                    near = sentence[max(0, start - 1) : start] + sentence[end : end + 1]
                    exact = sentence[start:end].casefold() == entry.de.casefold()
                    add(
                        i,
                        i + n - 1,
                        entry,
                        "hyphenated" if "-" in near else "exact" if exact else "inflected",
                        start,
                        end,
                    )
                    break
    single = [e for e in glossary.entries if len(_WORD.findall(e.de)) == 1]
    for i, (start, end, word) in enumerate(words):
        if i in taken:
            continue
        elided = re.compile(r"-\s+(\w+)\s+(\w+)").match(sentence, end)
        if elided and elided.group(1).casefold() in {"und", "oder", "bzw", "sowie"}:
            partner = elided.group(2)
            for entry in single:
                if any(
                    same_word(word + partner[k:], entry.de, entry.case_sensitive)
                    for k in range(1, len(partner) - 2)
                ):
                    add(i, i, entry, "elided", start, end + 1)
                    break
            if i in taken:
                continue
        for entry in single:
            stem = entry.de.casefold()
            for ending in ("ern", "en", "em", "er", "es", "e", "n", "s"):
                if stem.endswith(ending) and len(stem) - len(ending) >= 4:
                    stem = stem[: -len(ending)]
                    break
            folded = word.casefold()
            noun_ok = word[:1].isupper() or not entry.de[:1].isupper()
            if (
                len(stem) >= 5
                and noun_ok
                and folded != stem
                and (folded.startswith(stem) or folded.endswith(stem))
            ):
                add(i, i, entry, "closed-compound", start, end)
                break
    return sorted(found, key=lambda m: m.start)


def test_the_index_finds_what_the_scan_finds() -> None:
    for sentence in SENTENCES:
        for glossary in (SEED, GLOSSARY, Glossary(EXTRA)):
            assert find_terms(sentence, glossary) == scan(sentence, glossary), sentence
    assert [m.entry.de for m in find_terms(SENTENCES[9], GLOSSARY)] == [
        "Amt",
        "Amt",
        "Stadtrat",
        "Haus",
        "Rat",
    ]


VOCABULARY = sorted({w for s in SENTENCES for w in s.replace(".", "").split()} | {"-", ",", "oder", "Haupt-"})


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(VOCABULARY), st.sampled_from([" ", "", "- ", " - ", ", "])), max_size=12
    ),
    st.randoms(use_true_random=False),
)
def test_the_index_finds_what_the_scan_finds_in_any_word_sequence(
    parts: list[tuple[str, str]], rnd: random.Random
) -> None:
    sentence = "".join(word + gap for word, gap in parts)
    chosen = rnd.sample(GLOSSARY.entries, rnd.randint(1, len(GLOSSARY.entries)))
    # The scan knows no feminine or gender-inclusive forms (tests/test_gender.py covers them):
    # "Amtein" would be a feminine of "Amt" to the index, a closed compound to the scan.
    glossary = Glossary(tuple(replace(e, gendered=False) for e in chosen))
    assert find_terms(sentence, glossary) == scan(sentence, glossary)


FIRST = (
    "Wasser",
    "Feuer",
    "Schul",
    "Bahn",
    "Wald",
    "Berg",
    "Brücken",
    "Garten",
    "Sport",
    "Kinder",
    "Markt",
    "Kultur",
    "Kirchen",
    "Hafen",
    "Straßen",
    "Licht",
    "Energie",
    "Musik",
    "Zeitungs",
    "Bücher",
    "Wohnungs",
    "Bau",
    "Verkehrs",
    "Umwelt",
    "Jugend",
    "Senioren",
    "Fahrrad",
    "Bus",
    "Park",
    "Post",
    "Rettungs",
    "Polizei",
    "Gesundheits",
    "Wirtschafts",
    "Tourismus",
    "Friedhofs",
    "Spiel",
    "Schwimm",
    "Sozial",
    "Bürger",
)
MIDDLE = (
    "haus",
    "platz",
    "werk",
    "weg",
    "hof",
    "turm",
    "bad",
    "park",
    "markt",
    "garten",
    "halle",
    "feld",
    "dienst",
    "bund",
    "kreis",
    "rat",
    "verein",
    "zentrum",
    "gebiet",
    "netz",
    "plan",
    "fonds",
    "tag",
    "stelle",
    "bereich",
)
LAST = (
    "leitung",
    "ordnung",
    "förderung",
    "planung",
    "verwaltung",
    "gebühr",
    "satzung",
    "konzept",
    "beirat",
    "bericht",
    "abteilung",
    "verband",
    "amt",
    "kommission",
    "ausschuss",
    "programm",
    "projekt",
    "stiftung",
    "beauftragte",
    "team",
)


def generated(n: int) -> tuple[GlossaryEntry, ...]:
    """``n`` German compound nouns (Wasserturmleitung, Schulhofordnung, ...), each a term."""
    words = ("".join(parts) for parts in itertools.product(FIRST, MIDDLE, LAST))
    return tuple(GlossaryEntry(de=w, en=f"term {k}") for k, w in zip(range(n), words, strict=False))


def test_the_work_per_sentence_does_not_grow_with_the_glossary() -> None:
    """Term words compared per sentence: with 20,000 terms about as many as with 20, not 1,000 times more."""
    sentences = [*SENTENCES, "Die Wasserturmleitung und der Schulhof tagen im Wasserturm am Bürgerplatz."]
    small = TermIndex(SEED.entries + generated(20)[:7])
    big = TermIndex(SEED.entries + generated(20_000))
    assert len(small.entries) == 20 and len(big.entries) == 20_013
    for index in (small, big):
        for sentence in sentences:
            index.find(sentence)
    work = {name: i.starts.examined + i.singles.examined for name, i in (("small", small), ("big", big))}
    words = sum(len(_WORD.findall(s)) for s in sentences)
    # The scan compared every term with every word: 20,013 × words. The index compares a word with
    # the few term words of its stem or lemma.
    assert work["big"] <= 2 * work["small"] + 10, work  # measured: 27 with 20,000 terms, 25 with 20
    assert work["big"] <= words, work
    assert [m.entry.de for m in big.find(sentences[-1])] == ["Wasserturmleitung"]


def test_a_sentence_without_candidate_words_does_not_load_the_lemma_dictionary() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from transflow.terms.glossary import load_glossary\n"
        "from transflow.terms.matching import find_terms\n"
        f"glossary = load_glossary(Path({str(ROOT / 'glossary.yml')!r}))\n"
        "assert find_terms('Der Rat tagt heute im Saal und dankt den Kümmerern.', glossary)\n"
        "print('simplemma' in sys.modules)\n"
        "find_terms('Das Haus tagt.', glossary)  # shares 'hau' with Hauptamt: the lemma decides\n"
        "print('simplemma' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.split() == ["False", "True"]
