"""XLIFF 1.2 for CAT tools (issue 27) and interchange that cannot go back in time (issue 25).

Every file exported here is validated against the OASIS XLIFF 1.2 strict schema (conftest.valid_xliff)
and read back with translate-toolkit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import errors, record_of, run_cli, valid_xliff

SLUG = "sommerfest"
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
ARTICLE = """---
title: Sommerfest im Rathaus
---
Das **Sommerfest** beginnt am *Samstag* um 15 Uhr.

Anmeldung unter [Stadt Altena](https://www.altena.de/fest?x=1) oder per E-Mail an info@altena.de.

Fragen an das Bürgerbüro unter 02352 209-0 oder www.altena.de/b. Der Plan steht in `plan-2025.pdf` bereit.
"""


@pytest.fixture
def festival(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    (project / "sources" / "altena-2018-04-oecd-studie.txt").unlink()
    (project / "sources" / f"{SLUG}.md").write_text(ARTICLE, encoding="utf-8")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    return project


def export(project: Path, path: Path, slug: str = SLUG) -> Path:
    code, _, err = run_cli("export", "xliff", slug, "-o", str(path), "--project", str(project))
    assert code == 0, err
    return path


def set_target(path: Path, unit: str, content: str) -> None:
    """Write a unit's target as a CAT tool would: text and inline elements (XLIFF markup)."""
    tree = etree.parse(str(path))
    target = tree.find(f".//x:trans-unit[@id='{unit}']/x:target", NS)
    assert target is not None
    new = etree.fromstring(f'<target xmlns="{NS["x"]}">{content}</target>')
    for child in list(target):
        target.remove(child)
    target.text = new.text
    for child in new:
        target.append(child)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def memory_targets(project: Path) -> dict[str, str]:
    from transflow.project import Project
    from transflow.work.memory import Memory

    memory = Memory.of(Project(project))
    try:
        return {u.target: u.origin for u in memory.units()}
    finally:
        memory.close()


def test_markup_and_protected_spans_are_locked_inline_codes(festival: Path, tmp_path: Path) -> None:
    from transflow import GENERATED_NOTICE

    store = valid_xliff(export(festival, tmp_path / "a.xlf"))
    record = record_of(festival, SLUG)
    assert len(store.units) == len(record.sentences)
    root = etree.parse(str(tmp_path / "a.xlf")).getroot()
    (file,) = root.findall("x:file", NS)
    assert file.get("datatype") == "x-markdown" and file.get("original") == f"{SLUG}.md"
    assert [n.text for n in file.findall("x:header/x:note", NS)] == [GENERATED_NOTICE]

    def codes(unit: str) -> list[tuple[str, str | None, str | None]]:
        source = root.find(f".//x:trans-unit[@id='{unit}']/x:source", NS)
        return [(etree.QName(c).localname, c.get("ctype"), c.text) for c in source]  # type: ignore[union-attr]

    assert codes("p1-s0") == [
        ("bpt", "bold", "**"),
        ("ept", None, "**"),
        ("bpt", "italic", "*"),
        ("ept", None, "*"),
    ]
    assert codes("p2-s0") == [
        ("bpt", "link", "["),
        ("ept", None, "](https://www.altena.de/fest?x=1)"),
        ("ph", "x-email", "info@altena.de"),
    ]
    assert codes("p3-s0") == [
        ("ph", "x-phone", "02352 209-0"),
        ("ph", "x-url", "www.altena.de/b"),
    ]
    assert codes("p3-s1") == [("ph", "x-code", "`plan-2025.pdf`")]
    # translate-toolkit reads units, states and notes back, the file's note included.
    header = store.getheadernode(store.getfilenode(f"{SLUG}.md"))
    assert [n.text for n in header.iterchildren(store.namespaced("note"))] == [GENERATED_NOTICE]
    assert all(u.get_state_n() == u.S_NEEDS_REVIEW for u in store.units)  # the machine's: to be reviewed
    assert "protected-moved" in store.units[2].getnotes("transflow")
    # The file's German is the article's German, exactly: an unchanged file changes nothing.
    code, out, err = run_cli(
        "import", "xliff", str(tmp_path / "a.xlf"), "--slug", SLUG, "--project", str(festival)
    )
    assert code == 0 and out == f"{SLUG}: 0 sentence(s) changed\n" and err == "", err


def test_a_target_that_breaks_a_code_is_refused_unit_by_unit(festival: Path, tmp_path: Path) -> None:
    p = str(festival)
    path = export(festival, tmp_path / "a.xlf")
    before = {s.source: s.english for s in record_of(festival, SLUG).sentences}
    good = (  # <bx/> and <ex/> (paired by rid) are what some CAT tools write for a pair
        'The <bx id="7" rid="1"/>summer party<ex id="8" rid="1"/> starts on'
        ' <bpt id="2" ctype="italic">*</bpt>Saturday<ept id="2">*</ept> at 3 pm.'
    )
    set_target(path, "p1-s0", good)
    # An unclosed link and a dropped e-mail address; a dropped phone number.
    set_target(path, "p2-s0", 'Register at <bpt id="1" ctype="link">[</bpt>Town of Altena by mail.')
    set_target(path, "p3-s0", "The citizens' office answers questions.")
    # A changed placeholder: the German's code is put back, not what the file says.
    set_target(path, "p3-s1", 'The plan is ready in <ph id="1">`evil.pdf`</ph>.')
    code, out, err = run_cli("import", "xliff", str(path), "--slug", SLUG, "--project", p)
    assert code == 0, err
    assert out == f"{SLUG}: 2 sentence(s) changed\n"
    assert err.splitlines() == [
        "warning: unit p2-s0: the pair 1 ([) left open; not taken",
        "warning: unit p3-s0: inline code 1 (02352 209-0) missing; not taken",
    ]
    after = {s.source: s.english for s in record_of(festival, SLUG).sentences}
    german = list(after)
    assert after[german[1]] == "The **summer party** starts on *Saturday* at 3 pm."
    assert after[german[4]] == "The plan is ready in `plan-2025.pdf`."
    assert after[german[2]] == before[german[2]] and after[german[3]] == before[german[3]]
    stored = memory_targets(festival)
    assert stored["The **summer party** starts on *Saturday* at 3 pm."] == "editor"
    assert not any("Register at" in t or "answers questions" in t for t in stored)
    # Exported again, the English's codes carry the German's ids.
    valid_xliff(export(festival, path))
    text = path.read_text(encoding="utf-8")
    assert re.search(r'<target state="translated">The <bpt id="1" ctype="bold">\*\*</bpt>summer party', text)


def test_a_code_means_what_the_german_code_of_its_id_means(festival: Path, tmp_path: Path) -> None:
    path = export(festival, tmp_path / "a.xlf")
    set_target(
        path, "p3-s0", 'Call <x id="1"/> or see <x id="2"/>.'
    )  # what some CAT tools write for a placeholder
    set_target(
        path,
        "p2-s0",
        'Register at <bpt id="1">[</bpt>Altena<ept id="1">](https://evil.example)</ept>'
        ' or <ph id="2">mailto:x@evil.example</ph>.',
    )
    code, out, err = run_cli("import", "xliff", str(path), "--slug", SLUG, "--project", str(festival))
    assert code == 0 and out == f"{SLUG}: 2 sentence(s) changed\n" and err == "", err
    english = [s.english for s in record_of(festival, SLUG).sentences]
    assert english[2] == "Register at [Altena](https://www.altena.de/fest?x=1) or info@altena.de."
    assert english[3] == "Call 02352 209-0 or see www.altena.de/b."


def test_a_code_twice_or_crossed_pairs_are_refused(festival: Path, tmp_path: Path) -> None:
    path = export(festival, tmp_path / "a.xlf")
    set_target(
        path,
        "p1-s0",
        'The <bpt id="1">**</bpt>summer <bpt id="2">*</bpt>party<ept id="1">**</ept>'
        ' Saturday<ept id="2">*</ept>.',
    )
    set_target(path, "p3-s1", 'The plan <ph id="1">x</ph> is in <ph id="1">y</ph>.')
    set_target(
        path, "p2-s0", 'Register <ept id="1">](x)</ept>here<bpt id="1">[</bpt>: <ph id="2">a@b.de</ph>.'
    )
    code, out, err = run_cli("import", "xliff", str(path), "--slug", SLUG, "--project", str(festival))
    assert code == 0 and out == f"{SLUG}: 0 sentence(s) changed\n", err
    assert err.splitlines() == [
        "warning: unit p1-s0: the pair 1 (**) closed where it was not opened last; not taken",
        "warning: unit p2-s0: the pair 1 (](https://www.altena.de/fest?x=1)) closed where it was not"
        " opened last; not taken",
        "warning: unit p3-s1: inline code 1 (`plan-2025.pdf`) twice; not taken",
    ]


def test_states_in_translate_toolkit_and_approval(festival: Path, tmp_path: Path) -> None:
    p = str(festival)
    draft = festival / "output" / SLUG / "draft.en.md"
    machine = record_of(festival, SLUG).sentences[3].english
    assert machine in draft.read_text(encoding="utf-8")
    draft.write_text(
        draft.read_text(encoding="utf-8").replace(machine, "Questions: 02352 209-0."), encoding="utf-8"
    )
    store = valid_xliff(export(festival, tmp_path / "a.xlf"))
    edited = store.units[3]
    assert edited.get_state_n() == edited.S_TRANSLATED and not edited.isapproved()
    assert edited.xmlelement.find("x:target", NS).get("state") == "translated"
    assert store.units[0].get_state_n() == store.units[0].S_NEEDS_REVIEW
    assert 'approved="' not in (tmp_path / "a.xlf").read_text(encoding="utf-8")
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    store = valid_xliff(export(festival, tmp_path / "a.xlf"))
    assert all(u.isapproved() and u.get_state_n() > u.S_TRANSLATED for u in store.units)
    assert {u.xmlelement.find("x:target", NS).get("state") for u in store.units} == {"final"}


def test_an_old_export_cannot_undo_later_edits(short_article: Path, tmp_path: Path) -> None:
    """Issue 25: export, the editor edits two sentences, the old file comes back."""
    p = str(short_article)
    slug = "altena-2018-04-oecd-studie"
    path = tmp_path / "old.xlf"
    assert run_cli("export", "xliff", slug, "-o", str(path), "--project", p)[0] == 0
    valid_xliff(path)
    assert 'datatype="plaintext"' in path.read_text(encoding="utf-8")  # a .txt article
    machine = [s.english for s in record_of(short_article, slug).sentences]
    assert len(machine) == 3
    draft = short_article / "output" / slug / "draft.en.md"
    text = draft.read_text(encoding="utf-8")
    for old, new in zip(machine[:2], ("The council meets.", "The liaisons help."), strict=True):
        assert old in text
        text = text.replace(old, new)
    draft.write_text(text, encoding="utf-8")
    # The translator changed the second unit (on the old English) and the third.
    store = valid_xliff(path)
    store.units[1].settarget("The translator's liaisons.")
    store.units[2].settarget("Volunteering carries the town.")
    path.write_bytes(bytes(store))
    code, out, err = run_cli("import", "xliff", str(path), "--slug", slug, "--project", p)
    assert code == 0, err
    assert out == f"{slug}: 1 sentence(s) changed\n"
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: unit p0-s0: the English changed since this file was exported; not taken:"
        f" now 'The council meets.', in the file {machine[0]!r}",
        "warning: unit p0-s1: the English changed since this file was exported; not taken:"
        " now 'The liaisons help.', in the file \"The translator's liaisons.\"",
    ]
    assert "2 conflict(s)" in err and not errors(err)
    record = record_of(short_article, slug)
    assert [s.english for s in record.sentences] == [
        "The council meets.",
        "The liaisons help.",
        "Volunteering carries the town.",
    ]
    assert [s.origin for s in record.sentences] == ["editor", "editor", "imported"]
    stored = memory_targets(short_article)
    assert all(stored.get(m) in (None, "machine") for m in machine[:2])  # no machine English as editor work
    assert "The translator's liaisons." not in stored
    assert stored["Volunteering carries the town."] == "editor"


