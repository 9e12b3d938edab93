"""Structured Markdown: the same headings, lists and links out as in; protected spans byte-identical."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import record_of, run_cli
from transflow.text.articles import parse_article
from transflow.text.document import markdown_blocks
from transflow.text.protect import protect, restore
from transflow.work.drafts import DRAFT_FILE, parse_draft
from transflow.work.record import ArticleRecord, Sentence, Signature

FIXTURES = Path(__file__).parent / "fixtures" / "structured"
ARTICLES = sorted(FIXTURES.glob("*.md"))
URL = re.compile(r"https?://[^\s)>]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+49|\b0)[\d /-]{6,}\d")


def structure(markdown: str) -> list[tuple[str, int]]:
    """Headings with their level and list items with their kind and depth, in order."""
    from markdown_it import MarkdownIt

    out: list[tuple[str, int]] = []
    lists: list[str] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "heading_open":
            out.append(("h", int(token.tag[1])))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token.type[0])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            out.append((lists[-1], len(lists) - 1))
        elif token.type == "blockquote_open":
            out.append((">", 0))
    return out


def protected_spans(text: str) -> list[str]:
    return URL.findall(text) + EMAIL.findall(text) + [p.strip() for p in PHONE.findall(text)]


def two_block_record(
    first: tuple[str, str], second: tuple[str, str], prefixes: tuple[str, ...]
) -> ArticleRecord:
    """A record of two one-sentence paragraphs (German, English) with these block prefixes."""
    return ArticleRecord(
        "a",
        "a.md",
        "0" * 64,
        Signature("0.1", "m", "1", "0" * 64, "4", 4, "0" * 64),
        (Sentence(0, 0, *first), Sentence(1, 0, *second)),
        prefixes=prefixes,
    )


def test_blocks_keep_headings_lists_and_links() -> None:
    body = (
        "## Zeiten\n\n- Montag\n- Dienstag\n  1. früh\n  2. spät\n\nSiehe [die Stadt](https://a.de/x?y=1).\n"
    )
    blocks = markdown_blocks(body, "Titel")
    assert [(b.kind, b.text, b.prefix) for b in blocks] == [
        ("title", "Titel", "# "),
        ("heading", "Zeiten", "## "),
        ("item", "Montag", "- "),
        ("item", "Dienstag", "- "),
        ("item", "früh", "   1. "),
        ("item", "spät", "   2. "),
        ("paragraph", "Siehe [die Stadt](https://a.de/x?y=1).", ""),
    ]
    assert [b.depth for b in blocks if b.kind == "item"] == [0, 0, 1, 1]
    assert [b.ordered for b in blocks if b.kind == "item"] == [False, False, True, True]


def test_unsupported_constructs_are_kept_verbatim_not_translated() -> None:
    blocks = markdown_blocks("| a | b |\n|---|---|\n| 1 | 2 |\n\nText danach.\n")
    assert [b.text for b in blocks] == ["Text danach."]
    assert blocks[0].prefix.startswith("| a | b |\n|---|---|\n| 1 | 2 |\n\n")


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_fixture_structure_is_read_not_sent_as_text(path: Path) -> None:
    article = parse_article(path)
    assert article.prefixes[0] == "# "  # the title
    for text in article.paragraphs:
        assert not text.startswith(("#", "- ", "* ", "1. ")), text


def test_protected_spans_come_back_byte_identical() -> None:
    german = "Infos unter [Stadt Altena](https://www.altena.de/a?b=1) oder Tel. 02352 209-0, info@altena.de."
    protected = protect(german)
    assert "https" not in protected.text and "02352" not in protected.text and "@" not in protected.text
    english, findings = restore("Info at ⟦0⟧ or phone ⟦1⟧, ⟦2⟧.", protected, {0: "Town of Altena"})
    assert (
        english
        == "Info at [Town of Altena](https://www.altena.de/a?b=1) or phone 02352 209-0, info@altena.de."
    )
    assert not findings
    # An engine that loses the placeholders: the spans go at the end, with a finding.
    english, findings = restore("Info at or phone.", protected, {})
    for span in ("https://www.altena.de/a?b=1", "02352 209-0", "info@altena.de"):
        assert span in english
    assert [f.check for f in findings] == ["protected-moved"]


def test_numbers_and_times_are_not_phone_numbers() -> None:
    assert protect("Am 3. Juli 2024 um 17:30 Uhr, 0,5 Prozent, 07:30 Uhr.").spans == ()


@pytest.fixture
def structured(project: Path) -> Path:
    for path in ARTICLES:
        shutil.copy(path, project / "sources" / path.name)
    return project


def test_structured_articles_round_trip(structured: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(structured)
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    for path in ARTICLES:
        german = path.read_text(encoding="utf-8")
        slug = parse_article(path).slug
        folder = structured / "output" / slug
        draft = parse_draft((folder / DRAFT_FILE).read_text(encoding="utf-8"))
        german_body = german.split("---\n", 2)[2]
        assert structure(draft.body) == [("h", 1), *structure(german_body)], slug
        for span in protected_spans(german_body):
            assert span in draft.body, (slug, span)
        record = record_of(structured, slug)
        assert record.prefixes[0] == "# " and record.title  # the title is the first block, translated
        assert run_cli("approve", slug, "--project", p, "--force")[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    for path in ARTICLES:
        slug = parse_article(path).slug
        page = (structured / "output" / "site" / f"{slug}.html").read_text(encoding="utf-8")
        german_body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        for span in protected_spans(german_body):
            assert span.replace("&", "&amp;") in page, (slug, span)
        assert page.count("<h1") == 1  # the English headline, not a second one from the body
        assert ("<ol" in page) == ("1. " in german_body)
        assert "<ul" in page
        assert "<li>\n<p>" not in page  # tight lists, as written


def test_edits_in_a_heading_and_a_list_item_survive(structured: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    p = str(structured)
    assert run_cli("translate", "--project", p)[0] == 0
    slug = parse_article(FIXTURES / "sperrung.md").slug
    path = structured / "output" / slug / DRAFT_FILE
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = next(k for k, line in enumerate(lines) if line.startswith("## "))
    item = next(k for k, line in enumerate(lines) if line.startswith("2. "))
    lines[heading] = "## Detours (edited)"
    lines[item] = "2. Via the church square (edited)"
    path.write_text("\n".join(lines), encoding="utf-8")
    source = structured / "sources" / "sperrung.md"
    source.write_text(source.read_text(encoding="utf-8").replace("3. Juli", "4. Juli"), encoding="utf-8")
    code, _, err = run_cli("translate", "--project", p)
    assert code == 0, err
    body = parse_draft(path.read_text(encoding="utf-8")).body
    assert "\n## Detours (edited)\n" in body
    assert "\n2. Via the church square (edited)\n" in body
    german = source.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert structure(body) == [("h", 1), *structure(german)]
    sentences = record_of(structured, slug).sentences
    assert {s.english for s in sentences if s.origin == "editor"} == {
        "Detours (edited)",
        "Via the church square (edited)",
    }


def test_records_keep_the_structure_and_old_records_still_load() -> None:
    import json

    from transflow.work.record import parse_record, record_json

    record = two_block_record(("Titel", "Title"), ("Punkt", "Point"), prefixes=("# ", "- "))
    assert parse_record(record_json(record)).prefixes == ("# ", "- ")
    old = json.loads(record_json(record))
    del old["article"]["prefixes"]  # written before structure was kept (still schema 2)
    assert parse_record(json.dumps(old)).prefixes == ()
    assert "prefixes" not in json.loads(record_json(parse_record(json.dumps(old))))["article"]
    from transflow.work.drafts import Draft, body_of
    from transflow.work.editing import apply_edits

    assert body_of(record) == "# Title\n\n- Point"
    edited, changed = apply_edits(record, Draft("", "# New title\n\n- New point"))
    assert len(changed) == 2
    assert [s.english for s in edited.sentences] == ["New title", "New point"]
    assert [s.after for s in edited.sentences] == [None, None]  # the structure is not an edit
    assert body_of(edited) == "# New title\n\n- New point"


@pytest.mark.parametrize(
    "paragraph, sentences",
    [
        (
            "**Wichtig. Bitte kommen.** Danach gehen wir.",
            ["**Wichtig. Bitte kommen.**", "Danach gehen wir."],
        ),
        ("Und *dann. Noch* was. Ende.", ["Und *dann. Noch* was.", "Ende."]),
        ("Das ist gut. **Neu:** ab Montag.", ["Das ist gut.", "**Neu:** ab Montag."]),
        (
            "Siehe [die Stadt. Hier](https://a.de/x.y). Neu ist das.",
            ["Siehe [die Stadt. Hier](https://a.de/x.y).", "Neu ist das."],
        ),
        (
            "Die Bürger*innen kommen. Die Kolleg*innen auch.",
            ["Die Bürger*innen kommen.", "Die Kolleg*innen auch."],
        ),
    ],
)
def test_emphasis_and_links_are_never_cut_by_a_sentence_end(paragraph: str, sentences: list[str]) -> None:
    from transflow.text.segmentation import inside_markup, split_paragraph

    split = split_paragraph(paragraph)
    assert [s.text for s in split] == sentences
    assert "".join(s.text + s.space_after for s in split) == paragraph
    for sentence in split:
        assert not inside_markup(sentence.text), sentence.text
        assert sentence.text.count("**") % 2 == 0


def test_every_fixture_sentence_has_balanced_markup() -> None:
    from transflow.text.segmentation import inside_markup, segment_paragraphs

    for path in ARTICLES:
        for sentence in segment_paragraphs(parse_article(path).paragraphs):
            assert not inside_markup(sentence.text), (path.name, sentence.text)


def test_an_editor_may_delete_the_table_that_ends_an_article() -> None:
    from transflow.work.drafts import Draft, body_of
    from transflow.work.editing import apply_edits

    record = two_block_record(("Titel", "Title"), ("Text.", "Text."), prefixes=("# ", "", "| a |\n|---|"))
    assert body_of(record) == "# Title\n\nText.\n\n| a |\n|---|"
    kept, _ = apply_edits(record, Draft("", "# Title\n\nText, edited.\n\n| a |\n|---|"))
    assert body_of(kept) == "# Title\n\nText, edited.\n\n| a |\n|---|"
    assert kept.sentences[-1].after is None
    deleted, _ = apply_edits(record, Draft("", "# Title\n\nText."))
    assert body_of(deleted) == "# Title\n\nText."
