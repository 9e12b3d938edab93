"""Feminine and gender-inclusive German person nouns are the term: matched, enforced, in the right number."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import record_of, run_cli
from transflow.terms.enforcement import enforce_terms
from transflow.terms.glossary import Glossary, GlossaryEntry, load_glossary, validate
from transflow.terms.matching import GENDERED, find_terms, gender_bases

GLOSSARY = Glossary(
    (
        GlossaryEntry("Kümmerer", "community liaison"),
        GlossaryEntry("Bürger", "citizen"),
        GlossaryEntry("Ehrenamtliche", "volunteer"),
        GlossaryEntry("Arzt", "doctor"),
        GlossaryEntry("Kollege", "colleague"),
        GlossaryEntry("Mitarbeiter", "staff member"),
        GlossaryEntry("Termin", "appointment"),
    ),
    "gender-test",
)

# Municipal sentences as press offices write them: (sentence, [(surface, term, plural)]).
SENTENCES = [
    ("Die Kümmerinnen der Stadt beraten Neuzugewanderte.", [("Kümmerinnen", "Kümmerer", True)]),
    ("Eine Kümmerin ist montags im Rathaus erreichbar.", [("Kümmerin", "Kümmerer", False)]),
    ("Alle Bürger*innen sind zur Versammlung eingeladen.", [("Bürger*innen", "Bürger", True)]),
    ("Die Bürger:innen können bis Freitag Einwände erheben.", [("Bürger:innen", "Bürger", True)]),
    ("Bürger_innen aus allen Ortsteilen nahmen teil.", [("Bürger_innen", "Bürger", True)]),
    ("Viele BürgerInnen nutzten das Angebot.", [("BürgerInnen", "Bürger", True)]),
    ("Liebe Bürgerinnen und Bürger, die Stadt informiert.", [("Bürgerinnen und Bürger", "Bürger", True)]),
    ("Der Rat dankt allen Bürgern und Bürgerinnen.", [("Bürgern und Bürgerinnen", "Bürger", True)]),
    ("Eine Bürgerin fragte nach dem Bebauungsplan.", [("Bürgerin", "Bürger", False)]),
    ("Die Mitarbeiter/-innen des Bürgerbüros helfen gern.", [("Mitarbeiter/-innen", "Mitarbeiter", True)]),
    ("Die Ärztin des Gesundheitsamts impft am Samstag.", [("Ärztin", "Arzt", False)]),
    ("Zwei Kolleginnen aus Lüdenscheid kamen dazu.", [("Kolleginnen", "Kollege", True)]),
    # No person noun: nothing is made of a word that merely ends in -in or -innen.
    ("Der Termin in Berlin beginnt innen im Saal.", [("Termin", "Termin", False)]),
    ("Die Medizin und das Benzin wurden teurer.", []),
    (
        "Die Kümmerer und die Ehrenamtlichen trafen sich.",
        [("Kümmerer", "Kümmerer", False), ("Ehrenamtlichen", "Ehrenamtliche", True)],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCES, ids=[s[:30] for s, _ in SENTENCES])
def test_gendered_forms_are_the_term(sentence: str, expected: list[tuple[str, str, bool]]) -> None:
    found = [(m.surface, m.entry.de, m.plural) for m in find_terms(sentence, GLOSSARY)]
    assert [(s, t) for s, t, _ in found] == [(s, t) for s, t, _ in expected]
    gendered = [
        (s, t, p)
        for (s, t, p), m in zip(found, find_terms(sentence, GLOSSARY), strict=True)
        if m.kind == GENDERED
    ]
    for surface, term, plural in gendered:
        assert (surface, term, plural) in expected


def test_the_set_is_matched_in_full() -> None:
    """The measure: every gendered form in the set found, with its number, and nothing else."""
    plain = {"Termin", "Kümmerer", "Ehrenamtlichen"}  # the term itself, or an ordinary inflection
    wanted = {(i, s, t, p) for i, (_, e) in enumerate(SENTENCES) for s, t, p in e if s not in plain}
    got = {
        (i, m.surface, m.entry.de, m.plural)
        for i, (sentence, _) in enumerate(SENTENCES)
        for m in find_terms(sentence, GLOSSARY)
        if m.kind == GENDERED
    }
    assert len(wanted) == 12 and got == wanted


def test_gender_bases_only_for_nouns() -> None:
    assert gender_bases("Bürger*innen") == [("Bürger", True)]
    assert gender_bases("innen") == [] and gender_bases("beginnen") == []
    assert ("Kümmerer", False) in gender_bases("Kümmerin")


def test_a_glossary_entry_can_switch_it_off() -> None:
    entries, problems = validate("terms:\n  - de: Bürger\n    en: citizen\n    gendered: false\n")
    assert not problems and entries[0].gendered is False
    glossary = Glossary(entries, "off")
    assert find_terms("Die Bürger*innen kamen.", glossary) == []
    assert [m.surface for m in find_terms("Die Bürger kamen.", glossary)] == ["Bürger"]
    _, problems = validate("terms:\n  - de: Bürger\n    en: citizen\n    gendered: no thanks\n")
    assert problems == ["line 2: 'gendered' must be true or false"]


def test_enforcement_puts_the_terms_english_in_the_germans_number() -> None:
    sentence = "Die Kümmerinnen helfen."
    matches = find_terms(sentence, GLOSSARY)
    pieces = ["▁The", "▁Kümmer", "innen", "▁help", "."]
    spans = [(0, 4), (4, 17), (17, 24), (24, 25)]
    attention = [
        [0.9, 0.05, 0.03, 0.02],
        [0.1, 0.8, 0.05, 0.05],
        [0.1, 0.7, 0.1, 0.1],
        [0.1, 0.1, 0.7, 0.1],
        [0.1, 0.1, 0.1, 0.7],
    ]
    english, statuses = enforce_terms(sentence, "The Kümmerinnen help.", matches, spans, pieces, attention)
    assert english == "The community liaisons help." and [s.status for s in statuses] == ["enforced"]
    sentence = "Eine Kümmerin hilft."
    matches = find_terms(sentence, GLOSSARY)
    pieces = ["▁A", "▁Kümmer", "in", "▁helps", "."]
    spans = [(0, 5), (5, 15), (15, 21), (21, 22)]
    english, statuses = enforce_terms(sentence, "A Kümmerin helps.", matches, spans, pieces, attention)
    assert english == "A community liaison helps." and [s.status for s in statuses] == ["enforced"]


def test_a_run_enforces_gendered_terms_like_the_term(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "buergerversammlung.txt").write_text(
        "Die Kümmerinnen laden alle Bürger*innen ein.\n\n"
        "Liebe Bürgerinnen und Bürger, kommen Sie zahlreich.\n",
        encoding="utf-8",
    )
    assert run_cli("glossary", "add", "Bürger", "citizen", "--project", str(project))[0] == 0
    glossary = load_glossary(project / "glossary.yml")
    assert any(e.de == "Kümmerer" for e in glossary.entries)
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    record = record_of(project, "buergerversammlung")
    terms = [t for s in record.sentences for t in s.terms]
    kuemmerer = [t for t in terms if t.de == "Kümmerer"]
    assert [t.surface for t in kuemmerer] == ["Kümmerinnen"]
    assert kuemmerer[0].kind == GENDERED and kuemmerer[0].status in ("enforced", "kept")
    # The generated model's English tells no number, so the glossary's form is put in.
    assert "community liaison" in record.sentences[0].english
    citizens = [t for t in terms if t.de == "Bürger"]
    assert [t.surface for t in citizens] == ["Bürger*innen", "Bürgerinnen und Bürger"]
    assert all(t.kind == GENDERED and t.status in ("enforced", "kept") for t in citizens)
    assert "citizen" in record.sentences[1].english
    assert not record.missing_terms()
