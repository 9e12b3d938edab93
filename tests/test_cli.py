import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from conftest import run_cli
from transflow.cli import app


def all_commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = [()]

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                found.append((*path, name))
                walk(sub, (*path, name))

    walk(root, ())
    return found


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "transflow")
def test_every_command_explains_itself_with_an_example(path: tuple[str, ...]) -> None:
    code, out, _ = run_cli(*path, "--help")
    assert code == 0
    assert "Example: transflow" in out, out
    assert out.count("\n") > 3


def test_expected_commands_exist() -> None:
    names = {" ".join(p) for p in all_commands()}
    expected = {
        "translate",
        "model install",
        "model list",
        "glossary list",
        "glossary add",
        "glossary remove",
    }
    assert expected | {"glossary lint", "glossary check"} <= names


def test_cli_start_imports_no_heavy_library() -> None:
    heavy = "('torch', 'stanza', 'spacy', 'ctranslate2', 'argostranslate', 'simplemma')"
    code = f"import sys, transflow.cli; print(','.join(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_usage_error_is_one_line_exit_2() -> None:
    code, _, err = run_cli("translate", "--beam-size", "zero")
    assert code == 2
    assert err.startswith("error:") and "Traceback" not in err


def test_model_list_without_models(isolated_home) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli("model", "list")
    assert code == 0 and "no models installed" in out


def test_model_install_and_list(tiny_model_file) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("model", "install", str(tiny_model_file))
    assert code == 0, err
    code, out, _ = run_cli("model", "list")
    assert out.startswith("* translate-de_en-generated-tiny") and "generated test model" in out


def test_model_install_bad_file_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.argosmodel"
    bad.write_bytes(b"PK\x03\x04 broken")
    code, _, err = run_cli("model", "install", str(bad))
    assert code == 2 and err.startswith("error: x.argosmodel:") and "Traceback" not in err


def test_readme_mentions_every_command() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p in all_commands() if p and f"transflow {' '.join(p)}" not in readme]
    assert missing == []


def test_readme_shows_the_daily_loop_on_its_first_screen() -> None:
    """A press officer sees translate → review → approve → publish without scrolling (30 lines)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:30])
    steps = ["transflow translate", "transflow serve", "transflow approve", "transflow publish"]
    at = [first_screen.find(step) for step in steps]
    assert -1 not in at and at == sorted(at), dict(zip(steps, at, strict=True))
    assert len(readme.splitlines()) <= 350


def test_unexpected_error_is_one_line_with_a_log(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import transflow.actions.translate

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("something we did not foresee")

    monkeypatch.setattr(transflow.actions.translate, "run_translate", broken)
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 70
    (line,) = err.splitlines()
    assert line.startswith("error: unexpected RuntimeError: something we did not foresee (details in ")
    log = Path(line.rsplit("details in ", 1)[1].rstrip(")"))
    assert log.is_relative_to(project / "output" / ".transflow" / "logs")
    assert "Traceback" in log.read_text()


def test_translate_path_imports_no_torch_stanza_or_spacy(project, tiny_model) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\n"
        "from transflow.cli import main\n"
        f"assert main(['translate', '--project', {str(project)!r}]) == 0\n"
        "print(','.join(m for m in ('torch', 'stanza', 'spacy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == ""  # the last print: names of heavy modules loaded


def test_a_no_op_run_and_status_import_only_what_they_need(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """What a no-op run and `status` cost is mostly imports: none of the engine, pages or matcher."""
    assert run_cli("translate", "--project", str(project))[0] == 0
    heavy = (
        "ctranslate2",
        "numpy",
        "simplemma",
        "somajo",
        "jinja2",
        "pydantic",  # typer from 0.29 imports it for every command
        "transflow.terms.enforcement",
    )
    # translate stops before its pages and memory; status reads the index rows from review.py
    for command, more in (("translate", ("transflow.pages.review", "transflow.work.memory")), ("status", ())):
        code = (
            "import sys\n"
            "from transflow.cli import main\n"
            f"assert main([{command!r}, '--project', {str(project)!r}]) == 0\n"
            f"print('imported:', *[m for m in {heavy + more!r} if m in sys.modules])\n"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert done.stdout.splitlines()[-1] == "imported:", (command, done.stdout[-300:])


def exit_of(tmp_path: Path, main_body: str, then: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real entry point (`run`), as ``python -m``, in a process whose `main` is ``main_body``."""
    (tmp_path / "entry_probe.py").write_text(
        "import importlib, os, signal, sys, time\n"
        "app = importlib.import_module('transflow.cli.app')\n"
        "def main(argv=None):\n" + "".join(f"    {line}\n" for line in main_body.splitlines()) + then + "\n"
        "app.main = main\n"
        "app.run()\n"
    )
    # -m as in `python -m transflow`: only that way does CPython act on its unhandled-Ctrl-C flag
    command = [sys.executable, "-m", "entry_probe"]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_ctrl_c_caught_inside_a_lazy_import_still_exits_130(tmp_path: Path) -> None:
    # CPython flags a KeyboardInterrupt raised inside exec() of a string (how dataclasses and
    # namedtuples are built, so any lazy import) as unhandled even after it is caught, and
    # under -m then kills itself with SIGINT at exit (returncode -2): this Ctrl-C lands there.
    done = exit_of(
        tmp_path,
        "try:\n"
        "    exec('raise KeyboardInterrupt')\n"
        "except KeyboardInterrupt:\n"
        "    print('error: interrupted', file=sys.stderr)\n"
        "    return 130",
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "error: interrupted\n"


def test_a_signal_after_the_work_is_done_changes_nothing(tmp_path: Path) -> None:
    # Sent while Python shuts down (here: from an exit hook), Ctrl-C and SIGTERM are ignored:
    # the run's own code stands and no traceback appears.
    hook = (
        "import atexit\n"
        "def late():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(0.2)\n"
        "atexit.register(late)"
    )
    done = exit_of(tmp_path, "return 3", then=hook)
    assert done.returncode == 3, done.stderr
    assert done.stderr == ""
