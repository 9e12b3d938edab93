"""Word files in and out: .docx articles keep their structure; `export docx` writes the draft's structure."""

from __future__ import annotations

import html
import io
import re
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from conftest import chromium, needs_chromium, record_of, run_cli, screenshot_folder
from test_document import ARTICLES, protected_spans
from transflow.errors import InputError
from transflow.text.articles import parse_article
from transflow.text.document import SUMMARY, TITLE, VERBATIM, Block, markdown_blocks
from transflow.text.wordfile import docx_blocks
from transflow.work.drafts import DRAFT_FILE, parse_draft

docx = pytest.importorskip("docx")


def add_link(paragraph: Any, text: str, url: str) -> None:
    """A Word hyperlink the way Word writes one (python-docx has no call for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def numbered(paragraph: Any, num_id: int, level: int) -> None:
    """List numbering set on the paragraph itself (numPr), as Word does for pasted lists."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numpr = OxmlElement("w:numPr")
    ilvl, num = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    ilvl.set(qn("w:val"), str(level))
    num.set(qn("w:val"), str(num_id))
    numpr.append(ilvl)
    numpr.append(num)
    paragraph._p.get_or_add_pPr().append(numpr)


def style_num_id(document: Any, style: str) -> int:
    """The numbering a list style of python-docx's template uses (its numPr)."""
    return int(document.styles[style].element.pPr.numPr.numId.val)


