"""Glossary enforcement measured on fluent English: term surgery on reference translations.

    python bench/surgery.py --src DE --ref EN --terms TERMS [--limit N] [--failures] --json

Same arguments and term formats as bench/terms.py. No real German→English model can be
had here, so the English side is measured directly: in each reference sentence where a
required English term occurs exactly once (in any inflection) and its German once, a
"model output" is made

- with that occurrence replaced by a wrong rendering of the same number (``widget`` /
  ``widgets``; ``item`` / ``items`` after "a", so that the article has to change too),
- with the German term left untranslated in its place (a second pass),
- unchanged where the reference already has the term in another inflection than the
  glossary's ("innovation leaders" for "innovation leader"): enforcement must not touch it.

Enforcement gets that output with the alignment a good model's attention would give (the
German term's words point at the replaced words, every other word elsewhere) and the
sentence's other terms that occur in the reference apart from this one. Reported: the
share of sentences whose enforced English equals the reference exactly, the share where
at most the term's own words differ (the rest, articles included, untouched), and the
exact share by case: plural term, a/an before it, capital at a sentence or heading start
(where the glossary writes it in lower case), a possessive on it, a term already there in
another inflection, the German left untranslated.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from terms import read_terms  # type: ignore[import-not-found]

CASES = ("plural", "article", "capital", "possessive", "already_inflected", "untranslated")
_SECTION = re.compile(r"^\(?\d+(?:\.\d+)*[.)]?$")  # "2.1.1": a heading starts after it
_POSSESSIVE_AFTER = re.compile(r"(?:['’]s|(?<=s)['’])(?!\w)")


@dataclass(frozen=True)
class Occurrence:
    """Where a required English term stands in a reference sentence."""

    start: int
    end: int
    plural: bool
    inflected: bool  # written in another form than the glossary's ``en``


@dataclass(frozen=True)
class Trial:
    """One model output to enforce, the reference it must become, and what it tests."""

    line: int
    german: str
    output: str
    reference: str
    region: tuple[int, int]  # the output's characters that stand for the term
    keep: tuple[int, int]  # the reference's characters that stand for the term
    entry: Any
    others: tuple[Any, ...]
    cases: frozenset[str]


def find_occurrence(reference: str, entry: Any) -> Occurrence | None:
    """Where the term's English occurs in the reference, in either number; None unless exactly once.

    A sentence with the term twice cannot test a replacement: the other occurrence satisfies it.
    """
    from transflow.terms.enforcement import accepted_forms
    from transflow.terms.inflection import number_forms

    one, many = number_forms(entry.en, entry.en_plural)
    found: dict[tuple[int, int], Occurrence] = {}
    for form in accepted_forms(entry):
        for hit in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", reference, re.IGNORECASE):
            inflected = form.casefold() != entry.en.casefold()
            plural = form == many != one  # "series" is both
            found.setdefault(hit.span(), Occurrence(hit.start(), hit.end(), plural, inflected))
    return next(iter(found.values())) if len(found) == 1 else None


def _cases(reference: str, occurrence: Occurrence) -> set[str]:
    before = reference[: occurrence.start].split()
    starts = not before or re.search(r"[.!?]\W*$", before[-1]) or _SECTION.match(" ".join(before))
    cases = set()
    if occurrence.plural:
        cases.add("plural")
    if before and before[-1].casefold() in ("a", "an"):
        cases.add("article")
    written = reference[occurrence.start : occurrence.end]
    if starts and re.match(r"[A-Z][a-z]", written):  # not an acronym: "GDP" has no small form
        cases.add("capital")
    if _POSSESSIVE_AFTER.match(reference, occurrence.end):  # sees the "s" of "mayors'" before it
        cases.add("possessive")
    return cases


def _replace(reference: str, occurrence: Occurrence, words: str, article: str | None) -> tuple[str, int, int]:
    """The reference with the occurrence replaced by ``words`` (and the article before it by ``article``)."""
    head, tail = reference[: occurrence.start], reference[occurrence.end :]
    if article is not None:
        found = re.search(r"(?<!\w)(a|an)(\s+)$", head, re.IGNORECASE)
        if found:
            written = article.capitalize() if found.group(1)[0].isupper() else article
            head = head[: found.start()] + written + found.group(2)
    return head + words + tail, len(head), len(head) + len(words)


def make_trials(line: int, german: str, reference: str, pairs: list[tuple[str, str]]) -> list[Trial]:
    """The surgery trials of one sentence."""
    from transflow.terms.enforcement import find_terms, locate_constraints, satisfied
    from transflow.terms.glossary import Glossary

    reference = " ".join(reference.split())
    glossary = Glossary.from_pairs(pairs)
    matches = locate_constraints(german, glossary, find_terms(german, glossary))
    # A term the German has twice is ambiguous: which English words are its translation?
    counts = Counter(m.entry for m in matches)
    surface = {m.entry: m.surface for m in matches if counts[m.entry] == 1}
    found = {e: o for e in glossary.entries if (o := find_occurrence(reference, e)) is not None}
    trials = []
    for entry, occurrence in found.items():
        if entry not in surface:
            continue
        others = tuple(
            e
            for e, o in found.items()
            if e != entry and (o.end <= occurrence.start or o.start >= occurrence.end)
        )
        span = (occurrence.start, occurrence.end)
        cases = _cases(reference, occurrence)
        written = reference[occurrence.start : occurrence.end]
        required = entry
        if "capital" in cases:
            if any(w[:1].isupper() for w in entry.en.split(" ")[1:]):
                cases.discard("capital")  # a name ("Global Innovation Index"): nothing to capitalise
            else:
                # Glossaries write common nouns in lower case; the data copies the reference's capital.
                required = replace(entry, en=entry.en[:1].lower() + entry.en[1:])
        after_a = re.search(r"(?<!\w)a\s+$", reference[: occurrence.start], re.IGNORECASE)
        noun = "item" if "article" in cases and after_a else "widget"
        noun = noun + "s" if occurrence.plural else noun
        noun = noun.capitalize() if written[:1].isupper() else noun
        article = ("an" if noun[0] in "iI" else "a") if "article" in cases else None
        output, lo, hi = _replace(reference, occurrence, noun, article)
        trials.append(
            Trial(line, german, output, reference, (lo, hi), span, required, others, frozenset(cases))
        )
        left = surface[entry]
        if not satisfied(left, entry):  # German that holds the English ("Innovation Leader") tests nothing
            output, lo, hi = _replace(reference, occurrence, left, None)
            cases = {"untranslated"}
            trials.append(
                Trial(line, german, output, reference, (lo, hi), span, entry, others, frozenset(cases))
            )
        other = _other_inflection(entry, written)
        if other is not None:
            cases = {"already_inflected"}
            trials.append(
                Trial(line, german, reference, reference, span, span, other, others, frozenset(cases))
            )
    return trials


def _other_inflection(entry: Any, written: str) -> Any:
    """The entry as a glossary that asks for another inflection than the reference's (or None).

    Where the data's own ``en`` already differs from the reference ("innovation leader" for
    "innovation leaders") that is the entry itself; otherwise, for a common noun (not a name
    like "Prime Minister Modi" or "CDU"), its English in the other number.
    """
    from transflow.terms.inflection import number_forms

    if written.casefold() != entry.en.casefold():
        return entry
    if not entry.en.split(" ")[-1][:1].islower():
        return None
    other = [f for f in number_forms(entry.en) if f.casefold() != written.casefold()]
    return replace(entry, en=other[0]) if other else None


def model_output(trial: Trial, match: Any) -> tuple[list[tuple[int, int]], list[str], list[list[float]]]:
    """Source spans, target pieces and the attention a good model would give for the trial's output.

    Every target word of the term's region attends to the German term's words, every other
    target word to the end-of-sentence token (which no term overlaps).
    """
    german = trial.german
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", german)]
    spans = [(len(german[:b].encode()), len(german[:e].encode())) for b, e in tokens]
    end = len(german.encode())
    spans.append((end, end))
    lo, hi = len(german[: match.start].encode()), len(german[: match.end].encode())
    term_columns = [k for k, (b, e) in enumerate(spans) if b < hi and e > lo] or [len(spans) - 1]
    pieces, attention = [], []
    region_lo, region_hi = trial.region
    for word in re.finditer(r"\S+", trial.output):
        # A subword model splits a word where the term ends inside it ("widget|-related").
        cuts = sorted({word.start(), word.end()} | {c for c in trial.region if word.start() < c < word.end()})
        for k, (b, e) in enumerate(itertools.pairwise(cuts)):
            pieces.append(("▁" if k == 0 else "") + trial.output[b:e])
            row = [0.0] * len(spans)
            if b < region_hi and e > region_lo:
                for column in term_columns:
                    row[column] = 1.0 / len(term_columns)
            else:
                row[-1] = 1.0
            attention.append(row)
    return spans, pieces, attention


def enforce(trial: Trial) -> str:
    """The trial's output after transflow's enforcement."""
    from transflow.terms.enforcement import enforce_terms, find_terms, locate_constraints
    from transflow.terms.glossary import Glossary

    glossary = Glossary((trial.entry, *trial.others))
    matches = locate_constraints(trial.german, glossary, find_terms(trial.german, glossary))
    mine = next(m for m in matches if m.entry == trial.entry)
    spans, pieces, attention = model_output(trial, mine)
    english, _ = enforce_terms(trial.german, trial.output, matches, spans, pieces, attention)
    return english


def only_term_differs(english: str, trial: Trial) -> bool:
    """Is everything outside the term's words exactly the reference (articles, capitals, punctuation)?"""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", trial.reference)]
    inside = [k for k, (b, e) in enumerate(spans) if b < trial.keep[1] and e > trial.keep[0]]
    ref, got = trial.reference.split(" "), english.split(" ")
    first, rest = inside[0], len(ref) - inside[-1] - 1
    return (
        len(got) >= first + rest
        and got[:first] == ref[:first]
        and got[len(got) - rest :] == ref[len(ref) - rest :]
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Make every trial, enforce it, and return the JSON report."""
    src = args.src.read_text(encoding="utf-8").splitlines()
    ref = args.ref.read_text(encoding="utf-8").splitlines()
    terms = read_terms(args.terms)
    n = min(len(src), len(ref), len(terms), args.limit or len(src))
    trials = [t for i in range(n) for t in make_trials(i + 1, src[i], ref[i], terms[i])]
    exact = region = 0
    by_case: dict[str, list[bool]] = defaultdict(list)
    for trial in trials:
        english = enforce(trial)
        ok = english == trial.reference
        exact += ok
        region += ok or only_term_differs(english, trial)
        for case in trial.cases:
            by_case[case].append(ok)
        if args.failures and not ok:
            print(
                f"line {trial.line} [{', '.join(sorted(trial.cases))}] {trial.entry.en!r}\n"
                f"  output: {trial.output}\n  got:    {english}\n  want:   {trial.reference}",
                file=sys.stderr,
            )
    total = len(trials) or 1
    return {
        "sentences": len(trials),
        "lines": n,
        "exact": round(exact / total, 4),
        "term_region_exact": round(region / total, 4),
        "by_case": {c: round(sum(by_case[c]) / len(by_case[c]), 4) if by_case[c] else None for c in CASES},
        "by_case_sentences": {c: len(by_case[c]) for c in CASES},
    }


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--ref", type=Path, required=True)
    parser.add_argument("--terms", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--failures", action="store_true", help="print each sentence enforcement got wrong")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
    args = parser.parse_args()
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
