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
    sizes = [[_width(text) for text in row] for row in cells]  # measured once: 50,000 cells at 10,000 rows
    widths = [cell_len(h) for h in headers]
    for row_sizes in sizes:
        for k, size in enumerate(row_sizes):
            if size > widths[k]:
                widths[k] = size

    def line(row: Sequence[str], row_sizes: Sequence[int]) -> str:
        parts = []
        for k, text in enumerate(row):
            pad = " " * (widths[k] - row_sizes[k])
            parts.append(pad + text if k in right else text + pad)
        return "  ".join(parts).rstrip()

    lines = [title] if title else []
    lines += [line(headers, [_width(h) for h in headers]), "  ".join("─" * w for w in widths)]
    lines += [line(row, row_sizes) for row, row_sizes in zip(cells, sizes, strict=True)]
    out.file.write("\n".join(lines) + "\n")


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)
