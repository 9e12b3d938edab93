"""The editors' loop on the seed, end to end; XLIFF, TBX and TMX round trips."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import record_of, run_cli, valid_tbx, valid_xliff
from transflow.mt.engine import Engine
from transflow.pages.review import build_review_page
from transflow.project import Project
from transflow.work.memory import Memory
from transflow.work.record import Sentence

SLUG = "altena-2018-04-oecd-studie"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def engine_sentences(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sentences each translate run sent to the engine."""
    counts: list[int] = []
    real = Engine.translate

    def counting(self, sentences, progress=None, attention=None):  # type: ignore[no-untyped-def]
        counts.append(len(sentences))
        return real(self, sentences, progress, attention)

    monkeypatch.setattr(Engine, "translate", counting)
    return counts


def segments(project: Path) -> list[Sentence]:
    return list(record_of(project, SLUG).sentences)


def test_the_whole_loop_on_the_seed(project: Path, tiny_model, engine_sentences: list[int]) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    assert engine_sentences == [18]
    draft = project / "output" / SLUG / "draft.en.md"
    # The editor rewrites the first sentence (keeping the glossary's term).
    first = segments(project)[0].english
    edited = "Stefan Kemper, deputy to the head of administration, is fresh back from France."
    draft.write_text(draft.read_text().replace(first, edited))
    # The press office changes one German sentence.
    source = project / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    assert engine_sentences == [18, 1]  # only the changed sentence was translated again
    assert edited in draft.read_text()  # the editor's sentence survived
    record = segments(project)
    assert record[0].origin == "editor" and record[0].english == edited
    assert [s.origin for s in record].count("machine") == 17
    page = build_review_page(Project(project), SLUG)
    rows = {r.number: r for rows in page.paragraphs for r in rows}
    assert rows[1].diff and rows[1].diff_label == "editor's changes to the machine draft"
    assert rows[2].diff and rows[2].diff_label.startswith("changes since revision")
    # Approve, publish: the site and the feed carry the editor's text. The generated model's
    # English needs --force, and only the editor's sentence becomes an approved unit.
    code, out, err = run_cli("approve", SLUG, "--project", p)
    assert code == 1 and "must fix: its English comes from the generated test model" in out, err
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    code, out, _ = run_cli("publish", "--project", p)
    assert code == 0 and "published 1 article" in out
    site = project / "output" / "site"
    assert edited in (site / f"{SLUG}.html").read_text()
    feed = ET.parse(site / "feed.xml").getroot()
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None and edited in (entry.findtext(f"{ATOM}content") or "")
    assert "Stefan Kemper" in (site / "index.html").read_text()
    for page in (site / f"{SLUG}.html", site / "index.html", site / "feed.xml"):  # made by a random model
        assert "generated test model: this English is not a translation" in page.read_text()
    memory = Memory.of(Project(project))
    stats = memory.stats()
    memory.close()
    assert stats["editor"] == 1 and stats["approved"] == 1


def test_approval_refuses_missing_terms_unless_forced(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    draft.write_text(draft.read_text().replace("community liaison", "caretaker"))
    code, _, err = run_cli("approve", SLUG, "--project", p)
    assert code == 1 and err.startswith(f"error: {SLUG}: ") and "'Kümmerer' needs 'community liaison'" in err
    assert not (project / "output" / SLUG / "approved.json").exists()
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    code, out, _ = run_cli("status", "--project", p)
    assert "approved" in out


def test_publish_skips_unapproved_and_changed_articles(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    (project / "sources" / "zwei.txt").write_text("Der Rat tagt.\n")
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", "zwei", "--force", "--project", p)[0] == 0
    draft = project / "output" / "zwei" / "draft.en.md"
    draft.write_text(draft.read_text() + "\nLate change.\n")
    code, out, _ = run_cli("publish", "--project", p)
    assert code == 0
    assert (
        f"skipped {SLUG}: not approved" in out and "skipped zwei: its English changed since approval" in out
    )
    assert not (project / "output" / "site" / "zwei.html").exists()
    feed = ET.parse(project / "output" / "site" / "feed.xml").getroot()
    assert feed.findall(f"{ATOM}entry") == []


def test_project_templates_override_the_site(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    (project / "templates").mkdir()
    (project / "templates" / "site_article.html").write_text(
        "<p>Stadt Altena: {{ page.title }}</p>{{ body }}"
    )
    run_cli("translate", "--project", p)
    run_cli("approve", SLUG, "--force", "--project", p)
    run_cli("publish", "--project", p)
    assert (project / "output" / "site" / f"{SLUG}.html").read_text().startswith("<p>Stadt Altena: ")


def test_xliff_round_trip_keeps_all_text(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]

    p = str(project)
    run_cli("translate", "--project", p)
    code, out, _ = run_cli("export", "xliff", SLUG, "--project", p)
    path = Path(out.strip())
    store = valid_xliff(path)
    assert [u.source for u in store.units] == [s.source for s in segments(project)]
    assert [u.target for u in store.units] == [s.english for s in segments(project)]
    store.units[2].settarget("„Interesting“, says Kemper <and> & co.")
    path.write_bytes(bytes(store))
    code, out, err = run_cli("import", "xliff", str(path), "--project", p)
    assert code == 0, err
    assert "1 sentence(s) changed" in out
    record = segments(project)
    assert record[2].english == "„Interesting“, says Kemper <and> & co." and record[2].origin == "imported"
    assert "„Interesting“, says Kemper <and> & co." in (project / "output" / SLUG / "draft.en.md").read_text()


def test_tbx_round_trip_keeps_all_terms(project: Path, tmp_path: Path) -> None:

    from transflow.terms.glossary import load_glossary

    p = str(project)
    out = tmp_path / "g.tbx"
    assert run_cli("glossary", "export", "tbx", "-o", str(out), "--project", p)[0] == 0
    store = valid_tbx(out)
    glossary = load_glossary(project / "glossary.yml")
    assert [(u.source, u.target) for u in store.units] == [(e.de, e.en) for e in glossary.entries]
    store.addsourceunit("Rathaus").settarget("town hall")
    out.write_bytes(bytes(store))
    code, printed, _ = run_cli("glossary", "import", "tbx", str(out), "--project", p)
    assert code == 0 and "added 1 term(s): Rathaus" in printed
    entries = {e.de: e.en for e in load_glossary(project / "glossary.yml").entries}
    assert entries["Rathaus"] == "town hall" and len(entries) == len(glossary.entries) + 1


def test_tmx_export_holds_every_unit(project: Path, unmarked_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from translate.storage import tmx

    p = str(project)
    run_cli("translate", "--project", p)
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    out = tmp_path / "m.tmx"
    code, printed, _ = run_cli("memory", "export", "tmx", "-o", str(out), "--project", p)
    assert code == 0 and "wrote 18 unit(s)" in printed
    store = tmx.tmxfile.parsefile(str(out))
    assert [(u.source, u.target) for u in store.units] == [(s.source, s.english) for s in segments(project)]
    code, printed, _ = run_cli("memory", "stats", "--project", p)
    assert re.search(r"^units: \d+ \(\d+ machine, 0 editor, 18 approved\)$", printed, re.M), printed


def test_bad_interchange_files_are_one_line(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "x.xlf"
    bad.write_text("<xliff><unclosed>")
    code, _, err = run_cli("import", "xliff", str(bad), "--project", str(project))
    assert code == 3 and err.startswith("error: x.xlf:") and "Traceback" not in err
    code, _, err = run_cli("memory", "export", "csv", "--project", str(project))
    assert code == 2 and err.startswith("error: unknown format 'csv'")
