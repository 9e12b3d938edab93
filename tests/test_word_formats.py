"""Word in and out as other programs read it: the Title paragraph, file properties, nested lists, pictures."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import record_of, run_cli
from transflow.pages.wordexport import docx_from_markdown
from transflow.text.articles import parse_article
from transflow.text.wordfile import docx_blocks

docx = pytest.importorskip("docx")


def dateline_before_title() -> bytes:
    """A press release as some offices write it: the dateline first, then the Title paragraph."""
    document = docx.Document()
    document.add_paragraph("date 2024-06-12 Altena -")
    document.add_paragraph("Sommerfest im Stadtpark", style="Title")
    document.add_paragraph("Am Samstag feiert die Stadt das Sommerfest.")
    document.add_paragraph("Der Eintritt ist frei.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_title_paragraph_is_the_headline_wherever_it_stands(tmp_path: Path) -> None:
    path = tmp_path / "fest.docx"
    path.write_bytes(dateline_before_title())
    article = parse_article(path)
    assert (article.title, article.date, article.place) == ("Sommerfest im Stadtpark", "2024-06-12", "Altena")
    assert article.paragraphs == (
        "Sommerfest im Stadtpark",
        "Am Samstag feiert die Stadt das Sommerfest.",
        "Der Eintritt ist frei.",
    )
    assert article.prefixes[0] == "# "
    assert not any("Altena" in p or "2024" in p for p in article.paragraphs)  # nothing for the engine


def test_a_word_article_with_its_dateline_first_gets_an_english_headline_on_the_site(
    project: Path,
    tiny_model,  # type: ignore[no-untyped-def]
) -> None:
    p = str(project)
    (project / "sources" / "fest.docx").write_bytes(dateline_before_title())
    assert run_cli("translate", "--project", p)[0] == 0
    record = record_of(project, "fest")
    assert record.sentences[0].source == "Sommerfest im Stadtpark"
    assert all("Altena -" not in s.source for s in record.sentences)
    assert run_cli("approve", "fest", "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    page = (project / "output" / "site" / "fest.html").read_text(encoding="utf-8")
    assert f"<h1>{record.sentences[0].english}</h1>" in page
    assert "Sommerfest im Stadtpark" not in page


def test_exported_word_file_has_the_articles_properties_not_the_templates(
    project: Path,
    tiny_model,  # type: ignore[no-untyped-def]
) -> None:
    p = str(project)
    (project / "transflow.toml").write_text('town = "Altena"\nauthor = "Pressestelle Altena"\n', "utf-8")
    (project / "sources" / "fest.docx").write_bytes(dateline_before_title())
    assert run_cli("translate", "--project", p)[0] == 0
    code, out, err = run_cli("export", "docx", "fest", "--project", p)
    assert code == 0, err
    raw = Path(out.strip()).read_bytes()
    properties = docx.Document(io.BytesIO(raw)).core_properties
    assert properties.author == properties.last_modified_by == "Pressestelle Altena"
    assert properties.title == record_of(project, "fest").sentences[0].english
    assert properties.language == "en-GB"
    now = datetime.now(UTC)
    for moment in (properties.created, properties.modified):
        assert abs(moment.replace(tzinfo=UTC) - now) < timedelta(minutes=5)
    names = zipfile.ZipFile(io.BytesIO(raw)).namelist()
    assert not any("thumbnail" in name for name in names)
    core = zipfile.ZipFile(io.BytesIO(raw)).read("docProps/core.xml").decode()
    assert "python-docx" not in core and "2013-12-23" not in core
    styles = zipfile.ZipFile(io.BytesIO(raw)).read("word/styles.xml").decode()
    assert 'w:lang w:val="en-GB"' in styles


NESTED = (
    "# Budget\n\n- Spending\n- Investment\n   - Schools\n   - Roads\n      1. Main road\n"
    "      2. Bridge\n- Staff\n\n1. First\n2. Second"
)


def list_items(raw: bytes) -> list[tuple[str, int, int]]:
    """(text, numbering id, level) of every list paragraph, read with python-docx."""
    out = []
    for paragraph in docx.Document(io.BytesIO(raw)).paragraphs:
        props = paragraph._p.pPr
        numbering = props.numPr if props is not None else None
        if numbering is not None:
            out.append((paragraph.text, int(numbering.numId.val), int(numbering.ilvl.val)))
    return out


def test_a_nested_list_is_one_numbering_with_levels() -> None:
    raw = docx_from_markdown(NESTED)
    items = list_items(raw)
    assert [(text, level) for text, _, level in items] == [
        ("Spending", 0),
        ("Investment", 0),
        ("Schools", 1),
        ("Roads", 1),
        ("Main road", 2),
        ("Bridge", 2),
        ("Staff", 0),
        ("First", 0),
        ("Second", 0),
    ]
    nested, numbered = {n for _, n, _ in items[:7]}, {n for _, n, _ in items[7:]}
    assert len(nested) == 1 and len(numbered) == 1 and nested != numbered  # two lists, not nine
    # The numbering's levels: bullets, bullets, numbers for the nested list; numbers for the other.
    numbering = docx.Document(io.BytesIO(raw)).part.numbering_part.element

    def fmt(num_id: int, level: int) -> str:
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')[0]
        path = f'./w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        return str(numbering.xpath(path)[0])

    (list_id,), (other_id,) = nested, numbered
    assert [fmt(list_id, k) for k in range(3)] == ["bullet", "bullet", "decimal"]
    assert fmt(other_id, 0) == "decimal"
    # transflow's own reader gets the depth back from the numbering.
    depths = [(b.text, b.depth, b.ordered) for b in docx_blocks(raw, "x.docx") if b.kind == "item"]
    assert depths[4] == ("Main road", 2, True) and depths[2] == ("Schools", 1, False)


def test_pictures_become_a_visible_marker_linked_to_the_picture() -> None:
    body = "# Park\n\nThe park ![a bench](/img/bench.jpg) is open.\n\n![The town hall](https://x.de/rathaus.jpg)\n\nEnd."
    raw = docx_from_markdown(body)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(raw)).paragraphs)
    assert "![" not in text
    assert "[picture: a bench]" in text and "[picture: The town hall]" in text
    blocks = docx_blocks(raw, "x.docx")  # read back: the pictures, not the marker words
    assert "The park ![a bench](/img/bench.jpg) is open." in [b.text for b in blocks]
    assert blocks[-1].verbatim == ("![The town hall](https://x.de/rathaus.jpg)",)


def tiny_png() -> bytes:
    """A 1×1 PNG, written by hand (no imaging library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_a_photo_in_a_word_article_is_a_visible_marker_not_lost(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Sommerfest", style="Title")
    document.add_paragraph("Der Park ist offen.")
    document.add_picture(io.BytesIO(tiny_png()))
    document.inline_shapes[0]._inline.docPr.set("descr", "Der Stadtpark im Sommer")
    document.add_paragraph("Der Eintritt ist frei.")
    out = io.BytesIO()
    document.save(out)
    path = tmp_path / "park.docx"
    path.write_bytes(out.getvalue())
    article = parse_article(path)
    # The picture is not text for the engine; it is kept, as written, before its next paragraph.
    assert article.paragraphs == ("Sommerfest", "Der Park ist offen.", "Der Eintritt ist frei.")
    assert article.prefixes[2] == "[picture: Der Stadtpark im Sommer]\n\n"
