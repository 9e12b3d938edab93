"""Daily commands: translate, review, approve, status, publish."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from transflow.cli.app import (
    ProjectOption,
    app,
    cell,
    console,
    project_at,
)
from transflow.errors import InputError
from transflow.safetext import for_terminal
from transflow.slugs import check_slug

if TYPE_CHECKING:
    from transflow.actions.translate import ArticleResult


@app.command()
def translate(
    articles: Annotated[
        list[str] | None,
        typer.Argument(
            help="Only these articles: names (as `status` shows them) or files in sources/.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Re-translate every article, changed or not.")
    ] = False,
    threads: Annotated[int, typer.Option(help="CPU threads for the engine (0: one per core).", min=0)] = 0,
    beam_size: Annotated[int, typer.Option(help="Beam size: higher is slower and often better.", min=1)] = 4,
    device: Annotated[
        str, typer.Option(help="auto (a CUDA GPU where CTranslate2 sees one, else the CPU), cpu or cuda.")
    ] = "auto",
    project: ProjectOption = Path("."),
) -> None:
    """Translate new or changed articles in sources/ into English drafts in output/.

    Example: transflow translate            (all new or changed articles)

    Example: transflow translate altena-2018-04-oecd-studie --force

    Example: transflow translate sources/altena.txt
    """
    from transflow import GENERATED_NOTICE
    from transflow.actions.translate import run_translate
    from transflow.cli.tables import RICH_ROWS, plain_table
    from transflow.mt.engine import EngineOptions, ModelPackage

    out, err = console(), console(stderr=True)
    proj = project_at(project)
    shown: list[Any] = []  # the progress bar, made once there is something to translate

    def on_start(total: int, package: ModelPackage) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        if package.generated:
            err.print(f"[bold red]WARNING: {GENERATED_NOTICE}[/] ({package.label})")
        columns = (BarColumn(), MofNCompleteColumn(), TextColumn("sentences"), TimeRemainingColumn())
        progress = Progress(TextColumn("[bold]translating"), *columns, console=err, transient=True)
        shown.append((progress, progress.add_task("translate", total=total)))
        progress.start()

    def advance(n: int) -> None:
        if shown:
            shown[0][0].advance(shown[0][1], n)

    try:
        report = run_translate(
            proj,
            files=[_article_named(name) for name in articles] if articles else None,
            force=force,
            options=EngineOptions(beam_size=beam_size, threads=threads, device=device),
            on_start=on_start,
            progress=advance,
        )
    finally:
        if shown and shown[0][0].live.is_started:
            shown[0][0].stop()
    for warning in report.warnings:
        err.print(f"warning: {for_terminal(warning)}", markup=False)
    title = f"model: {report.model.label}" if report.model else None
    if len(report.results) > RICH_ROWS:
        plain_table(
            out,
            ("article", "status", "sentences", "terms", "missing"),
            [_result_cells(r) for r in report.results],
            right=(2, 3, 4),
            title=title,
        )
    else:
        from rich import box
        from rich.table import Table

        # Light borders and notes under the table: 80 columns keep the slug, which people type, whole.
        table = Table(title=title, box=box.SIMPLE, pad_edge=False, collapse_padding=True)
        table.add_column("article", no_wrap=True)
        table.add_column("status", no_wrap=True)
        for column in ("sentences", "terms", "missing"):
            table.add_column(column, justify="right", overflow="fold")  # these wrap first
        for r in report.results:
            slug, *rest = _result_cells(r)
            table.add_row(cell(slug), *rest)  # a skipped file's name, as it is
        out.print(table)
    for r in report.results:
        if r.message:  # file names may hold [brackets] and escape codes
            out.print(for_terminal(f"{r.slug}: {r.message}"), markup=False, soft_wrap=True)
    if report.edited_sentences:
        out.print(
            f"{report.edited_sentences} sentence(s) edited in drafts taken in;"
            f" {report.remembered_sentences} new editor unit(s) in the translation memory",
            soft_wrap=True,
        )
    counts = [report.count(status) for status in ("translated", "unchanged", "skipped")]
    out.print("{} translated, {} unchanged, {} skipped".format(*counts), soft_wrap=True)
    if report.model is not None and report.model.generated:
        err.print(f"[bold red]WARNING: {GENERATED_NOTICE}[/]")
    skipped = [r for r in report.results if r.status == "skipped"]
    if skipped:
        more = f" (and {len(skipped) - 1} more, see the table)" if len(skipped) > 1 else ""
        raise InputError(skipped[0].message + more, hint="the other articles were translated")


def _article_named(name: str) -> Path | str:
    """A file path where the name is one (it exists, or looks like a path), else an article's slug."""
    from transflow.project import SOURCE_SUFFIXES

    path = Path(name)
    if path.exists() or "/" in name or path.suffix.lower() in SOURCE_SUFFIXES:
        return path.resolve()
    return name


