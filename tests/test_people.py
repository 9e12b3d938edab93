"""What people type, as they type it: each case a new user met, run through the CLI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import SEED, record_of, run_cli, valid_xliff
from transflow.project import Project
from transflow.work.memory import Memory

SLUG = SEED.stem
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# ---- 1. glossary writes are validated before anything is written -----------------------------


@pytest.mark.parametrize(
    ("german", "english", "why"),
    [
        ("", "x", "'de' is missing or empty"),
        ("   ", "x", "'de' is missing or empty"),
        ("Rathaus", "   ", "an English rendering is required"),
        ("Bad\x1b[2Jterm", "x", "control characters"),
        ("Glocke\x07", "bell", "control characters"),
        ("Kämmerer", "city\ttreasurer", "control characters (\\x09)"),
        ("Stadt\nrat", "council", "control characters (\\x0a)"),
        ("Rathaus", "x" * 60_000, "longer than 200 characters"),
    ],
    ids=["empty", "blank", "blank-english", "escape", "bell", "tab", "newline", "overlong"],
)
def test_a_glossary_add_the_file_cannot_hold_is_refused_and_nothing_written(
    project: Path, german: str, english: str, why: str
) -> None:
    before = (project / "glossary.yml").read_bytes()
    code, out, err = run_cli("glossary", "add", german, english, "--project", str(project))
    assert code == 2 and err.startswith("error: ") and why in err, err
    assert "added" not in out
    assert not CONTROL.search(out + err.replace("\n", "")), "escape codes are shown, never obeyed"
    assert (project / "glossary.yml").read_bytes() == before
    assert run_cli("glossary", "lint", "--project", str(project))[0] == 0


def test_the_browser_and_tbx_go_through_the_same_validation(project: Path) -> None:
    from transflow.errors import GlossaryError
    from transflow.terms.glossary import GlossaryEntry, add_terms
    from transflow.web.server import add_to_glossary

    before = (project / "glossary.yml").read_bytes()
    for de, en in (("", "x"), ("Ampel", "traffic\x1blight"), ("Ampel", "y" * 60_000)):
        with pytest.raises(GlossaryError):
            add_to_glossary(Project(project), de, en, None)
    with pytest.raises(GlossaryError, match="control characters"):
        add_terms(before.decode(), [GlossaryEntry(de="Ampel\x1b", en="traffic light")])
    assert (project / "glossary.yml").read_bytes() == before


def test_glossary_add_case_sensitive_is_written_and_matched(project: Path) -> None:
    from transflow.terms.glossary import load_glossary

    code, out, err = run_cli(
        "glossary", "add", "AG", "working group", "--case-sensitive", "--project", str(project)
    )
    assert code == 0 and out.strip() == "added AG", err
    entry = next(e for e in load_glossary(project / "glossary.yml").entries if e.de == "AG")
    assert entry.case_sensitive and entry.en == "working group"
    assert "case_sensitive: true" in (project / "glossary.yml").read_text()


def test_glossary_lint_says_one_thing(project: Path) -> None:
    text = (project / "glossary.yml").read_text()
    (project / "glossary.yml").write_text(text.rstrip() + "\n  - de: Kind\n    en: child\n")
    code, out, _ = run_cli("glossary", "lint", "--project", str(project))
    lines = out.strip().splitlines()
    assert code == 0 and "en_plural" in out, out  # "childs" is suggested against
    assert "no problems" not in out
    assert re.fullmatch(r"glossary\.yml: \d+ terms valid; 1 suggestion\(s\) above", lines[-1]), lines[-1]


# ---- 4. commands take what people type ---------------------------------------------------------


def test_translate_takes_an_article_name_as_status_shows_it(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    code, out, err = run_cli("translate", "--force", SLUG, "--project", p)
    assert code == 0 and re.search(rf"{SLUG[:20]}\S*\s+translated", out), (out, err)
    code, out, err = run_cli("translate", "altena", "--project", p)
    assert code == 3 and "error: no article 'altena' in sources/" in err
    assert f"did you mean '{SLUG}'?" in err


def test_translate_still_takes_a_path(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("translate", str(project / "sources" / SEED.name), "--project", str(project))
    assert code == 0 and "1 translated" in out, err


def test_init_makes_the_folder_it_is_given(tmp_path: Path) -> None:
    code, out, err = run_cli("init", str(tmp_path / "press-office"))
    assert code == 0, err
    assert (tmp_path / "press-office" / "sources").is_dir()
    assert (tmp_path / "press-office" / "glossary.yml").is_file()
    assert (tmp_path / "press-office" / "transflow.toml").is_file()
    assert "next: cd " in out
    (tmp_path / "a-file").write_text("x")
    code, _, err = run_cli("init", str(tmp_path / "a-file"))
    assert code == 3 and err.startswith("error: ") and "is a file, not a folder" in err


def test_every_export_has_an_output_option(project: Path, tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    for fmt, name in (("docx", "a.docx"), ("xliff", "a.xlf")):
        target = tmp_path / name
        code, out, err = run_cli("export", fmt, SLUG, "-o", str(target), "--project", p)
        assert code == 0 and target.is_file() and out.strip() == str(target), err
    valid_xliff(tmp_path / "a.xlf")
    import docx

    assert docx.Document(str(tmp_path / "a.docx")).paragraphs


# ---- 5. an unknown article gets the closest names, and help reads well -------------------------


@pytest.mark.parametrize("command", [["export", "xliff"], ["export", "docx"], ["approve"], ["review"]])
def test_an_unknown_article_gets_did_you_mean(project: Path, tiny_model, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    code, _, err = run_cli(*command, "altena", "--project", str(project))
    assert code == 3 and "error: no translated article 'altena'" in err
    assert f"hint: did you mean '{SLUG}'?" in err and "translate` first" not in err


def test_a_name_like_nothing_gets_no_guess(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    code, _, err = run_cli("export", "xliff", "haushalt-2027", "--project", str(project))
    assert code == 3 and "did you mean" not in err and "`transflow status` lists the articles" in err


def test_the_example_in_export_help_works(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    _, out, _ = run_cli("export", "--help")
    example = re.search(r"Example: transflow (export xliff \S+)", out)
    assert example, out
    code, _, err = run_cli(*example.group(1).split(), "--project", str(project))
    assert code == 0, err


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (Typer may bring its own click)
            found += _commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def test_every_help_has_an_example_and_each_example_its_own_line() -> None:
    from transflow.cli import app

    commands = _commands(typer.main.get_command(app))  # type: ignore[arg-type]
    assert len(commands) > 20
    for path in commands:
        code, out, err = run_cli(*path, "--help")
        assert code == 0, (path, err)
        assert "Example: transflow" in out, path
        for line in out.splitlines():
            # An example starts its own line and holds one command.
            assert line.count("Example:") <= 1, (path, line)
            if "Example:" in line:
                assert line.strip().startswith("Example: transflow"), (path, line)


# ---- 3. approval shows what it approves ----------------------------------------------------------


def test_approve_lists_warnings_and_asks_for_force_with_generated_english(
    project: Path, runaway_model
) -> None:  # type: ignore[no-untyped-def]
    """The runaway generated model: English too long, so warnings to list."""
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    code, out, err = run_cli("approve", SLUG, "--project", p)
    assert code == 1 and err.startswith(f"error: {SLUG}: not approved: ")
    assert "must fix: its English comes from the generated test model" in out
    assert "warning(s) open:" in out and re.search(r"^  sentence \d+, (must fix|check|minor): ", out, re.M)
    assert not (project / "output" / SLUG / "approved.json").exists()
    code, out, err = run_cli("approve", SLUG, "--force", "--project", p)
    assert code == 0 and f"approved {SLUG}" in out and "despite: " in out and "generated test model" in out
    memory = Memory.of(Project(project))
    try:
        assert memory.stats()["approved"] == 0  # the generated model's English is not remembered
    finally:
        memory.close()


def test_the_approval_rule_blocks_on_must_fix_and_generated_english_only(
    project: Path, unmarked_model
) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from transflow.checks import Finding
    from transflow.work.workflow import approval_notes, article_state

    assert run_cli("translate", "--project", str(project))[0] == 0
    record = article_state(Project(project), SLUG).record
    assert record is not None
    clean = tuple(replace(s, findings=(), terms=()) for s in record.sentences)
    assert approval_notes(replace(record, sentences=clean)).blockers == ()
    checked = (replace(clean[0], findings=(Finding("numbers", "functional", "extra 12"),)), *clean[1:])
    notes = approval_notes(replace(record, sentences=checked))
    assert notes.blockers == () and notes.warnings == ("sentence 1, check: numbers differ: extra 12",)
    critical = (replace(clean[2], findings=(Finding("untranslated", "critical", "empty"),)),)
    notes = approval_notes(replace(record, sentences=(*clean[:2], *critical, *clean[3:])))
    assert notes.blockers == ("1 must-fix warning(s)",) and notes.warnings[0].startswith(
        "sentence 3, must fix"
    )
    generated = replace(record.signature, generated="tiny")
    notes = approval_notes(replace(record, sentences=clean, signature=generated))
    assert notes.blockers == ("its English comes from the generated test model: it is not a translation",)


# ---- 7. serve stops with its own words -----------------------------------------------------------


def test_ctrl_c_on_serve_says_serve_stopped(project: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "transflow", "serve", "--project", str(project), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.2)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert "stopped serving" in out and "finished articles are kept" not in out + err


# ---- 6. an article whose source is gone can be forgotten --------------------------------------


def test_a_renamed_source_leaves_status_after_forget(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    code, _, err = run_cli("forget", SLUG, "--project", p)
    assert code == 3 and "is still there" in err and (project / "output" / SLUG).is_dir()
    (project / "sources" / SEED.name).rename(project / "sources" / "altena-oecd.txt")
    assert run_cli("translate", "--project", p)[0] == 0
    _, out, _ = run_cli("status", "--project", p)
    assert "source file is gone (`transflow forget` removes the article)" in out
    assert "approve it again" not in out  # nothing to approve: the German is gone
    row = next(line for line in out.splitlines() if line.startswith(("│ altena-2018", "altena-2018")))
    assert "needs attention" in row, row  # not "stale": approving again cannot help
    revisions = sorted(p.name for p in (project / "output" / SLUG / "revisions").iterdir())
    code, out, err = run_cli("forget", SLUG, "--project", p)
    assert code == 0 and f"unpublished {SLUG}" in out and f"forgot {SLUG}" in out, err
    assert not (project / "output" / SLUG).exists()
    assert not (project / "output" / "site" / f"{SLUG}.html").exists()
    (archive,) = (project / "output" / ".transflow" / "archive").iterdir()
    assert archive.name.startswith(SLUG) and str(archive.relative_to(project)) in out
    assert sorted(p.name for p in (archive / "revisions").iterdir()) == revisions
    _, out, _ = run_cli("status", "--project", p)
    assert SLUG not in out and "altena-oecd" in out
    assert SLUG not in (project / "output" / "index.html").read_text()
    code, _, err = run_cli("forget", SLUG, "--project", p)
    assert code == 3 and "no translated article" in err


def test_a_file_name_typed_as_an_article_name_gets_the_name_made_of_it(project: Path) -> None:
    code, _, err = run_cli("approve", "Kümmerer Treffen", "--project", str(project))
    assert code == 2 and "hint: did you mean 'kuemmerer-treffen'?" in err
    code, _, err = run_cli("export", "xliff", "../etc", "--project", str(project))
    assert code == 2 and "did you mean" not in err


@pytest.mark.parametrize(
    "command",
    [["status"], ["publish"], ["review"], ["glossary", "add", "Rathaus", "town hall"], ["doctor"]],
    ids=lambda c: "-".join(c[:2]),
)
def test_a_folder_that_is_no_project_is_one_error_and_nothing_written(
    tmp_path: Path, command: list[str]
) -> None:
    code, _, err = run_cli(*command, "--project", str(tmp_path))
    assert code == 2 and err.startswith(f"error: no transflow project in {tmp_path}")
    assert "hint: make one with `transflow init" in err
    assert list(tmp_path.iterdir()) == []  # no output/, no glossary.yml


# ---- a new user's edits: English never crosses a paragraph break ---------------------------------


def test_words_typed_at_a_paragraphs_start_stay_in_that_paragraph(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """Found in a new user's trial: "All" went into the previous paragraph's sentence."""
    (project / "sources" / SEED.name).unlink()
    (project / "sources" / "a.txt").write_text(
        "Der Eintritt ist frei.\n\nAlle Kümmerer sind willkommen.\n\nBitte melden Sie sich an.\n",
        encoding="utf-8",
    )
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft = project / "output" / "a" / "draft.en.md"
    before = [s.english for s in record_of(project, "a").sentences]
    text = draft.read_text(encoding="utf-8")
    text = text.replace(before[1], "All community liaisons are welcome.")  # a whole sentence rewritten
    text = text.replace(before[2], "Please note: " + before[2])  # words typed at a paragraph's start
    draft.write_text(text, encoding="utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    after = [s.english for s in record_of(project, "a").sentences]
    assert after[0] == before[0]  # untouched, and not marked edited
    assert after[1] == "All community liaisons are welcome."
    assert after[2] == "Please note: " + before[2]
    assert [s.origin for s in record_of(project, "a").sentences] == ["machine", "editor", "editor"]
    assert all("\n\n" not in e for e in after)


# ---- XLIFF that CAT tools take: version 1.2 (issue 27, in part) ----------------------------------


def test_xliff_export_is_version_1_2_and_reads_back_in_translate_toolkit(
    project: Path, tiny_model, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from lxml import etree

    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    first = record_of(project, SLUG).sentences[1].english
    draft.write_text(
        draft.read_text(encoding="utf-8").replace(first, "An editor's sentence."), encoding="utf-8"
    )
    path = tmp_path / "a.xlf"
    assert run_cli("export", "xliff", SLUG, "-o", str(path), "--project", p)[0] == 0
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{urn:oasis:names:tc:xliff:document:1.2}xliff" and root.get("version") == "1.2"
    assert "document:1.1" not in path.read_text(encoding="utf-8")
    store = valid_xliff(path)
    units = store.units
    assert len(units) == len(record_of(project, SLUG).sentences)
    edited = next(u for u in units if u.target == "An editor's sentence.")
    machine = units[0]
    assert edited.get_state_n() == edited.S_TRANSLATED and not edited.isapproved()  # not yet approved
    assert machine.get_state_n() == machine.S_NEEDS_REVIEW  # the machine's, to be reviewed
    assert 'approved="' not in path.read_text(encoding="utf-8")
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("export", "xliff", SLUG, "-o", str(path), "--project", p)[0] == 0
    assert all(u.isapproved() for u in valid_xliff(path).units)
    # And a 1.2 file comes back in: a translator's change is taken.
    store = valid_xliff(path)
    store.units[2].settarget("The translator's English.")
    path.write_bytes(bytes(store))
    code, out, err = run_cli("import", "xliff", str(path), "--slug", SLUG, "--project", p)
    assert code == 0 and "1 sentence(s) changed" in out, err


def test_a_usage_mistake_says_where_the_help_is(project: Path) -> None:
    code, _, err = run_cli("approve", "--project", str(project))
    assert code == 2 and err.splitlines() == [
        "error: Missing argument 'slug'.",
        "hint: `transflow approve --help` shows what it takes, with an example",
    ]
    code, _, err = run_cli("translate", "--forse", "--project", str(project))
    assert code == 2 and "(Possible options: --force)" in err and "`transflow translate --help`" in err


def test_no_translate_with_an_english_is_refused_not_dropped(project: Path) -> None:
    before = (project / "glossary.yml").read_bytes()
    code, out, err = run_cli(
        "glossary", "add", "Lennestraße", "Lenne street", "--no-translate", "--project", str(project)
    )
    assert code == 2 and "takes no English ('Lenne street')" in err and "added" not in out
    assert (project / "glossary.yml").read_bytes() == before
    assert run_cli("glossary", "add", "Lennestraße", "--no-translate", "--project", str(project))[0] == 0
