"""The `transflow` command: parses arguments, shows progress, maps errors to exit codes.

All work happens in library functions; each command calls one and formats its result.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from transflow.errors import ChecksFailed, InputError, Interrupted, TransflowError
from transflow.project import Project

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
    help="Export for CAT tools.\n\nExample: transflow export xliff altena", no_args_is_help=True
)
import_app = typer.Typer(
    help="Import from CAT tools.\n\nExample: transflow import xliff altena.xlf", no_args_is_help=True
)
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


def _project(path: Path | None) -> Project:
    return Project((path or Path.cwd()).resolve())


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


@app.command()
def translate(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Only these article files.", show_default=False)
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-translate every article, changed or not.")
    ] = False,
    threads: Annotated[int, typer.Option(help="CPU threads for the engine (0: one per core).", min=0)] = 0,
    beam_size: Annotated[int, typer.Option(help="Beam size: higher is slower and often better.", min=1)] = 4,
    project: ProjectOption = Path("."),
) -> None:
    """Translate new or changed articles in sources/ into English drafts in output/.

    Example: transflow translate            (all new or changed articles)
    Example: transflow translate sources/altena.txt --force
    """
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from transflow import GENERATED_NOTICE
    from transflow.engine import EngineOptions, ModelPackage
    from transflow.translate import run_translate

    out, err = _console(), _console(stderr=True)
    proj = _project(project)
    progress = Progress(
        TextColumn("[bold]translating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sentences"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task("translate", total=0)

    def on_start(total: int, package: ModelPackage) -> None:
        if package.generated:
            err.print(f"[bold red]WARNING: {GENERATED_NOTICE}[/] ({package.label})")
        progress.update(task, total=total)
        progress.start()

    try:
        report = run_translate(
            proj,
            files=[f.resolve() for f in files] if files else None,
            force=force,
            options=EngineOptions(beam_size=beam_size, threads=threads),
            on_start=on_start,
            progress=lambda n: progress.advance(task, n),
        )
    finally:
        if progress.live.is_started:
            progress.stop()
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)
    table = Table(title=f"model: {report.model.label}" if report.model else None)
    for column in ("article", "status", "sentences", "enforced", "missing", "note"):
        table.add_column(column)
    for r in report.results:
        table.add_row(
            r.slug,
            r.status,
            str(r.sentences or ""),
            str(r.terms_enforced or ""),
            str(r.terms_missing or ""),
            escape(r.message),  # file names may hold [brackets]
        )
    out.print(table)
    if report.edited_sentences:
        out.print(
            f"{report.edited_sentences} sentence(s) of editors' corrections kept in the translation memory"
        )
    done = len(report.translated)
    out.print(f"{done} translated, {len(report.results) - done} not translated")
    if report.model is not None and report.model.generated:
        err.print(f"[bold red]WARNING: {GENERATED_NOTICE}[/]")
    skipped = [r for r in report.results if r.status == "skipped"]
    if skipped:
        more = f" (and {len(skipped) - 1} more, see the table)" if len(skipped) > 1 else ""
        raise InputError(skipped[0].message + more, hint="the other articles were translated")


@app.command()
def review(
    slugs: Annotated[
        list[str] | None, typer.Argument(help="Articles (default: all).", show_default=False)
    ] = (None),
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in a browser.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Re-render review pages and print their paths (German and English side by side).

    Example: transflow review altena-2018-04-oecd-studie --open
    """
    from transflow.review import write_index, write_review

    proj = _project(project)
    chosen = slugs or sorted(p.parent.name for p in proj.output.glob("*/segments.json"))
    paths = [write_review(proj, slug) for slug in chosen]
    index = write_index(proj)
    for path in paths or [index]:
        print(path)
    if open_page:
        import webbrowser

        webbrowser.open((paths[0] if len(paths) == 1 else index).as_uri())


@model_app.command("install")
def model_install(
    path: Annotated[
        Path | None, typer.Argument(help="A .argosmodel file; leave out to use the argos index (internet).")
    ] = None,
) -> None:
    """Install a German→English model package.

    Example: transflow model install translate-de_en-1_0.argosmodel
    """
    from transflow.engine import install_from_index, install_model

    out = _console()
    if path:
        package = install_model(path)
    else:
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
        bar = Progress(*columns, console=_console(True), transient=True)
        task = bar.add_task("downloading de→en model", total=None)

        def show(done: int, total: int) -> None:
            if not bar.live.is_started:  # only once the index answered: no bar on failure
                bar.start()
            bar.update(task, completed=done, total=total or None)

        try:
            package = install_from_index(show)
        finally:
            if bar.live.is_started:
                bar.stop()
    out.print(f"installed {package.label} in {package.path}")