def _result_cells(r: ArticleResult) -> tuple[str, ...]:
    return (r.slug, r.status, str(r.sentences or ""), str(r.terms_enforced or ""), str(r.terms_missing or ""))


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
    from transflow.actions.unit_of_work import refresh_pages

    proj = project_at(project)
    chosen = [check_slug(s) for s in slugs] if slugs else proj.article_slugs()
    *paths, index = refresh_pages(proj, chosen)
    for path in paths or [index]:
        print(path)
    if open_page:
        import webbrowser

        page = paths[0] if len(paths) == 1 else index
        try:
            opened = webbrowser.open(page.as_uri())
        except webbrowser.Error:
            opened = False
        if not opened:
            print(f"no browser could be opened: open {page} yourself", file=sys.stderr)


@app.command()
def approve(
    slug: Annotated[str, typer.Argument(help="The article to approve.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Approve despite missing terms, must-fix warnings or English from the generated test model.",
        ),
    ] = False,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            help="Approve only if the article is still at this version (`status` and review pages show it).",
        ),
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Approve an article's current English for publishing; lists the warnings it passes over first.

    Example: transflow approve altena-2018-04-oecd-studie

    Example: transflow approve altena-2018-04-oecd-studie --version 3f9c2a1b --force
    """
    from transflow.actions.approval import approve as approve_article
    from transflow.errors import ApprovalRefused

    proj = project_at(project)
    slug = check_slug(slug)
    try:
        done = approve_article(proj, slug, force, version)
    except ApprovalRefused as e:
        _show_approval_notes(e.blockers, e.warnings, e.version)
        raise
    _show_approval_notes(done.blockers, done.warnings, done.version)
    note = f" despite: {'; '.join(done.blockers)}" if done.blockers else ""
    console().print(
        for_terminal(f"approved {done.slug} version {done.version} ({done.sentences} sentences){note}"),
        markup=False,
        soft_wrap=True,
    )


def _show_approval_notes(blockers: tuple[str, ...], warnings: tuple[str, ...], version: str) -> None:
    """What an approval passes over, one line each, before the verdict (which may be an error)."""
    out = console()
    for line in blockers:
        out.print(for_terminal(f"must fix: {line}"), markup=False, soft_wrap=True)
    if warnings:
        out.print(f"{len(warnings)} warning(s) open:", markup=False)
    for line in warnings:
        out.print(for_terminal(f"  {line}"), markup=False, soft_wrap=True)
    if blockers or warnings:  # what `approve --version` names: exactly the English these lines are about
        out.print(f"version {version}", markup=False)


@app.command()
def status(project: ProjectOption = Path(".")) -> None:
    """Show every article with its state, warnings and missing terms.

    Example: transflow status
    """
    from transflow.cli.tables import RICH_ROWS, plain_table
    from transflow.work.workflow import index_rows

    rows = index_rows(project_at(project))
    if len(rows) > RICH_ROWS:
        headers = ("article", "date", "status", "warnings", "missing terms", "version", "why")
        cells = [
            (r.slug, r.date, r.status, str(r.warnings), str(r.missing), r.version, "; ".join(r.reasons))
            for r in rows
        ]
        plain_table(console(), headers, cells, right=(3, 4))
        return
    from rich.table import Table

    table = Table()
    table.add_column("article", no_wrap=True)  # a slug is what people type: never cut it
    table.add_column("date", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("warnings", justify="right")
    table.add_column("missing terms", justify="right")
    table.add_column("version", no_wrap=True)  # what `approve --version` names
    for row in rows:
        mark = " *" if row.reasons else ""
        table.add_row(
            row.slug, cell(row.date), row.status + mark, str(row.warnings), str(row.missing), row.version
        )
    out = console()
    out.print(table)
    # Why, under the table in whole lines: a column at 80 characters would cut it into words.
    for row in rows:
        for reason in row.reasons:
            out.print(for_terminal(f"* {row.slug}: {reason}"), markup=False, soft_wrap=True)


@app.command()
def publish(
    with_german: Annotated[
        bool, typer.Option("--with-german", help="Publish each article's German page too, linked both ways.")
    ] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Publish approved articles as English pages with an index and an Atom feed in output/site/.

    Example: transflow publish --with-german
    """
    from transflow.actions.publish import publish as publish_site

    proj = project_at(project)
    report = publish_site(proj, with_german)
    out = console()
    for warning in report.warnings:
        console(stderr=True).print(f"warning: {warning}", markup=False, soft_wrap=True)
    for slug, reason in report.skipped:
        out.print(f"skipped {slug}: {reason}", markup=False)
    for slug, reason in report.stale:
        out.print(f"stale {slug}: {reason}; the site keeps its approved version", markup=False)
    out.print(f"published {len(report.published)} article(s) to {report.site}", markup=False)