def word_press_release() -> bytes:
    """Umlauts, cp1252 punctuation („ “ – €), bold and italic runs, links, style-based lists, a table."""
    d = docx.Document()
    d.add_paragraph("Neues Bürgerbüro „Mitte“ öffnet – Eintritt frei", style="Title")
    p = d.add_paragraph("date 2024-07-03 Altena - Die Stadt Altena eröffnet ihr ")
    p.add_run("neues").bold = True
    p.add_run(" Bürgerbüro in der Lennestraße. Der Umbau kostete ")
    p.add_run("450.000 €").italic = True
    p.add_run(".")
    d.add_paragraph("Öffnungszeiten", style="Heading 2")
    d.add_paragraph("Montag bis Freitag von 8 bis 12 Uhr", style="List Bullet")
    d.add_paragraph("Donnerstag zusätzlich", style="List Bullet")
    d.add_paragraph("von 14 bis 16 Uhr", style="List Number 2")
    d.add_paragraph("von 17 bis 18 Uhr", style="List Number 2")
    d.add_paragraph("Was Sie mitbringen", style="Heading 3")
    d.add_paragraph("Personalausweis", style="List Number")
    d.add_paragraph("Meldebescheinigung", style="List Number")
    p = d.add_paragraph("Termine gibt es unter ")
    add_link(p, "Terminvergabe", "https://www.altena.de/termine?amt=buergerbuero&x=1")
    p.add_run(" oder telefonisch unter 02352 209-0. Fragen per E-Mail an buergerbuero@altena.de.")
    d.add_paragraph("Wir freuen uns auf Ihren Besuch.", style="Quote")
    table = d.add_table(rows=2, cols=2)
    for (row, col), value in {(0, 0): "Tag", (0, 1): "Zeit", (1, 0): "Mo", (1, 1): "8–12"}.items():
        table.cell(row, col).text = value
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def word_numbered_lists() -> bytes:
    """Lists made by the paragraphs' own numbering (numPr) with levels, as pasted from elsewhere."""
    d = docx.Document()
    bullets, numbers = style_num_id(d, "List Bullet"), style_num_id(d, "List Number")
    d.add_paragraph("Straßensperrung in der Innenstadt", style="Title")
    d.add_paragraph("Ab dem 3. Juli 2024 wird die Kölner Straße gesperrt. Die Sperrung dauert drei Wochen.")
    d.add_paragraph("Umleitungen", style="Heading 2")
    for text, num, level in (
        ("Über die Bahnhofstraße", numbers, 0),
        ("Über den Kirchplatz", numbers, 0),
        ("für Busse", bullets, 1),
        ("für den Lieferverkehr", bullets, 1),
        ("Über die Brücke", numbers, 0),
    ):
        numbered(d.add_paragraph(text, style="List Paragraph"), num, level)
    d.add_paragraph("Auskunft", style="Heading 2")
    p = d.add_paragraph("Auskunft gibt das Tiefbauamt unter +49 2723 608-0 oder per E-Mail an ")
    add_link(p, "tiefbau@lennestadt.de", "mailto:tiefbau@lennestadt.de")
    p.add_run(". Weitere Infos: ")
    add_link(p, "www.lennestadt.de/sperrung", "https://www.lennestadt.de/sperrung")
    p.add_run(".")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def word_with_subtitle() -> bytes:
    """A Word file with a Subtitle (its teaser), an italic sentence and a phone number."""
    d = docx.Document()
    d.add_paragraph("Sommerfest im Stadtpark", style="Title")
    d.add_paragraph("Musik, Spiele und Essen für die ganze Familie.", style="Subtitle")
    p = d.add_paragraph("Das ")
    p.add_run("Sommerfest").bold = True
    p.add_run(" beginnt am Samstag um 15:00 Uhr. ")
    p.add_run("Der Eintritt ist frei.").italic = True
    d.add_paragraph("Programm", style="Heading 2")
    d.add_paragraph("Musik der Stadtkapelle", style="List Bullet")
    d.add_paragraph("Kinderschminken", style="List Bullet")
    d.add_paragraph("Anmeldung bei Frau Müller, Tel. 0271 404-1234.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


WORD_ARTICLES = {
    "buergerbuero-word.docx": word_press_release,
    "sperrung-word.docx": word_numbered_lists,
    "sommerfest.docx": word_with_subtitle,
}


def shape(blocks: list[Block]) -> list[tuple[str, int, bool, int]]:
    """A document's structure: the kind, heading level, list kind and depth of every block with text."""
    out = []
    for b in blocks:
        if not b.text:
            continue
        # The title is the draft's "# " heading; the summary its first paragraph.
        kind = {TITLE: "heading", SUMMARY: "paragraph"}.get(b.kind, b.kind)
        out.append((kind, b.level, b.ordered, b.depth))
    return out


def draft_blocks(body: str) -> list[Block]:
    return markdown_blocks(body)


def docx_text(raw: bytes) -> str:
    """Every piece of text and every hyperlink target in a Word file."""
    document = docx.Document(io.BytesIO(raw))
    parts = []
    for paragraph in document.paragraphs:
        parts.append(paragraph.text)
        parts.extend(h.url for h in paragraph.hyperlinks)
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_a_word_article_is_read_by_its_styles(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    path.write_bytes(word_press_release())
    article = parse_article(path)
    assert article.title == "Neues Bürgerbüro „Mitte“ öffnet – Eintritt frei"
    assert (article.date, article.place) == ("2024-07-03", "Altena")
    assert list(zip(article.prefixes, article.paragraphs, strict=False)) == [
        ("# ", "Neues Bürgerbüro „Mitte“ öffnet – Eintritt frei"),
        (
            "",
            "Die Stadt Altena eröffnet ihr **neues** Bürgerbüro in der Lennestraße."
            " Der Umbau kostete *450.000 €*.",
        ),
        ("## ", "Öffnungszeiten"),
        ("- ", "Montag bis Freitag von 8 bis 12 Uhr"),
        ("- ", "Donnerstag zusätzlich"),
        ("   1. ", "von 14 bis 16 Uhr"),
        ("   2. ", "von 17 bis 18 Uhr"),
        ("### ", "Was Sie mitbringen"),
        ("1. ", "Personalausweis"),
        ("2. ", "Meldebescheinigung"),
        (
            "",
            "Termine gibt es unter [Terminvergabe](https://www.altena.de/termine?amt=buergerbuero&x=1)"
            " oder telefonisch unter 02352 209-0. Fragen per E-Mail an buergerbuero@altena.de.",
        ),
        ("> ", "Wir freuen uns auf Ihren Besuch."),
    ]
    # The table at the very end: one more prefix, kept as written, never translated.
    assert article.prefixes[-1] == "| Tag | Zeit |\n|---|---|\n| Mo | 8–12 |"


def test_numbering_on_the_paragraph_gives_list_kind_and_depth(tmp_path: Path) -> None:
    blocks = docx_blocks(word_numbered_lists(), "x.docx")
    items = [(b.text, b.ordered, b.depth, b.prefix) for b in blocks if b.kind == "item"]
    assert items == [
        ("Über die Bahnhofstraße", True, 0, "1. "),
        ("Über den Kirchplatz", True, 0, "2. "),
        ("für Busse", False, 1, "   - "),
        ("für den Lieferverkehr", False, 1, "   - "),
        ("Über die Brücke", True, 0, "3. "),
    ]
    text = next(b.text for b in blocks if "Tiefbauamt" in b.text)
    assert "[tiefbau@lennestadt.de](mailto:tiefbau@lennestadt.de)" in text


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"Das ist eine Textdatei.\n", "not a Word file"),
        (b"PK\x03\x04 kaputt", "not a Word file"),
    ],
    ids=["text-renamed", "broken-zip"],
)
def test_a_file_that_is_not_a_word_file_is_one_error(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "falsch.docx"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=message):
        parse_article(path)


