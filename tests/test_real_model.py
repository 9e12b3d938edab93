"""Integration tests on a real de→en argos model; skipped (with the reason) when none is given."""

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from transflow.engine import install_model


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
    from transflow.record import load_record

    record = load_record(next((project / "output").glob("*/segments.json")).parent)
    assert record is not None
    for sentence in record.sentences:
        assert sentence.english != sentence.source
        assert len(GERMAN_WORDS.findall(sentence.english)) <= 1, sentence.english
    assert run_cli("glossary", "check", "--project", str(project))[0] == 0
