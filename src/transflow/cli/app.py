"""The Typer apps, the options every command shares, and the mapping of errors to exit codes."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from transflow.errors import Interrupted, TransflowError
from transflow.project import Project
from transflow.safetext import for_terminal

app = typer.Typer(
    help="Translate German municipal news into English drafts editors can trust.\n\n"
    "Example: transflow translate",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
model_app = typer.Typer(
    help="Install and list translation models.\n\nExample: transflow model list", no_args_is_help=True
)
glossary_app = typer.Typer(
    help="Maintain and check glossary.yml.\n\nExample: transflow glossary add Rathaus 'town hall'",
    no_args_is_help=True,
)
memory_app = typer.Typer(
    help="The translation memory.\n\nExample: transflow memory stats", no_args_is_help=True
)
export_app = typer.Typer(
    help="Export for CAT tools.\n\nExample: transflow export xliff altena-2018-04-oecd-studie",
    no_args_is_help=True,
)
import_app = typer.Typer(
    help="Import from CAT tools.\n\nExample: transflow import xliff altena-2018-04-oecd-studie.xlf",
    no_args_is_help=True,
)


def _show_version(value: bool) -> None:
    if value:
        from transflow import __version__

        print(f"transflow {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_show_version, is_eager=True),
    ] = False,
) -> None:
    """Translate German municipal news into English drafts editors can trust."""


app.add_typer(model_app, name="model")
app.add_typer(glossary_app, name="glossary")
app.add_typer(memory_app, name="memory")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

ProjectOption = Annotated[
    Path,
    typer.Option(
        "--project", "-C", help="Project folder (holds sources/ and glossary.yml).", show_default="."
    ),
]


def project_at(path: Path | None, *, existing: bool = True) -> Project:
    """The project in ``path`` (default: the current folder); one error line where there is none.

    A folder with none of sources/, glossary.yml and transflow.toml is not a project: a command
    there would write output/ or a glossary into the wrong folder.
    """
    from transflow.settings import SETTINGS_FILE

    project = Project((path or Path.cwd()).resolve())
    markers = (project.sources, project.glossary, project.root / SETTINGS_FILE)
    if existing and not any(m.exists() for m in markers):
        from transflow.errors import ConfigError

        raise ConfigError(
            f"no transflow project in {project.root}",
            hint=f"make one with `transflow init {project.root}`, or pass --project PATH",
        )
    return project


def console(stderr: bool = False) -> Console:
    """A rich console for our output: no automatic highlighting of numbers and paths."""
    return Console(stderr=stderr, highlight=False)


def cell(text: str) -> str:
    """User text (file names, titles, terms) for a rich table: markup and control codes shown as typed."""
    from rich.markup import escape

    return escape(for_terminal(text))


def _crash_log(project_dir: Path) -> Path:
    """Write the traceback of an unexpected error where the user can send it to us."""
    folder = project_dir / "output" / ".transflow" / "logs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        import tempfile

        folder = Path(tempfile.gettempdir())
    path = folder / f"crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; errors become one `error:` line."""
    # SIGTERM (a closed laptop lid, a killed job) stops like Ctrl-C: finished work is kept.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        # Typer returns, rather than raises, the code of an Exit; Ctrl-C becomes Exit(130).
        code = app(args=argv, prog_name="transflow", standalone_mode=False)
        if code == Interrupted.exit_code:
            raise KeyboardInterrupt
        return code if isinstance(code, int) else 0
    except TransflowError as e:
        # Messages quote file names and user text: escape codes in them are shown, not obeyed.
        print(f"error: {for_terminal(e.message)}", file=sys.stderr)
        if e.hint:
            print(f"hint: {for_terminal(e.hint)}", file=sys.stderr)
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        print("error: interrupted; finished articles are kept, run again to continue", file=sys.stderr)
        return Interrupted.exit_code
    except typer.TyperException as e:  # usage errors: bad option, missing argument
        print(f"error: {for_terminal(e.format_message())}", file=sys.stderr)
        context = getattr(e, "ctx", None)
        command = context.command_path if context is not None else "transflow"
        print(f"hint: `{for_terminal(command)} --help` shows what it takes, with an example", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; finished articles are kept, run again to continue", file=sys.stderr)
        return Interrupted.exit_code
    except Exception as e:
        args = argv if argv is not None else sys.argv[1:]
        where = Path(args[args.index("--project") + 1]) if "--project" in args[:-1] else Path.cwd()
        log = _crash_log(where)
        message = for_terminal(f"unexpected {type(e).__name__}: {e}")
        print(f"error: {message} (details in {log})", file=sys.stderr)
        return 70


def run() -> None:
    """Console-script entry point."""
    started = time.monotonic()
    # Young cycles are still collected; full collections of the whole heap (at 10,000 articles,
    # a million objects of cached verdicts, each one walked again) come 100 times more rarely:
    # 0.2 s of CPU less for one change in a 10,000-article project (issue 28).
    gc.set_threshold(700, 10, 1000)
    code = main()
    if os.environ.get("TRANSFLOW_TIMING"):
        print(f"[{time.monotonic() - started:.2f}s]", file=sys.stderr)
    # The work is over: a Ctrl-C or SIGTERM from now on changes nothing (Python would restore
    # the default handlers while it shuts down, and a late signal would kill it mid-exit).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    engine = sys.modules.get("transflow.mt.engine")  # not imported: no engine ran
    busy = engine is not None and engine.engine_busy()
    if busy or code == Interrupted.exit_code:
        # Files are closed and the lock released by now. Interrupted mid-batch, the engine's
        # thread would hold a normal exit until its batch ends (seconds with a large model).
        # And CPython marks a Ctrl-C that lands inside exec() of a string (dataclass and
        # namedtuple creation in a lazy import) as unhandled even after main() caught it, and
        # under `python -m` kills itself with SIGINT at exit: the caller would see a signal.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
