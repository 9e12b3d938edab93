import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EVAL, ROOT, run_cli
from transflow.actions.translate import translate_segments
from transflow.mt.engine import Engine, EngineOptions
from transflow.terms.enforcement import enforce_terms, find_terms, same_word, satisfied
from transflow.terms.glossary import Glossary, GlossaryEntry, load_glossary
from transflow.text.segmentation import segment_paragraphs

GLOSSARY = load_glossary(ROOT / "glossary.yml")


def found(sentence: str) -> list[tuple[str, str, str]]:
    return [(m.surface, m.entry.de, m.kind) for m in find_terms(sentence, GLOSSARY)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Wir danken den Kümmerern.", [("Kümmerern", "Kümmerer", "inflected")]),
        (
            "Die Rolle des Ehrenamts und des Ehrenamtes.",
            [("Ehrenamts", "Ehrenamt", "inflected"), ("Ehrenamtes", "Ehrenamt", "inflected")],
        ),
        ("Das Kümmerer-Modell wirkt.", [("Kümmerer", "Kümmerer", "hyphenated")]),
        (
            "Haupt- und Ehrenamt arbeiten zusammen.",
            [("Haupt-", "Hauptamt", "elided"), ("Ehrenamt", "Ehrenamt", "exact")],
        ),
        ("Der Ehrenamtskoordinator lädt ein.", [("Ehrenamtskoordinator", "Ehrenamt", "closed-compound")]),
        (
            "Die dezentralen Unterbringungen im Märkischen Kreis.",
            [
                ("dezentralen Unterbringungen", "dezentrale Unterbringung", "inflected"),
                ("Märkischen Kreis", "Märkischer Kreis", "inflected"),
            ],
        ),
        (
            "Ehrenamtler des Stellwerks.",
            [("Ehrenamtler", "Ehrenamtler", "exact"), ("Stellwerks", "Stellwerk", "inflected")],
        ),
        ("Wir kümmern uns um alles.", []),
    ],
)
def test_matching_inflections_and_compounds(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(sentence) == expected


def test_case_sensitive_entries() -> None:
    assert same_word("OECD", "OECD", case_sensitive=True)
    assert not same_word("oecd", "OECD", case_sensitive=True)


def test_enforcement_replaces_the_aligned_words() -> None:
    sentence = "Der Kümmerer hilft."
    matches = find_terms(sentence, GLOSSARY)
    pieces = ["▁The", "▁care", "taker", "▁helps", "."]
    spans = [(0, 3), (3, 13), (13, 20), (20, 21)]  # ▁Der ▁Kümmerer(bytes) ▁hilft .
    attention = [
        [0.9, 0.05, 0.03, 0.02],
        [0.1, 0.8, 0.05, 0.05],
        [0.1, 0.7, 0.1, 0.1],
        [0.1, 0.1, 0.7, 0.1],
        [0.1, 0.1, 0.1, 0.7],
    ]
    english, statuses = enforce_terms(sentence, "The caretaker helps.", matches, spans, pieces, attention)
    assert english == "The community liaison helps."
    assert [s.status for s in statuses] == ["enforced"]


def test_enforcement_keeps_grammar_at_sentence_start_and_articles() -> None:
    glossary = Glossary.from_pairs([("Zuwanderer", "immigrant")])
    sentence = "Zuwanderer kommen."
    matches = find_terms(sentence, glossary)
    english, _ = enforce_terms(
        sentence,
        "Newcomers come.",
        matches,
        [(0, 10), (10, 17), (17, 18)],
        ["▁Newcomers", "▁come", "."],
        [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]],
    )
    assert english == "Immigrants come."
    sentence = "Ein Zuwanderer kam."
    matches = find_terms(sentence, glossary)
    english, _ = enforce_terms(
        sentence,
        "A newcomer came.",
        matches,
        [(0, 3), (3, 14), (14, 18), (18, 19)],
        ["▁A", "▁newcomer", "▁came", "."],
        [[0.8, 0.1, 0.05, 0.05], [0.1, 0.8, 0.05, 0.05], [0.1, 0.1, 0.7, 0.1], [0.1, 0.1, 0.1, 0.7]],
    )
    assert english == "An immigrant came."


