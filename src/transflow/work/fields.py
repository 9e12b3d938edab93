"""Front-matter fields (``description``, ``image.alt`` …): which ones the engine translates in a run.

The title and the summary are blocks of the body and translated there (``drafts.front_matter_english``
puts their English back into the front matter); a field with the same German is theirs too.
Any other field goes to the engine, unless the last run translated the same German already.
"""

from __future__ import annotations

from transflow.text.articles import Article
from transflow.work.record import ArticleRecord

__all__ = ["field_plan"]


def _same(text: str) -> str:
    return " ".join(text.split())


def field_plan(article: Article, previous: ArticleRecord | None) -> tuple[dict[str, str], dict[str, str]]:
    """(path → English kept from the last run, path → German the engine must translate)."""
    front = article.front_matter
    if front is None:
        return {}, {}
    in_body = {_same(article.title or "")}
    if article.summary_paragraph is not None:
        in_body.add(_same(article.paragraphs[article.summary_paragraph]))
    old = previous.front_matter if previous is not None else None
    old_german = dict(old.fields) if old else {}
    old_english = dict(old.english) if old else {}
    kept: dict[str, str] = {}
    todo: dict[str, str] = {}
    for path, german in front.fields:
        if _same(german) in in_body:
            continue
        if old_german.get(path) == german and path in old_english:
            kept[path] = old_english[path]
        else:
            todo[path] = german
    return kept, todo
