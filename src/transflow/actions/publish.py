"""The public site: each article's last approved snapshot as a clean page, an index and an Atom feed.

With ``--with-german`` each article also has its German page (``<slug>.de.html``,
``lang="de"``), the German it was approved against; the two link to each other.

The site holds approval snapshots (the English and the German it was approved against),
never the live draft, so it cannot show English beside other German. ``publish`` adds or
refreshes what is approved now and checks the German source file itself; a page leaves the
site only through ``unpublish``. What the site holds is recorded in
``output/.transflow/site.json``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from transflow import GENERATED_NOTICE
from transflow.actions.unit_of_work import refresh_pages
from transflow.dates import feed_time
from transflow.errors import InputError
from transflow.pages.review import jinja_environment
from transflow.pages.sitemarkdown import german_lines, site_html
from transflow.project import Project, atomic_write, file_sha256, open_folder, run_lock
from transflow.settings import SETTINGS_FILE, Settings, load_settings
from transflow.states import ArticleStatus
from transflow.text.articles import parse_article
from transflow.text.document import split_prefix, structured_markdown
from transflow.work.record import SITE_FILE, Approval, Publication, load_site, now, site_json
from transflow.work.workflow import ArticleState, all_states, held_back

# A publish writes many files; a kill between them left pages live that site.json did not
# list, which no command could take down (issue 29). So the site a publish or unpublish is
# making is written here first, and removed last: while it exists, the next publish,
# unpublish or `doctor --repair` finishes that site before anything else.
JOURNAL = "site.json.next"
GERMAN_PAGE = "{}.de.html"  # an article's German page, beside its English <slug>.html
OLD_GERMAN_TEXT = "{}.de.txt"  # the German as plain text, as publish wrote it before the German page


@dataclass(frozen=True)
class SitePage:
    """One published article, as the templates see it."""

    slug: str
    title: str
    date: str
    place: str
    approved_at: str
    html: str  # rendered from the approved Markdown with raw HTML disabled
    notice: str | None = None  # set when a generated test model made the English
    teaser: str | None = None  # the translated summary/teaser, rendered inline (HTML)
    lang: str = "en"
    alternate: str | None = None  # the file name of the same article's page in the other language
    feed_html: str = ""  # the body for the feed: every link and picture a full address
    feed_teaser: str | None = None
    published: str | None = None  # the article's date as an Atom time (the feed's <published>)
    updated: str = ""  # the later of approval and date: the feed's <updated>

    @property
    def german(self) -> str | None:
        """The German page of an English one: the name a project's own older templates use."""
        return self.alternate if self.lang == "en" else None


@dataclass
class PublishReport:
    """Which articles went to the site, which stayed at an older version, and which were left out."""

    published: list[str] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)  # still on the site, older version
    skipped: list[tuple[str, str]] = field(default_factory=list)
    site: Path | None = None
    warnings: list[str] = field(default_factory=list)


def _title(approval: Approval, slug: str, text: str | None = None) -> str:
    """The title, else the first sentence of ``text`` (the English unless given), cut at 100."""
    if approval.title:
        return approval.title
    first = (approval.english if text is None else text).split("\n", 1)[0].lstrip("#> ").strip()
    title = first.split(". ")[0].rstrip(".") if first else slug
    return title if len(title) <= 100 else title[:97] + "…"


def _headline(english: str) -> tuple[str | None, str]:
    """The English headline (the draft's leading "# " line, the translated title) and the rest."""
    if english.startswith("# "):
        first, _, rest = english.partition("\n")
        return first[2:].strip() or None, rest.strip()
    return None, english


