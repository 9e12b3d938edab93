"""Attention kept per chunk gives the same alignment as the full matrix the engine used to build."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transflow.mt.attention import Attention, AttentionBlock
from transflow.terms.enforcement import aligned_owners


def dense_alignment(attention: list[list[float]], source: set[int], owner: list[int]) -> list[int]:
    """The old _aligned_words on full-width Python rows (zeros outside a row's own chunk)."""
    hits: Counter[int] = Counter()
    for t, row in enumerate(attention[: len(owner)]):
        if row and max(range(len(row)), key=row.__getitem__) in source:
            hits[owner[t]] += 1
    for s in source:
        column = [row[s] if s < len(row) else 0.0 for row in attention[: len(owner)]]
        if column:
            hits[owner[max(range(len(column)), key=column.__getitem__)]] += 1
    return sorted(hits, key=lambda w: (-hits[w], w))


WEIGHT = st.floats(0.01, 1.0, allow_nan=False).map(lambda w: round(w, 2))
CHUNK = st.tuples(st.integers(1, 6), st.integers(1, 9)).flatmap(
    lambda shape: st.lists(
        st.lists(WEIGHT, min_size=shape[0], max_size=shape[0]), min_size=shape[1], max_size=shape[1]
    )
)


@settings(max_examples=200, deadline=None)
@given(chunks=st.lists(CHUNK, min_size=1, max_size=4), data=st.data())
def test_chunked_attention_aligns_like_the_full_matrix(
    chunks: list[list[list[float]]], data: st.DataObject
) -> None:
    total = sum(len(rows[0]) for rows in chunks)
    dense: list[list[float]] = []
    blocks, offset = [], 0
    for rows in chunks:
        width = len(rows[0])
        for row in rows:
            dense.append([0.0] * offset + row + [0.0] * (total - offset - width))
        blocks.append(AttentionBlock.of(offset, np.asarray(rows, dtype=np.float32)))
        offset += width
    attention = Attention(tuple(blocks))
    assert attention.rows == len(dense)
    owner = sorted(data.draw(st.lists(st.integers(0, 5), min_size=len(dense), max_size=len(dense))))
    source = data.draw(st.sets(st.integers(0, total - 1), min_size=1, max_size=3))
    expected = dense_alignment(dense, source, owner)
    assert aligned_owners(attention, source, owner) == expected
    assert aligned_owners(Attention.from_rows(dense), source, owner) == expected
