"""Every quality check with sentences that pass and sentences that fail."""

from __future__ import annotations

import pytest

from transflow.checks import (
    REGISTRY,
    length_ratio,
    markup_lost,
    numbers,
    repetition,
    run_checks,
    untranslated,
)
from transflow.text.segmentation import split_paragraph


def test_every_check_is_tested_here() -> None:
    assert set(REGISTRY) == {"untranslated", "numbers", "length-ratio", "repetition", "markup-lost"}


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Die Stadt baut eine neue Brücke.", "The town is building a new bridge."),
        ("Ja.", "Ja."),  # too short to tell
    ],
)
def test_untranslated_passes(german: str, english: str) -> None:
    assert untranslated(german, english) is None


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Die Stadt baut eine neue Brücke.", ""),
        ("Die Stadt baut eine neue Brücke.", "Die Stadt baut eine neue Brücke."),
        ("Die Stadt baut eine neue Brücke.", "Die Stadt und der Kreis bauen die neue Brücke."),
    ],
)
def test_untranslated_fails(german: str, english: str) -> None:
    assert untranslated(german, english)


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Am 3. Juli 2024, 17:30 Uhr, beginnt es.", "It starts on 3 July 2024, 5:30 pm."),
        ("Am 3. Juli 2024, 17:30 Uhr, beginnt es.", "It starts on 3 July 2024 at 17:30."),
        ("Ab 8 Uhr ist geöffnet.", "It is open from 8 am."),
        ("Ab 8.00 Uhr ist geöffnet.", "It is open from 8 a.m."),
        ("Um 12 Uhr ist Pause.", "There is a break at 12 pm."),
        ("Es kostet 1.500 Euro.", "It costs 1,500 euros."),
        ("Infos unter 02352 209-0.", "Information on 02352 209-0."),
    ],
)
def test_numbers_pass(german: str, english: str) -> None:
    assert numbers(german, english) is None


@pytest.mark.parametrize(
    ("german", "english", "message"),
    [
        ("Am 3. Juli 2024 beginnt es.", "It starts on 4 July 2024.", "missing 3; extra 4"),
        ("Um 17:30 Uhr beginnt es.", "It starts at 6:30 pm.", "missing 17:30; extra 18:30"),
        ("Um 17:30 Uhr beginnt es.", "It starts at 5:30 am.", "missing 17:30; extra 5:30"),
        ("Infos unter 02352 209-0.", "Information on 02352 209-9.", "missing 0; extra 9"),
        ("Es kostet 1.500 Euro.", "It costs 1,600 euros.", "missing 1500; extra 1600"),
    ],
)
def test_numbers_fail(german: str, english: str, message: str) -> None:
    assert numbers(german, english) == message


def test_length_ratio() -> None:
    german = "Die Stadt baut eine neue Brücke über die Lenne."
    assert length_ratio(german, "The town is building a new bridge over the Lenne.") is None
    assert length_ratio("Kurz.", "A much much longer English sentence.") is None  # too short to judge
    assert length_ratio(german, "Bridge.")
    assert length_ratio(german, german * 3)


def test_repetition() -> None:
    assert repetition("Die Stadt baut.", "The town is building.") is None
    assert repetition("Er rief: Tor, Tor, Tor!", "He shouted: Tor, Tor, Tor!") is None  # as in the German
    assert repetition("Die Stadt baut.", "The the the town builds.") == "'the' repeated"
    assert repetition("Die Stadt baut.", "the town the town the town builds") == "'the town' repeated"


def test_run_checks_stops_after_untranslated() -> None:
    findings = run_checks("Die Stadt baut eine neue Brücke.", "")
    assert [f.check for f in findings] == ["untranslated"]
    assert run_checks("Die Stadt baut eine neue Brücke.", "The town is building a new bridge.") == []


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        (
            "Infos unter Tel. 02352 209-0. Die Geflüchteten kommen morgen.",
            ["Infos unter Tel. 02352 209-0.", "Die Geflüchteten kommen morgen."],
        ),
        (
            "Das Amt Nr. 5 hat z. B. geöffnet. Danach nicht.",
            ["Das Amt Nr. 5 hat z. B. geöffnet.", "Danach nicht."],
        ),
        ("Rufen Sie Tel. 02352 209-0 an.", ["Rufen Sie Tel. 02352 209-0 an."]),
        ("Es beginnt am 3. Juli 2024 um 17:30 Uhr.", ["Es beginnt am 3. Juli 2024 um 17:30 Uhr."]),
    ],
)
def test_sentence_splitting_keeps_phone_numbers_and_abbreviations(
    paragraph: str, sentences: list[str]
) -> None:
    segments = split_paragraph(paragraph)
    assert [s.text for s in segments] == sentences
    assert "".join(s.text + s.space_after for s in segments) == paragraph


@pytest.mark.parametrize(
    ("german", "english", "lost"),
    [
        ("Das **Sommerfest** beginnt.", "The summer party begins.", "bold"),
        ("Es ist *frei*.", "It is free.", "italic"),
        ("Das ~~alte~~ Datum.", "The date.", "struck-through"),
        ("Das **Sommerfest** beginnt.", "The **summer party begins.", "bold"),
    ],
)
def test_markup_lost_fires(german: str, english: str, lost: str) -> None:
    message = markup_lost(german, english)
    assert message is not None and lost in message
    assert "markup-lost" in {f.check for f in run_checks(german, english)}


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Das **Sommerfest** beginnt.", "The **summer party** begins."),
        ("Die Datei_name_x liegt bei `a*b*c`.", "The file_name_x is at `a*b*c`."),
        ("Es ist *frei* und **gut**.", "It is **good** and *free*."),
        ("Alle Bürger*innen und Kolleg_innen kommen.", "All citizens and colleagues come."),  # gender
        ("2 * 3 * 4 ist 24.", "2 times 3 times 4 is 24."),
    ],
)
def test_markup_lost_stays_quiet(german: str, english: str) -> None:
    assert markup_lost(german, english) is None