def zip_bomb() -> bytes:
    """A few hundred KB that would unpack to 300 MB of XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w") as member:
            chunk = b"<w:t>" + b"A" * 1_000_000 + b"</w:t>"
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bombe.docx"
    raw = zip_bomb()
    assert len(raw) < 2_000_000
    path.write_bytes(raw)
    started = time.monotonic()
    with pytest.raises(InputError, match="unpacks to 300 MB"):
        parse_article(path)
    assert time.monotonic() - started < 2


def test_a_long_paragraph_hostile_links_and_control_characters(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Ein Titel\x9b mit Steuerzeichen", style="Title")
    d.add_paragraph("Wort " * 40_000)
    p = d.add_paragraph("Siehe ")
    add_link(p, "hier [klicken]", "../../etc/passwd")
    add_link(p, "dort", "javascript:alert(1)")
    add_link(p, "da", "https://a.de/\u202egpj.exe")
    out = io.BytesIO()
    d.save(out)
    path = tmp_path / "lang.docx"
    path.write_bytes(out.getvalue())
    started = time.monotonic()
    article = parse_article(path)
    assert time.monotonic() - started < 10
    assert article.title == "Ein Titel mit Steuerzeichen"
    assert len(article.paragraphs[1]) == len("Wort " * 40_000) - 1
    # Link targets are kept as data (byte-identical); the site's Markdown renderer decides what is safe.
    assert "[hier (klicken)](../../etc/passwd)" in article.paragraphs[2]
    assert "[dort](javascript:alert%281%29)" in article.paragraphs[2]
    # A direction override cannot hide a link's real target from the editor.
    assert "[da](https://a.de/%E2%80%AEgpj.exe)" in article.paragraphs[2]


def test_bad_word_files_are_skipped_with_one_line_and_nothing_is_written(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    sources = project / "sources"
    (sources / "umbenannt.docx").write_bytes(b"Nur Text.\n")
    (sources / "bombe.docx").write_bytes(zip_bomb())
    code, out, err = run_cli("translate", "--project", str(project))
    assert code == 3, err  # like any unusable source: the others are translated, the run says so
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        "error: bombe.docx: its XML unpacks to 300 MB (more than 20 MB); skipped (and 1 more, see the table)"
    ]
    assert "umbenannt.docx: not a Word file" in " ".join(out.split()), out
    assert (project / "output" / "altena-2018-04-oecd-studie" / DRAFT_FILE).exists()
    assert not (project / "output" / "umbenannt").exists() and not (project / "output" / "bombe").exists()
    assert {p.name for p in project.iterdir()} == {"sources", "glossary.yml", "output"}


def test_export_refuses_a_path_and_needs_a_translated_article(project: Path) -> None:
    (project / "output").mkdir()
    code, _, err = run_cli("export", "docx", "../../victim", "--project", str(project))
    assert code == 2 and err.startswith("error: ")
    code, _, err = run_cli("export", "docx", "nicht-da", "--project", str(project))
    assert code != 0 and err.startswith("error: no translated article")


@pytest.fixture
def structured_words(project: Path) -> Path:
    """Six structured articles: the Markdown fixtures and the Word files built above."""
    (project / "sources" / "altena-2018-04-oecd-studie.txt").unlink()
    for path in ARTICLES:
        shutil.copy(path, project / "sources" / path.name)
    for name, build in WORD_ARTICLES.items():
        (project / "sources" / name).write_bytes(build())
    return project


def test_structured_articles_round_trip_draft_page_site_word(structured_words: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(structured_words)
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    sources = sorted((structured_words / "sources").iterdir())
    assert len(sources) >= 6
    exported: dict[str, bytes] = {}
    for path in sources:
        article = parse_article(path)
        slug = article.slug
        folder = structured_words / "output" / slug
        body = parse_draft((folder / DRAFT_FILE).read_text(encoding="utf-8")).body
        assert shape(draft_blocks(body)) == shape(german_blocks(path)), slug
        spans = protected_spans("\n".join(article.paragraphs))
        assert spans, slug
        for span in spans:
            assert span in body, (slug, span)
        review = (folder / "review.html").read_text(encoding="utf-8")
        for span in spans:
            assert span.replace("&", "&amp;") in review, (slug, span)
        record = record_of(structured_words, slug)
        assert article.title and record.sentences[0].source == article.title
        assert record.sentences[0].english != article.title  # the headline is translated
        assert body.startswith("# " + record.sentences[0].english)
        code, out, err = run_cli("export", "docx", slug, "--project", p)
        assert code == 0, err
        written = Path(out.strip())
        assert written == folder / f"{slug}.en.docx"
        exported[slug] = written.read_bytes()
        # Read back with the same reader: the draft's structure and text, link targets included.
        again = docx_blocks(exported[slug], written.name)
        assert shape(again) == shape(draft_blocks(body)), slug
        assert [b.text for b in again if b.text] == [b.text for b in draft_blocks(body) if b.text], slug
        text = docx_text(exported[slug])
        for span in spans:
            assert span in text, (slug, span)
        assert run_cli("approve", slug, "--project", p, "--force")[0] == 0
    assert run_cli("publish", "--with-german", "--project", p)[0] == 0
    for path in sources:
        article = parse_article(path)
        page = (structured_words / "output" / "site" / f"{article.slug}.html").read_text(encoding="utf-8")
        for span in protected_spans("\n".join(article.paragraphs)):
            assert span.replace("&", "&amp;") in page, (article.slug, span)
        assert page.count("<h1") == 1
        assert article.title not in page  # the English headline, not the German one
        assert "target=" not in page  # links open in the same tab
        for link in re.findall(r"<a href=\"(?:https?:)?//[^>]*>", page):
            assert 'rel="noopener"' in link, link
        # The German page: from the parsed article, not the source file; its title the headline.
        raw = (structured_words / "output" / "site" / f"{article.slug}.de.html").read_bytes()
        german = raw.decode("utf-8")
        assert b"\r" not in raw and german.startswith("<!doctype html>") and '<html lang="de">' in german
        assert f"<h1>{html.escape(article.title, quote=False)}</h1>" in german
        for syntax in ("**", "](", "\n## ", "\n- ", "title:", "date 2024"):
            assert syntax not in german, (article.slug, syntax)
        for span in protected_spans("\n".join(article.paragraphs)):
            assert span.replace("&", "&amp;") in german, (article.slug, span)
    assert 'rel="noopener"' in (structured_words / "output" / "site" / "buergerbuero.html").read_text()
    # The front matter's summary: translated like the title, the teaser on the page and the index.
    record = record_of(structured_words, "haushalt")
    summary = " ".join(s.english for s in record.sentences if s.paragraph == record.summary_paragraph)
    assert record.summary_paragraph == 1 and summary
    assert "Mehrheit" not in summary
    site = structured_words / "output" / "site"
    assert '<p class="teaser">' in (site / "haushalt.html").read_text(encoding="utf-8")
    assert '<span class="teaser">' in (site / "index.html").read_text(encoding="utf-8")
    assert "<summary" in (site / "feed.xml").read_text(encoding="utf-8")
    review = (structured_words / "output" / "haushalt" / "review.html").read_text(encoding="utf-8")
    assert "block-summary" in review and "block-heading" in review and "block-item depth-1" in review
    assert review.count("not translated: kept as written") == 2  # the picture; the HTML and the table
    # Nothing was written outside output/.
    assert {q.name for q in structured_words.iterdir()} == {"sources", "glossary.yml", "output"}


def german_blocks(path: Path) -> list[Block]:
    """The German article's blocks, read from the source again."""
    if path.suffix == ".docx":
        return docx_blocks(path.read_bytes(), path.name)
    from transflow.text.articles import load_front_matter

    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = load_front_matter(front, path.name)
    return markdown_blocks(body, meta.get("title"), meta.get("summary") or meta.get("teaser"))


