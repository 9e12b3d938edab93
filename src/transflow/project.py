"""The project folder: where sources, glossary and output live, atomic writes, the run lock."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import ConfigError, InputError, InvalidSlug, LockedError, OutputError
from transflow.slugs import check_slug, slug_problem

SOURCE_SUFFIXES = (".txt", ".md", ".docx")


@dataclass(frozen=True)
class Project:
    """Paths of one transflow project (a folder with ``sources/`` and ``glossary.yml``)."""

    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def glossary(self) -> Path:
        return self.root / "glossary.yml"

    @property
    def state(self) -> Path:
        """Private state: run lock, logs (``output/.transflow``)."""
        return self.output / ".transflow"

    def article_dir(self, slug: str) -> Path:
        """``output/<slug>``; ``InvalidSlug`` for a name that is not a slug or leads outside output/."""
        folder = self.output / check_slug(slug)
        if not self._child_inside(folder):
            raise InvalidSlug(f"output/{slug} leads outside output/ (a link?); move it away")
        return folder

    def article_slugs(self) -> list[str]:
        """Slugs of the articles translate has written (a ``segments.json``), sorted.

        Folders whose names are not slugs, or that lead outside output/, are not articles.
        """
        # os.scandir, not glob: at 10,000 articles, resolving every folder was most of a no-op run.
        try:
            entries = list(os.scandir(self.output))
        except OSError:
            return []
        return sorted(
            entry.name
            for entry in entries
            if slug_problem(entry.name) is None
            and os.path.exists(os.path.join(entry.path, "segments.json"))
            and (not entry.is_symlink() or self._inside(Path(entry.path), self.output))
        )

    def source_files(self) -> list[Path]:
        """All article files in ``sources/``, sorted by name for stable output."""
        return self.scan_sources()[0]

    def scan_sources(self) -> tuple[list[Path], list[str]]:
        """Article files in ``sources/`` (sorted) and a warning for each one skipped.

        Only regular files count; a link whose target lies outside ``sources/`` is never
        read, so a link to a secret cannot end up in a review page or on the site.
        """
        if not self.sources.is_dir():
            raise ConfigError(
                f"no sources/ folder in {self.root}",
                hint="run transflow inside a project folder, or pass --project PATH",
            )
        found, skipped = [], []
        sources = self.sources
        for entry in sorted(os.scandir(sources), key=lambda e: e.name):
            if os.path.splitext(entry.name)[1].lower() not in SOURCE_SUFFIXES:
                continue
            path = sources / entry.name
            if entry.is_symlink() and not self._inside(path, sources):
                skipped.append(f"{path.name}: a link to a file outside sources/; skipped, not read")
            elif entry.is_file():
                found.append(path)
        return found, skipped

    def named_source(self, path: Path) -> Path:
        """A source file named on the command line: it must be a regular file inside sources/."""
        if not self._inside(path, self.sources):
            raise InputError(
                f"{path}: not in {self.sources}; articles are read from sources/ only",
                hint="copy the file into sources/ (links that lead outside it are not followed)",
            )
        if not path.is_file():
            raise InputError(f"{path}: no such article file")
        return path

    def _child_inside(self, folder: Path) -> bool:
        """``_inside(folder, output)`` for ``output/<slug>``: only a link needs resolving."""
        return not folder.is_symlink() or self._inside(folder, self.output)

    def is_inside(self, path: Path, folder: Path) -> bool:
        """Does ``path``, with every link followed, stay inside ``folder``?"""
        return self._inside(path, folder)

    @staticmethod
    def _inside(path: Path, folder: Path) -> bool:
        """Does ``path``, with every link followed, stay directly or deeper inside ``folder``?"""
        try:
            return path.resolve().is_relative_to(folder.resolve())
        except (OSError, RuntimeError):  # a link loop
            return False


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    Readers see the old file or the new one, never half of one; on failure the old file
    is untouched and no temp file is left behind.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        # mkstemp makes 0600 files; published pages must be readable by a web server.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            reason = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
            raise OutputError(f"cannot write {path}: {reason}") from e
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it; put straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def run_lock(project: Project, wait_seconds: float = 5.0) -> Iterator[None]:
    """Hold the project's run lock; fail with the holder's pid after ``wait_seconds``.

    The lock is an ``flock`` on the state folder, held through a descriptor the run keeps
    open: no file can be deleted to get past it, and the OS releases it when its holder
    dies, so a lock left by a killed process is taken over without any clean-up.
    """
    import fcntl

    try:
        project.state.mkdir(parents=True, exist_ok=True)
        fd = os.open(project.state, os.O_RDONLY)
    except OSError as e:
        raise OutputError(f"cannot write {project.state}: {e.strerror or e}") from e
    pid_file = project.state / "run.pid"
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    try:
                        pid = pid_file.read_text().strip() or "?"
                    except OSError:
                        pid = "?"
                    raise LockedError(
                        f"another transflow run is working on this project (pid {pid})",
                        hint="wait for it to finish, then run again",
                    ) from None
                time.sleep(0.1)
        try:
            pid_file.write_text(str(os.getpid()))
            yield
        finally:
            with contextlib.suppress(OSError):
                pid_file.unlink()
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes, or None if it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
