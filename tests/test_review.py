"""Review pages: structure, escaping, diffs, the index, and a real browser over file://."""

from __future__ import annotations

import html.parser
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import chromium, needs_chromium, record_of, run_cli, screenshot_folder
from transflow.pages.review import build_review_page, word_diff, write_index, write_review
from transflow.project import Project
from transflow.safetext import clean_text

SLUG = "altena-2018-04-oecd-studie"


class Elements(html.parser.HTMLParser):
    """Collects tags with their attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def classes(tag: dict[str, str | None]) -> list[str]:
    return (tag.get("class") or "").split()


@pytest.fixture
def seed_pages(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


@pytest.fixture
def warned_pages(project: Path, runaway_model) -> Path:  # type: ignore[no-untyped-def]
    """The seed's pages from the model that never ends a sentence: English too long, warnings."""
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


def test_seed_page_pairs_every_sentence_with_terms_and_provenance(seed_pages: Path) -> None:
    record = record_of(seed_pages, SLUG)
    page = parse(seed_pages / "output" / SLUG / "review.html")
    rows = [a for t, a in page.tags if t == "div" and "row" in classes(a)]
    assert len(rows) == len(record.sentences) == 18
    marks = [a for t, a in page.tags if t == "mark"]
    enforced = [t for s in record.sentences for t in s.terms if t.status in ("kept", "enforced")]
    term_ids = [a["data-term"] for a in marks]
    paired = {i for i in term_ids if term_ids.count(i) == 2}
    assert len(paired) == len(enforced) > 10  # German and English mark of each rendered term
    assert any("Altena's volunteer mentors" in (a.get("title") or "") for a in marks)
    text = "".join(page.text)
    assert "Frisch zurück aus Frankreich" in text and "translate-de_en-generated-tiny" in text
    assert "generated test model: this English is not a translation" in text
    badges = [a for t, a in page.tags if "badge" in classes(a)]
    assert len(badges) == sum(len(s.findings) for s in record.sentences)


def test_index_lists_articles_newest_first(seed_pages: Path) -> None:
    (seed_pages / "sources" / "neu.md").write_text(
        "---\ndate: 2024-05\ntitle: Neues aus dem Rat\n---\nDer Rat tagt.\n"
    )
    assert run_cli("translate", "--project", str(seed_pages))[0] == 0
    page = parse(seed_pages / "output" / "index.html")
    links = [a["href"] for t, a in page.tags if t == "a" and (a.get("href") or "").endswith("review.html")]
    assert links == ["neu/review.html", f"{SLUG}/review.html"]
    assert "Neues aus dem Rat" in "".join(page.text)


def test_changed_sentence_shows_a_word_diff(seed_pages: Path) -> None:
    source = seed_pages / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    assert run_cli("translate", "--project", str(seed_pages))[0] == 0
    page = build_review_page(Project(seed_pages), SLUG)
    diffs = [r for rows in page.paragraphs for r in rows if r.diff]
    assert [r.number for r in diffs] == [2]
    assert page.previous_revision == 1 and page.status == "drafted"  # the diff shows the change


def test_word_diff_marks_insertions_and_deletions() -> None:
    pieces = word_diff("The council meets on Monday.", "The town council meets on Tuesday.")
    assert [(p.kind, p.text) for p in pieces if p.kind != "equal"] == [
        ("insert", "town "),
        ("delete", "Monday."),
        ("insert", "Tuesday."),
    ]
    assert "".join(p.text for p in pieces if p.kind != "delete") == "The town council meets on Tuesday."


HOSTILE = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "{% raw %}"]


