"""glossary.yml at scale: one parse and one write per command, edits that touch only their own lines,
and hostile files that still give one line per problem."""

from pathlib import Path

import pytest

from conftest import ROOT, run_cli, valid_tbx
from transflow.errors import GlossaryError
from transflow.terms import glossary as glossary_module
from transflow.terms import glossarycache, yamlnodes
from transflow.terms.glossary import GlossaryEntry, add_term, add_terms, load_glossary, remove_term, validate

SHIPPED = (ROOT / "glossary.yml").read_text(encoding="utf-8")


def many(n: int, start: int = 0) -> list[GlossaryEntry]:
    return [GlossaryEntry(de=f"Begriff{k}", en=f"term {k}") for k in range(start, start + n)]


def count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_add_terms_appends_every_term_and_leaves_the_rest_of_the_file_alone() -> None:
    text = add_terms(SHIPPED, many(500))
    assert text.startswith(SHIPPED)
    entries, problems = validate(text)
    assert not problems and len(entries) == 13 + 500
    assert entries[-1] == GlossaryEntry(de="Begriff499", en="term 499", line=entries[-1].line)


def test_new_items_follow_the_lists_indentation_and_odd_layouts_still_work() -> None:
    indentless = "terms:\n- de: Rat\n  en: council\n"
    assert add_term(indentless, "Amt", "office") == indentless + "- de: Amt\n  en: office\n"
    for text in ("", "terms: [{de: Rat, en: council}]\n", "# only a comment\n"):
        entries, problems = validate(add_term(text, "Amt", "office", forms=("Ämter",)))
        assert not problems and entries[-1].forms == ("Ämter",), text


def test_values_are_read_as_yaml_1_2_like_before() -> None:
    entries, problems = validate("terms:\n  - de: Nein\n    en: no\n    forms: [yes, 'on']\n")
    assert not problems and (entries[0].en, entries[0].forms) == ("no", ("yes", "on"))
    assert (
        "line 2: 'translate' must be true or false"
        in validate("terms:\n  - de: Rat\n    en: council\n    translate: no\n")[1]
    )
    text = add_term(SHIPPED, "no", "0o17", forms=("a: b", "#1"))
    assert validate(text)[0][-1].en == "0o17" and validate(text)[0][-1].forms == ("a: b", "#1")


def test_remove_cuts_the_terms_lines_and_the_comments_after_it() -> None:
    text = (
        "# head\nterms:\n  # people\n  - de: Rat\n    en: council\n  # about Amt follows\n"
        "  - de: Amt\n    en: office\n  - de: Stadt\n    en: town\n"
    )
    assert remove_term(text, "rat") == (
        "# head\nterms:\n  # people\n  - de: Amt\n    en: office\n  - de: Stadt\n    en: town\n"
    )
    assert remove_term(text, "Stadt") == text.replace("  - de: Stadt\n    en: town\n", "")
    assert validate(remove_term("terms:\n  - de: Rat\n    en: council\n", "Rat"))[1] == []


def test_glossary_add_parses_once_and_writes_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "glossary.yml").write_text(add_terms(SHIPPED, many(2_000)), encoding="utf-8")
    parses = count_calls(monkeypatch, yamlnodes, "parse")
    code, _, err = run_cli("glossary", "add", "Feuerwehr", "fire brigade", "--project", str(project))
    assert code == 0, err
    assert len(parses) == 1
    assert load_glossary(project / "glossary.yml").entries[-1].de == "Feuerwehr"


