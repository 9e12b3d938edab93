"""Hostile input and damaged state: contained in output/, bounded in time and memory, recoverable."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import errors, run_cli, valid_xliff
from transflow.errors import InputError, InvalidSlug
from transflow.project import Project, run_lock
from transflow.safetext import clean_text
from transflow.slugs import MAX_SLUG
from transflow.text.articles import parse_article

SLUG = "altena-2018-04-oecd-studie"


def tree(root: Path, skip: Path | None = None) -> dict[str, bytes]:
    """Every file under ``root`` (links not followed) except those under ``skip``, by path."""
    files = {}
    for path in sorted(root.rglob("*")):
        if skip is not None and path.is_relative_to(skip):
            continue
        if path.is_file() and not path.is_symlink():
            files[str(path.relative_to(root))] = path.read_bytes()
    return files


@pytest.fixture
def translated(short_article: Path) -> Path:
    return short_article


# --- containment -----------------------------------------------------------------------------


def test_article_dir_refuses_a_folder_that_links_out_of_output(tmp_path: Path) -> None:
    (tmp_path / "output").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "output" / "linked").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(InvalidSlug):
        Project(tmp_path).article_dir("linked")
    assert Project(tmp_path).article_slugs() == []


@pytest.mark.parametrize(
    "command",
    [
        ["approve", "../../../victim", "--force"],
        ["import", "xliff", "{xlf}", "--slug", "../../../victim"],
        ["export", "xliff", "../../../victim"],
        ["review", "../../../victim"],
        ["glossary", "check", "../../../victim"],
    ],
    ids=["approve", "import-xliff", "export-xliff", "review", "glossary-check"],
)
def test_no_command_writes_outside_output(translated: Path, command: list[str]) -> None:
    # A victim folder that looks like an article: the old code wrote approved.json, a draft,
    # a review page and revisions into it.
    victim = translated.parent / "victim"
    victim.mkdir(exist_ok=True)
    for name in ("segments.json", "draft.en.md"):
        (victim / name).write_bytes((translated / "output" / SLUG / name).read_bytes())
    xlf = translated.parent / "x.xlf"
    assert run_cli("export", "xliff", SLUG, "-o", str(xlf), "--project", str(translated))[0] == 0
    valid_xliff(xlf)
    before = tree(translated.parent, skip=translated / "output")
    args = [a.replace("{xlf}", str(xlf)) for a in command]
    code, _, err = run_cli(*args, "--project", str(translated))
    assert code == 2, err
    assert errors(err) == [
        "error: '../../../victim' is not an article name: "
        "article names are lower-case ASCII letters, digits and single hyphens"
    ]
    assert tree(translated.parent, skip=translated / "output") == before


def test_a_link_out_of_sources_is_skipped_not_read(project: Path, tiny_model, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path_factory.mktemp("secret") / "secret.txt"
    secret.write_text("Das Passwort lautet Geheimnis.\n", encoding="utf-8")
    (project / "sources" / "leak.txt").symlink_to(secret)
    (project / "sources" / "inside.txt").symlink_to(project / "sources" / f"{SLUG}.txt")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    assert "warning: leak.txt: a link to a file outside sources/; skipped, not read" in err
    assert not (project / "output" / "leak").exists()
    for path in (project / "output").rglob("*"):
        if path.is_file():
            assert b"Passwort" not in path.read_bytes(), path
    # Named on the command line, the link is refused too.
    code, _, err = run_cli("translate", str(project / "sources" / "leak.txt"), "--project", str(project))
    assert code == 3 and "not in" in errors(err)[0]


def test_reserved_file_names_get_their_own_folders(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    for name in ("index", "site", "review"):
        (project / "sources" / f"{name}.txt").write_text("Der Rat tagt.\n", encoding="utf-8")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    for name in ("index", "site", "review"):
        assert (project / "output" / f"{name}-article" / "draft.en.md").is_file()
        assert not (project / "output" / name).exists()
    assert run_cli("approve", "site-article", "--force", "--project", str(project))[0] == 0
    code, _, err = run_cli("publish", "--project", str(project))
    assert code == 0, err
    assert (project / "output" / "site" / "site-article.html").is_file()


def test_duplicate_slugs_are_refused_when_files_are_named(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "Kümmerer.txt").write_text("Der Kümmerer hilft.\n", encoding="utf-8")
    (project / "sources" / "kuemmerer.txt").write_text("Die Kümmerer helfen.\n", encoding="utf-8")
    named = str(project / "sources" / "kuemmerer.txt")
    code, _, err = run_cli("translate", named, "--project", str(project))
    assert code == 3
    assert errors(err) == ["error: kuemmerer.txt and Kümmerer.txt both make output/kuemmerer/"] or errors(
        err
    ) == ["error: Kümmerer.txt and kuemmerer.txt both make output/kuemmerer/"]
    assert not (project / "output" / "kuemmerer").exists()


def test_a_long_slug_is_cut_and_the_run_goes_on(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "lang.md").write_text(f"---\nslug: {'x' * 300}\n---\nDer Rat tagt.\n")
    (project / "sources" / "zzz.txt").write_text("Die Stadt lädt ein.\n", encoding="utf-8")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    (folder,) = (project / "output").glob("xxx*")
    assert len(folder.name) == MAX_SLUG and (folder / "draft.en.md").is_file()
    assert (project / "output" / "zzz" / "draft.en.md").is_file()
    assert run_cli("approve", folder.name, "--force", "--project", str(project))[0] == 0
    assert run_cli("publish", "--project", str(project))[0] == 0
    assert run_cli("export", "xliff", folder.name, "--project", str(project))[0] == 0
    valid_xliff(project / "output" / folder.name / f"{folder.name}.xlf")


# --- bounds ----------------------------------------------------------------------------------

HOSTILE_ALPHABET = st.sampled_from([*"AÄaZ .-–'’\n\t:,0123456789", "date ", "---\n", "  "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE_ALPHABET, max_size=400).map("".join))
def test_parsing_any_first_line_is_quick(text: str) -> None:
    started = time.perf_counter()
    for name in ("a.txt", "a.md"):
        with contextlib.suppress(InputError):
            parse_article(Path(name), text.encode("utf-8"))
    assert time.perf_counter() - started < 0.5


def test_the_dateline_regex_is_linear() -> None:
    started = time.perf_counter()
    article = parse_article(Path("a.txt"), ("A" * 5000 + " tagte heute.").encode())
    assert time.perf_counter() - started < 0.5
    assert article.place is None
    assert parse_article(Path("a.txt"), "Bad Berleburg – Der Rat tagt.".encode()).place == "Bad Berleburg"


def test_checks_and_term_matching_are_linear_on_a_long_sentence() -> None:
    from transflow.checks import run_checks
    from transflow.terms.enforcement import find_terms
    from transflow.terms.glossary import load_glossary

    glossary = load_glossary(Path(__file__).resolve().parents[1] / "glossary.yml")
    echo = " ".join(["OECD"] * 30_000)  # a name the English keeps: every word "repeats"
    mixed = " ".join(["Die", "Kümmerer", "und", "Haupt-", "und", "Ehrenamt", "der", "OECD"] * 1_000)
    started = time.perf_counter()
    assert "repetition" not in {f.check for f in run_checks(echo, echo + " the")}
    assert len(find_terms(mixed, glossary)) >= 2_000
    assert time.perf_counter() - started < 10  # the old repetition check: minutes


BOMB = textwrap.dedent(
    """\
    ---
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    title: *d
    ---
    Der Rat tagt.
    """
)


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        (BOMB, "bomb.md: front matter uses YAML aliases"),
        ("---\n? [[1]]\n: 2\n---\nDer Rat tagt.\n", "bomb.md: front matter is not key: value lines"),
        ("---\ntitle: [a, b]\n---\nDer Rat tagt.\n", "bomb.md: front matter 'title' must be one line"),
    ],
    ids=["aliases", "complex-key", "list-title"],
)
def test_front_matter_that_cannot_be_used_skips_one_article(
    translated: Path, front: str, reason: str
) -> None:
    (translated / "sources" / "bomb.md").write_text(front, encoding="utf-8")
    (translated / "sources" / "gut.txt").write_text("Der Rat tagt.\n", encoding="utf-8")
    code, _out, err = run_cli("translate", "--project", str(translated))
    assert code == 3, err
    assert errors(err)[0].startswith("error: " + reason), err
    assert (translated / "output" / "gut" / "draft.en.md").exists()
    assert not (translated / "output" / "bomb").exists()


def test_front_matter_values_are_capped() -> None:
    raw = f"---\ntitle: {'T' * 5000}\n---\nDer Rat tagt.\n".encode()
    article = parse_article(Path("a.md"), raw)
    assert article.title is not None and len(article.title) == 300
    assert any("longer than 300" in w for w in article.warnings)


# --- well-formed output ----------------------------------------------------------------------


def test_control_characters_in_a_draft_and_glossary_keep_the_feed_well_formed(translated: Path) -> None:
    p = str(translated)
    draft = translated / "output" / SLUG / "draft.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\nLine\x0bbreak\x0c and \x01 more.\n")
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    feed = (translated / "output" / "site" / "feed.xml").read_bytes()
    ET.fromstring(feed)
    assert b"Line break" in feed
    tmx = translated / "m.tmx"
    assert run_cli("memory", "export", "tmx", "-o", str(tmx), "--project", p)[0] == 0
    ET.fromstring(tmx.read_bytes())
    assert b"Line break" in tmx.read_bytes()


def test_glossary_lint_names_control_characters_with_their_line(project: Path) -> None:
    (project / "glossary.yml").write_text(
        'terms:\n  - de: Rat\n    en: "coun\\vcil"\n  - de: Amt\n    en: office\n    note: "a\\x01b"\n'
    )
    code, _, err = run_cli("glossary", "lint", "--project", str(project))
    assert code == 1
    assert "glossary.yml: line 3: 'en' contains control characters (\\x0b)" in err
    assert "glossary.yml: line 6: 'note' contains control characters (\\x01)" in err


def test_tbx_import_normalises_unicode_and_checks_languages(project: Path, tmp_path: Path) -> None:
    from translate.storage import tbx

    p = str(project)
    store = tbx.tbxfile(sourcelanguage="de", targetlanguage="en")
    store.addsourceunit("Ku\u0308mmerer").settarget("volunteer")  # Kümmerer, decomposed: already there
    store.addsourceunit("Bu\u0308rgerbu\u0308ro").settarget("citizens' office")
    path = tmp_path / "terms.tbx"
    path.write_bytes(bytes(store))
    code, out, err = run_cli("glossary", "import", "tbx", str(path), "--project", p)
    assert code == 0, err
    assert out.splitlines()[0] == "added 1 term(s): Bürgerbüro"
    # The decomposed Kümmerer is the same term: a conflict with the glossary's English, not a new term.
    assert "not changed: Kümmerer: the glossary says 'community liaison'" in err
    assert "Bürgerbüro" in (project / "glossary.yml").read_text(encoding="utf-8")
    assert run_cli("glossary", "lint", "--project", p)[0] == 0
    before = (project / "glossary.yml").read_bytes()
    foreign = tbx.tbxfile(sourcelanguage="fr", targetlanguage="ja")
    foreign.addsourceunit("mairie").settarget("市役所")
    path.write_bytes(bytes(foreign))
    code, _, err = run_cli("glossary", "import", "tbx", str(path), "--project", p)
    assert code == 3 and errors(err)[0].startswith("error: terms.tbx: terms in fr→ja"), err
    assert (project / "glossary.yml").read_bytes() == before


def test_error_lines_show_escape_codes_instead_of_obeying_them(project: Path) -> None:
    code, _, err = run_cli("import", "xliff", str(project / "evil\x1b[2J.xlf"), "--project", str(project))
    assert code == 3
    assert "\x1b" not in err and "evil\\x1b[2J.xlf" in err


# --- damaged state ---------------------------------------------------------------------------


def test_a_damaged_memory_is_moved_aside_and_the_run_goes_on(translated: Path) -> None:
    p = str(translated)
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    db = translated / "output" / ".transflow" / "memory.sqlite"
    raw = db.read_bytes()
    db.write_bytes(raw[:100] + b"\xff" * 200 + raw[300 : len(raw) // 2])
    code, _, err = run_cli("translate", "--force", "--project", p)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(db) in warnings[0] and "moved to memory.sqlite.damaged-" in warnings[0]
    (aside,) = db.parent.glob("memory.sqlite.damaged-*")
    assert aside.read_bytes()[:100] == raw[:100]  # kept for a rebuild, not deleted
    code, _out, err = run_cli("memory", "stats", "--project", p)
    assert code == 0 and "warning" not in err


def test_a_migration_and_its_record_commit_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transflow.work import memory

    path = tmp_path / "memory.sqlite"
    memory.Memory(path).close()
    monkeypatch.setattr(
        memory, "MIGRATIONS", [*memory.MIGRATIONS, ("0099_extra", "CREATE TABLE extra (a TEXT)")]
    )

    def crash() -> str:
        raise RuntimeError("killed between the DDL and its record")

    monkeypatch.setattr(memory, "_now", crash)
    with pytest.raises(RuntimeError):
        memory.Memory(path)
    monkeypatch.undo()
    monkeypatch.setattr(
        memory, "MIGRATIONS", [*memory.MIGRATIONS, ("0099_extra", "CREATE TABLE extra (a TEXT)")]
    )
    memory.Memory(path).close()  # the old code committed the DDL alone: "table extra already exists"
    with sqlite3.connect(path) as db:
        assert ("0099_extra",) in db.execute("SELECT name FROM migrations").fetchall()


def test_deleting_the_lock_file_does_not_let_a_second_run_in(tmp_path: Path) -> None:
    from transflow.errors import LockedError

    project = Project(tmp_path)
    with run_lock(project):
        for path in project.state.glob("run.*"):
            path.unlink()
        started = time.monotonic()
        with pytest.raises(LockedError), run_lock(project, wait_seconds=0.5):
            pass
        assert time.monotonic() - started < 2
    with run_lock(project, wait_seconds=0.5):  # released when the first run ends
        pass


# --- bounded time and memory of a whole run --------------------------------------------------

# A translator that answers at once with output of the real engine's shape (the decoding cap
# in target pieces, one attention row per piece over the chunk): the test measures what
# transflow does with a huge sentence, not how fast the model decodes.
FAKE_RUN = textwrap.dedent(
    """\
    import resource, sys, types
    limit = int(sys.argv[2]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from transflow.mt.engine import Engine, decoding_cap

    class Fake:
        def translate_batch(self, batch, max_decoding_length, **options):
            out = []
            for pieces in batch:
                n = min(decoding_cap(len(pieces)), max_decoding_length)
                row = [1.0 / len(pieces)] * len(pieces)
                out.append(types.SimpleNamespace(hypotheses=[["▁the"] * n], attention=[[row] * n]))
            return out

    load = Engine.load
    def fake_load(self):
        load(self)
        self._translator = Fake()
    Engine.load = fake_load
    from transflow.cli import main
    sys.exit(main(["translate", "--project", sys.argv[1]]))
    """
)


def test_a_200000_character_line_runs_in_bounded_memory(project: Path, tiny_model, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    words = [
        "der",
        "Rat",
        "der",
        "Stadt",
        "tagt",
        "am",
        "Mittwoch",
        "im",
        "Rathaus",
        "und",
        "die",
        "Verwaltung",
        "lädt",
        "alle",
        "Kümmerer",
        "ein",
    ]
    # One term, found thousands of times in the one "sentence": term handling must stay linear.
    (project / "glossary.yml").write_text("terms:\n  - de: Kümmerer\n    en: community liaison\n")
    line = " ".join(words[i * 7 % len(words)] for i in range(40_000))[:200_000]
    (project / "sources" / "lang.txt").write_text(line + "\n", encoding="utf-8")
    script = tmp_path / "fake_run.py"
    script.write_text(FAKE_RUN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(script), str(project), "1500"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr  # the old code: MemoryError at 1.5 GB (24 GB without a limit)
    assert time.monotonic() - started < 120
    record = json.loads((project / "output" / "lang" / "segments.json").read_text(encoding="utf-8"))
    assert (
        "".join(s["source"] + s.get("space_after", " ") for s in record["sentences"]).strip() == line.strip()
    )


@pytest.fixture(scope="session")
def base_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated base-size model (the cost of a real one), built once per session."""
    from transflow.testing.make_model import make_model

    return make_model(tmp_path_factory.mktemp("models") / "base.argosmodel", "base")


@pytest.mark.slow
def test_a_stop_is_prompt_even_inside_a_long_engine_batch(project: Path, base_model_file: Path) -> None:
    # SIGTERM goes the way Ctrl-C goes (test_bad_input stops a run with SIGINT).
    from transflow.mt.engine import install_model

    install_model(base_model_file)
    clause = "der Prüfbericht des Rechnungsprüfungsamtes zur Haushaltsführung der Stadt im Jahr 2023"
    for i in range(12):  # long sentences: one engine batch takes many seconds
        text = ", ".join([clause] * 14) + ".\n"
        (project / "sources" / f"bericht-{i:02d}.txt").write_text(text, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "transflow", "translate", "--threads", "1", "--project", str(project)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 120
    while "generated test model" not in proc.stderr.readline() and time.monotonic() < deadline:
        pass
    time.sleep(1.5)  # inside the first batch
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 2, "the stop waited for the engine batch"
    assert proc.returncode == 130, err
    assert "error: interrupted; finished articles are kept, run again to continue" in err
    assert not list(project.rglob("*.tmp"))
    assert not (project / "output" / ".transflow" / "run.pid").exists()


# --- random bytes everywhere -----------------------------------------------------------------

NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<SCRIPT src=x>",
        "\x0b",
        "\x0c",
        "\x01",
        "\x1b[2J",
        "{{ 7*7 }}",
        "]]>",
        "&amp;",
        "\n\n",
        "---\n",
        "*a",
        "&a ",
        "../../",
        "Kümmerer",
        "Ehrenamt",
        "Altena - ",
        "date 2024-05 ",
        "\ufeff",
        "\r\n",
        "? [[1]]\n: 2\n",
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), NASTY), max_size=10).map("".join)
RAW = st.one_of(TEXT.map(str.encode), st.binary(max_size=120))
CLEAN = TEXT.map(lambda t: "liaison " + " ".join(clean_text(t).split()))  # a valid glossary value


