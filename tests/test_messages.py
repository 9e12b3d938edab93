"""The CLI's summary lines, word for word: what they count must be what they say."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import SEED, record_of, run_cli
from transflow import __version__

SLUG = SEED.stem


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def test_translate_counts_translated_unchanged_and_skipped(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    code, out, err = run_cli("translate", "--project", p)
    assert code == 0, err
    assert lines(out)[-1] == "1 translated, 0 unchanged, 0 skipped"
    (project / "sources" / "leer.txt").write_text("   \n")
    code, out, err = run_cli("translate", "--project", p)
    assert code == 3  # the empty file is refused, the seed is simply unchanged
    assert lines(out)[-1] == "0 translated, 1 unchanged, 1 skipped"
    assert "not translated" not in out


def test_editors_corrections_count_agrees_with_memory_stats(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    # Counted as `memory stats` counts editor units (an identical pair stored before is not new).
    draft.write_text(draft.read_text() + "\nEditor's sentence.\n")
    code, out, err = run_cli("translate", "--force", "--project", p)
    assert code == 0, err
    assert "1 sentence(s) edited in drafts taken in; 1 new editor unit(s) in the translation memory" in lines(
        out
    )
    code, out, _ = run_cli("memory", "stats", "--project", p)
    assert code == 0
    stats = lines(out)
    assert re.fullmatch(r"units: \d+ \(\d+ machine, 1 editor, 0 approved\)", stats[0]), stats
    assert stats[1].startswith("distinct German sentences: ") and stats[2] == "articles: 1"
    total, *parts = (int(n) for n in re.findall(r"\d+", stats[0]))
    assert total == sum(parts)  # the counts add up


def test_glossary_errors_hint_at_what_helps(project: Path) -> None:
    p = str(project)
    assert run_cli("glossary", "add", "Kita", "day-care centre", "--project", p)[0] == 0
    code, _, err = run_cli("glossary", "add", "Kita", "nursery", "--project", p)
    assert code == 2
    assert lines(err) == [
        "error: glossary.yml: 'Kita' is already in the glossary",
        "hint: see it with `transflow glossary list`; to change it, edit glossary.yml"
        " or `transflow glossary remove` it first",
    ]
    code, _, err = run_cli("glossary", "remove", "Nichtda", "--project", p)
    assert lines(err)[1] == "hint: see every term with `transflow glossary list`"


def test_glossary_add_takes_plural_and_forms(project: Path) -> None:
    from transflow.terms.glossary import load_glossary

    p = str(project)
    code, out, err = run_cli(
        "glossary", "add", "Kita", "day-care centre", "--plural", "day-care centres",
        "--form", "Kitas", "--form", "Kindertagesstätte", "--project", p,
    )  # fmt: skip
    assert code == 0, err
    assert lines(out) == ["added Kita"]
    entry = next(e for e in load_glossary(project / "glossary.yml").entries if e.de == "Kita")
    assert entry.en_plural == "day-care centres"
    assert {"Kitas", "Kindertagesstätte"} <= set(entry.forms)


def test_version() -> None:
    assert run_cli("--version") == (0, f"transflow {__version__}\n", "")


def test_review_open_without_a_browser_says_where_the_page_is(
    project: Path, tiny_model, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import webbrowser

    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    code, out, err = run_cli("review", SLUG, "--open", "--project", p)
    assert code == 0
    page = lines(out)[0]
    assert lines(err) == [f"no browser could be opened: open {page} yourself"]


def test_slugs_stay_whole_at_80_columns(project: Path, tiny_model, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    long = "stadtrat-integrationskonzept-2024-05-neu"
    (project / "sources" / f"{long}.txt").write_text("Der Rat tagt.\n")
    p = str(project)
    code, out, err = run_cli("translate", "--project", p)
    assert code == 0, err
    assert long in out and all(len(line) <= 80 or long in line for line in out.splitlines())
    code, out, _ = run_cli("status", "--project", p)
    assert code == 0 and long in out
    assert os.environ["COLUMNS"] == "80"


def test_glossary_list_keeps_german_terms_whole_at_80_columns(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    term = "Integrationsarbeitsgemeinschaft"
    p = str(project)
    note = "a long note for editors that explains where and when this term is used in the town"
    added = run_cli("glossary", "add", term, "integration working group", "--note", note, "--project", p)
    assert added[0] == 0
    code, out, _ = run_cli("glossary", "list", "--project", p)
    assert code == 0 and term in out


def test_make_demo_offline_prints_no_error_line() -> None:
    """The index's `error:` goes to a log when the demo falls back to the generated model."""
    from conftest import ROOT

    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    install = "|| $(BIN)/transflow model install"
    first_try = next(line for line in recipe.splitlines() if line.strip().startswith(install))
    assert "2>output/.model-install.log" in first_try
    assert "mkdir -p output" in recipe and "details: output/.model-install.log" in recipe


def test_an_edited_article_whose_german_changed_says_so(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    from transflow.project import Project
    from transflow.work.workflow import article_state

    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    draft.write_text(draft.read_text() + "\nEditor's sentence.\n")
    source = project / "sources" / SEED.name
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    assert run_cli("translate", "--project", p)[0] == 0
    state = article_state(Project(project), SLUG)
    assert state.state == "edited"
    assert state.reasons == (
        "its German changed since revision 1: 1 sentence(s) have new German and the machine's English:"
        " check them",
    )
    code, out, _ = run_cli("status", "--project", p)
    assert code == 0
    row = next(line for line in lines(out) if line.startswith(f"│ {SLUG}"))
    assert row.split("│")[3].strip() == "edited *"
    assert lines(out)[-1] == (
        f"* {SLUG}: its German changed since revision 1: 1 sentence(s) have new German and the"
        " machine's English: check them"
    )
    index = (project / "output" / "index.html").read_text()
    assert "its German changed since revision 1" in index  # shown on the index, not only on hover
    # Once an editor has written that sentence's English, the article is simply edited again.
    text = draft.read_text()
    english = next(s for s in record_of(project, SLUG).sentences if "durfte" in s.source).english
    draft.write_text(text.replace(english, "He was allowed to present in Paris."))
    state = article_state(Project(project), SLUG)
    assert (state.state, state.reasons) == ("edited", ())


def test_the_index_and_review_page_say_published_after_publish(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    status = 'class="status status-published">published</span>'
    assert status in (project / "output" / "index.html").read_text()
    assert "status: published" in (project / "output" / SLUG / "review.html").read_text()
    assert run_cli("unpublish", SLUG, "--project", p)[0] == 0
    assert 'class="status status-approved">approved</span>' in (project / "output" / "index.html").read_text()
    assert "status: approved" in (project / "output" / SLUG / "review.html").read_text()
