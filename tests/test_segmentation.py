from hypothesis import given, settings
from hypothesis import strategies as st

from transflow.text.segmentation import segment_paragraphs, split_paragraph


def texts(paragraph: str) -> list[str]:
    return [s.text for s in split_paragraph(paragraph)]


def test_german_abbreviations_ordinals_and_quotes_do_not_split() -> None:
    paragraph = (
        "Dazu gehören z. B. Vereine und Dr. Müller aus der Hauptstr. Nr. 5 in Altena. "
        "Die Anmeldung beginnt am 1. April in Altena. "
        "„Interessant, die Ansätze zu vergleichen“, meint Kemper. "
        "„Das Kümmerer-Modell ist auf großes Interesse gestoßen.“"
    )
    assert texts(paragraph) == [
        "Dazu gehören z. B. Vereine und Dr. Müller aus der Hauptstr. Nr. 5 in Altena.",
        "Die Anmeldung beginnt am 1. April in Altena.",
        "„Interessant, die Ansätze zu vergleichen“, meint Kemper.",
        "„Das Kümmerer-Modell ist auf großes Interesse gestoßen.“",
    ]


def test_segments_know_their_paragraph() -> None:
    segments = segment_paragraphs(["Eins. Zwei.", "Drei."])
    assert [(s.paragraph, s.index, s.text) for s in segments] == [
        (0, 0, "Eins."),
        (0, 1, "Zwei."),
        (1, 0, "Drei."),
    ]


def test_empty_paragraph_has_no_segments() -> None:
    assert split_paragraph("") == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_join_gives_back_the_paragraph_exactly(paragraph: str) -> None:
    segments = split_paragraph(paragraph)
    assert "".join(s.text + s.space_after for s in segments) == paragraph


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Der Rat tagt.", "Am 1. April", "z. B.", "„Ja!“", "Nr. 5", " ", "\u00a0", "Dr."]),
        max_size=20,
    )
)
def test_round_trip_on_tricky_german_pieces(parts: list[str]) -> None:
    paragraph = " ".join(parts)
    assert "".join(s.text + s.space_after for s in split_paragraph(paragraph)) == paragraph