def test_a_verbatim_block_at_the_end_stays_in_the_draft(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "sources" / "tabelle.md").write_text(
        "---\ntitle: Haushalt\n---\nDer Rat beschließt den Haushalt.\n\n"
        "| Jahr | Euro |\n|---|---|\n| 2024 | 5 |\n",
        encoding="utf-8",
    )
    assert run_cli("translate", "--project", str(project))[0] == 0
    folder = project / "output" / "tabelle"
    body = parse_draft((folder / DRAFT_FILE).read_text(encoding="utf-8")).body
    assert body.endswith("\n\n| Jahr | Euro |\n|---|---|\n| 2024 | 5 |")
    review = (folder / "review.html").read_text(encoding="utf-8")
    assert "| 2024 | 5 |" in review and "not translated" in review
    # An editor's change in the sentence before it keeps the table.
    path = folder / DRAFT_FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("\n\n| Jahr", " (edited)\n\n| Jahr"), encoding="utf-8"
    )
    assert run_cli("translate", "--project", str(project))[0] == 0
    body = parse_draft(path.read_text(encoding="utf-8")).body
    assert body.endswith(" (edited)\n\n| Jahr | Euro |\n|---|---|\n| 2024 | 5 |")
    assert record_of(project, "tabelle").sentences[-1].english.endswith("(edited)")
    assert [b.kind for b in markdown_blocks(body)][-1] == VERBATIM


