"""Slugs: made safe from names, checked when typed, enforced by Project.article_dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.errors import InvalidSlug
from transflow.project import Project
from transflow.slugs import MAX_SLUG, check_slug, safe_slug


def test_slugs_from_names_are_made_safe() -> None:
    assert safe_slug("Kümmerer Treffen") == "kuemmerer-treffen"
    assert [safe_slug(n) for n in ("index", "Site", "REVIEW", ".transflow")] == [
        "index-article",
        "site-article",
        "review-article",
        "transflow",
    ]
    long_a, long_b = safe_slug("a" * 300), safe_slug("a" * 299 + "b")
    assert len(long_a) == len(long_b) == MAX_SLUG and long_a != long_b
    assert long_a == safe_slug("a" * 300)  # deterministic: the next run finds the same folder
    for name in ("../../etc", "a/b", "x" * 500, "\x1b[31m", ""):
        assert check_slug(safe_slug(name)) == safe_slug(name)


@pytest.mark.parametrize("slug", ["../../../victim", "a/b", "index", "site", ".transflow", "A", "x" * 81])
def test_typed_slugs_that_cannot_name_an_article_are_refused(slug: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidSlug):
        check_slug(slug)
    with pytest.raises(InvalidSlug):
        Project(tmp_path).article_dir(slug)