@model_app.command("list")
def model_list() -> None:
    """List installed model packages; the one translate uses is marked *.

    Example: transflow model list
    """
    from transflow.engine import installed_models, packages_dir
    from transflow.errors import ModelError

    out = _console()
    try:
        from transflow.engine import find_model

        chosen = find_model().path
    except ModelError:
        chosen = None
    packages = installed_models()
    if not packages:
        out.print(f"no models installed in {packages_dir()}")
    for p in packages:
        mark = "*" if p.path == chosen else " "
        kind = f" (generated test model: {p.generated})" if p.generated else ""
        out.print(f"{mark} {p.label}  {p.from_code}→{p.to_code}{kind}")


@glossary_app.command("list")
def glossary_list(project: ProjectOption = Path(".")) -> None:
    """Show every glossary term and its required English.

    Example: transflow glossary list
    """
    from rich.markup import escape
    from rich.table import Table

    from transflow.glossary import load_glossary

    glossary = load_glossary(_project(project).glossary)
    table = Table()
    for column in ("German", "English", "plural", "note"):
        table.add_column(column)
    for e in glossary.entries:
        english = e.en if e.translate else f"{e.en} (not translated)"
        table.add_row(*(escape(cell) for cell in (e.de, english, e.en_plural or "", e.note or "")))
    _console().print(table)


def _edit_glossary(project: Path, edit: Callable[[str], str]) -> None:
    from transflow.project import atomic_write

    path = _project(project).glossary
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    atomic_write(path, edit(text))


