import subprocess
import sys

import pytest

from transflow.terms.inflection import (
    indefinite_article,
    is_plural,
    number_forms,
    plural,
    singular,
    with_possessive,
)


@pytest.mark.parametrize(
    ("phrase", "article"),
    [
        ("European", "a"),
        ("hour", "an"),
        ("university", "a"),
        ("MP", "an"),
        ("immigrant", "an"),
        ("mayor", "a"),
    ],
)
def test_a_or_an_by_pronunciation(phrase: str, article: str) -> None:
    assert indefinite_article(phrase) == article


@pytest.mark.parametrize(
    ("one", "many"),
    [
        ("community liaison", "community liaisons"),
        ("Federal Ministry of Science", "Federal Ministries of Science"),  # not "Ministrys": not a name
        ("head of administration", "heads of administration"),
        ("child", "children"),
        ("financial crisis", "financial crises"),
        ("MP", "MPs"),
        ("R & D intensity", "R & D intensities"),
    ],
)
def test_plural_and_singular_of_noun_phrases(one: str, many: str) -> None:
    assert plural(one) == many
    assert singular(many) == one
    assert singular(one) is None
    assert number_forms(one) == number_forms(many) == (one, many)


def test_phrases_without_a_number_change_keep_their_form() -> None:
    assert number_forms("strengths and weaknesses") == (
        "strengths and weaknesses",
        "strengths and weaknesses",
    )
    assert number_forms("series") == ("series", "series")
    assert number_forms("paid staff") == ("paid staff", "paid staff")
    assert (
        number_forms("community liaison", "community liaisons (volunteers)")[1]
        == "community liaisons (volunteers)"
    )
    assert singular("status") is None and singular("bus") is None and singular("analysis") is None


def test_number_and_possessive_of_written_words() -> None:
    assert is_plural("widgets") and is_plural("children") and is_plural("mayors'")
    assert not is_plural("widget") and not is_plural("mayor's") and not is_plural("news")
    assert with_possessive("mayor", "'s", plural=False) == "mayor's"
    assert with_possessive("community liaisons", "’", plural=True) == "community liaisons’"
    assert with_possessive("children", "'", plural=True) == "children's"


def test_inflect_loads_without_typeguard_rewriting_its_methods() -> None:
    # typeguard's @typechecked re-parsed inflect's module once per method: 2.6-2.8 s a run.
    # In a fresh process, so no earlier import decides it.
    code = (
        "import typeguard\n"
        "from transflow.terms.inflection import _engine, plural\n"
        "assert plural('community liaison') == 'community liaisons'\n"
        "method = type(_engine()).plural_noun\n"
        "print('typeguard' in method.__code__.co_names, typeguard.typechecked.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "typechecked"]  # and put back for everyone else
