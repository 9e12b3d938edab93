import errno
import json
import os
import socket
from pathlib import Path

import pytest

from conftest import record_of, run_cli
from transflow import GENERATED_NOTICE
from transflow.actions.translate import run_translate
from transflow.errors import OutputError
from transflow.mt.engine import Engine
from transflow.project import Project, atomic_write
from transflow.text.segmentation import segment_paragraphs

SLUG = "altena-2018-04-oecd-studie"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("network use at translate time")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_translate_seed_writes_draft_and_segments(project: Path, tiny_model, no_network) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    folder = project / "output" / SLUG
    record = record_of(project, SLUG)
    from transflow.text.articles import parse_article

    article = parse_article(project / "sources" / f"{SLUG}.txt")
    german = segment_paragraphs(article.paragraphs)
    assert [s.source for s in record.sentences] == [s.text for s in german]
    assert all(s.english.strip() for s in record.sentences)
    draft = (folder / "draft.en.md").read_text()
    assert draft.startswith("---\n")
    for key in (
        "source_sha256:",
        "model: translate-de_en-generated-tiny",
        "model_version:",
        "glossary_sha256:",
        "translated_at:",
    ):
        assert key in draft
    assert GENERATED_NOTICE in draft and GENERATED_NOTICE in err
    assert len(draft.split("---\n", 2)[2].strip().split("\n\n")) == 1 + len(
        article.paragraphs
    )  # banner + paragraphs
    assert not list(project.rglob("*.tmp"))


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    loads: list[int] = []
    real = Engine.load

    def counting(self):  # type: ignore[no-untyped-def]
        if self._translator is None:
            loads.append(1)
        real(self)

    monkeypatch.setattr(Engine, "load", counting)
    return loads


def test_second_run_translates_nothing_and_loads_no_model(project: Path, tiny_model, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    loads = count_loads(monkeypatch)
    first = run_translate(Project(project))
    assert [r.status for r in first.results] == ["translated"] and loads == [1]
    draft = (project / "output" / SLUG / "draft.en.md").read_bytes()
    second = run_translate(Project(project))
    assert [r.status for r in second.results] == ["unchanged"]
    assert loads == [1] and second.model is None
    assert (project / "output" / SLUG / "draft.en.md").read_bytes() == draft


def test_changed_article_and_force_retranslate(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    (project / "sources" / "zweiter.txt").write_text("Altena - Der Rat tagt am Mittwoch.\n")
    report = run_translate(Project(project))
    assert {r.slug: r.status for r in report.results} == {SLUG: "unchanged", "zweiter": "translated"}
    source = project / "sources" / "zweiter.txt"
    source.write_text("Altena - Der Rat tagt am Donnerstag.\n")
    report = run_translate(Project(project))
    assert {r.slug: r.status for r in report.results}["zweiter"] == "translated"
    report = run_translate(Project(project), force=True)
    assert {r.status for r in report.results} == {"translated"}


def test_glossary_change_retranslates(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    with open(project / "glossary.yml", "a") as handle:
        handle.write("  - de: Studie\n    en: study\n")
    assert [r.status for r in run_translate(Project(project)).results] == ["translated"]


def test_single_file_argument(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "zweiter.txt").write_text("Der Rat tagt.\n")
    code, _, err = run_cli("translate", str(project / "sources" / "zweiter.txt"), "--project", str(project))
    assert code == 0, err
    assert (project / "output" / "zweiter" / "draft.en.md").exists()
    assert not (project / "output" / SLUG).exists()


def test_missing_model_is_one_line_exit_2_nothing_written(project: Path) -> None:
    code, _out, err = run_cli("translate", "--project", str(project))
    assert code == 2
    assert err.splitlines()[0] == "error: no German→English model is installed"
    assert "transflow model install" in err and "Traceback" not in err
    assert not (project / "output" / SLUG).exists()


def test_skipped_file_does_not_stop_the_batch(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "leer.txt").write_text("   \n")
    report = run_translate(Project(project))
    assert {r.slug: r.status for r in report.results} == {"leer": "skipped", SLUG: "translated"}


def test_editor_edit_is_never_lost(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    draft = project / "output" / SLUG / "draft.en.md"
    draft.write_text(draft.read_text() + "\nEditor's sentence.\n")
    edited = draft.read_bytes()
    report = run_translate(Project(project), force=True)
    assert report.edited_sentences == 1
    assert "Editor's sentence." in draft.read_text()  # carried into the new draft
    kept = list((project / "output" / SLUG / "revisions").glob("*.edited.en.md"))
    assert [k.read_bytes() for k in kept] == [edited]
    record = record_of(project, SLUG)
    assert [s.origin for s in record.sentences].count("editor") == 1
    assert record.sentences[-1].english.endswith("Editor's sentence.")


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "draft.en.md"
    target.write_text("old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="disk full"):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_output_folder_that_is_a_file_is_a_clean_error(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "output").write_text("not a folder")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 2
    assert [line for line in err.splitlines() if line.startswith("error:")] == [err.splitlines()[0]]
    assert err.startswith("error: cannot write") and "Traceback" not in err


def test_one_changed_sentence_costs_one_sentence_of_engine_work(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    source = project / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Er konnte in Paris", "Er durfte in Paris"))
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["translated"]
    assert report.engine_sentences == 1
    origins = [s.origin for s in record_of(project, SLUG).sentences]
    assert origins == ["machine"] * 18  # 17 kept from the last draft, 1 from the engine
    assert (
        json.loads((project / "output" / ".transflow" / "last-run.json").read_text())["engine_sentences"] == 1
    )


def test_all_articles_go_to_the_engine_in_length_sorted_batches(
    project: Path, tiny_model, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        (project / "sources" / f"kurz-{i}.txt").write_text(
            f"Der Rat tagt zum {i}. Mal. Ja. Die Stadt lädt alle ein.\n"
        )
    batches: list[list[int]] = []
    real = Engine.load

    def spy_load(self):  # type: ignore[no-untyped-def]
        real(self)
        if type(self._translator).__name__ == "Spy":
            return
        translate_batch = self._translator.translate_batch

        class Spy:
            def translate_batch(self, source, **kwargs):  # type: ignore[no-untyped-def]
                batches.append([len(s) for s in source])
                with_attention.append(kwargs["return_attention"])
                return translate_batch(source, **kwargs)

        self._translator = Spy()

    with_attention: list[bool] = []
    monkeypatch.setattr(Engine, "load", spy_load)
    report = run_translate(Project(project))
    assert len(report.translated) == 6
    assert report.engine_sentences == 18 + 5 * 3
    # Each distinct sentence once: "Ja." and "Die Stadt lädt alle ein." of the five articles.
    assert sum(len(b) for b in batches) == 18 + 5 + 2
    assert len(batches) < 6  # not one call per article, let alone per sentence
    # Two streams, each sorted longest first: sentences with glossary terms (the seed
    # article's) come with the decoder's attention, the short ones without terms without it.
    for wanted in (False, True):
        flat = [n for b, a in zip(batches, with_attention, strict=True) if a == wanted for n in b]
        assert flat == sorted(flat, reverse=True)
    assert set(with_attention) == {False, True}
    with_terms = [s for s in record_of(project, "altena-2018-04-oecd-studie").sentences if s.terms]
    assert sum(len(b) for b, a in zip(batches, with_attention, strict=True) if a) == len(with_terms) > 0
