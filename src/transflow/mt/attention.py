"""The decoder's attention, kept per engine chunk and reduced to what term alignment needs.

Glossary enforcement asks two things of the attention: which source piece each target
piece looks at most, and which target piece looks most at a given source piece. Keeping
only those per chunk makes a sentence's attention linear in its length: the full
target × source matrix of a 200,000-character line as Python lists took 24 GB.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AttentionBlock:
    """One engine chunk's attention, reduced to what alignment uses: the strongest link each way.

    The full weights (kept target rows × chunk pieces, 4 bytes each) would take ~1 KB per
    source piece; these two arrays take 8 bytes, so a 1 MB line stays far under 1 GB.
    """

    offset: int  # the chunk's first source piece within the sentence
    best_source: np.ndarray  # per kept target row: the chunk's source piece it attends to most
    best_target: np.ndarray  # per chunk source piece: the kept target row attending to it most

    @classmethod
    def of(cls, offset: int, weights: np.ndarray) -> AttentionBlock:
        """Reduce a (target rows × chunk pieces) weight matrix."""
        rows, columns = weights.shape
        best_source = weights.argmax(axis=1) if columns else np.full(rows, -1)
        best_target = weights.argmax(axis=0) if rows else np.full(columns, -1)
        return cls(offset, best_source.astype(np.int32), best_target.astype(np.int32))


@dataclass(frozen=True)
class Attention:
    """The decoder's attention for one sentence, one block per engine chunk (numpy, kept rows only).

    A chunk's target pieces attend only to the chunk's source pieces, so the sentence's
    target × source matrix is block-diagonal; nothing is kept outside the blocks.
    """

    blocks: tuple[AttentionBlock, ...] = ()

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[float]]) -> Attention:
        """One block from dense rows: row t holds target piece t's weights over every source piece."""
        matrix = np.asarray(rows, dtype=np.float32)
        if matrix.ndim != 2 or not matrix.size:
            return cls()
        return cls((AttentionBlock.of(0, matrix),))

    @property
    def rows(self) -> int:
        """Number of target pieces with attention."""
        return int(self._first_rows[-1])

    @functools.cached_property
    def _first_rows(self) -> np.ndarray:
        """Index of each block's first target row, and the total at the end."""
        return np.cumsum([0] + [len(block.best_source) for block in self.blocks])

    @functools.cached_property
    def strongest_sources(self) -> np.ndarray:
        """For each target piece, the source piece it attends to most (-1 for none)."""
        parts = [np.where(b.best_source < 0, -1, b.best_source + b.offset) for b in self.blocks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def strongest_target(self, source: int, rows: int) -> int | None:
        """The target piece that attends most to ``source``, if it is one of the first ``rows``."""
        k = bisect.bisect_right(self.blocks, source, key=lambda b: b.offset) - 1
        if k < 0 or source - self.blocks[k].offset >= len(self.blocks[k].best_target):
            return None
        local = int(self.blocks[k].best_target[source - self.blocks[k].offset])
        target = int(self._first_rows[k]) + local
        return target if local >= 0 and target < rows else None
