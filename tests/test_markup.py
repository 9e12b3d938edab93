"""Bold, italic and struck-through words travel through the engine as placeholder pairs (issue 27)."""

from __future__ import annotations

from pathlib import Path

from conftest import record_of, run_cli
from transflow.checks import emphasis, markup_lost
from transflow.text.protect import pairs_lost, protect, restore, rewrap


def test_emphasis_becomes_a_pair_of_placeholders_beside_the_protected_spans() -> None:
    p = protect("Das **Sommerfest** ist *frei*, Infos: www.altena.de und `a*b*c` oder datei_name_x.")
    assert p.text == "Das ⟦0⟧Sommerfest⟦1⟧ ist ⟦2⟧frei⟦3⟧, Infos: ⟦4⟧ und ⟦5⟧ oder datei_name_x."
    assert p.pairs == [(0, 1), (2, 3)]


def test_pairs_the_engine_keeps_come_back_around_the_words_they_were_on() -> None:
    p = protect("Am Samstag feiert die Stadt das **Sommerfest** im *Stadtpark*.")
    engine = "On Saturday the town celebrates the ⟦0⟧ summer party ⟦1⟧ in the ⟦2⟧park⟦3⟧."
    english, findings = restore(engine, p)
    assert english == "On Saturday the town celebrates the **summer party** in the *park*."
    assert findings == []
    assert markup_lost("Am Samstag feiert die Stadt das **Sommerfest** im *Stadtpark*.", english) is None


def test_a_broken_pair_is_taken_out_whole_and_rewrapped_on_the_words() -> None:
    p = protect("Das **Sommerfest** beginnt.")
    engine = "The summer party ⟦1⟧ begins."  # the engine lost the opening placeholder
    assert pairs_lost(engine, p) == [(0, 1)]
    english, _ = restore(engine, p)
    assert english == "The summer party begins."  # no half pair: never a lone **
    assert rewrap(english, ["summer", "party"], "**", "**") == "The **summer party** begins."
    # Words the English no longer has (enforcement replaced them) leave it to markup-lost.
    assert rewrap(english, ["festival"], "**", "**") == english
    assert markup_lost("Das **Sommerfest** beginnt.", english) is not None


def test_bold_and_italic_survive_the_engine_or_say_they_did_not(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    german = (
        "---\ntitle: Sommerfest\n---\nAm Samstag feiert die Stadt das **Sommerfest** im Stadtpark.\n\n"
        "Der Eintritt ist *frei* für alle.\n"
    )
    (project / "sources" / "fest.md").write_text(german, encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    sentences = [s for s in record_of(project, "fest").sentences if emphasis(s.source)]
    assert len(sentences) == 2
    for sentence in sentences:
        kept = emphasis(sentence.english) == emphasis(sentence.source)
        flagged = any(f.check == "markup-lost" for f in sentence.findings)
        assert kept != flagged, sentence  # never silent, never both
        assert "⟦" not in sentence.english
    # The generated model loses the placeholders; the attention puts the markers back on words.
    assert [emphasis(s.english) for s in sentences] == [["**"], ["*"]]
    draft = (project / "output" / "fest" / "draft.en.md").read_text(encoding="utf-8")
    assert draft.count("**") >= 2 and "*" in draft.replace("**", "")


def test_finding_emphasis_is_linear_on_a_run_on_line() -> None:
    import time

    for line in ("*a " * 100_000, "**a " * 100_000, "_a " * 100_000):
        started = time.perf_counter()
        assert emphasis(line) == [] and protect(line).pairs == []
        assert time.perf_counter() - started < 1.0  # a 300-character search from every marker: 2 s
