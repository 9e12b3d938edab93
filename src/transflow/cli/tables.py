"""Tables with thousands of rows: plain aligned text, because rich measures every cell.

rich renders a screenful nicely, but a 10,000-row table took it tens of seconds on the
2-core machine (more than the work of `status` itself); this prints the same columns
in milliseconds. Commands use it past ``RICH_ROWS`` rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console

from transflow.safetext import for_terminal

RICH_ROWS = 200  # a few screens: beyond, nobody reads a table for its borders


def plain_table(
    out: Console,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[int] = (),
    title: str | None = None,
) -> None:
    """Print ``rows`` under ``headers`` in aligned columns (``right``: right-aligned column numbers)."""
    cells = [[for_terminal(c) for c in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in cells:
        for k, text in enumerate(row):
            widths[k] = max(widths[k], _width(text))

    def line(row: Sequence[str]) -> str:
        parts = []
        for k, text in enumerate(row):
            if k in right:
                parts.append(" " * (widths[k] - _width(text)) + text)
            else:
                parts.append(text + " " * (widths[k] - _width(text)))
        return "  ".join(parts).rstrip()

    lines = [title] if title else []
    lines += [line(headers), "  ".join("─" * w for w in widths)]
    lines += [line(row) for row in cells]
    out.file.write("\n".join(lines) + "\n")


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)