def site_page(publication: Publication, settings: Settings) -> SitePage:
    """One published article as the templates see it: headline, teaser and body from the approved English."""
    approval = publication.approval
    headline, body = _headline(approval.english)
    teaser = None
    if approval.summary and body.startswith(approval.summary):
        # The summary is the body's first paragraph: shown once, as the teaser.
        teaser, body = approval.summary, body[len(approval.summary) :].strip()
    # What the German kept untranslated (tables, pictures) is German on the English page too.
    german = german_lines(split_prefix(prefix)[0] for prefix in approval.prefixes)
    published = feed_time(approval.date, settings.timezone)
    base = settings.base_url
    return SitePage(
        slug=publication.slug,
        title=headline or _title(approval, publication.slug),
        date=approval.date or "",
        place=approval.place or "",
        approved_at=approval.approved_at,
        html=site_html(body, german=german),
        alternate=GERMAN_PAGE.format(publication.slug) if publication.with_german else None,
        notice=GENERATED_NOTICE if approval.generated else None,
        teaser=site_html(teaser, inline=True) if teaser else None,
        feed_html=site_html(body, german=german, base=base),
        feed_teaser=site_html(teaser, inline=True, base=base) if teaser else None,
        published=published,
        # A time as Atom writes it, whatever an approval file holds; the later of approval and date.
        updated=max(
            filter(None, (feed_time(approval.approved_at, "UTC"), published)),
            key=datetime.fromisoformat,
            default=now(),
        ),
    )


def german_page(publication: Publication) -> SitePage:
    """The article's German page: the German the English was approved against, as written."""
    from markupsafe import escape

    approval = publication.approval
    if approval.prefixes:
        markdown = structured_markdown(approval.german, approval.paragraphs, approval.prefixes)
        headline, body = _headline(markdown)
        html = site_html(body)
    else:  # a record from before structure was kept: plain paragraphs
        headline, paragraphs = None, approval.german_text().split("\n\n")
        html = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    return SitePage(
        slug=publication.slug,
        title=headline or _title(approval, publication.slug, approval.german_text()),
        date=approval.date or "",
        place=approval.place or "",
        approved_at=approval.approved_at,
        html=html,
        lang="de",
        alternate=f"{publication.slug}.html",
    )


def german_unchanged(project: Project, approval: Approval) -> bool:
    """Does the German source file, read now, still hold the approved German sentences?"""
    from transflow.text.segmentation import segment_paragraphs

    path = project.sources / approval.source
    if not path.is_file() or path not in set(project.source_files()):
        return False  # gone, or not a source any more (e.g. a link out of sources/)
    if file_sha256(path) == approval.source_sha256:
        return True
    try:
        article = parse_article(path)
    except InputError:
        return False
    return tuple(s.text for s in segment_paragraphs(article.paragraphs)) == approval.german


def _why_not(state: ArticleState) -> str:
    if state.reasons and state.state not in (ArticleStatus.DRAFTED, ArticleStatus.EDITED):
        return state.reasons[0]
    return "not approved" if state.approval is None else state.state


def publish(project: Project, with_german: bool = False) -> PublishReport:
    """Put every approved article's snapshot on the site; keep what is there; rebuild index and feed."""
    report = PublishReport()
    site_dir = project.output / "site"
    settings = load_settings(project.root)  # before any work: a bad file stops the run
    if not settings.base_url:
        report.warnings.append(
            f"no base_url in {SETTINGS_FILE}: the feed's links are relative, feed readers cannot follow"
            f' them (set base_url in {SETTINGS_FILE}, e.g. base_url = "https://www.altena.de/en/")'
        )
    with run_lock(project):
        finish_publishing(project)
        site = load_site(project.state)
        for state in all_states(project):
            approval = state.approval
            held = held_back(state.record)
            if held:  # a draft in its CMS is never on the site, approved or not
                if site.pop(state.slug, None) is not None:
                    _remove(site_dir, f"{state.slug}.html")
                    _remove(site_dir, f"{state.slug}.de.txt")
                report.skipped.append((state.slug, held[0]))
            elif state.approved and approval is not None and german_unchanged(project, approval):
                site[state.slug] = Publication(state.slug, approval, now(), with_german)
                report.published.append(state.slug)
            elif state.slug in site:
                reason = "its German source changed" if state.approved else _why_not(state)
                report.stale.append((state.slug, reason))
            else:
                report.skipped.append((state.slug, _why_not(state)))
        _write_site(project, site, set(report.published), settings)
        report.site = site_dir
    # The review pages and the index say "published" now, as `status` does.
    refresh_pages(project, report.published)
    return report


