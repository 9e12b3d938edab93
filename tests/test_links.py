"""Links inside output/ and sources/ swapped under a run (issue 29, findings 1-3): never followed."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from conftest import errors, run_cli

SLUG = "altena-2018-04-oecd-studie"
SECRET = "Das Passwort lautet Geheimnis."
REFUSED = "is a link; transflow never follows links inside output/"


def leaked(project: Path) -> list[Path]:
    """Files under output/ (links not followed) that carry the secret's words."""
    found = []
    for top, _dirs, files in os.walk(project / "output"):
        for name in files:
            path = Path(top) / name
            if not path.is_symlink() and b"Passwort" in path.read_bytes():
                found.append(path)
    return found


@pytest.fixture
def translated(short_article: Path) -> Path:
    return short_article


def test_a_source_swapped_for_a_link_under_a_run_never_leaks(translated: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    race = translated / "sources" / "race.txt"
    plain, link = translated / "sources" / ".plain", translated / "sources" / ".link"
    plain.write_text("Der Rat tagt.\n", encoding="utf-8")
    link.symlink_to(secret)
    os.link(plain, race)
    stop, swaps = threading.Event(), [0]

    def swap() -> None:
        # rename() swaps atomically: race.txt is always either the plain file or the link.
        while not stop.is_set():
            os.replace(link, race) if swaps[0] % 2 == 0 else os.link(plain, str(race) + ".new")
            if swaps[0] % 2:
                os.replace(str(race) + ".new", race)
                link.symlink_to(secret)
            swaps[0] += 1

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    try:
        runs = 0
        while runs < 3 or (swaps[0] < 200 and runs < 20):
            code, _, err = run_cli("translate", "--force", "--project", str(translated))
            assert code in (0, 3), err
            runs += 1
    finally:
        stop.set()
        thread.join(timeout=10)
    assert swaps[0] >= 200
    assert leaked(translated) == []


def test_a_draft_that_is_a_link_is_refused_everywhere(translated: Path, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    p = str(translated)
    secret = tmp_path_factory.mktemp("secret") / "secret.md"
    secret.write_text(f"---\ntitle: x\n---\n\n{SECRET}\n", encoding="utf-8")
    draft = translated / "output" / SLUG / "draft.en.md"
    draft.unlink()
    draft.symlink_to(secret)
    for command in (["translate", "--force"], ["approve", SLUG, "--force"], ["publish"], ["review", SLUG]):
        code, _, err = run_cli(*command, "--project", p)
        assert code == 2, (command, err)
        assert errors(err) == [f"error: {draft} {REFUSED}"], command
    assert leaked(translated) == []
    code, out, _ = run_cli("doctor", "--project", p)
    out = out.replace("\n", "")  # the report is wrapped to the terminal
    assert str(draft) in out and "a link inside output/" in out
    assert run_cli("doctor", "--repair", "--project", p)[0] == 0
    assert not draft.is_symlink() and secret.exists()
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err


@pytest.mark.parametrize("linked", ["site", ".transflow", f"{SLUG}/revisions"])
def test_a_folder_in_output_that_is_a_link_is_never_written_through(
    translated: Path, tmp_path_factory: pytest.TempPathFactory, linked: str
) -> None:
    p = str(translated)
    outside = tmp_path_factory.mktemp("outside")
    folder = translated / "output" / linked
    if folder.exists():
        os.rename(folder, outside / "moved")
    folder.symlink_to(outside)
    before = sorted(outside.rglob("*"))
    codes = []
    for command in (["translate", "--force"], ["approve", SLUG, "--force"], ["publish"], ["unpublish", SLUG]):
        code, _, err = run_cli(*command, "--project", p)
        codes.append(code)
        if code == 2:
            assert errors(err) == [f"error: {folder} {REFUSED}"], (command, err)
    assert 2 in codes
    assert sorted(outside.rglob("*")) == before, "written through the link"
    code, out, _ = run_cli("doctor", "--project", p)
    out = out.replace("\n", "")  # the report is wrapped to the terminal
    assert code == 1 and str(folder) in out
    assert run_cli("doctor", "--repair", "--project", p)[0] == 0
    assert not folder.is_symlink()
    assert run_cli("translate", "--project", p)[0] == 0