@glossary_app.command("add")
def glossary_add(
    german: Annotated[str, typer.Argument(help="German term (base form).")],
    english: Annotated[str | None, typer.Argument(help="Required English rendering.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for editors.")] = None,
    no_translate: Annotated[bool, typer.Option("--no-translate", help="A name that stays German.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Add a term to glossary.yml, keeping its comments and layout.

    Example: transflow glossary add Rathaus "town hall" --note "the building"
    Example: transflow glossary add Stellwerk --no-translate
    """
    from transflow.glossary import add_term

    _edit_glossary(project, lambda text: add_term(text, german, english, note, not no_translate))
    _console().print(f"added {german}")


@glossary_app.command("remove")
def glossary_remove(
    german: Annotated[str, typer.Argument(help="German term to remove.")],
    project: ProjectOption = Path("."),
) -> None:
    """Remove a term from glossary.yml.

    Example: transflow glossary remove Rathaus
    """
    from transflow.glossary import remove_term

    _edit_glossary(project, lambda text: remove_term(text, german))
    _console().print(f"removed {german}")


@glossary_app.command("lint")
def glossary_lint(project: ProjectOption = Path(".")) -> None:
    """Check glossary.yml and print every problem with its line number.

    Example: transflow glossary lint
    """
    from transflow.errors import GlossaryError
    from transflow.glossary import load_glossary

    path = _project(project).glossary
    try:
        glossary = load_glossary(path)
    except GlossaryError as e:
        for problem in e.problems:
            print(f"{path.name}: {problem}", file=sys.stderr)
        raise ChecksFailed(f"{len(e.problems)} problem(s) in {path.name}") from e
    _console().print(f"{path.name}: {len(glossary.entries)} terms, no problems")


@glossary_app.command("check")
def glossary_check(
    slugs: Annotated[
        list[str] | None, typer.Argument(help="Articles to check (default: all).", show_default=False)
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """List glossary terms whose rendering is missing from drafts; exit 1 if any.

    Example: transflow glossary check altena-2018-04-oecd-studie
    """
    from transflow.checks import check_drafts

    proj = _project(project)
    missing = check_drafts(proj, slugs or None)
    out = _console()
    for item in missing:
        out.print(f"{item.slug}: '{item.surface}' needs '{item.english}' in: {item.sentence}", markup=False)
    if missing:
        raise ChecksFailed(f"{len(missing)} required term(s) missing")
    out.print("all glossary terms present")


@app.command()
def approve(
    slug: Annotated[str, typer.Argument(help="The article to approve.")],
    force: Annotated[bool, typer.Option("--force", help="Approve even with required terms missing.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Approve an article's current English for publishing.

    Example: transflow approve altena-2018-04-oecd-studie
    """
    from transflow.publish import approve as approve_article

    done = approve_article(_project(project), slug, force)
    note = f" despite {done.missing_terms} missing term(s)" if done.forced else ""
    _console().print(f"approved {done.slug} ({done.sentences} sentences){note}")


@app.command()
def status(project: ProjectOption = Path(".")) -> None:
    """Show every article with its state, warnings and missing terms.

    Example: transflow status
    """
    from rich.markup import escape
    from rich.table import Table

    from transflow.review import index_rows

    table = Table()
    for column in ("article", "date", "status", "warnings", "missing terms"):
        table.add_column(column)
    for row in index_rows(_project(project)):
        table.add_row(row.slug, escape(row.date), row.status, str(row.warnings), str(row.missing))
    _console().print(table)


@app.command()
def publish(
    with_german: Annotated[
        bool, typer.Option("--with-german", help="Link each page to its German original.")
    ] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Publish approved articles as English pages with an index and an Atom feed in output/site/.

    Example: transflow publish --with-german
    """
    from transflow.publish import publish as publish_site

    report = publish_site(_project(project), with_german)
    out = _console()
    for slug, reason in report.skipped:
        out.print(f"skipped {slug}: {reason}")
    out.print(f"published {len(report.published)} article(s) to {report.site}")


@memory_app.command("stats")
def memory_stats(project: ProjectOption = Path(".")) -> None:
    """Count the sentence pairs in the translation memory.

    Example: transflow memory stats
    """
    from transflow.memory import Memory

    memory = Memory.of(_project(project))
    try:
        counts = memory.stats()
    finally:
        memory.close()
    for key, value in counts.items():
        print(f"{key}: {value}")


@memory_app.command("export")
def memory_export(
    fmt: Annotated[str, typer.Argument(metavar="tmx", help="Format: tmx.")],
    out: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path("memory.tmx"),
    project: ProjectOption = Path("."),
) -> None:
    """Export the translation memory as TMX.

    Example: transflow memory export tmx -o memory.tmx
    """
    from transflow.interchange import export_tmx

    _format(fmt, "tmx")
    path, count = export_tmx(_project(project), out)
    print(f"wrote {count} unit(s) to {path}")


@glossary_app.command("export")
def glossary_export(
    fmt: Annotated[str, typer.Argument(metavar="tbx", help="Format: tbx.")],
    out: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path("glossary.tbx"),
    project: ProjectOption = Path("."),
) -> None:
    """Export the glossary as TBX.

    Example: transflow glossary export tbx -o glossary.tbx
    """
    from transflow.interchange import export_tbx

    _format(fmt, "tbx")
    print(export_tbx(_project(project), out))


@glossary_app.command("import")
def glossary_import(
    fmt: Annotated[str, typer.Argument(metavar="tbx", help="Format: tbx.")],
    path: Annotated[Path, typer.Argument(help="The TBX file.")],
    project: ProjectOption = Path("."),
) -> None:
    """Add the terms of a TBX file that glossary.yml lacks.

    Example: transflow glossary import tbx terms.tbx
    """
    from transflow.interchange import import_tbx

    _format(fmt, "tbx")
    added = import_tbx(_project(project), path)
    print(f"added {len(added)} term(s)" + (f": {', '.join(added)}" if added else ""))


@export_app.command("xliff")
def export_xliff(
    slug: Annotated[str, typer.Argument(help="The article.")],
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default output/SLUG/SLUG.xlf).")
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Export an article as XLIFF for a CAT tool.

    Example: transflow export xliff altena-2018-04-oecd-studie
    """
    from transflow.interchange import export_xliff as export

    print(export(_project(project), slug, out))


@import_app.command("xliff")
def import_xliff(
    path: Annotated[Path, typer.Argument(help="The XLIFF file a translator returned.")],
    slug: Annotated[str | None, typer.Option(help="The article (default: the file name).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Take a translated XLIFF back into the article's draft.

    Example: transflow import xliff altena-2018-04-oecd-studie.xlf
    """
    from transflow.interchange import import_xliff as take

    done, changed = take(_project(project), path, slug)
    print(f"{done}: {changed} sentence(s) changed")


def _format(given: str, expected: str) -> None:
    if given.lower() != expected:
        from transflow.errors import ConfigError

        raise ConfigError(f"unknown format '{given}'; use {expected}")


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
        print(f"error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"hint: {e.hint}", file=sys.stderr)
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except typer.Abort:
        print("error: interrupted; finished articles are kept, run again to continue", file=sys.stderr)
        return Interrupted.exit_code
    except typer.TyperException as e:  # usage errors: bad option, missing argument
        print(f"error: {e.format_message()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; finished articles are kept, run again to continue", file=sys.stderr)
        return Interrupted.exit_code
    except Exception as e:
        args = argv if argv is not None else sys.argv[1:]
        where = Path(args[args.index("--project") + 1]) if "--project" in args[:-1] else Path.cwd()
        log = _crash_log(where)
        print(f"error: unexpected {type(e).__name__}: {e} (details in {log})", file=sys.stderr)
        return 70


def run() -> None:
    """Console-script entry point."""
    started = time.monotonic()
    code = main()
    if os.environ.get("TRANSFLOW_TIMING"):
        print(f"[{time.monotonic() - started:.2f}s]", file=sys.stderr)
    sys.exit(code)