def test_terms_already_rendered_are_kept() -> None:
    sentence = "Der Bürgermeister spricht."
    english, statuses = enforce_terms(
        sentence, "The mayor speaks.", find_terms(sentence, GLOSSARY), [], [], []
    )
    assert english == "The mayor speaks." and statuses[0].status == "kept"


def test_random_model_still_gets_every_term(tiny_model) -> None:  # type: ignore[no-untyped-def]
    sentences = [
        "Die Kümmerer und die Ehrenamtler treffen den Bürgermeister.",
        "Haupt- und Ehrenamt arbeiten im Märkischen Kreis zusammen.",
        "Der Verwaltungschef lobt die dezentrale Unterbringung der Geflüchteten.",
        "Ein Zuwanderer besucht das Stellwerk.",
    ]
    engine = Engine(tiny_model, EngineOptions(beam_size=2))
    results = translate_segments(engine, GLOSSARY, segment_paragraphs(sentences))
    for result in results:
        assert result.terms, result.source
        assert all(t.status in ("kept", "enforced") for t in result.terms), result.terms
        assert not result.findings, result.findings


def test_seed_glossary_check_passes_and_fails_when_a_term_is_removed(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    code, out, _ = run_cli("glossary", "check", "--project", str(project))
    assert code == 0, out
    draft = project / "output" / "altena-2018-04-oecd-studie" / "draft.en.md"
    draft.write_text(draft.read_text().replace("community liaison", "helper"))
    code, out, err = run_cli("glossary", "check", "--project", str(project))
    assert code == 1
    assert "'Kümmerer' needs 'community liaison'" in out and err.startswith("error:")


def test_an_unmatched_entry_builds_no_match() -> None:
    glossary = Glossary((GlossaryEntry(de="Rathaus", en="town hall"),))
    assert find_terms("Der Rat tagt.", glossary) == []


# Terms that read as English: real sentences from wmt23-term-dev and dinu2019-iate, with the
# English a fluent model would write and the alignment its attention would give.


def enforce_aligned(german: str, english: str, glossary: Glossary, replaced: str) -> tuple[str, list[str]]:
    """Enforce ``glossary`` on ``english`` with the German term's words attending to ``replaced``.

    ``replaced`` is the text of ``english`` a good model's attention gives the term (it may
    be part of a word, as a subword model splits "virus|-related"); every other word attends
    to the end-of-sentence token.
    """
    matches = find_terms(german, glossary)
    term = next(m for m in matches if m.required)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", german)]
    spans = [(len(german[:b].encode()), len(german[:e].encode())) for b, e in tokens]
    spans.append((len(german.encode()), len(german.encode())))
    lo, hi = len(german[: term.start].encode()), len(german[: term.end].encode())
    columns = [k for k, (b, e) in enumerate(spans) if b < hi and e > lo]
    start = english.index(replaced) if replaced else -1
    end = start + len(replaced)
    pieces, attention = [], []
    for word in re.finditer(r"\S+", english):
        cuts = sorted({word.start(), word.end()} | {c for c in (start, end) if word.start() < c < word.end()})
        for k, (b, e) in enumerate(itertools.pairwise(cuts)):
            pieces.append(("▁" if k == 0 else "") + english[b:e])
            row = [0.0] * len(spans)
            for column in columns if b < end and e > start else [len(spans) - 1]:
                row[column] = 1.0 / len(columns) if b < end and e > start else 1.0
            attention.append(row)
    out, statuses = enforce_terms(german, english, matches, spans, pieces, attention)
    return out, [s.status for s in statuses]


def test_replacement_takes_the_number_of_the_replaced_words() -> None:
    german = (
        "Die Einreisemöglichkeiten in das Land wurden in der Folge eingeschränkt"
        " und religiöse Versammlungen verboten."
    )
    english = "Entry into the country was restricted and religious meetings prohibited."
    glossary = Glossary.from_pairs([("Versammlung", "gathering")])
    assert enforce_aligned(german, english, glossary, "meetings") == (
        "Entry into the country was restricted and religious gatherings prohibited.",
        ["enforced"],
    )
    german = "Er oder sie prallt ab, scheinbar schwerelos wie ein Astronaut, geht nach oben, dann nach unten."
    english = "He or she rebounds, seeming weightless as a spaceman, going up, then down."
    glossary = Glossary.from_pairs([("Astronaut", "astronaut")])
    assert enforce_aligned(german, english, glossary, "spaceman")[0] == (
        "He or she rebounds, seeming weightless as an astronaut, going up, then down."
    )


def test_article_follows_the_pronunciation_of_the_new_words() -> None:
    german = "Das hat der Hollywood-Star in einem Interview jetzt unmissverständlich klar gemacht."
    english = "That is what the Hollywood star has made abundantly clear in a conversation."
    glossary = Glossary.from_pairs([("Interview", "interview")])
    assert enforce_aligned(german, english, glossary, "conversation")[0] == (
        "That is what the Hollywood star has made abundantly clear in an interview."
    )
    german = "Wenn ein Stern altert, beginnt seine Rotationsrate sich zu verlangsamen."
    english = "As an object ages, its spin rate begins to slow down."
    glossary = Glossary.from_pairs([("Stern", "star")])
    assert (
        enforce_aligned(german, english, glossary, "object")[0]
        == "As a star ages, its spin rate begins to slow down."
    )


def test_capitals_at_sentence_and_heading_starts() -> None:
    german = (
        "Maßnahme 2: Wenn möglich lokale Herstellung von Arzneimitteln, Screening-Tests,"
        " Schutzmasken und hydroalkoholischen Gelen;"
    )
    english = "Step 2: Local production of drugs, screening tests, protective masks and hydro-alcoholic gels;"
    glossary = Glossary.from_pairs([("Maßnahme", "measure")])
    assert enforce_aligned(german, english, glossary, "Step")[0] == (
        "Measure 2: Local production of drugs, screening tests, protective masks and hydro-alcoholic gels;"
    )
    german = "2.2.2 Innovative KMU mit Kooperationen in% aller KMU"
    english = "2.2.2 Inventive firms collaborating with others as a% of all SMEs"
    glossary = Glossary.from_pairs([("Innovative KMU", "innovative SMEs")])
    assert enforce_aligned(german, english, glossary, "Inventive firms")[0] == (
        "2.2.2 Innovative SMEs collaborating with others as a% of all SMEs"
    )


def test_possessive_is_kept() -> None:
    german = (
        "Mossul, zweitgrößte Stadt des Irak, bleibt weiterhin unter der Kontrolle des Islamischen Staates."
    )
    english = "Mosul, Baghdad's second-largest city, remains under the control of the Islamic State."
    glossary = Glossary.from_pairs([("Irak", "Iraq")])
    assert enforce_aligned(german, english, glossary, "Baghdad")[0] == (
        "Mosul, Iraq's second-largest city, remains under the control of the Islamic State."
    )
    german = "Das Treffen der Kümmerer war gut besucht."
    english = "The helpers' meeting was well attended."
    glossary = Glossary.from_pairs([("Kümmerer", "community liaison")])
    assert enforce_aligned(german, english, glossary, "helpers")[0] == (
        "The community liaisons' meeting was well attended."
    )


def test_a_rendering_already_there_in_another_inflection_is_kept() -> None:
    german = (
        "Die Bundesregierung will, dass Österreich in die Gruppe der führenden Innovationsnationen vorstößt."
    )
    english = "The federal government wants Austria to become part of the group of innovation leaders."
    glossary = Glossary.from_pairs([("Innovationsnation", "innovation leader")])
    assert enforce_aligned(german, english, glossary, "") == (english, ["kept"])
    german = "Ein Stern altert."
    glossary = Glossary.from_pairs([("Stern", "stars")])
    assert enforce_aligned(german, "A star ages.", glossary, "") == ("A star ages.", ["kept"])
    entry = GlossaryEntry(de="Kümmerer", en="community liaison")
    assert satisfied("Two community liaisons helped.", entry)
    assert satisfied("The community liaison's car.", entry)
    assert not satisfied("The community helped.", entry)


def test_german_left_untranslated_gets_its_number_from_the_german_or_the_english_around_it() -> None:
    german = "Die Mittel werden über Leistungsvereinbarungen zugeteilt, in denen konkrete Maßnahmen stehen."
    english = "It is allocated via performance agreements which set out specific Maßnahmen and objectives."
    glossary = Glossary.from_pairs([("Maßnahme", "measure")])
    assert enforce_aligned(german, english, glossary, "Maßnahmen")[0] == (
        "It is allocated via performance agreements which set out specific measures and objectives."
    )
    # The case: "Zuwanderer" is singular and plural alike; the English verb tells.
    german = "Die Zuwanderer wurden in Wohnungen untergebracht."
    glossary = Glossary.from_pairs([("Zuwanderer", "immigrant")])
    assert enforce_aligned(german, "The Zuwanderer were housed in flats.", glossary, "Zuwanderer")[0] == (
        "The immigrants were housed in flats."
    )
    german = "Leroy Hansford, seine Frau und sein Stiefsohn waren unter den Geretteten."
    english = "Leroy Hansford, his wife and Stiefsohn were among those rescued."
    glossary = Glossary.from_pairs([("Stiefsohn", "stepson")])
    assert enforce_aligned(german, english, glossary, "Stiefsohn")[0] == (
        "Leroy Hansford, his wife and stepson were among those rescued."
    )


def test_hyphenated_neighbours_and_german_names_with_case_endings() -> None:
    german = "Am 29. März wurden die ersten beiden Todesfälle im Zusammenhang mit COVID-19 registriert."
    english = "On 29 March, the first two virus-related deaths were recorded."
    glossary = Glossary.from_pairs([("COVID-19", "coronavirus")])
    assert enforce_aligned(german, english, glossary, "virus")[0] == (
        "On 29 March, the first two coronavirus-related deaths were recorded."
    )
    german = "Die Schulen des Märkischen Kreises bleiben offen."
    english = "The schools of the Märkischen Kreises remain open."
    assert enforce_aligned(german, english, GLOSSARY, "Märkischen Kreises")[0] == (
        "The schools of the Märkischer Kreis remain open."
    )


@pytest.mark.parametrize(
    ("src", "ref", "terms"),
    [
        ("wmt23-term-dev/deen.de", "wmt23-term-dev/deen.en", "wmt23-term-dev/deen.term.proper"),
        (
            "dinu2019-iate/iate.414.deen.de",
            "dinu2019-iate/iate.414.deen.en",
            "dinu2019-iate/iate.414.deen.terms.jsonl",
        ),
    ],
)
def test_term_surgery_on_the_dev_sets_keeps_reference_english(src: str, ref: str, terms: str) -> None:
    """bench/surgery.py on the first 60 sentences of each dev set (the README has the full figures)."""
    if not (EVAL / src).exists():
        pytest.skip(f"{EVAL} is not here")
    paths = [str(EVAL / p) for p in (src, ref, terms)]
    argv = ["--src", paths[0], "--ref", paths[1], "--terms", paths[2], "--limit", "60", "--json"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "surgery.py"), *argv],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        },
    )
    report = json.loads(done.stdout)
    assert report["sentences"] > 60
    assert report["exact"] >= 0.9, report
    assert all(share is None or share >= 0.85 for share in report["by_case"].values()), report