def test_tbx_import_parses_the_glossary_twice_and_writes_it_once_for_any_number_of_terms(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from translate.storage import tbx

    from transflow.actions import interchange

    store = tbx.tbxfile(sourcelanguage="de", targetlanguage="en")
    for entry in many(300):
        store.addsourceunit(entry.de).settarget(entry.en)
    path = tmp_path / "terms.tbx"
    path.write_bytes(bytes(store))
    parses = count_calls(monkeypatch, yamlnodes, "parse")
    writes = count_calls(monkeypatch, interchange, "atomic_write")
    code, out, err = run_cli("glossary", "import", "tbx", str(path), "--project", str(project))
    assert code == 0, err
    assert out.startswith("added 300 term(s): Begriff0, Begriff1")
    assert (len(parses), len(writes)) == (2, 1)  # the glossary as it was, and the result checked
    assert len(load_glossary(project / "glossary.yml").entries) == 13 + 300


def test_hostile_glossaries_give_one_line_per_problem() -> None:
    text = (
        f'terms:\n  - de: {"A" * 200_000}\n    en: x\n  - de: Rat\n    en: "coun\\x01cil"\n'
        "  - de: Amt\n    en: office\n  - de: amt\n    en: bureau\n  - de: AMT\n    en: office\n"
    )
    assert validate(text)[1] == [
        "line 2: 'de' is longer than 200 characters",
        "line 5: 'en' contains control characters (\\x01)",
        "line 8: conflicting renderings for term 'amt' (also on line 6: 'office')",
        "line 10: duplicate term 'AMT' (also on line 6: 'office')",
    ]


def test_a_yaml_error_at_the_end_of_20000_terms_is_one_problem_with_its_line() -> None:
    text = (
        add_terms("terms:\n  - de: Rat\n    en: council\n", many(20_000))
        + "  - de: Kaputt\n    en: [broken\n"
    )
    with pytest.raises(GlossaryError) as caught:
        validate(text)
    assert caught.value.problems == [
        "line 40006: did not find expected ',' or ']'"
        " (while parsing a flow sequence that starts on line 40005)"
    ]


def test_a_project_that_has_run_keeps_the_parse_and_adds_without_parsing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = project / "glossary.yml"
    path.write_text(add_terms(SHIPPED, many(1_000)), encoding="utf-8")
    load_glossary(path)
    assert not (project / "output").exists()  # loading never makes a project's output
    (project / "output" / ".transflow").mkdir(parents=True)
    glossary_module._PARSED.clear()  # each command is a new process
    assert run_cli("glossary", "lint", "--project", str(project))[0] == 0  # parses, keeps the parse
    parses = count_calls(monkeypatch, yamlnodes, "parse")
    for de in ("Feuerwehr", "Bürgerbüro"):
        code, _, err = run_cli(
            "glossary", "add", de, "fire brigade", "--form", f"{de}s", "--project", str(project)
        )
        assert code == 0, err
    code, _, err = run_cli("glossary", "add", "feuerwehr", "fire service", "--project", str(project))
    assert code == 2 and "already in the glossary" in err
    assert len(parses) == 2  # each new item read back alone, never the glossary
    kept = load_glossary(path).entries
    glossary_module._PARSED.clear()
    monkeypatch.setattr(glossarycache, "read", lambda *args: None)
    assert load_glossary(path).entries == kept  # the kept parse is the parse, lines included
    assert kept[-1].de == "Bürgerbüro" and kept[-1].forms == ("Bürgerbüros",)


def test_an_edited_or_invalid_glossary_is_parsed_again(project: Path) -> None:
    path = project / "glossary.yml"
    (project / "output" / ".transflow").mkdir(parents=True)
    load_glossary(path)
    path.write_text(path.read_text() + "  - de: Rat\n    en: ''\n", encoding="utf-8")
    code, _, err = run_cli("glossary", "add", "Amt", "office", "--project", str(project))
    assert code == 2 and "line 53: 'en' is missing or empty for 'Rat'" in err


def test_every_glossary_write_waits_for_a_run_under_the_lock(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.project import Project, run_lock

    monkeypatch.setattr(glossary_module, "GLOSSARY_WAIT_SECONDS", 0.3)
    path = project / "glossary.yml"
    before = path.read_bytes()
    tbx = project / "t.tbx"
    assert run_cli("glossary", "export", "tbx", "-o", str(tbx), "--project", str(project))[0] == 0
    valid_tbx(tbx)
    with run_lock(Project(project)):  # a translate run holds it
        for command in (
            ("glossary", "add", "Ampel", "traffic light"),
            ("glossary", "remove", "Kümmerer"),
            ("glossary", "import", "tbx", str(tbx)),
        ):
            code, _, err = run_cli(*command, "--project", str(project))
            assert code != 0 and "another transflow run" in err, (command, err)
    assert path.read_bytes() == before
    assert run_cli("glossary", "add", "Ampel", "traffic light", "--project", str(project))[0] == 0
