"""Hostile input, second round (issue 29): XLIFF targets, Word bombs, publishing, dates, server errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import record_of, run_cli

SLUG = "altena-2018-04-oecd-studie"


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture
def translated(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    """A project with one short article, translated."""
    seed = project / "sources" / f"{SLUG}.txt"
    seed.write_text("Altena - Der Rat tagt. Die Kümmerer helfen.\n\nDas Ehrenamt trägt.\n", encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


def exported(project: Path) -> Path:
    code, out, err = run_cli("export", "xliff", SLUG, "--project", str(project))
    assert code == 0, err
    return Path(out.strip())


# --- XLIFF import (findings 8 and 9) -----------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["<target/>", "<target></target>", "<target>   </target>", ""],
    ids=["empty-element", "empty", "blank", "missing"],
)
def test_an_untranslated_xliff_unit_changes_nothing(translated: Path, target: str) -> None:
    p = str(translated)
    path = exported(translated)
    before = record_of(translated, SLUG).sentences
    draft = (translated / "output" / SLUG / "draft.en.md").read_bytes()
    raw = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"<target[^>]*>.*?</target>", target, raw, flags=re.S), encoding="utf-8")
    code, out, err = run_cli("import", "xliff", str(path), "--project", p)
    assert code == 0, err
    assert out.splitlines()[0] == f"{SLUG}: 0 sentence(s) changed"
    assert [s.english for s in record_of(translated, SLUG).sentences] == [s.english for s in before]
    assert (translated / "output" / SLUG / "draft.en.md").read_bytes() == draft


@pytest.mark.parametrize(
    ("english", "reason"),
    [
        ("The council meets.\n\n# Owned\n\n---", "a line break where the German has none"),
        ("---\ntitle: x\n---\nThe council meets.", "a line break where the German has none"),
        ("| a | b |\n|---|---|\n| c | d |", "a line break where the German has none"),
        ("# The council meets.", "block markup"),
        ("***", "block markup"),
    ],
    ids=["heading-rule", "front-matter", "table", "heading", "rule"],
)
def test_an_xliff_target_that_breaks_the_sentence_is_refused(
    translated: Path, english: str, reason: str
) -> None:
    from translate.storage import xliff

    p = str(translated)
    path = exported(translated)
    store = xliff.xlifffile.parsefile(str(path))
    store.units[0].settarget("The council is meeting.")
    store.units[1].settarget(english)
    path.write_bytes(bytes(store))
    draft = (translated / "output" / SLUG / "draft.en.md").read_bytes()
    code, _, err = run_cli("import", "xliff", str(path), "--project", p)
    assert code == 3, err
    (line,) = errors(err)
    assert line.startswith(f"error: {path.name}: unit p0-s1: {reason}")
    assert line.endswith("; nothing imported")
    assert (translated / "output" / SLUG / "draft.en.md").read_bytes() == draft
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    page = (translated / "output" / "site" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "<h1>The council" not in page and "<hr" not in page and "<table" not in page