def test_words_english_does_not_have_leave_the_glossary_form() -> None:
    """A random model's gibberish (or an unknown word) says nothing about number."""
    german = "Die Einreise wurde eingeschränkt und religiöse Versammlungen verboten."
    glossary = Glossary.from_pairs([("Versammlung", "gatherings")])
    english = "Entry was restricted and religious Zuamilieab prohibited."
    assert enforce_aligned(german, english, glossary, "Zuamilieab")[0] == (
        "Entry was restricted and religious gatherings prohibited."
    )
    glossary = Glossary.from_pairs([("Versammlung", "gathering")])
    english = "Entry was restricted and religious Hamilieabvades prohibited."
    assert enforce_aligned(german, english, glossary, "Hamilieabvades")[0] == (
        "Entry was restricted and religious gathering prohibited."
    )
    # Dinu line 396 through the generated base model: "brigade" is English, the sentence is not.
    german = "Wie äußern sich Schlafprobleme oder Schlafstörungen?"
    glossary = Glossary.from_pairs([("Schlafstörungen", "sleep disorders")])
    english = "brigade Stadtaffamilie Hthe unsocia Weunder desociaab unt Zuthe"
    assert enforce_aligned(german, english, glossary, "brigade")[0] == (
        "sleep disorders Stadtaffamilie Hthe unsocia Weunder desociaab unt Zuthe"
    )