def _write_site(project: Project, site: dict[str, Publication], fresh: set[str], settings: Settings) -> None:
    """Write ``site`` as one step: the journal, the ``fresh`` pages, index, feed, manifest; journal gone."""
    site_dir = project.output / "site"
    atomic_write(project.state / JOURNAL, site_json(site))
    template = jinja_environment(project.root / "templates").get_template("site_article.html")
    pages = [site_page(p, settings) for p in site.values()]
    for page in pages:
        if page.slug not in fresh:
            continue
        publication = site[page.slug]
        html = template.render(page=page, body=_safe(page.html), settings=settings)
        atomic_write(site_dir / f"{page.slug}.html", html)
        _remove(site_dir, OLD_GERMAN_TEXT.format(page.slug))  # the German page took its place
        if publication.with_german:
            german = german_page(publication)
            html = template.render(page=german, body=_safe(german.html), settings=settings)
            atomic_write(site_dir / GERMAN_PAGE.format(page.slug), html)
        else:  # published before with --with-german: the German page goes with the flag
            _remove(site_dir, GERMAN_PAGE.format(page.slug))
    _write_lists(project, pages, site, settings)
    _remove(project.state, JOURNAL)


def _remove(folder: Path, name: str) -> bool:
    """Delete ``folder/name`` if it is there (no link followed on the way); was it?"""
    try:
        fd = open_folder(folder)
    except FileNotFoundError:
        return False
    try:
        os.unlink(name, dir_fd=fd)
        return True
    except FileNotFoundError:
        return False
    finally:
        os.close(fd)


def finish_publishing(project: Project) -> bool:
    """Finish the site an interrupted publish or unpublish was writing (call under the run lock)."""
    if not (project.state / JOURNAL).exists():
        return False
    site = load_site(project.state, JOURNAL)
    for orphan in orphan_pages(project, site):
        _remove(orphan.parent, orphan.name)
    _write_site(project, site, set(site), load_settings(project.root))
    return True


def orphan_pages(project: Project, site: dict[str, Publication] | None = None) -> list[Path]:
    """Files in output/site/ that the site's manifest does not list (left by a kill, or by hand)."""
    site = load_site(project.state) if site is None else site
    wanted = {"index.html", "feed.xml"}
    for slug, publication in site.items():
        wanted.add(f"{slug}.html")
        if publication.with_german:  # a page left at an older version may still link its .de.txt
            wanted.update((GERMAN_PAGE.format(slug), OLD_GERMAN_TEXT.format(slug)))
    try:
        names = sorted(os.listdir(project.output / "site"))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [project.output / "site" / n for n in names if n not in wanted and not n.endswith(".tmp")]


def _safe(html: str) -> object:
    from markupsafe import Markup

    return Markup(html)


def _write_lists(
    project: Project, pages: list[SitePage], site: dict[str, Publication], settings: Settings
) -> None:
    """The site index, the feed and the manifest of what the site holds."""
    jinja = jinja_environment(project.root / "templates")
    site_dir = project.output / "site"
    pages.sort(key=lambda p: (p.date, p.approved_at), reverse=True)
    atomic_write(
        site_dir / "index.html", jinja.get_template("site_index.html").render(pages=pages, settings=settings)
    )
    updated = max((p.updated for p in pages), default=now(), key=datetime.fromisoformat)
    feed = jinja.get_template("feed.xml").render(
        pages=pages,
        settings=settings,
        updated=updated,
        feed_id=f"urn:sha256:{hashlib.sha256(str(project.root).encode()).hexdigest()[:32]}",
    )
    atomic_write(site_dir / "feed.xml", feed)
    atomic_write(project.state / SITE_FILE, site_json(site))


def unpublish(project: Project, slug: str) -> list[Path]:
    """Take an article off the site: its page and German original go, index and feed are rebuilt."""
    site_dir = project.output / "site"
    with run_lock(project):
        finish_publishing(project)
        site = load_site(project.state)
        files = [f"{slug}.html", GERMAN_PAGE.format(slug), OLD_GERMAN_TEXT.format(slug)]
        # Any page on the site can be taken down, listed in site.json or not (an orphan).
        if slug not in site and not any((site_dir / name).exists() for name in files):
            raise InputError(
                f"'{slug}' is not on the site", hint="`transflow status` shows what is published"
            )
        site.pop(slug, None)
        atomic_write(project.state / JOURNAL, site_json(site))
        removed = [site_dir / name for name in files if _remove(site_dir, name)]
        settings = load_settings(project.root)
        _write_lists(project, [site_page(p, settings) for p in site.values()], site, settings)
        _remove(project.state, JOURNAL)
    refresh_pages(project, [slug] if slug in project.article_slugs() else [])
    return removed
