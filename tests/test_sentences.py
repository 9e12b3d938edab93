"""Saving one sentence outside draft.en.md: the same as a file edit; stale versions are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import record_of, run_cli
from transflow.actions.sentences import save_sentence, sentence_version
from transflow.errors import InputError
from transflow.project import Project
from transflow.work.drafts import DRAFT_FILE, read_draft
from transflow.work.editing import apply_edits
from transflow.work.memory import Memory
from transflow.work.record import EDITOR

SLUG = "altena-2018-04-oecd-studie"


@pytest.fixture
def translated(project: Path, tiny_model) -> Path:  # type: ignore[no-untyped-def]
    assert run_cli("translate", "--project", str(project))[0] == 0
    return project


def test_save_lands_in_draft_record_memory_and_revision(translated: Path) -> None:
    proj = Project(translated)
    folder = proj.article_dir(SLUG)
    before = record_of(translated, SLUG)
    revisions = len(list((folder / "revisions").iterdir()))
    target = before.sentences[2]
    result = save_sentence(proj, SLUG, 3, "  The mayor   spoke\nto the press. ", sentence_version(target))
    assert result.saved and result.english == "The mayor spoke to the press."
    after = record_of(translated, SLUG)
    assert after.sentences[2].english == "The mayor spoke to the press."
    assert after.sentences[2].origin == EDITOR and after.sentences[2].machine == target.english
    # Nothing else moved, and the file and the record agree.
    assert [s.english for k, s in enumerate(after.sentences) if k != 2] == [
        s.english for k, s in enumerate(before.sentences) if k != 2
    ]
    draft = read_draft(folder)
    assert draft is not None and draft[1] == after.draft_sha256 == result.draft_sha256
    assert "The mayor spoke to the press." in draft[0].body
    memory = Memory.of(proj)
    try:
        hit = memory.lookup([target.source])[target.source]
    finally:
        memory.close()
    assert hit.target == "The mayor spoke to the press." and hit.origin == "editor"
    assert len(list((folder / "revisions").iterdir())) == revisions + 1
    assert "The mayor spoke to the press." in (folder / "review.html").read_text()
    # status agrees: the article is edited, exactly as after a file edit.
    code, out, _ = run_cli("status", "--project", str(translated))
    assert code == 0 and "edited" in out


def test_stale_version_is_refused_with_their_text(translated: Path) -> None:
    proj = Project(translated)
    old = sentence_version(record_of(translated, SLUG).sentences[0])
    assert save_sentence(proj, SLUG, 1, "First editor's English.", old).saved
    refused = save_sentence(proj, SLUG, 1, "Second editor's English.", old)
    assert refused.conflict and refused.english == "First editor's English."
    assert record_of(translated, SLUG).sentences[0].english == "First editor's English."
    # Saving again on the version the refusal returned is the editor's informed choice.
    assert save_sentence(proj, SLUG, 1, "Second editor's English.", refused.version).saved


def test_a_pending_file_edit_wins_over_a_save_based_on_older_text(translated: Path) -> None:
    proj = Project(translated)
    folder = proj.article_dir(SLUG)
    record = record_of(translated, SLUG)
    first, second = record.sentences[0], record.sentences[1]
    path = folder / DRAFT_FILE
    path.write_text(path.read_text().replace(first.english, "Edited in the file."))
    refused = save_sentence(proj, SLUG, 1, "Edited in the browser.", sentence_version(first))
    assert refused.conflict and refused.english == "Edited in the file." and refused.file_edits == 1
    # A save to another sentence keeps the file edit.
    assert save_sentence(proj, SLUG, 2, "Another sentence.", sentence_version(second)).saved
    body = read_draft(folder)
    assert body is not None and "Edited in the file." in body[0].body and "Another sentence." in body[0].body


def test_bad_numbers_and_slugs_are_input_errors(translated: Path) -> None:
    proj = Project(translated)
    with pytest.raises(InputError):
        save_sentence(proj, SLUG, 99, "x", "0")
    with pytest.raises(InputError):
        save_sentence(proj, "nope", 1, "x", "0")


def test_awkward_english_lands_in_its_sentence_only(translated: Path) -> None:
    proj = Project(translated)
    record = record_of(translated, SLUG)
    neighbour = record.sentences[4].english
    cases = [
        "",
        neighbour,
        "---",
        "# Not a heading",
        record.sentences[2].english + " " + neighbour,
        "\u00a0x\u200b",
    ]
    for text in cases:
        before = record_of(translated, SLUG)
        result = save_sentence(proj, SLUG, 4, text, sentence_version(before.sentences[3]))
        assert result.saved
        after = record_of(translated, SLUG)
        wanted = " ".join(text.split())
        assert after.sentences[3].english == wanted, text
        others = [s.english for k, s in enumerate(after.sentences) if k != 3]
        assert others == [s.english for k, s in enumerate(before.sentences) if k != 3], text
        draft = read_draft(proj.article_dir(SLUG))
        assert draft is not None and draft[1] == after.draft_sha256


def test_a_save_sets_what_it_names_and_nothing_else(translated: Path) -> None:
    # Issue 25: a save was written into the draft and the boundaries found again by a word diff,
    # so English that looked like a neighbour's moved into the neighbour.
    proj = Project(translated)
    folder = proj.article_dir(SLUG)

    def set_to(number: int, text: str) -> None:
        before = record_of(translated, SLUG)
        assert save_sentence(proj, SLUG, number, text, sentence_version(before.sentences[number - 1])).saved
        after = record_of(translated, SLUG)
        assert after.sentences[number - 1].english == " ".join(text.split())
        for k, (old, new) in enumerate(zip(before.sentences, after.sentences, strict=True), start=1):
            if k != number:
                assert (new.english, new.origin, new.after) == (old.english, old.origin, old.after), k
        draft = read_draft(folder)
        assert draft is not None and draft[1] == after.draft_sha256
        # The draft is rendered from the record: read back, it is the same English, sentence by sentence.
        assert apply_edits(after, draft[0])[1] == []

    first = record_of(translated, SLUG)
    count = len(first.sentences)
    # A sentence inside a paragraph (neighbours on both sides), numbered from 1.
    mid = max(
        k + 1
        for k in range(1, count - 1)
        if first.sentences[k - 1].paragraph
        == first.sentences[k].paragraph
        == first.sentences[k + 1].paragraph
    )
    assert mid > 5
    for n in range(1, count + 1):
        set_to(n, f"Sentence {n}.")
    set_to(5, "Sentence four. Sentence five.")  # looks like sentence 4 and 5 together
    set_to(mid, "")  # the editor leaves a sentence out
    set_to(3, "Line one,\nline two.\n\n  Line three.")  # typed with line breaks
    set_to(2, "Sentence 1. Sentence 3.")
    record = record_of(translated, SLUG)
    assert record.sentences[mid - 1].english == "" and record.sentences[mid - 1].origin == EDITOR
    assert any(f.check == "left-out" for f in record.sentences[mid - 1].findings)  # shown as left out
    body = read_draft(folder)
    assert body is not None and f"Sentence {mid - 1}. Sentence {mid + 1}." in body[0].body  # no gap
    # Given English again, the sentence gets its place back.
    set_to(mid, "Back again.")
    text = read_draft(folder)
    assert text is not None and f"Sentence {mid - 1}. Back again. Sentence {mid + 1}." in text[0].body
    assert "Line one, line two. Line three." in text[0].body
    # Every other command reads the same English: a translate run (taking in, reusing) changes nothing.
    saved = [s.english for s in record_of(translated, SLUG).sentences]
    assert run_cli("translate", "--project", str(translated))[0] == 0
    assert [s.english for s in record_of(translated, SLUG).sentences] == saved
