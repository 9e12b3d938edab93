"""Change detection that reads only what changed: verdicts on file stamps, cached in output/.transflow.

A stamp is what ``stat`` says of a file: size, mtime, ctime and inode (a file swapped in with
an old mtime, by ``cp -p`` or rsync, still has a new ctime or inode). The cache keeps, under
a digest of the stamps (and of the glossary and model they were judged with):

- ``sources``: a source file's slug, or why it cannot be used, and its read warnings;
- ``current``: this source, record and draft are up to date with this glossary and model
  (what makes an article "unchanged" for ``translate``);
- ``unedited``: this draft is the one transflow wrote or read (no editor's change to take in);
- ``states``: an article's state as ``status`` and the index show it, for these record,
  draft, approval, German source and site files;
- ``site``: the slugs on the published site;
- ``groups``: the summaries (``states``) of a group of articles, under one digest of all
  their files' stamps;
- ``quiet``: what a whole command found (a no-op ``translate``'s report, ``status``'s rows), under
  one digest of every source's and every article's stamps: at 10,000 articles one digest
  costs less than 10,000 look-ups, and a project where nothing changed needs no other.

A digest that matches is trusted; anything else is read again and judged as before. Racy
stamps (git's rule): a file changed twice within one clock tick keeps its stamp, so a
verdict is trusted only while its files' mtime and ctime lie more than ``RACY_NS`` before
the moment the cache was made; younger files are read again on every run until they are
old enough. A cache that cannot be read, is of another transflow version or dates itself in
the future is ignored, a malformed entry is dropped, and the cache is rebuilt: nothing in
it is ever needed. It is written atomically, only when something changed; two runs writing
it at once each write only true verdicts, and the last one wins.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import stat as statmod
import time
import zlib
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow import __version__
from transflow.errors import InputError, OutputError
from transflow.project import Project, atomic_write, read_source

if TYPE_CHECKING:
    from transflow.text.articles import Article

CACHE_FILE = "changes.json"  # one file per kind: changes-sources.json, changes-states.json, ...
CACHE_VERSION = 3
# Two seconds: FAT's mtime granularity, far above ext4's few milliseconds of clock tick.
RACY_NS = 2_000_000_000
KINDS = ("sources", "current", "unedited", "states", "site", "quiet", "groups")
# Articles are judged for status and the index in this many groups (by a hash of the slug): a
# group none of whose files changed keeps its summaries under one digest (issue 28: a run that
# changed one article of 10,000 judges the 150 or so of its group, not all of them).
GROUPS = 64
# What a draft file is, for collect_edits (not an article state: see states.ArticleStatus).
DRAFT_CLEAN, DRAFT_CHANGED, DRAFT_UNKNOWN = "clean", "edited", "unknown"

Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stamp_of(path: str | Path) -> Stamp | None:
    """The stamp of a regular file (links followed), or None if there is none."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    if not statmod.S_ISREG(found.st_mode):
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)


def clock_ns() -> int:
    """Wall-clock time in ns, the clock file times come from (a function, so tests can move it)."""
    return time.time_ns()


@dataclass(frozen=True)
class SourceFacts:
    """What a run needs of a source file without reading it."""

    slug: str  # "" where the file cannot be used
    problem: str = ""  # why it cannot be used
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    """One article as ``status`` and the index show it."""

    slug: str
    state: str
    reasons: tuple[str, ...]
    title: str
    date: str
    warnings: int
    missing: int
    translated_at: str
    has_page: bool
    version: str = ""  # ``workflow.article_version``: what `approve --version` names


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise TypeError("strings")
    return tuple(value)


def _source_facts(value: Any) -> SourceFacts:
    slug, problem, warnings = value
    if not isinstance(slug, str) or not isinstance(problem, str):
        raise TypeError("source")
    return SourceFacts(slug, problem, _strings(warnings))


