"""transflow.toml: made by `transflow init`, validated with line numbers, used by publish."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import SEED, run_cli
from transflow.errors import ConfigError
from transflow.settings import TEMPLATE, Settings, parse_settings

ATOM = "{http://www.w3.org/2005/Atom}"
SLUG = SEED.stem


def test_the_template_init_writes_is_the_defaults() -> None:
    assert parse_settings(TEMPLATE) == Settings()


def test_init_creates_what_is_missing_and_keeps_what_exists(tmp_path: Path) -> None:
    code, out, _ = run_cli("init", "--project", str(tmp_path))
    assert code == 0
    assert out.splitlines() == [
        "created sources",
        "created glossary.yml",
        "created transflow.toml",
        "next: put German articles in sources/ and run `transflow translate`",
    ]
    assert run_cli("glossary", "lint", "--project", str(tmp_path))[0] == 0
    (tmp_path / "transflow.toml").write_text('site_title = "Altena in English"\n')
    code, out, _ = run_cli("init", "--project", str(tmp_path))
    assert code == 0 and "nothing created" in out
    assert (tmp_path / "transflow.toml").read_text() == 'site_title = "Altena in English"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('site_title = "A"\ncolour = "red"\n', "transflow.toml: line 2: unknown setting 'colour'"),
        ('site_title = "A"\nbase_url = "example.org"\n', "transflow.toml: line 2: base_url must be a full"),
        (
            '\n\ndate_style = "short"\n',
            "transflow.toml: line 3: date_style must be one of: long, german, iso",
        ),
        ("town = 3\n", "transflow.toml: line 1: town must be text in quotes"),
        (
            'town = "A"\ntimezone = "Mars/Olympus"\n',
            "transflow.toml: line 2: unknown time zone 'Mars/Olympus'",
        ),
        ('timezone = "../../etc/passwd"\n', "transflow.toml: line 1: unknown time zone"),
        ('town = "Altena\n', "transflow.toml: line 1: not valid TOML"),
    ],
)
def test_bad_settings_name_their_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_settings(text)
    assert e.value.message.startswith(message), e.value.message


def test_a_bad_settings_file_is_one_error_line(project: Path) -> None:
    (project / "transflow.toml").write_text('base_url = "ftp://x"\n')
    code, _, err = run_cli("publish", "--project", str(project))
    assert code == 2
    assert err.splitlines()[0].startswith("error: transflow.toml: line 1: base_url must be")
    assert "Traceback" not in err


def publish_seed(project: Path) -> tuple[str, str]:
    p = str(project)
    assert run_cli("translate", "--project", p)[0] == 0
    assert run_cli("approve", SLUG, "--force", "--project", p)[0] == 0
    code, out, err = run_cli("publish", "--project", p)
    assert code == 0, err
    return out, err


def test_feed_links_are_absolute_with_a_base_url(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    (project / "transflow.toml").write_text(
        'site_title = "Altena in English"\nbase_url = "https://www.altena.example/en"\ntown = "Altena"\n'
    )
    _, err = publish_seed(project)
    assert "warning" not in err
    site = project / "output" / "site"
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}title") == "Altena in English"
    links = [link.get("href") or "" for link in feed.iter(f"{ATOM}link")]
    assert len(links) == 3  # self, the site, the one article
    for href in links:
        parts = urlsplit(href)
        assert parts.scheme == "https" and parts.netloc == "www.altena.example", href
    assert f"https://www.altena.example/en/{SLUG}.html" in links
    for page in (site / "index.html", site / f"{SLUG}.html"):
        html = page.read_text()
        assert "Altena in English" in html and "Altena" in html and "News in English" not in html
        assert '<time datetime="2018-04">April 2018</time>' in html  # the seed's date, for people


def test_publish_without_a_base_url_warns_once(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    _, err = publish_seed(project)
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: no base_url in transflow.toml: the feed's links are relative, feed readers cannot"
        ' follow them (set base_url in transflow.toml, e.g. base_url = "https://www.altena.de/en/")'
    ]
