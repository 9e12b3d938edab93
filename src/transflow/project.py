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

from transflow.errors import ConfigError, LockedError, OutputError

SOURCE_SUFFIXES = (".txt", ".md")


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
        return self.output / slug

    def source_files(self) -> list[Path]:
        """All article files in ``sources/``, sorted by name for stable output."""
        if not self.sources.is_dir():
            raise ConfigError(
                f"no sources/ folder in {self.root}",
                hint="run transflow inside a project folder, or pass --project PATH",
            )
        return sorted(
            p for p in self.sources.iterdir() if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
        )


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

    The OS releases the lock when its holder dies, so a lock left by a killed process
    is taken over without any clean-up.
    """
    from filelock import FileLock, Timeout

    try:
        project.state.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot write {project.state}: {e.strerror or e}") from e
    lock = FileLock(str(project.state / "run.lock"))
    pid_file = project.state / "run.pid"
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            lock.acquire(timeout=0.2)
            break
        except Timeout:
            if time.monotonic() >= deadline:
                try:
                    pid = pid_file.read_text().strip() or "?"
                except OSError:
                    pid = "?"
                raise LockedError(
                    f"another transflow run is working on this project (pid {pid})",
                    hint="wait for it to finish, then run again",
                ) from None
    try:
        pid_file.write_text(str(os.getpid()))
        yield
    finally:
        with contextlib.suppress(OSError):
            pid_file.unlink()
        lock.release()


def file_sha256(path: Path) -> str | None:
    """sha256 of a file's bytes, or None if it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
