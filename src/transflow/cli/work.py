"""Daily commands: translate, review, approve, status, publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from transflow import GENERATED_NOTICE
    from transflow.engine import EngineOptions, ModelPackage
    from transflow.translate import run_translate

    out, err = console(), console(stderr=True)
    proj = project_at(project)
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
        err.print(f"warning: {for_terminal(warning)}", markup=False)
    table = Table(title=f"model: {report.model.label}" if report.model else None)
    for column in ("article", "status", "sentences", "enforced", "missing", "note"):
        table.add_column(column)
    for r in report.results:
        table.add_row(
            cell(r.slug),  # a skipped file's name, as it is
            r.status,
            str(r.sentences or ""),
            str(r.terms_enforced or ""),
            str(r.terms_missing or ""),
            cell(r.message),  # file names may hold [brackets] and escape codes
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

    proj = project_at(project)
    chosen = [check_slug(s) for s in slugs] if slugs else proj.article_slugs()
    paths = [write_review(proj, slug) for slug in chosen]
    index = write_index(proj)
    for path in paths or [index]:
        print(path)
    if open_page:
        import webbrowser

        webbrowser.open((paths[0] if len(paths) == 1 else index).as_uri())


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

    done = approve_article(project_at(project), check_slug(slug), force)
    note = f" despite {done.missing_terms} missing term(s)" if done.forced else ""
    console().print(f"approved {done.slug} ({done.sentences} sentences){note}")


@app.command()
def status(project: ProjectOption = Path(".")) -> None:
    """Show every article with its state, warnings and missing terms.

    Example: transflow status
    """
    from rich.table import Table

    from transflow.review import index_rows

    table = Table()
    for column in ("article", "date", "status", "warnings", "missing terms"):
        table.add_column(column)
    for row in index_rows(project_at(project)):
        table.add_row(row.slug, cell(row.date), row.status, str(row.warnings), str(row.missing))
    console().print(table)


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

    report = publish_site(project_at(project), with_german)
    out = console()
    for slug, reason in report.skipped:
        out.print(f"skipped {slug}: {reason}")
    out.print(f"published {len(report.published)} article(s) to {report.site}")
