"""Bad input, failing writes, interruptions and concurrent runs: one error line, nothing lost."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import record_of, run_cli
from transflow.terms.enforcement import find_terms
from transflow.terms.glossary import load_glossary
from transflow.text.articles import MAX_SOURCE_BYTES
from transflow.work.record import Sentence

SLUG = "altena-2018-04-oecd-studie"


def snapshot(project: Path) -> dict[str, bytes]:
    """Drafts (editors' files) and kept revisions under output/, by path."""
    out = project / "output"
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and (p.name == "draft.en.md" or p.parent.name == "revisions")
    }


@pytest.fixture
def translated(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    """A project whose seed is translated and whose draft an editor has edited."""
    assert run_cli("translate", "--project", str(project))[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    draft.write_text(draft.read_text(encoding="utf-8") + "\nAn editor's sentence.\n", encoding="utf-8")
    return project


def assert_clean(project: Path) -> None:
    assert not list(project.rglob("*.tmp")), list(project.rglob("*.tmp"))


def segments(project: Path, slug: str) -> list[Sentence]:
    return list(record_of(project, slug).sentences)


GOOD_INPUTS = {
    "bom.txt": "\ufeffAltena - Der Rat tagt.\n".encode(),
    "crlf.txt": b"Altena - Der Rat tagt.\r\n\r\nDie Stadt l\xc3\xa4dt ein.\r\n",
    "cr.txt": b"Altena - Der Rat tagt.\r\rDie Stadt l\xc3\xa4dt ein.\r",
    "nfd.txt": "Der Bu\u0308rgermeister gru\u0308ßt.\n".encode(),
    "spaces.txt": "Der\u00a0Rat tagt\u200b heute.\u00a0Die Ver\u00adwaltung lädt ein.\n".encode(),
    "quotes.txt": "„Gut“, sagt er. ‚Ja‘ – sagt sie.\n".encode(),
    "markup.txt": b"Der Rat <script>alert(1)</script> tagt. Es gilt &amp; {{ x }} und **fett**.\n",
    "word.txt": "Die Bürger grüßen die Kümmerer.\n".encode("cp1252"),
}
EXPECTED_SOURCE = {
    "bom": ["Der Rat tagt."],
    "crlf": ["Der Rat tagt.", "Die Stadt lädt ein."],
    "cr": ["Der Rat tagt.", "Die Stadt lädt ein."],
    "nfd": ["Der Bürgermeister grüßt."],
    "spaces": ["Der Rat tagt heute.", "Die Verwaltung lädt ein."],
    "quotes": ["„Gut“, sagt er.", "‚Ja‘ – sagt sie."],
    "markup": ["Der Rat <script>alert(1)</script> tagt.", "Es gilt &amp; {{ x }} und **fett**."],
    "word": ["Die Bürger grüßen die Kümmerer."],
}


def test_odd_but_valid_inputs_become_correct_drafts(translated: Path) -> None:
    for name, data in GOOD_INPUTS.items():
        (translated / "sources" / name).write_bytes(data)
    before = snapshot(translated)
    code, _, err = run_cli("translate", "--project", str(translated))
    assert code == 0, err
    assert "word.txt: not UTF-8 (line 1, byte 5); read as Windows-1252" in err
    for slug, expected in EXPECTED_SOURCE.items():
        assert [s.source for s in segments(translated, slug)] == expected, slug
        draft = (translated / "output" / slug / "draft.en.md").read_text(encoding="utf-8")
        import unicodedata

        assert unicodedata.is_normalized("NFC", draft)
    assert snapshot(translated)[f"{SLUG}/draft.en.md"] == before[f"{SLUG}/draft.en.md"]
    assert_clean(translated)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary.txt: binary file, not text; skipped"),
        ("empty.txt", b"", "empty.txt: empty, nothing to translate; skipped"),
        ("blank.md", b"  \n\t\n", "blank.md: empty, nothing to translate; skipped"),
        (
            "huge.txt",
            b"Der Rat tagt. " * (MAX_SOURCE_BYTES // 14 + 1),
            "huge.txt: larger than 1000 KB, skipped",
        ),
        (
            "latin.txt",
            b"Der Rat \x81\x8d tagt.",
            "latin.txt: not UTF-8 (line 1, byte 8) and not Windows-1252",
        ),
        ("front.md", b"---\ntitle: [x\n---\nText.\n", "front.md: line"),
    ],
    ids=["binary", "empty", "blank", "huge", "undecodable", "front-matter"],
)
def test_unusable_files_are_skipped_and_the_batch_goes_on(
    translated: Path, name: str, data: bytes, reason: str
) -> None:
    (translated / "sources" / name).write_bytes(data)
    (translated / "sources" / "gut.txt").write_text("Der Rat tagt.\n", encoding="utf-8")
    before = snapshot(translated)
    code, out, err = run_cli("translate", "--project", str(translated))
    assert code == 3
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: " + reason), err
    assert "Traceback" not in err + out
    assert (translated / "output" / "gut" / "draft.en.md").exists()
    after = snapshot(translated)
    assert all(after[k] == v for k, v in before.items())
    assert_clean(translated)


@pytest.mark.parametrize(
    ("glossary", "message"),
    [
        ("terms: [\n", "error: glossary.yml: line 2:"),
        (
            "terms:\n  - de: Rat\n    de: Amt\n    en: council\n",
            "error: glossary.yml: line 3: found duplicate key",
        ),
        ("terms:\n  - de: Rat\n    en: 5\n", "error: glossary.yml: line 2: 'en' is missing or empty"),
        (
            "terms:\n  - de: Rat\n    en: council\n  - de: Rat\n    en: board\n",
            "error: glossary.yml: line 4: conflicting",
        ),
        ("terms: 7\n", "error: glossary.yml: line 1: expected a mapping"),
    ],
    ids=["syntax", "duplicate-key", "wrong-type", "conflict", "not-a-list"],
)
def test_glossary_problems_stop_before_any_work(translated: Path, glossary: str, message: str) -> None:
    (translated / "glossary.yml").write_text(glossary, encoding="utf-8")
    (translated / "sources" / "neu.txt").write_text("Der Rat tagt.\n", encoding="utf-8")
    before = snapshot(translated)
    code, _, err = run_cli("translate", "--project", str(translated))
    assert code == 2
    assert err.splitlines()[0].startswith(message), err
    assert snapshot(translated) == before
    assert_clean(translated)


def test_corrupt_installed_model_is_one_line(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    weights = tiny_model.path / "model" / "model.bin"
    weights.write_bytes(weights.read_bytes()[:1000])
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 2
    assert err.startswith("error: translate-de_en-generated-tiny: cannot load the model")
    assert "Traceback" not in err
    assert not (project / "output" / SLUG).exists()


def test_disk_full_keeps_earlier_drafts(translated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (translated / "sources" / SLUG).with_suffix(".txt").write_text(
        "Altena - Neu. Der Rat tagt.\n", encoding="utf-8"
    )
    before = snapshot(translated)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = run_cli("translate", "--project", str(translated))
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert (
        len(errors) == 1 and errors[0].startswith("error: cannot write") and errors[0].endswith("disk full")
    )
    assert "Traceback" not in err
    assert snapshot(translated) == before
    assert_clean(translated)


def test_run_on_sentence_is_chunked_not_a_hang(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "lang.txt").write_text(" ".join(["Wort"] * 1500) + "\n", encoding="utf-8")
    started = time.monotonic()
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    assert time.monotonic() - started < 120
    (segment,) = segments(project, "lang")
    assert segment.english


def write_corpus(project: Path, n: int) -> None:
    sentences = [
        "Der Rat der Stadt tagt am Mittwoch im Rathaus.",
        "Die Kümmerer begleiten Zuwanderer bei Behördengängen.",
        "Das Ehrenamt ist eine tragende Säule des Zusammenlebens.",
        "Weitere Informationen gibt es im Bürgerbüro.",
        "Die Sprechstunde findet dienstags von 9 bis 12 Uhr statt.",
        "Der Bürgermeister dankt allen Ehrenamtlern für ihren Einsatz.",
    ]
    for i in range(n):
        text = f"Altena - Meldung {i}. " + " ".join(sentences) + "\n\n" + " ".join(reversed(sentences)) + "\n"
        (project / "sources" / f"meldung-{i:03d}.txt").write_text(text, encoding="utf-8")


def cli(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "transflow", *args, "--project", str(project)]


def test_sigint_keeps_finished_articles_and_the_rerun_resumes(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    write_corpus(project, 60)
    proc = subprocess.Popen(
        cli(project, "translate"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not list((project / "output").glob("*/segments.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 5
    assert proc.returncode == 130, err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        "error: interrupted; finished articles are kept, run again to continue"
    ]
    assert_clean(project)
    first = {
        p.parent.name: json.loads(p.read_text())["translated_at"]
        for p in (project / "output").glob("*/segments.json")
    }
    assert 0 < len(first) < 61
    rerun = subprocess.run(
        cli(project, "translate"), capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert rerun.returncode == 0, rerun.stderr
    done = {p.parent.name: json.loads(p.read_text()) for p in (project / "output").glob("*/segments.json")}
    assert len(done) == 61
    for slug, stamp in first.items():  # translated once: the rerun left them alone
        assert done[slug]["translated_at"] == stamp
    rest = sum(len(d["sentences"]) for slug, d in done.items() if slug not in first)
    stats = json.loads((project / "output" / ".transflow" / "last-run.json").read_text())
    assert stats["articles"] == 61 - len(first) and stats["engine_sentences"] == rest
    assert all(len(d["sentences"]) >= 1 for d in done.values())


def test_two_runs_at_once_one_waits_or_fails_cleanly(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    write_corpus(project, 40)
    first = subprocess.Popen(
        cli(project, "translate"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lock_pid = project / "output" / ".transflow" / "run.pid"
    deadline = time.monotonic() + 60
    while not lock_pid.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    second = subprocess.run(cli(project, "translate"), capture_output=True, text=True)
    first.communicate(timeout=300)
    assert first.returncode == 0
    if second.returncode != 0:
        assert second.returncode == 2
        assert second.stderr.splitlines()[0] == (
            f"error: another transflow run is working on this project (pid {first.pid})"
        )
    assert len(list((project / "output").glob("*/segments.json"))) == 41
    assert_clean(project)


def test_stale_lock_from_a_killed_process_is_taken_over(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    state = project / "output" / ".transflow"
    state.mkdir(parents=True)
    (state / "run.lock").write_text("")
    (state / "run.pid").write_text("999999")
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err


GLOSSARY = load_glossary(Path(__file__).resolve().parents[1] / "glossary.yml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_glossary_matching_never_fails_on_any_text(text: str) -> None:
    for match in find_terms(text, GLOSSARY):
        assert text[match.start : match.end] == match.surface