@app.command()
def unpublish(
    slug: Annotated[str, typer.Argument(help="The article to take off the site.")],
    project: ProjectOption = Path("."),
) -> None:
    """Take an article off the published site (its page, its German original, its feed entry).

    Example: transflow unpublish altena-2018-04-oecd-studie
    """
    from transflow.actions.publish import unpublish as take_down

    proj = project_at(project)
    removed = take_down(proj, check_slug(slug))
    console().print(f"unpublished {slug} ({len(removed)} file(s) removed)", markup=False)


@app.command()
def forget(
    slug: Annotated[str, typer.Argument(help="The article whose German source is gone.")],
    project: ProjectOption = Path("."),
) -> None:
    """Remove an article whose source file is gone: off the site and out of output/, files archived.

    Its folder (draft, record, revisions) moves to output/.transflow/archive/; the translation
    memory keeps its sentences.

    Example: transflow forget altena-2018-04-oecd-studie
    """
    from transflow.actions.forget import forget as forget_article

    proj = project_at(project)
    done = forget_article(proj, check_slug(slug))
    out = console()
    if done.unpublished:
        out.print(f"unpublished {slug}", markup=False)
    where = done.archive.relative_to(proj.root)
    out.print(f"forgot {slug}; its files are kept in {where}", markup=False, soft_wrap=True)


@app.command()
def doctor(
    fix: Annotated[bool, typer.Option("--repair", help="Carry out the repairs it lists.")] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Check output/ for damaged or left-over files; exit 1 if any, unless --repair fixed them.

    Example: transflow doctor

    Example: transflow doctor --repair
    """
    from transflow.actions.doctor import diagnose, repair
    from transflow.errors import ChecksFailed

    proj = project_at(project)
    problems = diagnose(proj)
    out = console()
    for problem in problems:
        verb = "repairing" if fix else "would"
        out.print(for_terminal(f"{problem.path}: {problem.what}; {verb}: {problem.repair}"), markup=False)
    if not problems:
        out.print("output/ is in order: nothing to repair")
        return
    if not fix:
        raise ChecksFailed(
            f"{len(problems)} problem(s) in output/", hint="`transflow doctor --repair` fixes them"
        )
    for line in repair(proj, problems):
        out.print(for_terminal(line), markup=False)


@app.command()
def init(
    folder: Annotated[
        Path | None, typer.Argument(help="The project folder, made if missing (default: -C or here).")
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Make a project folder: transflow.toml (settings, with comments), sources/ and an empty glossary.

    Nothing that exists is changed.

    Example: transflow init

    Example: transflow init press-office
    """
    from transflow.settings import init_project

    root = project_at(folder if folder is not None else project, existing=False).root
    made = init_project(root)
    out = console()
    for path in made:
        out.print(f"created {path.relative_to(root)}", markup=False)
    if not made:
        out.print(f"{root} is already a transflow project: nothing created", markup=False)
    else:
        where = f"cd {folder}, " if folder is not None and root != Path.cwd().resolve() else ""
        out.print(
            f"next: {where}put German articles in sources/ and run `transflow translate`",
            markup=False,
            soft_wrap=True,
        )
