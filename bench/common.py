"""Helpers shared by the benchmarks: an isolated home and a model to measure."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def print_report(run: Callable[[Path], dict[str, Any]]) -> None:
    """Run a benchmark in an isolated temp home and print its report as one JSON line."""
    with tempfile.TemporaryDirectory() as tmp:
        isolate_home(Path(tmp))
        report = run(Path(tmp))
    print(json.dumps(report))
    sys.stdout.flush()
    os._exit(0)  # skip CTranslate2's slow teardown


def isolate_home(tmp: Path) -> None:
    """Point HOME, XDG folders and argos packages at ``tmp``: benchmarks never touch the real home."""
    os.environ["HOME"] = str(tmp / "home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache")):
        os.environ[var] = str(tmp / "home" / sub)
    os.environ["ARGOS_PACKAGES_DIR"] = str(tmp / "packages")


def prepare_model(model: Path | None, size: str) -> Any:
    """Install ``model`` (or a freshly generated model of ``size``) and return its package."""
    from transflow.engine import install_model
    from transflow.testing.make_model import make_model

    if model is None:
        model = make_model(
            Path(os.environ["ARGOS_PACKAGES_DIR"]).parent / f"generated-{size}.argosmodel", size
        )
    return install_model(model)
