"""Hostile input, second round (issue 29): XLIFF targets, Word bombs, publishing, dates, server errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import errors, record_of, run_cli, valid_xliff

SLUG = "altena-2018-04-oecd-studie"


@pytest.fixture
def translated(short_article: Path) -> Path:
    return short_article


def exported(project: Path) -> Path:
    code, out, err = run_cli("export", "xliff", SLUG, "--project", str(project))
    assert code == 0, err
    valid_xliff(Path(out.strip()))
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


# --- Word bombs (findings 4 and 5) -------------------------------------------------------------


def word_bomb(kind: str) -> bytes:
    """A small .docx that would inflate far past a press release: through media, or a renamed main part."""
    import io
    import os
    import zipfile

    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as plain:
        parts = {i.filename: plain.read(i) for i in plain.infolist()}
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        if kind == "main":
            # _rels/.rels names word/main.dat as the document: 30 MB of XML beside a small document.xml.
            rels = parts["_rels/.rels"].replace(b"word/document.xml", b"word/main.dat")
            parts["_rels/.rels"] = rels
            text = os.urandom(15_000_000).hex().encode()
            body = b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"
            parts["word/main.dat"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body>" + body)
        for name, data in parts.items():
            package.writestr(name, data)
        if kind == "media":
            with package.open("word/media/image1.png", "w") as member:
                for _ in range(400):
                    member.write(bytes(1_000_000))
        if kind == "ratio":
            with package.open("word/media/image1.png", "w") as member:
                member.write(bytes(50_000_000))
    return bomb.getvalue()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("media", "its parts unpack to 400 MB (more than 100 MB)"),
        ("main", "its XML unpacks to 30 MB (more than 20 MB)"),
        ("ratio", "part word/media/image1.png is compressed more than 100:1"),
    ],
)
def test_a_word_bomb_is_refused_before_anything_is_inflated(
    project: Path, tiny_model: object, kind: str, message: str
) -> None:
    import time

    raw = word_bomb(kind)
    assert len(raw) < 20_000_000
    (project / "sources" / "bombe.docx").write_bytes(raw)
    started = time.monotonic()
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 3, err
    assert errors(err)[0].startswith(f"error: bombe.docx: {message}"), err
    assert time.monotonic() - started < 30  # the seed article is translated too
    assert not (project / "output" / "bombe").exists()


# --- publishing as one step (finding 7) --------------------------------------------------------


@pytest.fixture
def many_approved(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    """A project with 40 short articles, translated and approved."""
    p = str(project)
    (project / "sources" / f"{SLUG}.txt").unlink()
    for i in range(40):
        text = f"Der Rat tagt zum {i + 1}. Mal. Die Kümmerer helfen.\n"
        (project / "sources" / f"art{i:02d}.txt").write_text(text, encoding="utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    for i in range(40):
        assert run_cli("approve", f"art{i:02d}", "--force", "--project", p)[0] == 0
    return project


def site_pages(project: Path) -> set[str]:
    pages = (project / "output" / "site").glob("*.html")
    return {p.name[: -len(".html")] for p in pages if not p.name.endswith(".de.html")} - {"index"}


def listed(project: Path) -> set[str]:
    import json

    path = project / "output" / ".transflow" / "site.json"
    return set(json.loads(path.read_text(encoding="utf-8"))["articles"]) if path.exists() else set()


def test_a_publish_killed_halfway_is_finished_and_every_page_can_be_taken_down(many_approved: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    p = str(many_approved)
    site = many_approved / "output" / "site"
    proc = subprocess.Popen(
        [sys.executable, "-m", "transflow", "publish", "--with-german", "--project", p],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list(site.glob("*.html"))) >= 3:  # some pages written, most not
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    proc.wait(timeout=30)
    # Whatever the kill left: doctor names it and a repair makes the site and site.json agree.
    code, out, _ = run_cli("doctor", "--project", p)
    if site_pages(many_approved) != listed(many_approved):
        assert code == 1 and "interrupted" in out.replace("\n", " "), out
    code, _, err = run_cli("doctor", "--repair", "--project", p)
    assert code == 0, err
    assert site_pages(many_approved) == listed(many_approved)
    assert run_cli("doctor", "--project", p)[0] == 0
    code, _, err = run_cli("publish", "--project", p)  # without --with-german: the originals go
    assert code == 0, err
    assert site_pages(many_approved) == listed(many_approved) == {f"art{i:02d}" for i in range(40)}
    assert not list(site.glob("*.de.html")) and not list(site.glob("*.de.txt"))


def test_pages_no_manifest_claims_are_found_removed_and_can_be_unpublished(translated: Path) -> None:
    p = str(translated)
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    site = translated / "output" / "site"
    # What a kill on the old code left: pages live that site.json does not list.
    for name in ("geister.html", "geister.de.txt", "waise.html"):
        (site / name).write_text("<p>old</p>\n", encoding="utf-8")
    code, out, err = run_cli("unpublish", "geister", "--project", p)
    assert code == 0, err
    assert not (site / "geister.html").exists() and not (site / "geister.de.txt").exists()
    code, out, _ = run_cli("doctor", "--project", p)
    out = out.replace("\n", "")  # wrapped to the terminal
    assert code == 1 and "waise.html: on the site, but no published article claims it" in out, out
    assert run_cli("doctor", "--repair", "--project", p)[0] == 0
    assert not (site / "waise.html").exists() and (site / f"{SLUG}.html").exists()
    assert run_cli("doctor", "--project", p)[0] == 0
    code, _, err = run_cli("unpublish", "nie-da", "--project", p)
    assert code == 3 and errors(err) == ["error: 'nie-da' is not on the site"]


def test_a_damaged_site_list_does_not_make_every_page_an_orphan(translated: Path) -> None:
    p = str(translated)
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    (translated / "output" / ".transflow" / "site.json").write_text("{garbled", encoding="utf-8")
    code, out, _ = run_cli("doctor", "--project", p)
    assert code == 1 and "no published article claims it" not in out.replace("\n", "")
    assert run_cli("doctor", "--repair", "--project", p)[0] == 0
    assert (translated / "output" / "site" / f"{SLUG}.html").exists()


# --- server errors (finding 12) -----------------------------------------------------------------

LOCAL = "http://127.0.0.1:8765"


def client(project: Path):  # type: ignore[no-untyped-def]
    """The serve app over Starlette's TestClient; exceptions come back as responses, like a server's."""
    from starlette.testclient import TestClient

    from transflow.project import Project
    from transflow.web.server import ServerConfig, create_app

    config = ServerConfig(Project(project), host="127.0.0.1", port=8765, csrf="test-csrf")
    return TestClient(create_app(config), base_url=LOCAL, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/{SLUG}/sentences/1", b"[" * 60_000),
        (f"/{SLUG}/approve", b'{"force": true' + b"}" * 3),
        ("/glossary", b'{"de": ' + b"{" * 30_000),
        (f"/{SLUG}/approve", b"[1, 2]"),
    ],
    ids=["deep-save", "malformed-approve", "deep-glossary", "not-an-object"],
)
def test_a_malformed_or_too_deep_json_body_is_a_400(translated: Path, path: str, body: bytes) -> None:
    headers = {"X-CSRF-Token": "test-csrf", "Origin": LOCAL, "Content-Type": "application/json"}
    response = client(translated).post(path, content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "the body is not a JSON object"}
    assert record_of(translated, SLUG).sentences[0].origin == "machine"
    assert not (translated / "output" / SLUG / "approved.json").exists()


def test_a_broken_settings_file_while_serving_is_a_page_naming_the_line(
    translated: Path, caplog: pytest.LogCaptureFixture
) -> None:
    http = client(translated)
    assert http.get("/").status_code == 200
    (translated / "transflow.toml").write_text('site_title = "Altena"\nbase_url = 12\n', encoding="utf-8")
    for path in ("/", f"/{SLUG}/review.html"):
        response = http.get(path)
        assert response.status_code == 500
        assert "transflow.toml: line 2: base_url must be text in quotes" in response.text
        assert "Traceback" not in response.text
    assert "Traceback" not in caplog.text


# --- dates and text on the site (finding 13) ----------------------------------------------------


@pytest.mark.parametrize(
    ("date", "shown"),
    [
        ('"2024-02-30"', "2024-02-30"),
        ('"gestern"', "gestern"),
        ('"2024-13"', "2024-13"),
        ('"2024-05-01\u202e"', None),
    ],
    ids=["impossible", "a-word", "month-13", "rtl-override"],
)
def test_only_calendar_dates_reach_the_site(project: Path, tiny_model, date: str, shown: str | None) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    front = f"---\ndate: {date}\n---\nDer Rat tagt.\n"
    (project / "sources" / "datum.md").write_text(front, encoding="utf-8")
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    if shown is not None:
        said = " ".join(err.split())  # wrapped to the terminal
        assert f"warning: datum.md: date '{shown}' is not a calendar date (YYYY-MM-DD or YYYY-MM)" in said
    assert run_cli("approve", "datum", "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    page = (project / "output" / "site" / "datum.html").read_text(encoding="utf-8")
    feed = (project / "output" / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "\u202e" not in page + feed
    for bad in ("2024-02-30", "30 February", "gestern", "2024-13"):
        assert bad not in page and bad not in feed
    if shown is None:
        assert '<time datetime="2024-05-01">' in page and "1 May 2024" in page


def test_the_german_page_on_the_site_is_clean_text(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(project)
    (project / "sources" / "roh.txt").write_text("Der Rat\x1b[2J tagt\x7f heute\ufffe.\n", encoding="utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", "roh", "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--with-german", "--project", p)[0] == 0
    german = (project / "output" / "site" / "roh.de.html").read_text(encoding="utf-8")
    assert "Der Rat" in german and not re.search("[\x00-\x08\x0b-\x1f\x7f\ufffe]", german), repr(german)


# --- recovery of a damaged record (finding 10) ---------------------------------------------------


def test_recovering_a_damaged_record_keeps_every_edit(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    draft_path = project / "output" / SLUG / "draft.en.md"
    draft = draft_path.read_text(encoding="utf-8")
    englishes = [s.english for s in record_of(project, SLUG).sentences]
    unique = [k for k, e in enumerate(englishes) if len(e) > 20 and draft.count(e) == englishes.count(e) == 1]
    chosen = [englishes[k] for k in unique[::3][:3]]  # apart: each edit between two untouched sentences
    assert len(chosen) == 3
    edits = ["The town council met on Tuesday.", "Volunteers help older people.", "The study praises Altena."]
    for old, new in zip(chosen, edits, strict=True):
        draft = draft.replace(old, new)
    draft_path.write_text(draft, encoding="utf-8")
    record = project / "output" / SLUG / "segments.json"
    record.write_bytes(record.read_bytes()[:200])  # truncated
    db = project / "output" / ".transflow" / "memory.sqlite"
    raw = db.read_bytes()
    db.write_bytes(raw[:100] + b"\xff" * 300 + raw[400:])  # garbled
    code, out, err = run_cli("doctor", "--repair", "--project", p)
    assert code == 0, out + err
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    kept = draft_path.read_text(encoding="utf-8")
    sentences = record_of(project, SLUG).sentences
    with sqlite3.connect(db) as memory:
        remembered = " ".join(row[0] for row in memory.execute("SELECT target FROM units"))
    for edit in edits:
        assert edit in kept, edit
        assert any(s.english == edit and s.origin == "editor" for s in sentences), edit
        assert edit in remembered, edit
