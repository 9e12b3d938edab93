"""Lemmas remembered between runs: the same lemmas, simplemma's dictionary loaded only for new words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from transflow.terms import lemmas
from transflow.terms.lemmas import LEMMAS_FILE, lemma


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's memo, emptied for one test."""
    monkeypatch.setattr(lemmas, "_known", {})
    monkeypatch.setattr(lemmas, "_english", {})
    monkeypatch.setattr(lemmas, "_new", set())


def test_the_lemmas_are_simplemma_s(fresh: None) -> None:
    import simplemma

    for word in ("Kümmerern", "Ehrenamtlichen", "Häuser", "tagte", "Zuwanderern"):
        assert lemma(word) == simplemma.lemmatize(word, lang="de").casefold()


def test_saved_lemmas_come_back_and_only_new_words_are_written(fresh: None, tmp_path: Path) -> None:
    assert lemma("Kümmerern") == "kümmerer"
    lemmas.save(tmp_path)
    kept = json.loads((tmp_path / LEMMAS_FILE).read_text(encoding="utf-8"))
    assert lemmas.is_english("volunteers") and not lemmas.is_english("Zuamilieab")
    lemmas.save(tmp_path)
    kept = json.loads((tmp_path / LEMMAS_FILE).read_text(encoding="utf-8"))
    assert kept["lemmas"] == {"Kümmerern": "kümmerer"} and kept["source"].startswith("simplemma ")
    assert kept["english"] == {"volunteers": True, "Zuamilieab": False}
    before = (tmp_path / LEMMAS_FILE).stat().st_mtime_ns
    lemmas.save(tmp_path)  # nothing new: not written again
    assert (tmp_path / LEMMAS_FILE).stat().st_mtime_ns == before
    lemmas._known.clear()
    lemmas._english.clear()
    assert lemmas.load(tmp_path) == 3
    assert lemmas._known == {"Kümmerern": "kümmerer"} and not lemmas._new
    assert lemmas._english == {"volunteers": True, "Zuamilieab": False}


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff not json",
        b'{"source": "simplemma 0.0.1", "lemmas": {"Haus": "falsch"}}',  # another simplemma
        b'{"source": "SOURCE", "lemmas": ["Haus"]}',
        b'{"source": "SOURCE", "lemmas": {"Haus": 3, "Rat": "rat"}}',
        b"[]",
    ],
)
def test_a_damaged_or_foreign_file_is_not_believed(fresh: None, tmp_path: Path, content: bytes) -> None:
    (tmp_path / LEMMAS_FILE).write_bytes(content.replace(b"SOURCE", lemmas._signature().encode()))
    lemmas.load(tmp_path)
    assert lemmas._known in ({}, {"Rat": "rat"})  # the one good entry of a half-good file may stay
    assert lemma("Häusern") == "haus"


def test_a_state_folder_that_cannot_be_written_only_costs_time(fresh: None, tmp_path: Path) -> None:
    lemma("Kümmerern")
    (tmp_path / LEMMAS_FILE).mkdir()  # a folder where the file belongs
    lemmas.save(tmp_path)
    assert (tmp_path / LEMMAS_FILE).is_dir()
    lemmas.save(tmp_path / "missing")  # no state folder: nothing created
    assert not (tmp_path / "missing").exists()


def test_a_second_run_after_one_change_does_not_load_the_german_dictionary(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """The first run learns the words of the seed's sentences; a changed sentence re-uses them.

    (The generated model's English is new gibberish on every run, so its words are new to the
    English lexicon; a real model's mostly are not.)
    """
    script = (
        "import simplemma\n"
        "from pathlib import Path\n"
        "from transflow.project import Project\n"
        "from transflow.actions.translate import run_translate\n"
        "german = []\n"
        "real = simplemma.lemmatize\n"
        "simplemma.lemmatize = lambda word, **kw: german.append(word) or real(word, **kw)\n"
        f"report = run_translate(Project(Path({str(project)!r})))\n"
        "print(report.engine_sentences, bool(german))\n"
    )

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
        return done.stdout.split()

    engine, loaded = run()
    assert int(engine) > 1 and loaded == "True"  # a new project: the dictionary is needed
    assert (project / "output" / ".transflow" / LEMMAS_FILE).is_file()
    source = next((project / "sources").iterdir())
    german = source.read_text(encoding="utf-8")
    source.write_text(german.replace("Frisch", "Ganz frisch", 1), encoding="utf-8")
    assert run() == ["1", "False"]
