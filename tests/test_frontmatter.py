"""Front matter in the source's own format (Hugo TOML, Jekyll YAML, JSON) round-trips into draft.en.md."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import record_of, run_cli
from transflow.errors import InputError
from transflow.text.articles import parse_article
from transflow.text.frontmatter import read_front_matter
from transflow.work.drafts import body_of, parse_draft

FIXTURES = Path(__file__).parent / "fixtures" / "frontmatter"
# fixture file → (slug, how its front matter is read back by an independent parser, its fence)
FORMATS = {
    "hugo-sommerfest.md": ("sommerfest-2024", tomllib.loads, "+++"),
    "jekyll-ratssitzung.md": ("jekyll-ratssitzung", yaml.safe_load, "---"),
    "json-sprechstunde.md": ("json-sprechstunde", json.loads, "{"),
}
TRANSLATED = {"title", "description", "excerpt", "summary", "cover.alt", "image.alt"}
SIGNATURE = ("source", "source_sha256", "translated_at", "transflow", "model", "model_sha256")


def front_of(path: Path, loads: Any) -> dict[str, Any]:
    """The front matter of a file, read by the format's own parser (not transflow's)."""
    text = path.read_text(encoding="utf-8")
    front, body = parse_draft(text).front_matter, text
    data = loads(front)
    assert isinstance(data, dict), body
    return data


def value_at(data: dict[str, Any], dotted: str) -> Any:
    for key in dotted.split("."):
        data = data[key]
    return data


@pytest.fixture
def translated_formats(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    for name in FORMATS:
        shutil.copy(FIXTURES / name, project / "sources" / name)
    code, _, err = run_cli("translate", "--project", str(project))
    assert code == 0, err
    return project


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_field_comes_back_in_its_format_translatable_ones_translated(
    translated_formats: Path, name: str
) -> None:
    slug, loads, fence = FORMATS[name]
    source = front_of(FIXTURES / name, loads)
    draft_path = translated_formats / "output" / slug / "draft.en.md"
    assert draft_path.read_text(encoding="utf-8").startswith(fence + "\n")
    english = front_of(draft_path, loads)
    fields = 0
    for key, german in source.items():
        for dotted in [key] + [f"{key}.{k}" for k in german] if isinstance(german, dict) else [key]:
            here, there = value_at(source, dotted), value_at(english, dotted)
            if dotted in TRANSLATED:
                fields += 1
                assert isinstance(there, str) and there and there != here, dotted
            elif not isinstance(here, dict):
                assert there == here, dotted  # tags, dates, permalink, layout … exactly as written
    assert fields >= 2
    assert all(key in english for key in SIGNATURE)
    # The front matter's title is the English headline of the body.
    record = record_of(translated_formats, slug)
    assert body_of(record).startswith("# " + english["title"])
    # parse_draft reads the body back whatever the format.
    assert parse_draft(draft_path.read_text(encoding="utf-8")).body == body_of(record)


def test_a_second_run_keeps_the_fields_english_without_the_engine(translated_formats: Path) -> None:
    draft = translated_formats / "output" / "sommerfest-2024" / "draft.en.md"
    before = draft.read_text(encoding="utf-8")
    source = translated_formats / "sources" / "hugo-sommerfest.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Der Eintritt", "Der Zutritt"), "utf-8")
    assert run_cli("translate", "--project", str(translated_formats))[0] == 0
    last_run = json.loads((translated_formats / "output" / ".transflow" / "last-run.json").read_text("utf-8"))
    assert last_run["engine_sentences"] == 1  # the changed sentence; description and alt kept
    after = draft.read_text(encoding="utf-8")
    assert after != before
    old, new = tomllib.loads(parse_draft(before).front_matter), tomllib.loads(parse_draft(after).front_matter)
    assert new["description"] == old["description"] and new["cover"]["alt"] == old["cover"]["alt"]


def test_a_draft_article_is_reviewed_but_never_published(translated_formats: Path) -> None:
    p = str(translated_formats)
    code, out, _ = run_cli("status", "--project", p)
    said = " ".join(out.split())
    assert "json-sprechstunde: its front matter marks it a draft" in said
    for slug in ("json-sprechstunde", "jekyll-ratssitzung"):
        assert run_cli("approve", slug, "--force", "--project", p)[0] == 0
    code, out, _ = run_cli("publish", "--project", p)
    assert code == 0
    assert "skipped json-sprechstunde: its front matter marks it a draft" in " ".join(out.split())
    site = translated_formats / "output" / "site"
    # "2024-12-12 18:45:00 +0100" (a space before the zone) as a valid HTML date and time.
    page = (site / "jekyll-ratssitzung.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-12-12T18:45:00+01:00">12 December 2024</time>' in page
    assert not (site / "json-sprechstunde.html").exists()
    assert "json-sprechstunde" not in (site / "index.html").read_text(encoding="utf-8")
    assert "json-sprechstunde" not in (site / "feed.xml").read_text(encoding="utf-8")


def test_published_false_on_an_article_already_on_the_site_takes_it_down(translated_formats: Path) -> None:
    p = str(translated_formats)
    assert run_cli("approve", "jekyll-ratssitzung", "--force", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    page = translated_formats / "output" / "site" / "jekyll-ratssitzung.html"
    assert page.is_file()
    source = translated_formats / "sources" / "jekyll-ratssitzung.md"
    source.write_text(source.read_text("utf-8").replace("published: true", "published: false"), "utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("publish", "--project", p)[0] == 0
    assert not page.exists()
    assert "jekyll-ratssitzung" not in (page.parent / "feed.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ('+++\ntitle = "Rat"\n[[images]]\nsrc = "a.jpg"\nalt = "Bild"\n+++\nText.\n', ["images.alt"]),
        ('---\ncover:\n  alt: "Bild"\n---\nText.\n', ["cover.alt"]),
        ('{\n"image": {"alt": "Bild"}\n}\nText.\n', ["image.alt"]),
    ],
    ids=["toml-list-of-tables", "yaml-table", "json-object"],
)
def test_translatable_fields_are_found_inside_tables_and_lists(text: str, fields: list[str]) -> None:
    front, _, body = read_front_matter(text, "x.md", fields)
    assert front is not None and body.strip() == "Text."
    assert [path.rsplit(".", 1)[-1] for path, german in front.fields] == ["alt"]
    assert [german for _, german in front.fields] == ["Bild"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('+++\ntitle = "unclosed\n+++\nText.\n', "not valid TOML"),
        ('{\n"title": \n}\nText.\n', "not valid JSON"),
    ],
)
def test_broken_toml_and_json_are_one_input_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "x.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        parse_article(path)


def test_toml_front_matter_never_reaches_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "hugo.md"
    shutil.copy(FIXTURES / "hugo-sommerfest.md", path)
    article = parse_article(path)
    assert article.title == "Sommerfest im Stadtpark" and article.slug == "sommerfest-2024"
    assert article.date == "2024-06-12T18:45:00+02:00" and article.place == "Altena"
    assert not any("+++" in p or "title =" in p for p in article.paragraphs)


def test_an_editors_english_in_the_front_matter_is_kept(translated_formats: Path) -> None:
    p = str(translated_formats)
    draft = translated_formats / "output" / "sommerfest-2024" / "draft.en.md"
    text = draft.read_text(encoding="utf-8")
    machine = tomllib.loads(parse_draft(text).front_matter)["description"]
    draft.write_text(text.replace(machine, "Everyone is welcome."), encoding="utf-8")
    # The German body changes: the draft is written again, with the editor's description.
    source = translated_formats / "sources" / "hugo-sommerfest.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Der Eintritt", "Der Zutritt"), "utf-8")
    assert run_cli("translate", "--project", p)[0] == 0
    front = tomllib.loads(parse_draft(draft.read_text(encoding="utf-8")).front_matter)
    assert front["description"] == "Everyone is welcome."
    assert front["cover"]["alt"] != "Der Stadtpark im Sommer"  # still the machine's English