def test_source_and_glossary_text_cannot_inject_markup(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    body = " ".join(f"Der Kümmerer sagt {h} heute." for h in HOSTILE)
    (project / "sources" / "boese.txt").write_text(f"Altena - {body}\n")
    glossary = project / "glossary.yml"
    glossary.write_text(
        glossary.read_text().replace(
            "note: Altena's volunteer mentors who accompany newcomers in everyday life.",
            """note: '"><script>alert(2)</script> {{ 7*7 }}'""",
        )
    )
    assert run_cli("translate", "--project", str(project))[0] == 0
    for path in (project / "output" / "boese" / "review.html", project / "output" / "index.html"):
        raw = path.read_text()
        page = parse(path)
        ours = ["script"] if path.name == "review.html" else []  # the term-pairing script only
        assert [t for t, _ in page.tags if t in ("img", "script")] == ours
        assert (
            raw.count("<script>") == len(ours)
            and "alert" not in raw.split("<script>")[-1].split("</main>")[-1]
        )
        assert "&lt;script&gt;" in raw
        # {{ 7*7 }} stays text; "49" as a word (a checksum on the page may hold the digits).
        assert not re.search(r"\b49\b", " ".join(page.text))
        if path.name == "review.html":
            text = "".join(page.text)
            for hostile in HOSTILE:
                assert hostile in text
            assert any(
                '"><script>alert(2)</script>' in (a.get("title") or "") for t, a in page.tags if t == "mark"
            )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(german=st.text(min_size=1, max_size=120), english=st.text(max_size=120))
def test_any_text_renders_escaped(
    tmp_path_factory: pytest.TempPathFactory, german: str, english: str
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    folder = root / "output" / "x"
    folder.mkdir(parents=True)
    record = {
        "slug": "x",
        "source": "x.txt",
        "segments": [
            {"paragraph": 0, "index": 0, "source": german, "draft": english, "terms": [], "warnings": []}
        ],
    }
    (folder / "segments.json").write_text(json.dumps(record))  # a version-1 record
    (folder / "draft.en.md").write_text(english)
    page = parse(write_review(Project(root), "x"))
    assert [t for t, _ in page.tags if t == "script"] == ["script"]

    def lines(text: str) -> str:
        return text.replace("\r\n", "\n").replace("\r", "\n")

    # Control characters (not allowed in XML 1.0, parse errors in HTML) are shown as spaces.
    assert lines(clean_text(german).strip()) in lines("".join(page.text))
    parse(write_index(Project(root)))


@needs_chromium
def test_pages_work_in_headless_chromium(warned_pages: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    seed_pages = warned_pages

    source = seed_pages / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    assert run_cli("translate", "--project", str(seed_pages))[0] == 0
    driver = chromium(seed_pages / "chrome", 1280, 1600)
    try:
        review = seed_pages / "output" / SLUG / "review.html"
        driver.get(review.as_uri())
        german = driver.find_element(By.CSS_SELECTOR, ".de mark.term:not(.flagged)")
        partner = driver.find_element(
            By.CSS_SELECTOR, f'.en mark.term[data-term="{german.get_attribute("data-term")}"]'
        )
        assert "linked" not in (partner.get_attribute("class") or "")
        ActionChains(driver).move_to_element(german).perform()
        assert "linked" in (partner.get_attribute("class") or "")
        partner.send_keys("")  # keyboard focus on the English side lights up the German one
        driver.execute_script("arguments[0].focus()", partner)
        assert "linked" in (german.get_attribute("class") or "")
        badges = driver.find_elements(By.CSS_SELECTOR, ".badge")
        assert badges and all(b.is_displayed() for b in badges[:3])
        diff = driver.find_element(By.CSS_SELECTOR, ".diff")
        assert diff.is_displayed() and driver.find_elements(By.CSS_SELECTOR, ".diff ins")
        driver.find_element(By.CSS_SELECTOR, "label[for=show-diff]").click()
        assert not diff.is_displayed()
        driver.get((seed_pages / "output" / "index.html").as_uri())
        assert driver.find_element(By.LINK_TEXT, driver.find_element(By.CSS_SELECTOR, "td a").text)
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


def test_german_side_shows_the_germans_own_change_and_warnings_link_up(warned_pages: Path) -> None:
    seed_pages = warned_pages
    source = seed_pages / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    assert run_cli("translate", "--project", str(seed_pages))[0] == 0
    page = build_review_page(Project(seed_pages), SLUG)
    rows = [r for rows in page.paragraphs for r in rows]
    changed = [r for r in rows if r.german_diff]
    assert [r.number for r in changed] == [2]
    assert [(p.kind, p.text.strip()) for p in changed[0].german_diff or [] if p.kind != "equal"] == [
        ("delete", "konnte"),
        ("insert", "durfte"),
    ]
    html = (seed_pages / "output" / SLUG / "review.html").read_text()
    parsed = parse(seed_pages / "output" / SLUG / "review.html")
    german_diffs = [a for t, a in parsed.tags if "de-diff" in classes(a)]
    assert len(german_diffs) == 1 and german_diffs[0].get("lang") == "de"
    assert "<del>konnte </del><ins>durfte </ins>" in html
    # Every sentence with a warning links to the next one; the last says so; the summary to the first.
    warned = [r.number for r in rows if r.badges]
    assert len(warned) > 3 and page.first_warning == warned[0]
    links = [a["href"] for t, a in parsed.tags if t == "a" and "next-warning" in classes(a)]
    assert links == [f"#s{n}" for n in warned[1:]]
    ids = {a.get("id") for t, a in parsed.tags}
    assert all(link[1:] in ids for link in links) and f"s{warned[0]}" in ids
    assert html.count('class="last-warning"') == 1 and f'href="#s{warned[0]}" id="first-warning"' in html


def test_badges_speak_plain_words_and_the_legend_explains_them(warned_pages: Path) -> None:
    from markupsafe import escape

    from transflow.badges import WARNINGS

    seed_pages = warned_pages
    record = record_of(seed_pages, SLUG)
    path = seed_pages / "output" / SLUG / "review.html"
    page = parse(path)
    html = path.read_text()
    codes = [f.check for s in record.sentences for f in s.findings]
    assert "length-ratio" in codes  # the runaway model's English is long
    badges = [a for t, a in page.tags if "badge" in classes(a)]
    assert [b["data-check"] for b in badges] == codes  # tools still read the codes
    for badge in badges:
        assert badge.get("tabindex") == "0" and WARNINGS[badge["data-check"] or ""].explanation in (
            badge.get("title") or ""
        )
    # The visible words are plain: no code is shown as a badge's text.
    assert ">length-ratio<" not in html and ">unusual length<span" in html
    legend = html.split('<details class="legend">', 1)[1].split("</details>", 1)[0]
    for code, wording in WARNINGS.items():
        assert f'data-check="{code}"' in legend and str(escape(wording.explanation)) in legend
    assert "<kbd>n</kbd> next warning" in legend
    counted = legend.split('data-check="length-ratio"', 1)[1].split("</div>", 1)[0]
    assert f'<span class="here">{codes.count("length-ratio")} on this page</span>' in counted


def test_labels_dates_and_times_follow_the_settings(
    seed_pages: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import time

    from transflow.dates import people_time

    (seed_pages / "transflow.toml").write_text(
        'source_label = "Deutsch"\ntarget_label = "Englisch"\ndate_style = "german"\n'
        'timezone = "Europe/Berlin"\n'
    )
    monkeypatch.setenv("TZ", "America/New_York")  # the setting wins over the system's zone
    time.tzset()
    try:
        project = Project(seed_pages)
        stamp = record_of(seed_pages, SLUG).translated_at
        shown = people_time(stamp, "en", "german", "Europe/Berlin")
        assert re.fullmatch(r"\d{1,2}\. \w+ \d{4}, \d{2}:\d{2}", shown), shown
        for path in (write_review(project, SLUG), write_index(project)):
            html = path.read_text()
            assert f'<time datetime="{stamp}">{shown}</time>' in html, path.name
            assert stamp not in "".join(parse(path).text)  # the machine's time only in datetime=""
            assert '<time datetime="2018-04">April 2018</time>' in html
        review = (seed_pages / "output" / SLUG / "review.html").read_text()
        assert '<div class="colhead">Deutsch</div><div class="colhead en-head">Englisch</div>' in review
    finally:
        monkeypatch.undo()
        time.tzset()


def hostile_page(root: Path) -> Path:
    """A review page with a 200,000-character sentence and markup in the title, without the engine."""
    folder = root / "output" / "boese"
    folder.mkdir(parents=True)
    german = "Der Rat <script>alert(1)</script> tagt\x07 " + "Donaudampfschifffahrtsgesellschaft" * 6000
    record = {
        "slug": "boese",
        "source": "boese.txt",
        "title": "<script>alert(2)</script> Titel",
        "segments": [
            {"paragraph": 0, "index": 0, "source": german[:200_000], "draft": "x" * 200_000, "terms": [],
             "warnings": []},
            {"paragraph": 1, "index": 0, "source": "Kurz.", "draft": "Short.", "terms": [], "warnings": []},
        ],
    }  # fmt: skip
    (folder / "segments.json").write_text(json.dumps(record))  # a version-1 record
    (folder / "draft.en.md").write_text("x" * 200_000 + "\n\nShort.\n")
    return write_review(Project(root), "boese")


@needs_chromium
def test_pages_fit_a_phone_and_warnings_are_a_key_away(warned_pages: Path) -> None:
    """No page scrolls sideways at 390 px; n and p move between warnings; README's screenshots."""
    from selenium.webdriver.common.by import By

    seed_pages = warned_pages
    p = str(seed_pages)
    source = seed_pages / "sources" / f"{SLUG}.txt"
    source.write_text(source.read_text().replace("Er konnte in Paris", "Er durfte in Paris"))
    (seed_pages / "sources" / "rat-2024-07.md").write_text(
        "---\ntitle: Der Rat tagt im Juli\ndate: 2024-07-04\n---\nDer Rat tagt am 4. Juli um 17:30 Uhr.\n"
    )
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--with-german", "--project", p)[0] == 0
    output = seed_pages / "output"
    hostile = hostile_page(seed_pages)
    pages = {
        "index": output / "index.html",
        "review": output / SLUG / "review.html",
        "site": output / "site" / f"{SLUG}.html",
        "site-index": output / "site" / "index.html",
        "hostile": hostile,
    }
    shots = screenshot_folder(seed_pages)
    driver = chromium(seed_pages / "chrome", 1280, 900)
    try:
        widths = {}
        for width, suffix in ((1280, ""), (390, "-phone")):
            driver.set_window_size(width, 900 if width > 400 else 844)
            for name, path in pages.items():
                driver.get(path.as_uri())
                scroll, inner = driver.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]"
                )
                widths[(name, width)] = scroll
                if name == "hostile":  # the title's <script> is text; only the page's own script runs
                    assert driver.execute_script("return document.scripts.length") == 1
                    assert "<script>alert(2)</script> Titel" in driver.find_element(By.TAG_NAME, "h1").text
                assert scroll <= inner, (name, width, scroll, inner)
                if name in ("index", "review", "site"):
                    if name == "review" and width < 400:
                        driver.get(path.as_uri() + "#s2")  # on a phone: a sentence, its diffs, badges
                    driver.save_screenshot(str(shots / f"{name}{suffix}.png"))
        print("scrollWidth", widths)  # shown with -s: the figures the README's claim rests on
        # Keys: n goes to the next sentence with a warning, p back; the link does it without script.
        driver.set_window_size(1280, 900)
        driver.get(pages["review"].as_uri())
        warned = [r.get_attribute("id") for r in driver.find_elements(By.CSS_SELECTOR, ".row.warned")]
        assert len(warned) > 2
        body = driver.find_element(By.TAG_NAME, "body")

        def focused_row() -> str:
            return str(driver.execute_script("return document.activeElement.closest('.row').id"))

        body.send_keys("n")
        assert focused_row() == warned[0]
        driver.switch_to.active_element.send_keys("n")
        assert focused_row() == warned[1]
        driver.switch_to.active_element.send_keys("p")
        assert focused_row() == warned[0]
        tip = driver.switch_to.active_element.find_element(By.CSS_SELECTOR, ".tip")
        assert tip.is_displayed() and len(tip.text) > 20  # the explanation shows on keyboard focus
        link = driver.find_element(By.CSS_SELECTOR, f"#{warned[0]} a.next-warning")
        assert link.text == "next warning ↓"
        link.click()
        assert driver.current_url.endswith(f"#{warned[1]}")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    finally:
        driver.quit()


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("news-00001", "news-00001"),
        ("Line\x0bbreak\x01", "Line break "),
        ("tab\tand\nline", "tab\tand\nline"),
        ("Kümmerer\x7f", "Kümmerer "),
        (3, 3),
    ],
)
def test_every_value_on_a_page_is_cleaned_of_control_characters(value: object, shown: object) -> None:
    from transflow.pages.review import _printable

    assert _printable(value) == shown


