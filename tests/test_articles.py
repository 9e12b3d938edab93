from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED
from transflow.errors import InputError
from transflow.text.articles import decode, parse_article, slugify


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_seed_shape_date_place_paragraphs() -> None:
    article = parse_article(SEED)
    assert article.slug == "altena-2018-04-oecd-studie"
    assert article.date == "2018-04"
    assert article.place == "Altena"
    assert len(article.paragraphs) == 6
    assert article.paragraphs[0].startswith("Frisch zurück aus Frankreich")
    assert article.paragraphs[-1].endswith("auf der Homepage der Stadt.")


def test_markdown_front_matter(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Kümmerer gesucht\ndate: 2024-05-02\nplace: Altena\nslug: Kümmerer Aufruf\n---\n"
        "\nErster Absatz.\n\nZweiter Absatz.\n"
    )
    article = parse_article(write(tmp_path, "x.md", text.encode()))
    assert (article.title, article.date, article.place) == ("Kümmerer gesucht", "2024-05-02", "Altena")
    assert article.slug == "kuemmerer-aufruf"
    # The title is translated like the body: the first block, an h1 in the English draft.
    assert article.paragraphs == ("Kümmerer gesucht", "Erster Absatz.", "Zweiter Absatz.")
    assert article.prefixes == ("# ", "", "")


def test_broken_front_matter_is_one_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="front matter"):
        parse_article(write(tmp_path, "x.md", b"---\ntitle: [unclosed\n---\nText.\n"))


@pytest.mark.parametrize(
    "data",
    [
        b"Altena - Satz eins.\r\n\r\nSatz zwei.\r\n",
        "\ufeffAltena - Satz eins.\n\nSatz zwei.\n".encode(),
        b"Altena - Satz eins.\r\rSatz zwei.\r",
    ],
    ids=["crlf", "bom", "cr"],
)
def test_line_ends_and_bom(tmp_path: Path, data: bytes) -> None:
    article = parse_article(write(tmp_path, "a.txt", data))
    assert article.place == "Altena"
    assert article.paragraphs == ("Satz eins.", "Satz zwei.")


def test_nfd_soft_hyphen_and_zero_width_are_cleaned(tmp_path: Path) -> None:
    text = "Bu\u0308rger\u00admeister und Ehren\u200bamt.\u00a0Ende."
    article = parse_article(write(tmp_path, "a.txt", text.encode()))
    assert article.paragraphs == ("Bürgermeister und Ehrenamt. Ende.",)


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    article = parse_article(write(tmp_path, "word.txt", "Die Bürger grüßen.".encode("cp1252")))
    assert article.paragraphs == ("Die Bürger grüßen.",)
    assert "Windows-1252" in article.warnings[0]


@pytest.mark.parametrize("data", [b"", b"  \n\n ", b"\x00\x01\x02binary"], ids=["empty", "blank", "binary"])
def test_unusable_files_raise_input_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError):
        parse_article(write(tmp_path, "a.txt", data))


def test_slug_folding() -> None:
    assert slugify("Kümmerer Treffen") == "kuemmerer-treffen"
    assert slugify("Straße & Größe!") == "strasse-groesse"
    assert slugify("   ") == "article"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        article = parse_article(Path("fuzz.txt"), data)
    except InputError:
        return
    assert all(p and p == p.strip() for p in article.paragraphs)
    text, _ = decode(data, Path("fuzz.txt"))
    assert "\r" not in text


def test_a_headline_before_the_dateline_is_the_title_and_the_dateline_is_read(tmp_path: Path) -> None:
    text = "Sommerfest im Stadtpark\n\nAltena - Am Samstag feiert die Stadt.\n\nDer Eintritt ist frei.\n"
    article = parse_article(write(tmp_path, "fest.txt", text.encode()))
    assert (article.title, article.place) == ("Sommerfest im Stadtpark", "Altena")
    assert article.paragraphs == (
        "Sommerfest im Stadtpark",
        "Am Samstag feiert die Stadt.",
        "Der Eintritt ist frei.",
    )
    assert article.prefixes == ("# ", "", "")
    # A first paragraph that is a sentence is no headline; without a dateline nothing changes.
    for plain in ("Der Rat tagt.\n\nAltena - Heute.\n", "Sommerfest\n\nAm Samstag feiert die Stadt.\n"):
        article = parse_article(write(tmp_path, "plain.txt", plain.encode()))
        assert article.title is None and article.prefixes == ()


def test_a_txt_headline_shows_once_on_the_site(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    from conftest import record_of, run_cli

    p = str(project)
    text = "Sommerfest im Stadtpark\n\ndate 2024-06-12 Altena - Am Samstag feiert die Stadt.\n"
    (project / "sources" / "fest.txt").write_text(text, encoding="utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    headline = record_of(project, "fest").sentences[0].english
    assert run_cli("approve", "fest", "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    page = (project / "output" / "site" / "fest.html").read_text(encoding="utf-8")
    assert page.count(headline) == 2  # the <title> and the <h1>, never again as a paragraph
    assert f"<h1>{headline}</h1>" in page and "Altena" in page and "12 June 2024" in page
    assert "Altena -" not in page
