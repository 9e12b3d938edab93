"""The layers contract (import-linter, in pyproject.toml) holds, and a reach-back breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the package under ``root/src`` with ``root/pyproject.toml``'s contracts."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src" / "transflow", tmp_path / "src" / "transflow")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_are_kept() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0 and "1 kept, 0 broken" in done.stdout, done.stdout + done.stderr


def test_a_page_that_reaches_back_into_the_cli_breaks_the_contract(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    review = root / "src" / "transflow" / "pages" / "review.py"
    review.write_text(
        review.read_text(encoding="utf-8") + "\n\ndef _reach() -> None:\n    import transflow.cli\n"
    )
    done = lint_imports(root)
    assert done.returncode == 1 and "BROKEN" in done.stdout
    assert "transflow.pages.review -> transflow.cli" in done.stdout


def test_the_record_layer_never_renders(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    record = root / "src" / "transflow" / "work" / "record.py"
    record.write_text(record.read_text(encoding="utf-8") + "\n\nfrom transflow.pages import review  # noqa\n")
    done = lint_imports(root)
    assert done.returncode == 1 and "transflow.work.record -> transflow.pages.review" in done.stdout


def test_a_new_check_shows_on_the_review_page(tmp_path: Path, project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """docs/ARCHITECTURE.md's steps, followed in a copy of the package: the badge is on the page."""
    import re
    import textwrap

    guide = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(\s*@check\(.*?)```", guide, re.S)
    wording = re.search(r"`(Wording\(\"exclamation\".*?\))`", guide, re.S)
    assert example and wording, "the guide's example check and its wording"
    root = copy_of_the_package(tmp_path / "copy")
    package = root / "src" / "transflow"
    with (package / "checks.py").open("a", encoding="utf-8") as checks:
        checks.write("\n\n" + textwrap.dedent(example.group(1)))
    with (package / "badges.py").open("a", encoding="utf-8") as badges:
        badges.write("\n\nWARNINGS['exclamation'] = " + " ".join(wording.group(1).split()) + "\n")
    (project / "sources" / "fest.txt").write_text("Das Sommerfest beginnt!\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "transflow", "translate", "--project", str(project)],
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page = (project / "output" / "fest" / "review.html").read_text(encoding="utf-8")
    assert 'data-check="exclamation"' in page and "exclamation lost" in page
    ours = (ROOT / "src" / "transflow" / "checks.py").read_text(encoding="utf-8")
    assert "def exclamation" not in ours  # only the copy has it


def test_every_function_over_60_lines_is_explained() -> None:
    import ast

    guide = (
        (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8").split("## Functions over 60 lines")[1]
    )
    long = []
    for path in sorted((ROOT / "src" / "transflow").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            functions = ast.FunctionDef | ast.AsyncFunctionDef
            if isinstance(node, functions) and (node.end_lineno or 0) - node.lineno + 1 > 60:
                module = path.relative_to(ROOT / "src" / "transflow").with_suffix("").as_posix()
                long.append(f"{module}.{node.name}")
    assert long and [name for name in long if f"`{name}`" not in guide] == []