def test_markup_on_a_page_is_cleaned_and_stays_markup() -> None:
    from markupsafe import Markup

    from transflow.pages.review import _printable

    cleaned = _printable(Markup("<b>a\x0b</b>"))
    assert cleaned == Markup("<b>a </b>") and isinstance(cleaned, Markup)


def test_inline_markup_is_formatting_in_both_columns(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "sommerfest.md").write_text(
        "---\ntitle: Sommerfest\n---\n"
        "Das **Sommerfest der Kümmerer** beginnt *um zehn* am `Rathaus`. "
        "Mehr unter [Stadt Altena](https://www.altena.de/fest) und [hier](javascript:alert(1)).\n",
        encoding="utf-8",
    )
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    record = record_of(project, "sommerfest")
    path = project / "output" / "sommerfest" / "review.html"
    page = parse(path)
    raw = path.read_text(encoding="utf-8")
    german = next(d for d in raw.split('<div class="de" lang="de">') if "Sommerfest der" in d).split(
        "</div>"
    )[0]
    term = german.split('data-term="', 1)[1].split('"', 1)[0]
    # Bold around a glossary term: the term stays marked, inside the formatting.
    assert f'<strong>Sommerfest der <mark class="term" tabindex="0" data-term="{term}"' in german
    assert "<em>um zehn</em>" in german and "<code>Rathaus</code>" in german
    assert "**" not in german and "](" not in german
    links = [a for t, a in page.tags if t == "a" and a.get("href", "").startswith("https://www.altena.de")]
    assert links, [a for t, a in page.tags if t == "a"]
    assert not any("javascript:" in (a.get("href") or "") for _, a in page.tags)
    # The English column renders the English's own markup the same way, terms still linked.
    english = [s.english for s in record.sentences]
    assert any("](https://www.altena.de/fest)" in e for e in english) and any(
        "`Rathaus`" in e for e in english
    )
    assert len(links) == 2  # the German's link and the English's
    assert raw.count("<code>Rathaus</code>") == 2
    assert raw.count(f'data-term="{term}"') == 2  # German term and its English rendering
    shown = "".join(page.text)
    assert "**" not in shown
    # A plain text article's asterisks are its own: shown as typed.
    (project / "sources" / "plain.txt").write_text("Preis: 5 * 3 * 2 Euro, _nicht_ mehr.\n", encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    assert "_nicht_" in "".join(parse(project / "output" / "plain" / "review.html").text)


@needs_chromium
def test_an_undated_article_shows_no_empty_date_label_on_a_phone(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]

    (project / "sources" / "undatiert.txt").write_text("Der Rat tagt am Montag.\n", encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    driver = chromium(project / "chrome", 390, 900)
    try:
        driver.get((project / "output" / "index.html").as_uri())
        # What a phone shows of each row: every visible cell's label and text.
        shown = driver.execute_script(
            """return [...document.querySelectorAll('table.articles tbody tr')].map(r => [
                r.querySelector('td.title').textContent,
                [...r.querySelectorAll('td[data-label]')]
                    .filter(c => getComputedStyle(c).display !== 'none')
                    .map(c => c.dataset.label + ': ' + c.textContent.trim())]);"""
        )
        undated = next(cells for title, cells in shown if "Rat tagt" in title)
        assert "Date: " not in undated, undated
        assert any(c.startswith("Translated: ") and len(c) > len("Translated: ") for c in undated), undated
        dated = next(cells for title, cells in shown if "Rat tagt" not in title)
        assert any(c.startswith("Date: ") and len(c) > len("Date: ") for c in dated), dated
    finally:
        driver.quit()


def test_the_page_marks_a_term_wherever_the_checks_find_it(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """One presence rule: a plural the checks accept ("town halls") is marked on the page too."""
    assert run_cli("glossary", "add", "Rathaus", "town hall", "--project", str(project))[0] == 0
    (project / "sources" / f"{SLUG}.txt").write_text("Die Rathäuser sind offen.\n", encoding="utf-8")
    assert run_cli("translate", "--project", str(project))[0] == 0
    draft = project / "output" / SLUG / "draft.en.md"
    english = record_of(project, SLUG).sentences[0].english
    draft.write_text(draft.read_text().replace(english, "The town halls are open."))
    assert run_cli("translate", "--project", str(project))[0] == 0
    (term,) = record_of(project, SLUG).sentences[0].terms
    assert term.status == "kept" and term.renderings == ("town hall",)
    page = (project / "output" / SLUG / "review.html").read_text(encoding="utf-8")
    english_column = page.split('<div class="en" lang="en">', 1)[1].split("</div>", 1)[0]
    assert '">town halls</mark>' in english_column
