"""Stub: the 20,000-term glossary figures come from issue 15a's bench/scale_glossary.py.

Until that branch is merged these return NaN, so bench/scale.py still prints its one line.
"""

from __future__ import annotations


def match_ms_per_sentence(n_terms: int = 20000) -> float:
    """Term matching, milliseconds per sentence (stub)."""
    return float("nan")


def glossary_add_seconds(n_terms: int = 20000) -> float:
    """`transflow glossary add` on a glossary of ``n_terms`` (stub)."""
    return float("nan")


def tbx_import_seconds(n_terms: int = 20000) -> float:
    """TBX import of ``n_terms`` new terms (stub)."""
    return float("nan")