def _script_tags(path: Path) -> int:
    return path.read_bytes().lower().count(b"<script")


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    source=RAW,
    front=TEXT,
    body=TEXT,
    glossary=st.one_of(st.tuples(CLEAN, CLEAN), st.tuples(CLEAN, TEXT), RAW),
    xliff_target=TEXT,
    xliff_raw=st.one_of(st.none(), RAW),
)
def test_random_bytes_never_escape_or_break_the_output(
    tmp_path_factory: pytest.TempPathFactory,
    tiny_model,  # type: ignore[no-untyped-def]
    source: bytes,
    front: str,
    body: str,
    glossary: bytes | tuple[str, str],
    xliff_target: str,
    xliff_raw: bytes | None,
) -> None:
    from xml.sax.saxutils import escape

    root = tmp_path_factory.mktemp("fuzz")
    project = root / "project"
    (project / "sources").mkdir(parents=True)
    (project / "sources" / "rat.txt").write_text("Altena - Der Rat tagt. Die Kümmerer helfen.\n")
    (project / "sources" / "zufall.txt").write_bytes(source)
    (project / "sources" / "vorspann.md").write_bytes(f"---\n{front}\n---\n{body}\n".encode())
    if isinstance(glossary, tuple):
        en, note = (json.dumps(t, ensure_ascii=False) for t in glossary)
        text = f"terms:\n  - de: Kümmerer\n    en: {en}\n    note: {note}\n"
        (project / "glossary.yml").write_text(text, encoding="utf-8")
    else:
        (project / "glossary.yml").write_bytes(glossary)
    outside = tree(root, skip=project / "output")
    p = str(project)
    started = time.monotonic()
    codes = [run_cli("translate", "--project", p)[0], run_cli("review", "--project", p)[0]]
    slugs = sorted(p.parent.name for p in (project / "output").glob("*/segments.json"))
    for slug in slugs:
        codes.append(run_cli("approve", slug, "--force", "--project", p)[0])
    codes.append(run_cli("publish", "--with-german", "--project", p)[0])
    if "rat" in slugs:
        xlf = root / "rat.xlf"
        codes.append(run_cli("export", "xliff", "rat", "-o", str(xlf), "--project", p)[0])
        if codes[-1] == 0:
            valid_xliff(xlf)
        if xliff_raw is not None:
            xlf.write_bytes(xliff_raw)
        elif xlf.exists():
            raw = xlf.read_text(encoding="utf-8")
            start, end = raw.find("<target"), raw.find("</target>")
            if start != -1 and end != -1:
                start = raw.index(">", start) + 1
                xlf.write_text(raw[:start] + escape(xliff_target) + raw[end:], encoding="utf-8")
        outside = tree(root, skip=project / "output")
        codes.append(run_cli("import", "xliff", str(xlf), "--slug", "rat", "--project", p)[0])
        codes.append(run_cli("translate", "--project", p)[0])
    assert time.monotonic() - started < 90
    assert set(codes) <= {0, 1, 2, 3}, codes
    assert tree(root, skip=project / "output") == outside
    for path in (project / "output").rglob("*"):
        if path.suffix in (".xml", ".xlf", ".tmx", ".tbx"):
            ET.fromstring(path.read_bytes())
        elif path.suffix == ".html":
            assert _script_tags(path) == (1 if path.name == "review.html" else 0), path
