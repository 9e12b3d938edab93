from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from transflow.enforcement import enforce_terms, find_terms, same_word
from transflow.engine import Engine, EngineOptions
from transflow.glossary import Glossary, GlossaryEntry, load_glossary
from transflow.segmentation import segment_paragraphs
from transflow.translate import translate_segments

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
        assert result.terms, result.segment.text
        assert all(t["status"] in ("kept", "enforced") for t in result.terms), result.terms
        assert not result.warnings


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
