"""One vocabulary of states: members with words and colours, and no bare state strings compared elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT
from transflow import badges
from transflow.states import ArticleStatus, Origin, TermStatus

SRC = ROOT / "src" / "transflow"
WORDS = sorted({str(m) for enum in (ArticleStatus, Origin, TermStatus) for m in enum}, key=len, reverse=True)
# A state word as a string literal beside a comparison, a membership test or a keyword argument.
WORD = "|".join(map(re.escape, WORDS))
COMPARED = re.compile(
    r"""(==|!=|\bin\s*\(|status\s*=|origin\s*=)\s*["']("""
    + WORD
    + r""")["']|["']("""
    + WORD
    + r""")["']\s*(==|!=)"""
)


def test_members_are_plain_words_in_files() -> None:
    assert json.dumps([ArticleStatus.ATTENTION, Origin.IMPORTED]) == '["needs attention", "imported"]'
    assert ArticleStatus("approved") is ArticleStatus.APPROVED and ArticleStatus.APPROVED == "approved"


def test_every_article_status_has_words_and_a_colour_the_page_styles() -> None:
    css = (SRC / "templates" / "base.html").read_text(encoding="utf-8")
    for status in ArticleStatus:
        assert status.explanation.endswith(".")
        if status not in (ArticleStatus.NEW, ArticleStatus.DRAFTED):  # plain badges
            assert f".{status.colour}" in css, status


def test_origins_have_the_words_the_pages_show() -> None:
    for origin in Origin:
        wording = badges.origin_wording(origin)
        assert (wording.words, wording.explanation) == (origin.label, origin.explanation)


def test_presence_is_one_rule() -> None:
    assert {s for s in TermStatus if s.present} == {TermStatus.ENFORCED, TermStatus.KEPT}


def test_no_state_string_is_compared_outside_the_states_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SRC.rglob("*.py")
        if path.name != "states.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if COMPARED.search(line.split("#", 1)[0])
    ]
    assert found == []


def test_the_guard_finds_a_bare_comparison(tmp_path: Path) -> None:
    assert COMPARED.search('if t.status == "missing":')
    assert COMPARED.search('state.state not in ("drafted", "edited")')
    assert not COMPARED.search("if t.status == TermStatus.MISSING:")