@needs_chromium
def test_a_structured_review_page_in_headless_chromium(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """Headings, list items and the untranslated blocks are seen on a desktop and a phone."""
    from selenium.webdriver.common.by import By

    shutil.copy(ARTICLES[0].parent / "haushalt.md", project / "sources" / "haushalt.md")
    assert run_cli("translate", "--project", str(project))[0] == 0
    review = project / "output" / "haushalt" / "review.html"
    shots = screenshot_folder(project)
    sizes = ((1280, 1500, "review-structured.png"), (390, 1400, "review-structured-phone.png"))
    for width, height, name in sizes:
        driver = chromium(project / f"chrome-{width}", width, height)
        try:
            # Headless Chromium keeps windows at least 500 px wide: a phone's width is emulated.
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            driver.get(review.as_uri())
            assert driver.execute_script("return window.innerWidth") == width
            items = driver.find_elements(By.CSS_SELECTOR, "section.block-item")
            assert len(items) == 6 and all(i.is_displayed() for i in items)
            nested = driver.find_element(By.CSS_SELECTOR, "section.block-item.depth-1")
            outer = items[0]
            assert nested.location["x"] > outer.location["x"]  # nesting is visible
            kept = driver.find_elements(By.CSS_SELECTOR, "section.verbatim")
            assert len(kept) == 2 and all(k.is_displayed() for k in kept)
            assert all("not translated" in k.text for k in kept)
            headings = driver.find_elements(By.CSS_SELECTOR, "section.block-heading .blocktag")
            assert [h.text for h in headings] == ["H2", "H3"]
            # Nothing wider than the window: a table or a long URL scrolls in its own box.
            assert driver.execute_script("return document.documentElement.scrollWidth") <= width
            if width < 500:  # the phone shows the lists and the untranslated table at the end
                driver.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -24)", items[0])
            driver.save_screenshot(str(shots / name))
        finally:
            driver.quit()


def test_edits_in_a_word_article_survive_and_reach_the_exported_file(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """An editor changes a heading, a list item and a link's text; the URL and the structure stay."""
    p = str(project)
    (project / "sources" / "buergerbuero-word.docx").write_bytes(word_press_release())
    assert run_cli("translate", "--project", p)[0] == 0
    path = project / "output" / "buergerbuero-word" / DRAFT_FILE
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = next(k for k, line in enumerate(lines) if line.startswith("## "))
    item = next(k for k, line in enumerate(lines) if line.startswith("   2. "))
    lines[heading] = "## Opening hours (edited)"
    lines[item] = "   2. from 5 to 6 pm (edited)"
    text = "\n".join(lines)
    url = "https://www.altena.de/termine?amt=buergerbuero&x=1"
    text = re.sub(r"\[[^\]]*\]\(" + re.escape(url) + r"\)", f"[book an appointment (edited)]({url})", text)
    path.write_text(text, encoding="utf-8")
    # The German changes elsewhere: the edited sentences keep the editor's English.
    d = docx.Document(io.BytesIO(word_press_release()))
    d.paragraphs[1].runs[-1].text = ". Neu!"
    out = io.BytesIO()
    d.save(out)
    (project / "sources" / "buergerbuero-word.docx").write_bytes(out.getvalue())
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    body = parse_draft(path.read_text(encoding="utf-8")).body
    assert "\n## Opening hours (edited)\n" in body
    assert "\n   2. from 5 to 6 pm (edited)\n" in body
    assert f"[book an appointment (edited)]({url})" in body
    blocks = markdown_blocks(body)
    assert shape(blocks) == shape(docx_blocks(out.getvalue(), "x.docx"))
    editor = {s.english for s in record_of(project, "buergerbuero-word").sentences if s.origin == "editor"}
    assert "Opening hours (edited)" in editor and "from 5 to 6 pm (edited)" in editor
    code, written, err = run_cli("export", "docx", "buergerbuero-word", "--project", p)
    assert code == 0, err
    exported = Path(written.strip()).read_bytes()
    document = docx.Document(io.BytesIO(exported))
    styles = {paragraph.text: paragraph.style.name for paragraph in document.paragraphs}
    assert styles["Opening hours (edited)"] == "Heading 2"
    assert styles["from 5 to 6 pm (edited)"] == "List Number 2"
    links = [(h.text, h.url) for paragraph in document.paragraphs for h in paragraph.hyperlinks]
    assert ("book an appointment (edited)", url) in links
    assert document.sections[0].header.paragraphs[0].text.startswith("generated test model")
