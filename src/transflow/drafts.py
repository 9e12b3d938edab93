"""What a run writes for each article: draft.en.md, segments.json, revisions/.

Every file is written atomically; an editor's text is never lost (a draft edited after
the run collected the edits is kept under revisions/ before it is replaced).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transflow import GENERATED_NOTICE
from transflow.articles import Article
from transflow.editing import BANNER, Sentence, compose_body, draft_sha256
from transflow.project import Project, atomic_write, file_sha256, read_record
from transflow.segmentation import Segment


@dataclass(frozen=True)
class Signature:
    """What made a draft: recorded in its front matter and in segments.json."""

    transflow: str
    model: str
    model_version: str
    model_sha256: str
    ctranslate2: str
    beam_size: int
    glossary_sha256: str
    generated: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ArticleResult:
    """The outcome of one article in a run."""

    slug: str
    source: str
    status: str  # translated | unchanged | skipped
    sentences: int = 0
    terms_enforced: int = 0
    terms_missing: int = 0
    message: str = ""


@dataclass(frozen=True)
class SegmentResult:
    """One sentence: German, English, and what glossary enforcement found."""

    segment: Segment
    english: str
    terms: tuple[dict[str, Any], ...] = ()
    warnings: tuple[dict[str, str], ...] = ()  # Finding dicts: check, severity, message
    origin: str = "machine"  # machine (engine) | memory (last draft) | editor | approved
    machine: str | None = None  # the engine's English, where a person's replaced it


def render_draft(article: Article, results: list[SegmentResult], signature: Signature, when: str) -> str:
    """The editor's file: YAML front matter with the signature, then English paragraphs."""
    from ruamel.yaml import YAML

    meta: dict[str, Any] = {
        k: v for k, v in (("title", article.title), ("date", article.date), ("place", article.place)) if v
    }
    meta.update(
        source=article.source.name,
        source_sha256=article.source_hash,
        translated_at=when,
        **{k: v for k, v in signature.to_dict().items() if k != "generated"},
    )
    if signature.generated:
        meta["notice"] = GENERATED_NOTICE
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(meta, buffer)
    body, _ = compose_body([Sentence(r.segment.paragraph, r.english, r.segment.space_after) for r in results])
    return f"---\n{buffer.getvalue()}---\n\n{BANNER if signature.generated else ''}{body}\n"


def write_article(
    project: Project,
    article: Article,
    results: list[SegmentResult],
    signature: Signature,
) -> ArticleResult:
    """Write draft.en.md and segments.json atomically; an editor's text is never lost."""
    folder = project.article_dir(article.slug)
    when = datetime.now(UTC).replace(microsecond=0).isoformat()
    draft = render_draft(article, results, signature, when)
    draft_path = folder / "draft.en.md"
    current = file_sha256(draft_path)
    if current is not None and current != read_record(project, article.slug).get("draft_sha256"):
        # Edited after this run collected the edits: keep that file as a revision.
        atomic_write(folder / "revisions" / f"{when.replace(':', '')}.edited.en.md", draft_path.read_bytes())
    atomic_write(draft_path, draft)
    payload = {
        "slug": article.slug,
        "source": article.source.name,
        "source_sha256": article.source_hash,
        "draft_sha256": draft_sha256(draft),
        "translated_at": when,
        "article": {"title": article.title, "date": article.date, "place": article.place},
        "signature": signature.to_dict(),
        "segments": [
            {
                "paragraph": r.segment.paragraph,
                "index": r.segment.index,
                "source": r.segment.text,
                "draft": r.english,
                "space_after": r.segment.space_after,
                "origin": r.origin,
                **({"machine": r.machine} if r.machine is not None and r.machine != r.english else {}),
                "terms": list(r.terms),
                "warnings": list(r.warnings),
            }
            for r in results
        ],
    }
    _keep_revision(folder, payload)
    # segments.json last: it is the record that the article is done.
    atomic_write(folder / "segments.json", json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return ArticleResult(
        article.slug,
        article.source.name,
        "translated",
        sentences=len(results),
        terms_enforced=sum(t["status"] == "enforced" for r in results for t in r.terms),
        terms_missing=sum(t["status"] == "missing" for r in results for t in r.terms),
        message=_reuse_note(results),
    )


def _reuse_note(results: list[SegmentResult]) -> str:
    kept = sum(r.origin in ("editor", "approved") for r in results)
    return f"{kept} sentence(s) of editors' English kept" if kept else ""


def _keep_revision(folder: Path, payload: dict[str, Any]) -> None:
    """Every machine draft is kept under revisions/, numbered, for the review page's diff."""
    revisions = folder / "revisions"
    number = len(list(revisions.glob("*.json"))) + 1 if revisions.is_dir() else 1
    snapshot = {
        "revision": number,
        "translated_at": payload["translated_at"],
        "signature": payload["signature"],
        "segments": [
            {k: s[k] for k in ("paragraph", "index", "source", "draft")} for s in payload["segments"]
        ],
    }
    atomic_write(revisions / f"{number:04d}.json", json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n")
