"""Managing commands: models, the glossary, the translation memory, CAT-tool interchange."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from transflow.cli.app import (
    ProjectOption,
    cell,
    console,
    export_app,
    glossary_app,
    import_app,
    memory_app,
    model_app,
    project_at,
)
from transflow.errors import ChecksFailed
from transflow.safetext import for_terminal
from transflow.slugs import check_slug


@model_app.command("install")
def model_install(
    path: Annotated[
        Path | None, typer.Argument(help="A .argosmodel file; leave out to use the argos index (internet).")
    ] = None,
) -> None:
    """Install a German→English model package.

    Example: transflow model install translate-de_en-1_0.argosmodel
    """
    from transflow.mt.engine import install_from_index, install_model

    out = console()
    if path:
        package = install_model(path)
    else:
        from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

        columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
        bar = Progress(*columns, console=console(True), transient=True)
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
    from transflow.errors import ModelError
    from transflow.mt.engine import installed_models, packages_dir

    out = console()
    try:
        from transflow.mt.engine import find_model

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
    from rich.table import Table

    from transflow.terms.glossary import load_glossary

    glossary = load_glossary(project_at(project).glossary)
    table = Table()
    table.add_column("German", no_wrap=True)  # the term people look up: never cut
    for column in ("English", "plural", "note"):
        table.add_column(column, overflow="fold")
    for e in glossary.entries:
        english = e.en if e.translate else f"{e.en} (not translated)"
        table.add_row(*(cell(text) for text in (e.de, english, e.en_plural or "", e.note or "")))
    console().print(table)


@glossary_app.command("add")
def glossary_add(
    german: Annotated[str, typer.Argument(help="German term (base form).")],
    english: Annotated[str | None, typer.Argument(help="Required English rendering.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for editors.")] = None,
    no_translate: Annotated[bool, typer.Option("--no-translate", help="A name that stays German.")] = False,
    plural: Annotated[
        str | None, typer.Option("--plural", help="The English plural, where adding -s is wrong.")
    ] = None,
    form: Annotated[
        list[str] | None,
        typer.Option(
            "--form", help="Another German form to recognise (repeat for more).", show_default=False
        ),
    ] = None,
    case_sensitive: Annotated[
        bool,
        typer.Option("--case-sensitive", help="Match only with the case as written (e.g. 'AG', not 'ag')."),
    ] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Add a term to glossary.yml, keeping its comments and layout.

    Example: transflow glossary add Rathaus "town hall" --note "the building"

    Example: transflow glossary add Stellwerk --no-translate

    Example: transflow glossary add Kita "day-care centre" --plural "day-care centres" --form Kitas
    """
    from transflow.terms.glossary import add_term_to_file

    if no_translate and english:
        from transflow.errors import ConfigError

        raise ConfigError(
            f"--no-translate keeps '{german}' as it is, so it takes no English ('{english}')",
            hint="leave out the English, or add the term without --no-translate:"
            f" transflow glossary add {german} '{english}'",
        )
    path = project_at(project).glossary
    forms = tuple(form or ())
    add_term_to_file(
        path,
        german,
        english,
        note,
        not no_translate,
        en_plural=plural,
        forms=forms,
        case_sensitive=case_sensitive,
    )
    console().print(for_terminal(f"added {german.strip()}"), markup=False)


@glossary_app.command("remove")
def glossary_remove(
    german: Annotated[str, typer.Argument(help="German term to remove.")],
    project: ProjectOption = Path("."),
) -> None:
    """Remove a term from glossary.yml.

    Example: transflow glossary remove Rathaus
    """
    from transflow.terms.glossary import edit_glossary_file, remove_term

    edit_glossary_file(project_at(project).glossary, lambda text: remove_term(text, german))
    console().print(f"removed {german}", markup=False)


@glossary_app.command("lint")
def glossary_lint(project: ProjectOption = Path(".")) -> None:
    """Check glossary.yml and print every problem with its line number.

    Also suggests en_plural: where the generated English plural of a term looks wrong.

    Example: transflow glossary lint
    """
    from transflow.errors import GlossaryError
    from transflow.terms.glossary import load_glossary, plural_hints

    path = project_at(project).glossary
    try:
        glossary = load_glossary(path)
    except GlossaryError as e:
        for problem in e.problems:
            print(for_terminal(f"{path.name}: {problem}"), file=sys.stderr)
        raise ChecksFailed(f"{len(e.problems)} problem(s) in {path.name}") from e
    hints = plural_hints(glossary.entries)
    for hint in hints:
        console().print(for_terminal(f"{path.name}: {hint}"), markup=False, soft_wrap=True)
    advice = f"; {len(hints)} suggestion(s) above" if hints else ", nothing to suggest"
    console().print(f"{path.name}: {len(glossary.entries)} terms valid{advice}", markup=False)


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
    from transflow.work.workflow import check_terms

    proj = project_at(project)
    missing = check_terms(proj, [check_slug(s) for s in slugs] if slugs else None)
    out = console()
    for item in missing:
        line = f"{item.slug}: '{item.surface}' needs '{item.english}' in: {item.sentence}"
        out.print(for_terminal(line), markup=False)
    if missing:
        raise ChecksFailed(f"{len(missing)} required term(s) missing")
    out.print("all glossary terms present")


