"""Parsed glossaries kept on disk by content hash, so a 20,000-term glossary.yml is parsed once.

Reading and checking 20,000 terms takes seconds; every command that needs the glossary (a run,
`glossary add`, `lint`, `check`) would pay it again. Only a valid glossary is kept, with what
`glossary add` needs to append to it without parsing (the dash column of its block list), in
one file in the project's state folder (``output/.transflow``), and only where that folder
exists: loading a glossary never creates a project's output.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from transflow.errors import OutputError

VERSION = 1  # raise when GlossaryEntry or validation changes: older files are then ignored


def cache_file(glossary: Path) -> Path | None:
    """Where the parse of this glossary.yml is kept; None outside a project that has run."""
    state = glossary.parent / "output" / ".transflow"
    return state / "glossary-cache.json" if state.is_dir() else None


def read(glossary: Path, digest: str) -> tuple[list[list[Any]], int | None] | None:
    """The entries (as rows) and append column kept for this content hash, or None."""
    path = cache_file(glossary)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("sha256") != digest:
        return None
    return data["entries"], data["append_column"]


def write(glossary: Path, digest: str, entries: list[list[Any]], append_column: int | None) -> None:
    """Keep the parse of a valid glossary; a failure to write only costs the next parse."""
    from transflow.project import atomic_write

    path = cache_file(glossary)
    if path is None:
        return
    data = {"version": VERSION, "sha256": digest, "append_column": append_column, "entries": entries}
    with contextlib.suppress(OutputError):
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
