"""Translation memory: every edited or approved sentence pair, in SQLite under output/.transflow/.

Editors' and approved English is reused for the same German in any article; the schema
changes only by named migrations, each in one transaction with its record; one transaction
per article. A damaged database is moved aside and the run goes on with an empty memory.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from transflow.errors import LinkRefused, OutputError
from transflow.project import MEMORY_FILE, Project, open_folder
from transflow.safetext import for_terminal
from transflow.states import Origin

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_units",
        """
        CREATE TABLE units (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            article TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('machine', 'editor', 'approved')),
            created_at TEXT NOT NULL,
            signature TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX units_source ON units (source);
        """,
    ),
]
# Which English wins for the same German: approved, then an editor's, newest first.
_RANK = "CASE origin WHEN 'approved' THEN 0 WHEN 'editor' THEN 1 ELSE 2 END"


@dataclass(frozen=True)
class MemoryUnit:
    """One sentence pair and who or what made it."""

    source: str
    target: str
    article: str
    origin: str
    created_at: str = ""


class _Damaged(sqlite3.DatabaseError):
    """The integrity check found damage."""


def _is_damage(error: sqlite3.Error) -> bool:
    """Damage (not a database, a malformed page) as against a lock or a permission problem."""
    name = getattr(error, "sqlite_errorname", "")
    return isinstance(error, _Damaged) or name in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def _warn(message: str) -> None:
    print(f"warning: {for_terminal(message)}", file=sys.stderr)


class Memory:
    """The project's translation memory (``output/.transflow/memory.sqlite``)."""

    def __init__(self, path: Path, warn: Callable[[str], None] = _warn) -> None:
        self.path = path
        self.damaged: Path | None = None  # where a damaged database was moved, for a rebuild
        try:
            os.close(open_folder(path.parent, create=True))
            if path.is_symlink():  # sqlite follows links: refuse one before it opens the file
                raise LinkRefused(path)
        except OSError as e:
            raise OutputError(f"cannot open the translation memory {path}: {e}") from e
        try:
            self._open()
        except sqlite3.Error as e:
            with contextlib.suppress(sqlite3.Error, AttributeError):
                self._db.close()
            if not _is_damage(e):  # locked, unreadable, disk full: nothing to move aside
                raise OutputError(f"cannot open the translation memory {path}: {e}") from e
            self.damaged = self._move_aside()
            warn(
                f"{path}: the translation memory is damaged ({e}); moved to {self.damaged.name}, "
                "starting an empty one: editors' and approved sentences in it are no longer reused"
            )
            try:
                self._open()
            except sqlite3.Error as again:
                raise OutputError(f"cannot open the translation memory {path}: {again}") from again

    @classmethod
    def of(cls, project: Project, warn: Callable[[str], None] = _warn) -> Memory:
        return cls(project.state / MEMORY_FILE, warn)

    def close(self) -> None:
        self._db.close()

    def _open(self) -> None:
        # Autocommit mode: transactions are opened explicitly, so a migration's DDL and its
        # record commit together (the default mode commits DDL on its own).
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise _Damaged("; ".join(map(str, problems[:3])))
        self._migrate()

    def _move_aside(self) -> Path:
        """Move the database (and its journal files) to ``memory.sqlite.damaged-<time>``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-journal", "-wal", "-shm"):
            source = self.path.with_name(self.path.name + suffix)
            if source.exists():
                try:
                    os.replace(source, aside.with_name(aside.name + suffix))
                except OSError as e:
                    raise OutputError(f"cannot move the damaged translation memory {source}: {e}") from e
        return aside

    def _migrate(self) -> None:
        with self._begin():
            self._db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {row[0] for row in self._db.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._begin():
                for statement in filter(str.strip, sql.split(";")):
                    self._db.execute(statement)
                self._db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sqlite3.Connection]:
        """One explicit transaction: everything in it commits together or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            with self._begin() as db:
                yield db
        except sqlite3.Error as e:
            raise OutputError(f"cannot write the translation memory: {e}") from e

    def store(self, article: str, units: Iterable[tuple[str, str]], origin: str, signature: str = "") -> int:
        """Record pairs for one article in one transaction; identical pairs are not repeated."""
        stamp, count = _now(), 0
        with self._transaction() as db:
            for source, target in units:
                if not source.strip() or not target.strip():
                    continue
                exists = db.execute(
                    "SELECT 1 FROM units WHERE source = ? AND target = ? AND origin = ? AND article = ?",
                    (source, target, origin, article),
                ).fetchone()
                if not exists:
                    db.execute(
                        "INSERT INTO units (source, target, article, origin, created_at, signature)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (source, target, article, origin, stamp, signature),
                    )
                    count += 1
        return count

    def lookup(
        self, sources: Iterable[str], origins: tuple[str, ...] = (Origin.APPROVED, Origin.EDITOR)
    ) -> dict[str, MemoryUnit]:
        """Best unit for each German sentence found: approved, then editor, newest first."""
        found: dict[str, MemoryUnit] = {}
        marks = ",".join("?" * len(origins))
        for source in set(sources):
            row = self._db.execute(
                f"SELECT source, target, article, origin, created_at FROM units"
                f" WHERE source = ? AND origin IN ({marks}) ORDER BY {_RANK}, id DESC LIMIT 1",
                (source, *origins),
            ).fetchone()
            if row:
                found[source] = MemoryUnit(*row)
        return found

    def units(self) -> list[MemoryUnit]:
        """Every unit, oldest first."""
        rows = self._db.execute("SELECT source, target, article, origin, created_at FROM units ORDER BY id")
        return [MemoryUnit(*row) for row in rows]

    def stats(self) -> dict[str, int]:
        """Counts: units by origin, distinct German sentences, articles."""
        counts: dict[str, int] = dict.fromkeys((Origin.MACHINE, Origin.EDITOR, Origin.APPROVED), 0)
        for origin, n in self._db.execute("SELECT origin, COUNT(*) FROM units GROUP BY origin"):
            counts[origin] = n
        counts["sentences"] = self._db.execute("SELECT COUNT(DISTINCT source) FROM units").fetchone()[0]
        counts["articles"] = self._db.execute("SELECT COUNT(DISTINCT article) FROM units").fetchone()[0]
        return counts


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