@memory_app.command("stats")
def memory_stats(project: ProjectOption = Path(".")) -> None:
    """Count the sentence pairs in the translation memory.

    Example: transflow memory stats
    """
    from transflow.actions.unit_of_work import opened_memory
    from transflow.states import Origin

    with opened_memory(project_at(project)) as memory:
        counts = memory.stats()
    origins = (Origin.MACHINE, Origin.EDITOR, Origin.APPROVED)
    units = sum(counts[origin] for origin in origins)
    # Units are pairs; one German sentence may have several (a machine and an editor's English).
    print(f"units: {units} ({', '.join(f'{counts[o]} {o}' for o in origins)})")
    print(f"distinct German sentences: {counts['sentences']}")
    print(f"articles: {counts['articles']}")


@memory_app.command("export")
def memory_export(
    fmt: Annotated[str, typer.Argument(metavar="tmx", help="Format: tmx.")],
    out: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path("memory.tmx"),
    project: ProjectOption = Path("."),
) -> None:
    """Export the translation memory as TMX.

    Example: transflow memory export tmx -o memory.tmx
    """
    from transflow.actions.interchange import export_tmx

    _format(fmt, "tmx")
    path, count = export_tmx(project_at(project), out)
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
    from transflow.actions.interchange import export_tbx

    _format(fmt, "tbx")
    print(export_tbx(project_at(project), out))


@glossary_app.command("import")
def glossary_import(
    fmt: Annotated[str, typer.Argument(metavar="tbx", help="Format: tbx.")],
    path: Annotated[Path, typer.Argument(help="The TBX file.")],
    project: ProjectOption = Path("."),
) -> None:
    """Add the terms of a TBX file that glossary.yml lacks.

    Example: transflow glossary import tbx terms.tbx
    """
    from transflow.actions.interchange import import_tbx

    _format(fmt, "tbx")
    done = import_tbx(project_at(project), path)
    print(
        for_terminal(
            f"added {len(done.added)} term(s)" + (f": {', '.join(done.added)}" if done.added else "")
        )
    )
    for conflict in done.conflicts:
        print(for_terminal(f"warning: not changed: {conflict}"), file=sys.stderr)
    for line in done.not_kept:
        print(for_terminal(f"warning: {line}"), file=sys.stderr)
    if done.conflicts:
        print(f"{len(done.conflicts)} term(s) differ from the glossary: edit glossary.yml to decide")


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
    from transflow.actions.interchange import export_xliff as export

    print(export(project_at(project), check_slug(slug), out))


@export_app.command("docx")
def export_docx(
    slug: Annotated[str, typer.Argument(help="The article.")],
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default output/SLUG/SLUG.en.docx).")
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Write the article's English draft as a Word file (output/SLUG/SLUG.en.docx), structure kept.

    Headings, lists, bold and italic text and links come out as Word styles and hyperlinks,
    for pasting into a CMS from Word.

    Example: transflow export docx altena-2018-04-oecd-studie

    Example: transflow export docx altena-2018-04-oecd-studie -o altena.docx
    """
    from transflow.pages.wordexport import export_docx as export

    print(export(project_at(project), check_slug(slug), out))


@import_app.command("xliff")
def import_xliff(
    path: Annotated[Path, typer.Argument(help="The XLIFF file a translator returned.")],
    slug: Annotated[str | None, typer.Option(help="The article (default: the file name).")] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Take a translated XLIFF back into the article's draft.

    Example: transflow import xliff altena-2018-04-oecd-studie.xlf
    """
    from transflow.actions.interchange import import_xliff as take

    done = take(project_at(project), path, check_slug(slug) if slug is not None else None)
    print(f"{done.slug}: {done.changed} sentence(s) changed")
    for line in (*done.broken, *done.conflicts):
        print(for_terminal(f"warning: {line}"), file=sys.stderr)
    if done.conflicts:
        print(
            f"{len(done.conflicts)} conflict(s): the article's English changed since export;"
            " edit draft.en.md or export again",
            file=sys.stderr,
        )
    if done.refused:
        print(
            f"warning: {done.refused} unit(s) not taken: their German no longer matches the article"
            " (export it again)",
            file=sys.stderr,
        )


def _format(given: str, expected: str) -> None:
    if given.lower() != expected:
        from transflow.errors import ConfigError

        raise ConfigError(f"unknown format '{given}'; use {expected}")
