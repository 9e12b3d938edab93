"""simplemma's answers (German lemmas, known English words), remembered between runs.

simplemma's German dictionary takes about a second to load (a million front-coded records),
its English one a fraction of that, and they are needed only for words that could be a
glossary term or sit next to one. A run that changes one sentence meets few words it has not
met before, so every answer a run looks up is kept in the project's state folder
(``output/.transflow/lemmas.json``, with simplemma's version): the next run loads a
dictionary only for a word it has not seen. The file is only a memo: one that cannot be read,
or comes from another simplemma, counts as empty.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from transflow.errors import OutputError
from transflow.project import atomic_write

LEMMAS_FILE = "lemmas.json"

_known: dict[str, str] = {}  # German word → casefolded lemma, in this process
_english: dict[str, bool] = {}  # is this word in simplemma's English lexicon?
_new: set[str] = set()  # words looked up in simplemma since the last save


def lemma(word: str) -> str:
    """simplemma's German lemma of ``word``, casefolded.

    The dictionary is loaded on the first word not known yet, and in simplemma's low-memory
    form (a front-coded stream, not a dict of a million strings): the same lemmas for a fifth
    of the memory, at a few microseconds more per new word.
    """
    found = _known.get(word)
    if found is None:
        import simplemma

        found = _known[word] = str(simplemma.lemmatize(word, lang="de", low_memory=True)).casefold()
        _new.add(word)
    return found


def is_english(word: str) -> bool:
    """Is ``word`` in simplemma's English lexicon (its low-memory form)?"""
    found = _english.get(word)
    if found is None:
        import simplemma

        found = _english[word] = bool(simplemma.is_known(word, lang="en", low_memory=True))
        _new.add(word)
    return found


def _signature() -> str:
    from importlib.metadata import version

    return f"simplemma {version('simplemma')}"


def load(state: Path) -> int:
    """Take in the answers kept in ``state``; how many there were (a damaged file: none)."""
    try:
        data = json.loads((state / LEMMAS_FILE).read_bytes())
        if not isinstance(data, dict) or data.get("source") != _signature():
            return 0
        german, english = data.get("lemmas"), data.get("english")
    except (OSError, ValueError):
        return 0
    kept = 0
    if isinstance(german, dict):
        for word, found in german.items():
            if isinstance(word, str) and isinstance(found, str):
                _known.setdefault(word, found)
                kept += 1
    if isinstance(english, dict):
        for word, known in english.items():
            if isinstance(word, str) and isinstance(known, bool):
                _english.setdefault(word, known)
                kept += 1
    return kept


def save(state: Path) -> None:
    """Keep what ``load`` took in plus the words looked up since (nothing new: nothing written).

    A state folder that cannot be written only costs the next run the dictionary.
    """
    if not _new or not state.is_dir():
        return
    with contextlib.suppress(OutputError, OSError):
        atomic_write(
            state / LEMMAS_FILE,
            json.dumps(
                {"source": _signature(), "lemmas": _known, "english": _english},
                ensure_ascii=False,
                separators=(",", ":"),
            ),
        )
        _new.clear()
