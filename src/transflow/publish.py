"""Approval and publishing: approved English becomes clean pages and an Atom feed in output/site/."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transflow import GENERATED_NOTICE
from transflow.checks import check_drafts
from transflow.editing import draft_body, sync_edits
from transflow.errors import ChecksFailed, InputError
from transflow.memory import Memory
from transflow.project import Project, atomic_write, file_sha256, read_record, run_lock
from transflow.review import article_status, jinja_environment, write_index, write_review


@dataclass(frozen=True)
class Approval:
    """What approve recorded."""

    slug: str
    sentences: int
    missing_terms: int
    forced: bool


def approve(project: Project, slug: str, force: bool = False) -> Approval:
    """Mark the current English of an article as approved; refuse if required terms are missing."""
    with run_lock(project):
        record = read_record(project, slug)
        if not record:
            raise InputError(f"no translated article '{slug}'", hint="run `transflow translate` first")
        memory = Memory.of(project)
        try:
            sync_edits(project, slug, memory)
            missing = check_drafts(project, [slug])
            if missing and not force:
                first = missing[0]
                raise ChecksFailed(
                    f"{slug}: {len(missing)} required glossary term(s) missing, e.g. "
                    f"'{first.surface}' needs '{first.english}'",
                    hint="correct the draft, or approve anyway with --force",
                )
            record = read_record(project, slug)
            pairs = [(s["source"], s["draft"]) for s in record.get("segments", [])]
            memory.store(slug, pairs, "approved", json.dumps(record.get("signature", {}), sort_keys=True))
        finally:
            memory.close()
        folder = project.article_dir(slug)
        approval = {
            "draft_sha256": file_sha256(folder / "draft.en.md"),
            "source_sha256": record.get("source_sha256"),
            "approved_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "forced": bool(missing),
        }
        atomic_write(folder / "approved.json", json.dumps(approval, indent=2) + "\n")
        write_review(project, slug)
        write_index(project)
    return Approval(slug, len(pairs), len(missing), bool(missing))


@dataclass(frozen=True)
class SitePage:
    """One published article."""

    slug: str
    title: str
    date: str
    place: str
    approved_at: str
    html: str  # rendered from the draft's Markdown with raw HTML disabled
    german: str | None = None
    notice: str | None = None  # set when a generated test model made the English


@dataclass
class PublishReport:
    """Which articles went to the site and which were skipped, with why."""

    published: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    site: Path | None = None


def _markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).render(text))


def _page(
    project: Project, slug: str, record: dict[str, Any], approval: dict[str, Any], with_german: bool
) -> SitePage:
    folder = project.article_dir(slug)
    body = draft_body((folder / "draft.en.md").read_text(encoding="utf-8"))
    article = record.get("article") or {}
    first = body.split("\n", 1)[0].lstrip("#> ").strip()
    title = first.split(". ")[0].rstrip(".") if first else slug
    return SitePage(
        slug=slug,
        title=title if len(title) <= 100 else title[:97] + "…",
        date=str(article.get("date") or ""),
        place=str(article.get("place") or ""),
        approved_at=approval.get("approved_at", ""),
        html=_markdown(body),
        german=f"{slug}.de.txt" if with_german else None,
        notice=GENERATED_NOTICE if (record.get("signature") or {}).get("generated") else None,
    )


def publish(project: Project, with_german: bool = False) -> PublishReport:
    """Render approved, unchanged articles into output/site/: pages, index, Atom feed."""
    from markupsafe import Markup

    report = PublishReport()
    pages: list[SitePage] = []
    sources: dict[str, Path] = {}
    with run_lock(project):
        for slug in project.article_slugs():
            folder = project.article_dir(slug)
            record = read_record(project, slug)
            status = article_status(folder, record)
            try:
                approval = json.loads((folder / "approved.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                report.skipped.append((slug, "not approved"))
                continue
            if status != "approved":  # the draft changed after approval
                report.skipped.append((slug, "changed since approval: approve it again"))
                continue
            if approval.get("source_sha256") != record.get("source_sha256"):
                report.skipped.append((slug, "German source changed since approval"))
                continue
            pages.append(_page(project, slug, record, approval, with_german))
            sources[slug] = project.sources / str(record.get("source", ""))
        site = project.output / "site"
        env = jinja_environment(project.root / "templates")
        readable = set(project.source_files()) if with_german and project.sources.is_dir() else set()
        for page in pages:
            html = env.get_template("site_article.html").render(page=page, body=Markup(page.html))
            atomic_write(site / f"{page.slug}.html", html)
            # Only files that are sources now: never a link out of sources/ (a secret would be published).
            if page.german and sources[page.slug] in readable:
                atomic_write(site / page.german, sources[page.slug].read_bytes())
            report.published.append(page.slug)
        pages.sort(key=lambda p: (p.date, p.approved_at), reverse=True)
        atomic_write(site / "index.html", env.get_template("site_index.html").render(pages=pages))
        updated = max(
            (p.approved_at for p in pages), default=datetime.now(UTC).replace(microsecond=0).isoformat()
        )
        feed = env.get_template("feed.xml").render(
            pages=pages,
            updated=updated,
            feed_id=f"urn:sha256:{hashlib.sha256(str(project.root).encode()).hexdigest()[:32]}",
        )
        atomic_write(site / "feed.xml", feed)
        report.site = site
    return report
