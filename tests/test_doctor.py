"""`transflow doctor`: damaged and left-over files are found, and repaired without losing editors' work."""

from __future__ import annotations

from pathlib import Path

from conftest import record_of, run_cli
from test_workflow import SLUG, edit_sentence, translate
from transflow.project import Project
from transflow.work.memory import Memory


def test_a_healthy_project_needs_nothing(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    translate(project)
    code, out, _ = run_cli("doctor", "--project", str(project))
    assert code == 0 and "nothing to repair" in out


def test_damage_is_listed_then_repaired_and_the_memory_rebuilt(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    translate(project)
    edit_sentence(project, 0, "EDITOR words kept.")
    translate(project)
    folder = project / "output" / SLUG
    revision = sorted((folder / "revisions").glob("*.json"))[0]
    revision.write_text("{ broken")
    (folder / ".draft.en.md.abc.tmp").write_text("half")
    memory = project / "output" / ".transflow" / "memory.sqlite"
    memory.write_bytes(b"not a database" * 100)
    code, out, err = run_cli("doctor", "--project", p)
    assert code == 1 and "3 problem(s)" in err, (out, err)
    assert "not a readable revision" in out and "temporary file" in out and "memory is damaged" in out
    code, out, err = run_cli("doctor", "--repair", "--project", p)
    assert code == 0, err
    assert "rebuilt it with 1 sentence(s)" in out
    assert not revision.exists() and list(folder.glob("revisions/*.damaged-*"))
    assert run_cli("doctor", "--project", p)[0] == 0
    stored = Memory.of(Project(project))
    assert ("EDITOR words kept." in {u.target for u in stored.units()}) and stored.damaged is None
    stored.close()
    assert record_of(project, SLUG).sentences[0].english == "EDITOR words kept."


def test_a_damaged_memory_during_translate_is_rebuilt_from_the_records(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    translate(project)
    edit_sentence(project, 0, "EDITOR sentence.")
    translate(project)
    (project / "output" / ".transflow" / "memory.sqlite").write_bytes(b"garbage" * 200)
    (project / "sources" / f"{SLUG}.txt").write_text(
        (project / "sources" / f"{SLUG}.txt").read_text() + "\nNeuer Absatz.\n"
    )
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0 and "translation memory is damaged" in err
    memory = Memory.of(Project(project))
    assert "EDITOR sentence." in {u.target for u in memory.units()}
    memory.close()


def test_xliff_in_other_languages_is_refused(project: Path, tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from translate.storage import xliff

    translate(project)
    store = xliff.xlifffile(sourcelanguage="fr", targetlanguage="ja")
    store.addsourceunit("Bonjour").settarget("こんにちは")
    path = tmp_path / f"{SLUG}.xlf"
    path.write_bytes(bytes(store))
    code, _, err = run_cli("import", "xliff", str(path), "--project", str(project))
    assert code == 3 and err.startswith(f"error: {SLUG}.xlf: a fr→ja file"), err
