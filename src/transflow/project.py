"""The project folder: where sources, glossary and output live, atomic writes, the run lock."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import ConfigError, InputError, InvalidSlug, LinkRefused, LockedError, OutputError
from transflow.slugs import check_slug, slug_problem

SOURCE_SUFFIXES = (".txt", ".md", ".docx")
# The files an article and a project keep in output/: spelled here only.
RECORD_FILE = "segments.json"  # output/<slug>/: the article record
REVISIONS_DIR = "revisions"  # output/<slug>/: every earlier draft
MEMORY_FILE = "memory.sqlite"  # output/.transflow/: the translation memory


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
            and os.path.exists(os.path.join(entry.path, RECORD_FILE))
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


# Links inside output/ are never followed, at any component: a folder is opened relative to
# its parent's descriptor with O_NOFOLLOW, so a link swapped in between a check and a read
# or write cannot send either outside the project (issue 29: draft.en.md, site/,
# .transflow/ and revisions/ as links wrote and published files from elsewhere).
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _in_output(path: Path) -> tuple[Path, tuple[str, ...]]:
    """The folder links are followed up to (the nearest ``output`` above ``path``, else its parent)."""
    for parent in path.parents:
        if parent.name == "output":
            return parent, path.relative_to(parent).parts
    return path.parent, (path.name,)


def _is_link(dir_fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_folder(anchor: Path, parts: tuple[str, ...], create: bool = False) -> int:
    """A descriptor of ``anchor/parts…`` with no link followed below ``anchor``; ``LinkRefused`` names one."""
    if create:
        anchor.mkdir(parents=True, exist_ok=True)
    fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for i, part in enumerate(parts):
            try:
                inner = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
                inner = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as e:
                if _is_link(fd, part):
                    raise LinkRefused(anchor.joinpath(*parts[: i + 1])) from e
                raise
            os.close(fd)
            fd = inner
        return fd
    except BaseException:
        os.close(fd)
        raise


def open_folder(path: Path, create: bool = False) -> int:
    """A descriptor of the folder ``path``, no link followed inside output/ (the caller closes it)."""
    anchor, parts = _in_output(path / "_")
    return _open_folder(anchor, parts[:-1], create)


def _open_file(dir_fd: int, name: str, shown: Path, flags: int, mode: int = 0o666) -> int:
    try:
        return os.open(name, flags | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), mode, dir_fd=dir_fd)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK) or _is_link(dir_fd, name):
            raise LinkRefused(shown) from e
        raise


def _read_fd(fd: int, shown: Path) -> bytes:
    """All bytes of an open file; a FIFO or device is refused (opened non-blocking, never read)."""
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, f"{shown.name} is not a regular file")
        return handle.read()


def read_inside(path: Path) -> bytes:
    """The bytes of a file under output/, refusing a link at any component (``LinkRefused``).

    Other failures are the ``OSError`` a plain read raises (``FileNotFoundError`` for none).
    """
    anchor, parts = _in_output(path)
    dir_fd = _open_folder(anchor, parts[:-1])
    try:
        fd = _open_file(dir_fd, parts[-1], path, os.O_RDONLY | os.O_NONBLOCK)
    finally:
        os.close(dir_fd)
    return _read_fd(fd, path)


def claim_inside(path: Path) -> None:
    """Create ``path`` empty, only if no file (or link) has that name: ``FileExistsError`` otherwise."""
    anchor, parts = _in_output(path)
    dir_fd = _open_folder(anchor, parts[:-1], create=True)
    try:
        os.close(os.open(parts[-1], os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666, dir_fd=dir_fd))
    finally:
        os.close(dir_fd)


def links_inside(folder: Path) -> list[Path]:
    """Every link under ``folder`` (links not followed), sorted."""
    found = []
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top) / name
            if path.is_symlink():
                found.append(path)
    return sorted(found)


def read_source(path: Path) -> bytes:
    """The bytes of a file in ``sources/``, opened without following a link it has become.

    A link whose target is inside ``sources/`` is read from there (again with no link
    followed); one that leads outside is refused. Checking and opening are one step, so a
    file swapped for a link between the folder scan and the read cannot leak (issue 29).
    """
    folder = path.parent
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from e
    try:
        try:
            fd = _open_file(dir_fd, path.name, path, os.O_RDONLY | os.O_NONBLOCK)
        except LinkRefused:
            fd = _open_link_target(dir_fd, folder, path)
        return _read_fd(fd, path)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from e
    finally:
        os.close(dir_fd)


def _open_link_target(dir_fd: int, folder: Path, path: Path) -> int:
    """Open what the link ``path`` names, if that is a file inside ``folder`` reached without links."""
    outside = InputError(f"{path.name}: a link to a file outside {folder.name}/; not read")
    try:
        target = Path(os.readlink(path.name, dir_fd=dir_fd))
    except OSError as e:
        raise outside from e
    if target.is_absolute():
        for base in (folder.absolute(), folder.resolve()):  # as written, or with the folder's links
            if target.is_relative_to(base):
                target = target.relative_to(base)
                break
        else:
            raise outside
    parts = target.parts
    if not parts or any(part in ("..", ".", "") for part in parts):
        raise outside
    try:
        inner = _open_folder(folder, parts[:-1]) if len(parts) > 1 else os.dup(dir_fd)
        try:
            return _open_file(inner, parts[-1], path, os.O_RDONLY | os.O_NONBLOCK)
        finally:
            os.close(inner)
    except LinkRefused:
        raise outside from None


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``.

    Readers see the old file or the new one, never half of one; on failure the old file
    is untouched and no temp file is left behind. Under output/, no link is followed or
    replaced (``LinkRefused``).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    anchor, parts = _in_output(path)
    name = parts[-1]
    try:
        dir_fd = _open_folder(anchor, parts[:-1], create=True)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    tmp = ""
    try:
        if _is_link(dir_fd, name):
            raise LinkRefused(path)
        while True:
            candidate = f".{name}.{os.urandom(6).hex()}.tmp"
            try:
                # 0o666 less the umask: published pages must be readable by a web server.
                flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW
                fd = os.open(candidate, flags, 0o666, dir_fd=dir_fd)
            except FileExistsError:
                continue
            tmp = candidate
            break
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException as e:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dir_fd)
        if isinstance(e, OSError):
            reason = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
            raise OutputError(f"cannot write {path}: {reason}") from e
        raise
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def run_lock(project: Project, wait_seconds: float = 5.0) -> Iterator[None]:
    """Hold the project's run lock; fail with the holder's pid after ``wait_seconds``.

    The lock is an ``flock`` on the state folder, held through a descriptor the run keeps
    open: no file can be deleted to get past it, and the OS releases it when its holder
    dies, so a lock left by a killed process is taken over without any clean-up.
    """
    import fcntl

    try:
        fd = open_folder(project.state, create=True)
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
            atomic_write(pid_file, str(os.getpid()))
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
