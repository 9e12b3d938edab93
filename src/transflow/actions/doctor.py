"""`transflow doctor`: check the whole output/ folder, say what is damaged and what a repair does.

Nothing is deleted that a person wrote: a damaged file is moved aside (``NAME.damaged-<time>``),
and what can be rebuilt is rebuilt from what is intact (the translation memory from the
articles' records, a record by the next ``translate``, which keeps the draft).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from transflow.actions.publish import JOURNAL, finish_publishing, orphan_pages
from transflow.actions.unit_of_work import opened_memory
from transflow.project import MEMORY_FILE, REVISIONS_DIR, Project, links_inside, run_lock
from transflow.states import Origin
from transflow.work.drafts import DRAFT_FILE
from transflow.work.memory import Memory
from transflow.work.record import (
    APPROVAL_FILE,
    APPROVED,
    EDITOR,
    IMPORTED,
    SITE_FILE,
    RecordDamaged,
    load_approval,
    load_record,
    old_approval,
    set_aside,
)

MOVE_ASIDE = "move it aside"
FINISH = "finish it: write the site it was writing"


@dataclass(frozen=True)
class Problem:
    """One damaged or missing file, and what a repair does about it."""

    path: Path
    what: str
    repair: str


def _memory_problem(path: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            rows = [row[0] for row in db.execute("PRAGMA quick_check")]
    except sqlite3.Error as e:
        return str(e)
    return None if rows == ["ok"] else "; ".join(map(str, rows[:3]))


def diagnose(project: Project) -> list[Problem]:
    """Every problem in output/, in a stable order."""
    output = project.output
    if not output.is_dir():
        return []
    # A link inside output/ is refused by every command (it could send a read or a write
    # outside the project): report it first, and removing it (the link only) is the repair.
    links = links_inside(output)
    problems = [
        Problem(link, "a link inside output/ (transflow never follows one)", "delete it") for link in links
    ]
    problems += [
        Problem(tmp, "a temporary file left by an interrupted write", "delete it")
        for tmp in sorted(output.rglob(".*.tmp"))
        if not any(tmp.is_relative_to(link) for link in links)
    ]
    if links:
        return problems  # nothing else is read through a link
    for slug in project.article_slugs():
        folder = project.article_dir(slug)
        try:
            record = load_record(folder)
        except RecordDamaged as e:
            problems.append(
                Problem(e.path, e.reason, f"{MOVE_ASIDE}; the next translate rebuilds it and keeps the draft")
            )
            continue
        if record is not None and not (folder / DRAFT_FILE).exists():
            problems.append(
                Problem(folder / DRAFT_FILE, "missing", "the next translate writes it from the record")
            )
        for revision in sorted((folder / REVISIONS_DIR).glob("*.json")):
            try:
                json.loads(revision.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                problems.append(
                    Problem(revision, "not a readable revision", f"{MOVE_ASIDE} (only its diff is lost)")
                )
        approval = folder / APPROVAL_FILE
        if approval.exists() and load_approval(folder) is None and old_approval(folder) is None:
            problems.append(
                Problem(approval, "not a readable approval", f"{MOVE_ASIDE}; approve the article again")
            )
    memory = project.state / MEMORY_FILE
    if memory.exists():
        why = _memory_problem(memory)
        if why:
            problems.append(
                Problem(
                    memory,
                    f"the translation memory is damaged ({why})",
                    f"{MOVE_ASIDE}; rebuild it from the records",
                )
            )
    site = project.state / SITE_FILE
    if site.exists():
        try:
            json.loads(site.read_text(encoding="utf-8"))["articles"].items()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            problems.append(
                Problem(site, "the list of published articles is damaged", f"{MOVE_ASIDE}; publish again")
            )
    journal = project.state / JOURNAL
    if journal.exists():
        problems.append(Problem(journal, "a publish or unpublish was interrupted", FINISH))
    elif not problems or problems[-1].path != site:  # a damaged list claims nothing: keep the pages
        problems += [
            Problem(page, "on the site, but no published article claims it", "delete it")
            for page in orphan_pages(project)
        ]
    return problems


def rebuild_memory(project: Project, memory: Memory) -> int:
    """Store every editor's, imported and approved sentence of every intact record; how many."""
    stored = 0
    for slug in project.article_slugs():
        try:
            record = load_record(project.article_dir(slug))
        except RecordDamaged:
            continue
        if record is None:
            continue
        signature = json.dumps(record.signature.to_dict(), sort_keys=True)
        written = [(s.source, s.english) for s in record.sentences if s.origin in (EDITOR, IMPORTED)]
        approved = [(s.source, s.english) for s in record.sentences if s.origin == APPROVED]
        stored += memory.store(slug, written, Origin.EDITOR, signature)
        stored += memory.store(slug, approved, Origin.APPROVED, signature)
    return stored


def repair(project: Project, problems: list[Problem]) -> list[str]:
    """Carry out the repairs; one line for each thing done."""
    done = []
    for problem in problems:  # before the lock: a linked .transflow/ must go before it is taken
        if problem.path.is_symlink():
            with contextlib.suppress(OSError):
                problem.path.unlink()
                done.append(f"deleted the link {problem.path}")
    with run_lock(project):
        memory_path = project.state / MEMORY_FILE
        for problem in problems:
            if problem.repair == "delete it" and not problem.path.is_symlink():
                with contextlib.suppress(OSError):
                    problem.path.unlink()
                    done.append(f"deleted {problem.path}")
            elif problem.repair.startswith(MOVE_ASIDE) and problem.path != memory_path:
                moved = set_aside(problem.path)
                if moved is not None:
                    done.append(f"moved {problem.path} to {moved.name}")
        if any(p.repair == FINISH for p in problems) and finish_publishing(project):
            done.append("finished the interrupted publish: the site and site.json agree")
        if any(p.path == memory_path for p in problems):
            with opened_memory(project, warn=False) as memory:  # moves the damaged one aside
                count = rebuild_memory(project, memory)
            done.append(f"moved the damaged translation memory aside; rebuilt it with {count} sentence(s)")
    return done