def summary_from_json(value: Any) -> Summary:
    """A summary as the cache keeps it (TypeError or ValueError where it is damaged)."""
    slug, state, reasons, title, date, warnings, missing, translated_at, has_page, version = value
    if not all(isinstance(x, str) for x in (slug, state, title, date, translated_at, version)):
        raise TypeError("summary")
    if type(warnings) is not int or type(missing) is not int or type(has_page) is not bool:
        raise TypeError("summary")
    return Summary(
        slug, state, _strings(reasons), title, date, warnings, missing, translated_at, has_page, version
    )


def _json(value: Any) -> Any:
    """A dataclass as the JSON list the cache stores."""
    return [list(x) if isinstance(x, tuple) else x for x in astuple(value)]


def summary_json(summary: Summary) -> list[Any]:
    """A summary as the cache keeps it: ``_json`` spelt out (astuple deep-copies; 10,000 per status)."""
    s = summary
    return [
        *(s.slug, s.state, list(s.reasons), s.title, s.date),
        *(s.warnings, s.missing, s.translated_at, s.has_page, s.version),
    ]


class ChangeCache:
    """The project's cache of verdicts, loaded once per command and saved where it changed."""

    def __init__(self, project: Project) -> None:
        from transflow.work.record import SITE_FILE

        self.project = project
        self.started_ns = clock_ns()  # before any file is looked at
        self.scanned_ns: dict[str, int] = {}  # when each kind's file on disk was made
        self._old: dict[str, dict[str, Any]] = {}  # each kind's file, read on first use
        self.new: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
        self.complete: set[str] = set()  # kinds whose every key was looked at in this command
        self.dirty: set[str] = set()  # kinds to write
        self.misses = 0  # verdicts made by reading files (for tests and benchmarks)
        self._stamps: dict[str, Stamp | None] = {}
        # Verdicts found or made in this command, by (kind, key): a second look with the same
        # stamps and context needs no digest (a run looks at every article two or three times).
        self._seen: dict[tuple[str, str], tuple[tuple[Stamp | None, ...], tuple[Any, ...], Any]] = {}
        self._summary_sources: dict[str, str] = {}  # slug → the German source its summary was judged with
        self._known_facts: dict[str, SourceFacts] = {}  # by source name, from groups found unchanged
        self._known_current: dict[str, tuple[Any, ...]] = {}  # source name → context it is current with
        self._parsed: dict[Path, Article] = {}
        self._folders: set[str] | None = None  # plain folders in output/, seen by article_slugs
        self._slugs: list[str] | None = None  # article_slugs, once per phase
        self._scan: tuple[list[Path], list[str]] | None = None  # scan_sources, once per phase
        # As text, made once: at 10,000 articles pathlib's objects cost more than the system calls.
        self._output = str(project.output)
        self._sources = str(project.sources)
        self._site = f"{project.state}/{SITE_FILE}"

    def path(self, kind: str) -> Path:
        """The file of one kind of verdict (one file each: a no-op run reads none of the states)."""
        return self.project.state / CACHE_FILE.replace(".json", f"-{kind}.json")

    def old(self, kind: str) -> dict[str, Any]:
        """The verdicts of ``kind`` on disk; a file that cannot be trusted as a whole counts as none."""
        if kind in self._old:
            return self._old[kind]
        path = self.path(kind)
        try:
            data = json.loads(path.read_bytes())
            if (
                not isinstance(data, dict)
                or data.get("version") != CACHE_VERSION
                or data.get("transflow") != __version__
            ):
                raise ValueError("another version")
            scanned = data.get("scanned_ns")
            if type(scanned) is not int or scanned > self.started_ns:  # a cache from the future lies
                raise ValueError("scanned_ns")
            entries = data.get("entries")
            if not isinstance(entries, dict):
                raise ValueError("entries")
            self._old[kind], self.scanned_ns[kind] = entries, scanned
        except (OSError, ValueError, RecursionError):
            self._old[kind], self.scanned_ns[kind] = {}, 0
            if os.path.lexists(path):
                self.dirty.add(kind)  # rewrite a damaged one
        return self._old[kind]

    # ---- stamps, digests, entries ---------------------------------------------------------------

    def stamp(self, path: str | Path) -> Stamp | None:
        """The file's stamp, taken once per phase (see ``refresh``) and always before it is read."""
        key = os.fspath(path)
        if key not in self._stamps:
            self._stamps[key] = stamp_of(key)
        return self._stamps[key]

    def refresh(self) -> None:
        """Forget the stamps taken so far: files were written since."""
        self._stamps.clear()
        self._known_facts.clear()
        self._known_current.clear()
        self._parsed.clear()
        self._folders = None
        self._slugs = None
        self._scan = None

    def forget_folders(self, slugs: list[str] | set[str]) -> None:
        """Forget the stamps of files in these article folders (written since), and the listing
        of output/ (a folder may be new); the rest of the stamps still hold."""
        self._folders = None
        self._slugs = None
        self._parsed.clear()
        self._known_current.clear()  # judged with the records as they were
        if not slugs:
            return
        folders = tuple(f"{self._output}/{slug}/" for slug in slugs)
        for key in [key for key in self._stamps if key.startswith(folders)]:
            del self._stamps[key]

    def scan_sources(self) -> tuple[list[Path], list[str]]:
        """``Project.scan_sources``, once per phase."""
        if self._scan is None:
            self._scan = self.project.scan_sources()
        return self._scan

    def source_names(self) -> tuple[list[str], list[str]]:
        """The names of ``scan_sources``' files and its warnings, without a Path for each file.

        At 10,000 sources the Paths cost more than the listing; a folder with a link in it (whose
        target must be checked) is scanned the full way.
        """
        if self._scan is None:
            from transflow.project import SOURCE_SUFFIXES

            names = []
            try:
                with os.scandir(self._sources) as entries:
                    for entry in entries:
                        if (
                            entry.name.endswith(SOURCE_SUFFIXES)
                            or os.path.splitext(entry.name)[1].lower() in SOURCE_SUFFIXES
                        ):
                            if entry.is_symlink():
                                break
                            if entry.is_file():
                                names.append(entry.name)
                    else:
                        return sorted(names), []
            except OSError:
                pass  # the full scan says what is wrong
        scanned, skipped = self.scan_sources()
        return [path.name for path in scanned], skipped

    def article_slugs(self) -> list[str]:
        """``Project.article_slugs`` with one ``scandir`` and the records' stamps kept for this phase."""
        from transflow.slugs import slug_problem
        from transflow.work.record import RECORD_FILE

        if self._slugs is not None:
            return list(self._slugs)
        output = self.project.output
        try:
            entries = list(os.scandir(output))
        except OSError:
            return []
        plain, slugs = set(), []
        for entry in entries:
            if slug_problem(entry.name) is not None:
                continue
            record = f"{entry.path}/{RECORD_FILE}"
            if self.stamp(record) is None and not os.path.exists(record):
                continue
            if not entry.is_symlink():
                plain.add(entry.name)
            elif not self.project.is_inside(Path(entry.path), output):
                continue
            slugs.append(entry.name)
        self._folders = plain
        self._slugs = sorted(slugs)
        return list(self._slugs)

    def folder(self, slug: str) -> str:
        """``Project.article_dir`` as text, without a system call for a folder ``article_slugs`` saw.

        Text, not a Path: at 10,000 articles pathlib's objects cost more than the system calls.
        """
        if self._folders is not None and slug in self._folders:
            return f"{self._output}/{slug}"
        return str(self.project.article_dir(slug))

    @staticmethod
    def settled(stamps: tuple[Stamp | None, ...], made_ns: int) -> bool:
        """Could none of these files change unseen after a cache made at ``made_ns``?"""
        limit = made_ns - RACY_NS
        # A loop, 4x faster than all() over a generator: it runs several times per article.
        for s in stamps:  # noqa: SIM110
            if s is not None and (s[1] >= limit or s[2] >= limit):
                return False
        return True

    @staticmethod
    def digest(key: str, stamps: tuple[Stamp | None, ...], context: tuple[Any, ...]) -> str:
        """What a verdict was made from, in 128 bits."""
        # marshal: C-fast and exact for tuples of text and numbers (a new Python only misses).
        return hashlib.blake2b(marshal.dumps((key, stamps, context)), digest_size=16).hexdigest()

    def lookup(self, kind: str, key: str, stamps: tuple[Stamp | None, ...], context: tuple[Any, ...]) -> Any:
        """The cached value for these stamps and context, or None where there is none to trust."""
        seen = self._seen.get((kind, key))
        if seen is not None and seen[0] == stamps and seen[1] == context:
            return seen[2]
        digest = self.digest(key, stamps, context)
        old = self.old(kind)
        for entries, made_ns in ((self.new[kind], self.started_ns), (old, self.scanned_ns[kind])):
            entry = entries.get(key)
            if not isinstance(entry, list) or len(entry) != 2 or entry[0] != digest:
                continue
            if self.settled(stamps, made_ns):
                self.new[kind][key] = entry
                self._seen[(kind, key)] = (stamps, context, entry[1])
                return entry[1]
        return None

    def keep(
        self, kind: str, key: str, stamps: tuple[Stamp | None, ...], context: tuple[Any, ...], value: Any
    ) -> None:
        """Remember a verdict for the next command, where its files are settled now."""
        if not self.settled(stamps, self.started_ns):
            self.forget(kind, key)
            return
        entry = [self.digest(key, stamps, context), value]
        self.new[kind][key] = entry
        self._seen[(kind, key)] = (stamps, context, value)
        if self.old(kind).get(key) != entry:
            self.dirty.add(kind)

    def forget(self, kind: str, key: str) -> None:
        """Drop a verdict that no longer holds."""
        self._seen.pop((kind, key), None)
        self.new[kind].pop(key, None)
        if self.old(kind).pop(key, None) is not None:
            self.dirty.add(kind)

    def save(self) -> None:
        """Write each kind that changed (atomically); a cache that cannot be written only costs time."""
        if not self.project.state.is_dir():
            return
        for kind in self.complete:
            if self.new[kind].keys() != self.old(kind).keys():  # files gone since
                self.dirty.add(kind)
        for kind in sorted(self.dirty):
            # Keys not looked at this time are carried over (their digests still decide).
            entries = self.new[kind] if kind in self.complete else self.old(kind) | self.new[kind]
            data = {
                "version": CACHE_VERSION,
                "transflow": __version__,
                "scanned_ns": self.started_ns,
                "entries": entries,
            }
            path = self.path(kind)
            with contextlib.suppress(OutputError, OSError, ValueError):
                if path.is_dir() and not path.is_symlink():
                    continue  # a folder where the cache belongs: leave it alone, run without it
                atomic_write(path, json.dumps(data, separators=(",", ":")))
        self.dirty.clear()

    # ---- whole commands ---------------------------------------------------------------------------

    def project_digest(
        self, names: tuple[str, ...], context: tuple[Any, ...], files: tuple[str | Path, ...] = ()
    ) -> str:
        """One digest of every source's stamp, of ``names``' stamps in every article folder and of ``files``'.

        Empty while any of those files is too young to trust (see ``RACY_NS``): a verdict
        kept under it could miss a change made within the same clock tick.
        """
        sources, skipped = self.source_names()
        folder = self._sources
        paths = [os.fspath(path) for path in files]
        paths += [f"{folder}/{name}" for name in sources]
        slugs = self.article_slugs()
        for slug in slugs:
            at = self.folder(slug)
            paths.extend(f"{at}/{name}" for name in names)
        # The loop of ``stamp`` inlined: at 10,000 articles its calls cost more than the stats.
        known, stamps, newest = self._stamps, [], 0
        for path in paths:
            if path in known:
                found = known[path]
            else:
                found = known[path] = stamp_of(path)
            stamps.append(found)
            if found is not None and max(found[1], found[2]) > newest:
                newest = max(found[1], found[2])
        if newest >= self.started_ns - RACY_NS:
            return ""
        # marshal: C-fast and exact for tuples of text and numbers (a new Python only misses).
        whole = (context, skipped, sources, slugs, stamps)
        return hashlib.blake2b(marshal.dumps(whole), digest_size=16).hexdigest()

    def quiet(self, command: str, digest: str) -> Any:
        """What ``command`` found the last time the project had this digest, or None."""
        entry = self.old("quiet").get(command)
        if digest and isinstance(entry, list) and len(entry) == 2 and entry[0] == digest:
            return entry[1]
        return None

    def keep_quiet(self, command: str, digest: str, value: Any) -> None:
        """Remember what ``command`` found, for as long as the digest holds (none: nothing kept)."""
        if not digest:
            return
        self.new["quiet"][command] = [digest, value]
        if self.old("quiet").get(command) != [digest, value]:
            self.dirty.add("quiet")

    # ---- the verdicts ---------------------------------------------------------------------------

    def source(self, path: Path) -> SourceFacts:
        """A source file's slug (or why it cannot be used) and warnings; read only where it changed."""
        from transflow.text.articles import parse_article

        known = self._known_facts.get(path.name)
        if known is not None:
            return known
        stamps = (self.stamp(path),)
        found = self.lookup("sources", path.name, stamps, ())
        if found is not None:
            with contextlib.suppress(TypeError, ValueError):
                return _source_facts(found)
        self.misses += 1
        raw = read_source(path)
        try:
            article = parse_article(path, raw, self.fields)
            facts = SourceFacts(article.slug, "", article.warnings)
            self._parsed[path] = article
        except InputError as e:
            facts = SourceFacts("", e.message)
        self.keep("sources", path.name, stamps, (), _json(facts))
        return facts

    def article(self, path: Path) -> Article:
        """The parsed article (parsed once per phase)."""
        from transflow.text.articles import parse_article

        if path not in self._parsed:
            self._parsed[path] = parse_article(path, fields=self.fields)
        return self._parsed[path]

    @functools.cached_property
    def fields(self) -> tuple[str, ...]:
        """The front-matter fields to translate (the project's ``translatable_fields``)."""
        from transflow.settings import load_settings

        return load_settings(self.project.root).translatable_fields

    def _current_key(self, path: Path, folder: str | Path, context: tuple[Any, ...]) -> tuple[Any, ...]:
        from transflow.work.drafts import DRAFT_FILE
        from transflow.work.record import RECORD_FILE

        at = os.fspath(folder)
        stamps = (self.stamp(path), self.stamp(f"{at}/{RECORD_FILE}"), self.stamp(f"{at}/{DRAFT_FILE}"))
        return stamps, (os.path.basename(folder), *context)

    def is_current(self, path: Path, folder: str | Path, context: tuple[Any, ...]) -> bool:
        """Did this source, record and draft make an up-to-date article with ``context``, unchanged since?"""
        if self._known_current.get(path.name) == context:
            return True
        stamps, context = self._current_key(path, folder, context)
        return self.lookup("current", path.name, stamps, context) is not None

    def note_current(self, path: Path, folder: str | Path, context: tuple[Any, ...], current: bool) -> None:
        """Record the verdict read from the files (their stamps were taken before they were read)."""
        stamps, context = self._current_key(path, folder, context)
        if current and stamps[2] is not None:
            self.keep("current", path.name, stamps, context, 1)
        else:
            self.forget("current", path.name)

    def draft_status(self, folder: str | Path) -> str:
        """``DRAFT_CLEAN``, ``DRAFT_CHANGED`` (draft.en.md changed since transflow wrote or read it)
        or ``DRAFT_UNKNOWN``.

        ``DRAFT_UNKNOWN``: no record, a damaged one, or no draft (``drafts.is_edited`` says False then).
        """
        from transflow.work.drafts import DRAFT_FILE, read_draft
        from transflow.work.record import RECORD_FILE, RecordDamaged, load_record

        at = os.fspath(folder)
        name = os.path.basename(at)
        stamps = (self.stamp(f"{at}/{RECORD_FILE}"), self.stamp(f"{at}/{DRAFT_FILE}"))
        if self.lookup("unedited", name, stamps, ()) is not None:
            return DRAFT_CLEAN
        self.misses += 1
        folder = Path(at)
        try:
            record = load_record(folder)
        except RecordDamaged:
            record = None
        found = read_draft(folder) if record is not None else None
        if record is None or found is None:
            self.forget("unedited", name)
            return DRAFT_UNKNOWN
        if found[1] != record.draft_sha256:
            self.forget("unedited", name)
            return DRAFT_CHANGED
        self.keep("unedited", name, stamps, (), 1)
        return DRAFT_CLEAN

    def site_slugs(self) -> list[str]:
        """The slugs on the published site (``load_site``'s keys), read only where site.json changed."""
        from transflow.work.record import SITE_FILE, load_site

        stamps = (self.stamp(self._site),)
        found = self.lookup("site", SITE_FILE, stamps, ())
        with contextlib.suppress(TypeError):
            if found is not None:
                return list(_strings(found))
        self.misses += 1
        slugs = sorted(load_site(self.project.state))
        self.keep("site", SITE_FILE, stamps, (), slugs)
        return slugs

    def summary(self, folder: str, glossary_sha256: str, judge: Callable[[], Summary]) -> Summary:
        """An article's summary for status and the index: cached while none of its files changed.

        The glossary counts only for a draft with edits not taken in (they are judged with it).
        """
        from transflow.work.drafts import DRAFT_FILE
        from transflow.work.record import APPROVAL_FILE, RECORD_FILE, RecordDamaged, load_record

        at = folder
        slug = os.path.basename(at)
        fixed = tuple(
            self.stamp(p)
            for p in (
                f"{at}/{RECORD_FILE}",
                f"{at}/{DRAFT_FILE}",
                f"{at}/{APPROVAL_FILE}",
                self._site,
            )
        )
        glossary = glossary_sha256 if self.draft_status(folder) == DRAFT_CHANGED else ""
        entry = self.new["states"].get(slug) or self.old("states").get(slug)
        source = entry[1][0] if isinstance(entry, list) and len(entry) == 2 and entry[1] else None
        if isinstance(source, str):
            stamps = (*fixed, self.stamp(f"{self._sources}/{source}"))
            found = self.lookup("states", slug, stamps, (source, glossary))
            with contextlib.suppress(TypeError, ValueError, IndexError):
                if isinstance(found, list):
                    summary = summary_from_json(found[1])
                    self._summary_sources[slug] = source
                    return summary
        self.misses += 1
        try:
            record = load_record(Path(at))
        except RecordDamaged:
            record = None
        source = record.source if record is not None else ""
        stamps = (*fixed, self.stamp(f"{self._sources}/{source}") if source else None)
        summary = judge()
        self.keep("states", slug, stamps, (source, glossary), [source, summary_json(summary)])
        self._summary_sources[slug] = source
        return summary

    # ---- groups of summaries ------------------------------------------------------------------------

    def _group_stamps(self, members: list[str], sources: list[str]) -> tuple[Stamp | None, ...]:
        """The stamps a group's summaries were judged from: each article's files, then the site's list."""
        from transflow.work.drafts import DRAFT_FILE
        from transflow.work.record import APPROVAL_FILE, RECORD_FILE

        stamp, out = self.stamp, list[Stamp | None]()
        for slug, source in zip(members, sources, strict=True):
            at = self.folder(slug)
            out += (stamp(f"{at}/{RECORD_FILE}"), stamp(f"{at}/{DRAFT_FILE}"), stamp(f"{at}/{APPROVAL_FILE}"))
            out.append(stamp(f"{self._sources}/{source}") if source else None)
        out.append(stamp(self._site))
        return tuple(out)

    def kept_summaries(self, slugs: list[str], glossary_sha256: str) -> dict[str, Summary]:
        """The cached summaries of every group of ``slugs`` none of whose files changed since it
        was judged; the other groups' articles are not in it."""
        old, found = self.old("groups"), {}
        for name, members in _grouped(slugs).items():
            try:  # the kept sources name the files to stamp; the digest vouches for the value found
                sources = [str(value[1]) for value in old[name][1]]
                context = (glossary_sha256, *sources)
                values = self.lookup("groups", name, self._group_stamps(members, sources), context)
                if values is None or not _names(values, members, sources):
                    continue
                summaries = {slug: summary_from_json(summary) for slug, _, summary in values}
            except (TypeError, ValueError, IndexError, KeyError):
                continue
            found.update(summaries)
            self._summary_sources.update(zip(members, sources, strict=True))
        return found

    def keep_summaries(self, summaries: list[Summary], glossary_sha256: str) -> None:
        """Remember each group's summaries under one digest (a group with a young file: none)."""
        by_slug = {s.slug: s for s in summaries}
        for name, members in _grouped(list(by_slug)).items():
            if any(slug not in self._summary_sources for slug in members):
                continue  # not judged from its files (a source never translated): judged each time
            sources = [self._summary_sources[slug] for slug in members]
            values = [[slug, self._summary_sources[slug], summary_json(by_slug[slug])] for slug in members]
            context = (glossary_sha256, *sources)
            if name not in self.new["groups"]:  # not found unchanged above
                self.keep("groups", name, self._group_stamps(members, sources), context, values)

    # ---- groups of sources ---------------------------------------------------------------------------

    def _source_stamps(self, names: list[str], slugs: list[str]) -> tuple[Stamp | None, ...]:
        """The stamps a group of sources was judged from: each source, its record and its draft."""
        from transflow.work.drafts import DRAFT_FILE
        from transflow.work.record import RECORD_FILE

        stamp, out = self.stamp, list[Stamp | None]()
        for name, slug in zip(names, slugs, strict=True):
            out.append(stamp(f"{self._sources}/{name}"))
            at = self.folder(slug) if slug else ""
            out += (stamp(f"{at}/{RECORD_FILE}"), stamp(f"{at}/{DRAFT_FILE}")) if at else (None, None)
        return tuple(out)

    def kept_sources(self, names: list[str], context: tuple[Any, ...]) -> None:
        """Take in each group of sources none of whose files (source, record, draft) changed since it
        was judged with ``context``: its facts and "current" verdicts need no look-up each."""
        old = self.old("groups")
        for group, members in _grouped(names).items():
            key = f"sources-{group}"
            try:  # the kept slugs name the files to stamp; the digest vouches for the value found
                slugs = [str(value[1]) for value in old[key][1]]
                values = self.lookup("groups", key, self._source_stamps(members, slugs), context)
                if values is None or not _names(values, members, slugs):
                    continue
                facts = {str(v[0]): SourceFacts(str(v[1]), str(v[2]), _strings(v[3])) for v in values}
                current = [str(v[0]) for v in values if v[4] is True]
            except (TypeError, ValueError, IndexError, KeyError):
                continue
            self._known_facts.update(facts)
            self._known_current.update((name, context) for name in current)
            for kind in ("sources", "current"):  # each one's verdict stays for when its group changes
                kept = self.old(kind)
                for name in members:
                    if name in kept:
                        self.new[kind].setdefault(name, kept[name])

    def keep_sources(
        self, facts: dict[str, SourceFacts], current: set[str], context: tuple[Any, ...]
    ) -> None:
        """Remember each group of sources (``facts`` by name; ``current``: the up-to-date ones)."""
        for group, members in _grouped(sorted(facts)).items():
            key = f"sources-{group}"
            if key in self.new["groups"]:  # found unchanged
                continue
            values = [
                [name, facts[name].slug, facts[name].problem, list(facts[name].warnings), name in current]
                for name in members
            ]
            stamps = self._source_stamps(members, [facts[name].slug for name in members])
            self.keep("groups", key, stamps, context, values)


def _names(values: Any, members: list[str], seconds: list[str]) -> bool:
    """Does a group's value name these members, each with this second field (its source or slug)?"""
    return [[v[0], v[1]] for v in values] == [list(x) for x in zip(members, seconds, strict=True)]


def _grouped(slugs: list[str]) -> dict[str, list[str]]:
    """``slugs`` (in order) by their group: a hash of the slug, so a new article moves no other."""
    groups: dict[str, list[str]] = {}
    for slug in slugs:
        groups.setdefault(f"g{zlib.crc32(slug.encode()) % GROUPS}", []).append(slug)
    return groups
