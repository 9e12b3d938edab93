"""Integration tests on a real de→en argos model; skipped (with the reason) when none is given."""

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from transflow.mt.engine import install_model


def real_model() -> Path | None:
    if os.environ.get("TRANSFLOW_TEST_MODEL"):
        return Path(os.environ["TRANSFLOW_TEST_MODEL"])
    found = sorted((ROOT.parent / "shared" / "models").glob("*.argosmodel"))
    return found[0] if found else None


pytestmark = pytest.mark.skipif(
    real_model() is None,
    reason="no real model: set TRANSFLOW_TEST_MODEL=PATH.argosmodel or put one in ../shared/models/",
)
GERMAN_WORDS = re.compile(r"\b(der|die|das|und|nicht|wurde|für|mit)\b", re.IGNORECASE)


def test_seed_comes_out_in_english_with_every_term(project: Path) -> None:

    install_model(real_model())  # type: ignore[arg-type]
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    from transflow.work.record import load_record

    record = load_record(next((project / "output").glob("*/segments.json")).parent)
    assert record is not None
    for sentence in record.sentences:
        assert sentence.english != sentence.source
        assert len(GERMAN_WORDS.findall(sentence.english)) <= 1, sentence.english
    assert run_cli("glossary", "check", "--project", str(project))[0] == 0


def test_no_german_of_a_structured_article_reaches_the_draft(project: Path) -> None:
    """Headings, list items, the title, the summary and link texts all come out in English."""
    import shutil

    from test_document import ARTICLES
    from test_wordfile import WORD_ARTICLES
    from transflow.text.protect import protect
    from transflow.work.drafts import DRAFT_FILE, parse_draft
    from transflow.work.record import load_record

    install_model(real_model())  # type: ignore[arg-type]
    for path in ARTICLES:
        shutil.copy(path, project / "sources" / path.name)
    for name, build in WORD_ARTICLES.items():
        (project / "sources" / name).write_bytes(build())
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    for folder in sorted(p.parent for p in (project / "output").glob("*/segments.json")):
        record = load_record(folder)
        assert record is not None
        body = parse_draft((folder / DRAFT_FILE).read_text(encoding="utf-8")).body
        for sentence in record.sentences:
            words = re.sub(r"⟦\d+⟧", " ", protect(sentence.source).text)
            if len(re.findall(r"[A-Za-zÄÖÜäöüß]{3,}", words)) < 2:
                continue  # a name, a number or a link alone: nothing to translate
            assert sentence.english != sentence.source, (folder.name, sentence.source)
            assert sentence.source not in body, (folder.name, sentence.source)
            assert len(GERMAN_WORDS.findall(sentence.english)) <= 1, (folder.name, sentence.english)
