"""Helpers shared by the benchmarks: an isolated home and a model to measure."""

from __future__ import annotations

import json
import os
import subprocess
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
    from transflow.mt.engine import install_model
    from transflow.testing.make_model import make_model

    if model is None:
        model = make_model(
            Path(os.environ["ARGOS_PACKAGES_DIR"]).parent / f"generated-{size}.argosmodel", size
        )
    return install_model(model)


# Linux carries a parent's peak RSS into its child's `ru_maxrss` across fork and exec, so a bench
# holding a model (or 10,000 articles' data) would report its own size for every process it times.
# A small launcher in between starts the command from a small address space and reports its child.
_LAUNCHER = """
import json, os, subprocess, sys, time
with open(sys.argv[2], "wb") as err:
    started = time.perf_counter()
    proc = subprocess.Popen(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump({"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
               "peak_rss_kb": usage.ru_maxrss, "returncode": os.waitstatus_to_exitcode(status)}, out)
"""


def measure(command: list[str]) -> dict[str, Any]:
    """Wall seconds, CPU seconds, peak RSS (KB), exit code and stderr of one process."""
    with tempfile.TemporaryDirectory() as tmp:
        report, errors = Path(tmp) / "report.json", Path(tmp) / "stderr"
        subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), str(errors), *command], check=True)
        result: dict[str, Any] = json.loads(report.read_text())
        result["stderr"] = errors.read_text(errors="replace")
    return result
