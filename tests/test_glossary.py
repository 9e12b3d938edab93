from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from transflow.errors import GlossaryError
from transflow.terms.glossary import add_term, load_glossary, remove_term, validate


def problems(text: str) -> list[str]:
    try:
        return validate(text)[1]
    except GlossaryError as e:
        return e.problems


def test_shipped_glossary_is_valid() -> None:
    glossary = load_glossary(ROOT / "glossary.yml")
    by_de = {e.de: e for e in glossary.entries}
    assert {"Kümmerer", "Ehrenamt", "Hauptamt", "Stellwerk", "Märkischer Kreis"} <= set(by_de)
    assert by_de["Stellwerk"].translate is False and by_de["Stellwerk"].en == "Stellwerk"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terms:\n  - de: A\n    en: [b\n", "flow sequence that starts on line 3"),
        ("terms:\n  - de: Rat\n    en: council\n    en: board\n", "line 4: found duplicate key"),
        (
            "terms:\n  - de: Rat\n    en: council\n  - de: rat\n    en: board\n",
            "line 4: conflicting renderings",
        ),
        (
            "terms:\n  - de: Rat\n    en: council\n  - de: Rat\n    en: council\n",
            "line 4: duplicate term 'Rat'",
        ),
        ("terms:\n  - de: Rat\n    en: ''\n", "line 2: 'en' is missing or empty for 'Rat'"),
        ("terms:\n  - de: Rat\n    en: council\n    colour: red\n", "line 2: unknown key 'colour'"),
        (
            "terms:\n  - de: Rat\n    en: council\n    translate: maybe\n",
            "line 2: 'translate' must be true or false",
        ),
        ("terms:\n  - Rat\n", "line 2: each term must be a mapping"),
        ("words:\n  - de: Rat\n", "line 1: unknown top-level key 'words'"),
    ],
    ids=[
        "syntax",
        "duplicate-key",
        "conflict",
        "duplicate",
        "empty",
        "unknown-key",
        "type",
        "not-mapping",
        "top",
    ],
)
def test_schema_problems_name_their_line(text: str, expected: str) -> None:
    assert any(expected in p for p in problems(text)), problems(text)


def test_invalid_glossary_stops_translate_before_work(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "glossary.yml").write_text("terms:\n  - de: Rat\n    en: ''\n")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 2
    assert err.startswith("error: glossary.yml: line 2: 'en' is missing")
    assert not (project / "output").exists()


def test_lint_lists_every_problem(project: Path) -> None:
    (project / "glossary.yml").write_text("terms:\n  - de: Rat\n    en: ''\n  - de: Amt\n    farbe: x\n")
    code, _, err = run_cli("glossary", "lint", "--project", str(project))
    assert code == 1
    assert "glossary.yml: line 2:" in err and "glossary.yml: line 4: unknown key 'farbe'" in err


def test_add_then_remove_gives_back_the_file_byte_for_byte() -> None:
    original = (ROOT / "glossary.yml").read_text(encoding="utf-8")
    added = add_term(original, "Rathaus", "town hall", note="the building")
    assert (
        "# transflow glossary" in added
        and "  - de: Rathaus\n    en: town hall\n    note: the building\n" in added
    )
    assert remove_term(added, "Rathaus") == original


def test_add_remove_through_the_cli_keeps_comments(project: Path) -> None:
    path = project / "glossary.yml"
    before = path.read_bytes()
    assert run_cli("glossary", "add", "Feuerwehr", "fire brigade", "--project", str(project))[0] == 0
    assert run_cli("glossary", "add", "Kulturbahnhof", "--no-translate", "--project", str(project))[0] == 0
    entries = {e.de: e for e in load_glossary(path).entries}
    assert entries["Feuerwehr"].en == "fire brigade" and not entries["Kulturbahnhof"].translate
    code, _, err = run_cli("glossary", "add", "Feuerwehr", "fire service", "--project", str(project))
    assert code == 2 and "already in the glossary" in err
    run_cli("glossary", "remove", "Kulturbahnhof", "--project", str(project))
    run_cli("glossary", "remove", "Feuerwehr", "--project", str(project))
    assert path.read_bytes() == before


def test_list_shows_terms(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli("glossary", "list", "--project", str(project))
    assert code == 0 and "community liaison" in out and "Stellwerk (not translated)" in out


def test_lint_suggests_en_plural_where_the_generated_plural_looks_wrong(project: Path) -> None:
    (project / "glossary.yml").write_text(
        "terms:\n  - de: Unterbringung\n    en: decentralised housing\n"
        "  - de: Verwaltungschef\n    en: head of administration\n"
        "  - de: Hauptamt\n    en: paid staff\n"
        "  - de: Wohnraum\n    en: social housing\n    en_plural: social housing\n"
    )
    code, out, _ = run_cli("glossary", "lint", "--project", str(project))
    assert code == 0
    assert "glossary.yml: line 2: 'decentralised housing' would become 'decentralised housings'" in out
    for fine in ("head of administration", "paid staff", "social housing"):
        assert fine not in out


@pytest.mark.parametrize("text", ["? [[]]\n", "? [a]\n: 1\nterms: []\n", "? {a: 1}\n: 1\n"])
def test_a_list_or_mapping_as_a_top_level_key_is_one_problem(text: str) -> None:
    """Found by hypothesis: a YAML key that is a list made `translate` exit 70 (unhashable)."""
    entries, problems = validate(text)
    assert entries == () and problems == ["line 1: not a glossary: keys must be plain words"]
