"""The published site and its feed as outside clients read them: the W3C Nu HTML checker,
feedparser, and a browser; the German page beside the English one; addresses as links."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SEED, chromium, needs_chromium, run_cli
from transflow.dates import datetime_attribute, feed_time
from transflow.pages.review import time_element
from transflow.pages.sitemarkdown import german_lines, site_html

FIXTURES = Path(__file__).parent / "fixtures" / "structured"
BASE = "https://www.altena.de/en/"
# `make vnu` (part of `make test`) installs the checker here: npm's vnu-jar, run on Debian's Java.
VNU = Path(
    os.environ.get(
        "TRANSFLOW_VNU_JAR",
        ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
    )
)
JAVA = shutil.which("java")
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # `make axe`
needs_axe = pytest.mark.skipif(
    not AXE.is_file() and not os.environ.get("CI"), reason="axe-core is not installed (`make axe`)"
)
needs_vnu = pytest.mark.skipif(
    not (JAVA and VNU.is_file()) and not os.environ.get("CI"),
    reason="the W3C Nu HTML checker is not installed (java and npm's vnu-jar: `make vnu`, as root for java)",
)


@pytest.fixture
def site(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    """The structured fixtures and the seed, translated, approved and published with their German pages."""
    for path in FIXTURES.glob("*.md"):
        shutil.copy(path, project / "sources" / path.name)
    (project / "transflow.toml").write_text(f'base_url = "{BASE}"\ntimezone = "Europe/Berlin"\n')
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    for slug in ("buergerbuero", "haushalt", "sperrung", "sprechstunde", SEED.stem):
        assert run_cli("approve", slug, "--force", "--project", p)[0] == 0
    code, _, err = run_cli("publish", "--with-german", "--project", p)
    assert code == 0, err
    return project


def served_pages(project: Path, folder: Path) -> list[Path]:
    """The index and a review page as `transflow serve` sends them (editable), saved as files."""
    from starlette.testclient import TestClient

    from transflow.project import Project
    from transflow.web.server import ServerConfig, create_app

    config = ServerConfig(Project(project), host="127.0.0.1", port=8765, token=None, csrf="test-csrf")
    http = TestClient(create_app(config), base_url="http://127.0.0.1:8765")
    pages = []
    for name, url, editing in (
        ("serve-index.html", "/", "tf-filters"),
        ("serve-review.html", "/haushalt/", "tf-bar"),
    ):
        answer = http.get(url)
        assert answer.status_code == 200 and editing in answer.text, url
        (folder / name).write_text(answer.text, encoding="utf-8")
        pages.append(folder / name)
    return pages


@needs_vnu
def test_the_nu_html_checker_finds_no_error_on_any_page(site: Path, tmp_path: Path) -> None:
    output = site / "output"
    pages = [
        output / "index.html",
        *sorted(output.glob("*/review.html")),
        *sorted((output / "site").glob("*.html")),
    ]
    names = {p.relative_to(output).as_posix() for p in pages}
    assert {"index.html", "haushalt/review.html", "site/index.html", "site/haushalt.html"} <= names
    assert {"site/haushalt.de.html", "site/sperrung.de.html"} <= names
    pages += served_pages(site, tmp_path)
    # One JVM for every page: the checker's start is most of its time.
    run = subprocess.run(
        [JAVA or "java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    found = [f"{m.get('url', '').rsplit('/', 2)[-2:]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert found == [], "\n".join(found)
    assert run.returncode == 0


def test_the_feed_reads_in_feedparser_with_language_dates_and_full_addresses(site: Path) -> None:
    import feedparser

    # Unsanitised: feedparser's own cleaning drops tel: addresses, which this test wants to see.
    feed = feedparser.parse((site / "output" / "site" / "feed.xml").read_bytes(), sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "en"
    assert len(feed.entries) == 5
    entries = {e.link.rsplit("/", 1)[-1]: e for e in feed.entries}
    dated = entries["buergerbuero.html"]  # "date 2024-07-03 Altena -": the article's date
    assert dated.published == "2024-07-03T00:00:00+02:00"  # midnight in the project's time zone
    assert tuple(dated.published_parsed[:3]) == (2024, 7, 2)  # feedparser gives UTC: 22:00 the day before
    assert dated.updated_parsed >= dated.published_parsed
    for entry in feed.entries:
        assert entry.link.startswith(BASE) and entry.id
        # One alternate, the English page: readers take the last alternate as the article's link.
        assert [link.href for link in entry.links] == [entry.link] and not entry.link.endswith(".de.html")
        content = entry.content[0].value
        for attribute in ('href="', 'src="'):
            for value in content.split(attribute)[1:]:
                assert value.startswith(("https://", "http://", "mailto:", "tel:")), value[:60]
    assert (
        'src="https://www.stadt-beispiel.de/bilder/rathaus.jpg"' in entries["haushalt.html"].content[0].value
    )
    undated = entries["sperrung.html"]
    assert "published" not in undated  # no date in the article: no <published>, never a made-up one


def test_relative_links_in_the_feed_are_made_absolute() -> None:
    body = "Siehe [Plan](/plan.pdf) und ![Karte](karte.png) oder [dort](https://a.de/x)."
    out = site_html(body, base=BASE)
    assert (
        'href="https://www.altena.de/plan.pdf"' in out and 'src="https://www.altena.de/en/karte.png"' in out
    )
    assert 'href="https://a.de/x"' in out
    assert 'href="/plan.pdf"' in site_html(body)  # the site's own pages keep the address as written


def test_each_article_has_a_german_page_linked_both_ways(site: Path) -> None:
    folder = site / "output" / "site"
    assert not list(folder.glob("*.de.txt"))
    english = (folder / "sperrung.html").read_text(encoding="utf-8")
    german = (folder / "sperrung.de.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="de">' in german
    assert f'<link rel="alternate" hreflang="de" href="{BASE}sperrung.de.html">' in english
    assert f'<link rel="alternate" hreflang="en" href="{BASE}sperrung.html">' in german
    assert '<a href="sperrung.de.html" hreflang="de" lang="de">Deutsches Original</a>' in english
    assert '<a href="sperrung.html" hreflang="en" lang="en">English translation</a>' in german
    assert '<meta charset="utf-8">' in german
    # The German as written: title, headings, list and the contact line, links made.
    assert "<h1>Sperrung der Lennestraße</h1>" in german and "<h2>Umleitungen</h2>" in german
    assert "<li>Über die Bahnhofstraße" in german
    assert '<a href="mailto:bauamt@lennestadt.de">bauamt@lennestadt.de</a>' in german
    assert '<a href="tel:+49-2723-6080">+49 2723 608-0</a>' in german
    assert 'lang="de">Deutsch</a>' in (folder / "index.html").read_text(encoding="utf-8")
    # Without --with-german the German pages go; unpublish takes both.
    p = str(site)
    assert run_cli("publish", "--project", p)[0] == 0
    assert not list(folder.glob("*.de.html"))
    assert "hreflang" not in (folder / "sperrung.html").read_text(encoding="utf-8")
    assert run_cli("publish", "--with-german", "--project", p)[0] == 0
    code, out, _ = run_cli("unpublish", "sperrung", "--project", p)
    assert code == 0 and "2 file(s) removed" in out
    assert not (folder / "sperrung.html").exists() and not (folder / "sperrung.de.html").exists()


def test_a_german_page_without_a_title_is_headed_by_its_first_sentence(site: Path) -> None:
    german = (site / "output" / "site" / f"{SEED.stem}.de.html").read_text(encoding="utf-8")
    assert "<h1>Frisch zurück aus Frankreich ist Stefan Kemper, Vertreter des Verwaltungschefs</h1>" in german
    assert f"<h1>{SEED.stem}</h1>" not in german


def test_a_german_text_from_an_earlier_publish_is_replaced_by_the_page(site: Path) -> None:
    folder = site / "output" / "site"
    (folder / "haushalt.de.txt").write_text("Haushalt\n", encoding="utf-8")  # what publish wrote before
    assert run_cli("publish", "--with-german", "--project", str(site))[0] == 0
    assert not (folder / "haushalt.de.txt").exists() and (folder / "haushalt.de.html").exists()


def test_english_pages_link_addresses_and_mark_what_stayed_german(site: Path) -> None:
    folder = site / "output" / "site"
    page = (folder / "haushalt.html").read_text(encoding="utf-8")
    assert '<a href="mailto:kaemmerei@stadt-beispiel.de">kaemmerei@stadt-beispiel.de</a>' in page
    assert '<a href="tel:+49-271-4042200">0271 404-2200</a>' in page
    assert '<a href="https://www.stadt-beispiel.de/haushalt" rel="noopener">' in page
    assert "<code>haushalt-2025.pdf</code>" in page  # code is never a link
    # The picture and the table kept as the German wrote them: German inside an English page.
    assert (
        '<p lang="de"><img src="https://www.stadt-beispiel.de/bilder/rathaus.jpg" alt="Das Rathaus"' in page
    )
    assert '<table lang="de">' in page
    assert page.count("<h1") == 1 and "<h2>" in page


def test_body_headings_never_jump_a_level() -> None:
    out = site_html("### Fragen\n\nText.\n\n###### Tief\n\n# Noch ein Titel\n")
    assert [line[:4] for line in out.splitlines() if line.startswith("<h")] == ["<h2>", "<h3>", "<h2>"]
    assert "</h3>" in out and "</h6>" not in out


def test_phone_numbers_are_links_and_other_numbers_are_not() -> None:
    out = site_html(
        "Tel. 02352 209-0, am 3. Juli 2024 um 17:30 Uhr, 120 Mio. Euro, seit 1640, 1680 Euro, Notruf 112, "
        "[Rathaus](https://a.de/0235220900)."
    )
    assert out.count("tel:") == 1 and '<a href="tel:+49-2352-2090">02352 209-0</a>' in out
    assert german_lines(["| a |\n|---|\n\n", "  "]) == frozenset({"| a |", "|---|"})


@pytest.mark.parametrize(
    ("value", "machine"),
    [
        ("2024-07-03", "2024-07-03"),
        ("2024-07", "2024-07"),
        ("2024-02-30", None),
        ("2024-13", None),
        ("18.01.2027", None),
        ("gestern", None),
        ("2024-12-12 18:45:00 +0100", "2024-12-12T18:45:00+01:00"),
        ("", None),
    ],
)
def test_only_valid_dates_reach_a_datetime_attribute(value: str, machine: str | None) -> None:
    assert datetime_attribute(value) == machine
    shown = str(time_element(value, "shown"))
    assert shown == (f'<time datetime="{machine}">shown</time>' if machine else "shown")


def test_feed_times_start_the_day_in_the_project_zone() -> None:
    assert feed_time("2024-07-03", "Europe/Berlin") == "2024-07-03T00:00:00+02:00"
    assert feed_time("2024-01", "UTC") == "2024-01-01T00:00:00+00:00"
    assert feed_time("2024-12-12 18:45:00 +0100", "UTC") == "2024-12-12T18:45:00+01:00"
    assert feed_time(None) is None and feed_time("gestern") is None


@needs_chromium
def test_the_skip_link_appears_on_the_first_tab_and_leads_to_the_content(site: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    pages = ("output/site/haushalt.html", "output/site/haushalt.de.html", "output/haushalt/review.html")
    driver = chromium(tmp_path / "profile", 390, 800)
    try:
        for page in pages:
            driver.get((site / page).as_uri())
            skip = driver.find_element(By.CSS_SELECTOR, "a.skip")
            assert skip.rect["y"] + skip.rect["height"] <= 0, page  # out of sight until needed
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
            assert driver.switch_to.active_element == skip, page
            assert skip.rect["y"] >= 0 and skip.rect["x"] + skip.rect["width"] <= 390, page
            skip.send_keys(Keys.ENTER)
            assert driver.execute_script("return location.hash") == "#main", page
            assert driver.find_element(By.ID, "main").tag_name == "main"
    finally:
        driver.quit()


def test_german_pages_are_escaped_like_the_english_ones(site: Path) -> None:
    german = (site / "output" / "site" / "haushalt.de.html").read_text(encoding="utf-8")
    assert html.escape('<div class="hinweis">') in german and '<div class="hinweis">' not in german


def test_review_pages_mark_the_german_kept_as_written(site: Path) -> None:
    page = (site / "output" / "haushalt" / "review.html").read_text(encoding="utf-8")
    assert '<pre lang="de">' in page and '<h1 lang="de">' in page
    assert '<a class="skip" href="#main">Skip to content</a>' in page and '<main id="main">' in page


@needs_chromium
@needs_axe
def test_axe_core_finds_no_accessibility_violation(site: Path, tmp_path: Path) -> None:
    pages = [
        "output/index.html",
        "output/haushalt/review.html",
        "output/site/index.html",
        "output/site/haushalt.html",
        "output/site/haushalt.de.html",
    ]
    script = AXE.read_text(encoding="utf-8")
    run = (
        "var done = arguments[arguments.length - 1];"
        "axe.run(document).then(function (r) { done(r.violations.map(function (v) {"
        " return v.id + ': ' + v.help + ' (' + v.nodes[0].target.join(' ') + ')'; })); });"
    )
    driver = chromium(tmp_path / "profile", 1200, 900)
    try:
        found = {}
        for page in pages:
            driver.get((site / page).as_uri())
            driver.execute_script(script)
            found[page] = driver.execute_async_script(run)
    finally:
        driver.quit()
    assert found == {page: [] for page in pages}


def test_an_approval_time_that_is_no_time_leaves_the_feed_valid(site: Path) -> None:
    import feedparser

    path = site / "output" / "haushalt" / "approved.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "approved_at": "gestern"}), encoding="utf-8")
    code, out, err = run_cli("publish", "--project", str(site))
    assert code == 0 and "published 5 article(s)" in out, err
    assert '"gestern"' in (site / "output" / ".transflow" / "site.json").read_text(encoding="utf-8")
    feed = feedparser.parse((site / "output" / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and all(entry.updated_parsed for entry in feed.entries)
    assert "gestern" not in (site / "output" / "site" / "feed.xml").read_text(encoding="utf-8")