MARKDOWN = ["Das ", "**", "*", "_", "`", "[", "]", "(", ")", "\\", " ", "ä", "&", "<", "⟦0⟧", "15 ", "."]
SPANS = ["https://www.altena.de/a?b=1", "info@altena.de", "02352 209-0", "[Rat](https://r.de)", "`a.pdf`"]
PARTS = st.sampled_from([*MARKDOWN, *SPANS])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(german=st.lists(PARTS, max_size=12).map("".join), english=st.lists(PARTS, max_size=12).map("".join))
def test_any_sentence_survives_the_trip_through_inline_codes(german: str, english: str) -> None:
    """Whatever the Markdown, the codes give it back exactly, through XLIFF's XML and back."""
    from transflow.actions.xliffcodes import markdown_of, pieces, read_content, target_pieces, write_content

    source = pieces(german)
    assert markdown_of(source) == german
    target = target_pieces(english, source)
    assert markdown_of(target) == english
    for found, text in ((source, german), (target, english)):
        element = etree.Element(f"{{{NS['x']}}}source")
        write_content(element, found)
        again = etree.fromstring(etree.tostring(element))
        assert markdown_of(read_content(again)) == text
    # The English's codes that stand for the German's keep the German's content when read against it.
    element = etree.Element(f"{{{NS['x']}}}target")
    write_content(element, target)
    try:
        assert markdown_of(read_content(element, source)) == english
    except Exception as e:  # only a code of the German that the English lacks may be reported
        assert "missing" in str(e), e


def test_the_structured_articles_export_valid_and_come_back_unchanged(
    project: Path, tiny_model, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fixtures = Path(__file__).parent / "fixtures" / "structured"
    for source in fixtures.glob("*.md"):
        (project / "sources" / source.name).write_bytes(source.read_bytes())
    assert run_cli("translate", "--project", str(project))[0] == 0
    codes = 0
    for source in sorted(fixtures.glob("*.md")):
        slug = source.stem
        path = export(project, tmp_path / f"{slug}.xlf", slug)
        store = valid_xliff(path)
        assert len(store.units) == len(record_of(project, slug).sentences)
        codes += len(etree.parse(str(path)).findall(".//x:source/*", NS))
        code, out, err = run_cli("import", "xliff", str(path), "--slug", slug, "--project", str(project))
        assert code == 0 and out == f"{slug}: 0 sentence(s) changed\n" and err == "", err
    assert codes >= 20, codes  # links, bold, addresses, phone numbers and code of the fixtures
