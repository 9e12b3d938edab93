"""English number, possessives and articles for glossary renderings (the inflect library).

A glossary entry gives one English form (and, where English is irregular, its plural).
Enforcement needs the other number, the a/an that fits the new words, and the number of
the English words it replaces (only for words English has: simplemma's English lexicon
tells them from a random model's gibberish) or of the words around them; the term checks
need every inflection that counts as the term being present.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

# inflect's singular_noun cuts these ("analysis" → "analysi", "bus" → "bu").
_SINGULAR_ENDINGS = ("ss", "us", "is", "ous", "sis")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]$")
_ACRONYM_PLURAL = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z0-9]s$")
_PREPOSITIONS = {"of", "for", "in", "on", "to", "with", "from", "by", "at", "under", "per"}
# Nouns English leaves without a plural, which inflect still gives one ("paid staffs").
_UNCOUNTABLE_HEADS = {
    "staff", "work", "information", "advice", "equipment", "research", "support",
    "accommodation", "infrastructure", "evidence", "knowledge", "traffic", "feedback", "welfare",
    "childcare", "healthcare", "furniture", "management", "news", "software", "transport", "aid",
}  # fmt: skip
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
# One written word: opening punctuation, the word, a possessive ('s, s'), closing punctuation.
_PARTS = re.compile(r"^(?P<lead>\W*)(?P<core>.*?)(?P<possessive>['’]s|(?<=s)['’])?(?P<trail>\W*)$", re.DOTALL)
# Words next to a noun that give away its number when the noun itself cannot
# (a German term left untranslated: "these Zuwanderer", "the Zuwanderer were housed").
_SINGULAR_DETERMINERS = {"a", "an", "one", "each", "every", "this", "that", "another", "either", "neither"}
_PLURAL_DETERMINERS = {
    "these", "those", "many", "several", "few", "fewer", "both", "various", "numerous", "multiple",
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds",
}  # fmt: skip
# Only a noun that starts its clause is the subject of the verb after it (not "crimes such as X are").
_SUBJECT_STARTS = {"", "the", "his", "her", "its", "their", "our", "my", "your"}
_SINGULAR_VERBS = {"is", "was", "has", "does"}
_PLURAL_VERBS = {"are", "were", "have", "do"}


@functools.cache
def _engine() -> Any:
    return _import_inflect().engine()


_IMPORTING = threading.Lock()


def _import_inflect() -> Any:
    """inflect, without typeguard's run-time type checks on its methods.

    inflect decorates its methods with typeguard's ``@typechecked``, which re-parses the
    whole 4,000-line module once per method: 2.6-2.8 s of every run that inflects a word,
    for checks that only catch a caller passing the wrong types. typeguard leaves them out
    by design under ``python -O``; this leaves them out for inflect's import alone (an
    inflect imported before is returned as it is).
    """
    try:
        import typeguard
    except ImportError:  # an inflect without typeguard: nothing to leave out
        import inflect

        return inflect

    def unchecked(target: Any = None, **_: Any) -> Any:
        return target if target is not None else unchecked

    with _IMPORTING:  # two threads (the review server's) must not swap the decorator in turn
        checked = typeguard.typechecked
        typeguard.typechecked = unchecked
        try:
            import inflect
        finally:
            typeguard.typechecked = checked
    return inflect


def _with_case(original: str, inflected: str) -> str:
    """``inflected`` (made in lower case) with the capital of ``original``: "Ministry" → "Ministries".

    inflect treats capitalised words as names ("Ministry" → "Ministrys"), so words are
    inflected in lower case.
    """
    return inflected[:1].upper() + inflected[1:] if original[:1].isupper() else inflected


def _head(words: list[str]) -> int:
    """Index of the phrase's head noun: before "of"/"for"... ("heads of department"), else the last."""
    for i, word in enumerate(words[1:], 1):
        if word.casefold() in _PREPOSITIONS:
            return i - 1
    return len(words) - 1


def _coordinated(phrase: str) -> bool:
    """True for "strengths and weaknesses" or "research and development"; not "R & D intensity"."""
    words = phrase.casefold().split(" ")
    return any(w in ("and", "or") for w in words) or (words[-2:-1] == ["&"] and len(words) > 2)


def _inflect_head(phrase: str, change: Callable[[str], str | None]) -> str | None:
    """The phrase with its head word changed by ``change`` (None where it does not change)."""
    if not phrase.strip() or _coordinated(phrase):
        return None
    words = phrase.split(" ")
    h = _head(words)
    new = change(words[h])
    if not new or new == words[h]:
        return None
    return " ".join([*words[:h], new, *words[h + 1 :]])


def _plural_word(word: str) -> str | None:
    if not any(c.isalpha() for c in word) or word.casefold() in _UNCOUNTABLE_HEADS:
        return None  # "2015", "paid staff" stay as they are
    if _ACRONYM.match(word):
        return word + "s"  # MPs, NGOs
    return _with_case(word, str(_engine().plural_noun(word.lower())))


def _singular_word(word: str) -> str | None:
    if _ACRONYM_PLURAL.match(word):
        return word[:-1]  # MPs → MP
    lowered = word.lower()
    if not lowered[-1:].isalpha() or lowered.endswith(_SINGULAR_ENDINGS) or word.isupper():
        return None
    found = _engine().singular_noun(lowered)
    # Invariant nouns ("series", "information") come back unchanged; a wrong cut does not
    # plural back to the word.
    if not found or found == lowered or _engine().plural_noun(found) != lowered:
        return None
    return _with_case(word, str(found))


def plural(phrase: str) -> str:
    """Plural of a singular noun phrase: "community liaison" → "community liaisons"."""
    return _inflect_head(phrase, _plural_word) or phrase


def singular(phrase: str) -> str | None:
    """Singular of a plural noun phrase ("immigrants" → "immigrant"); None if it is not plural."""
    return _inflect_head(phrase, _singular_word)


def doubtful_plural(phrase: str) -> str | None:
    """inflect's plural of a multi-word term where it looks wrong, else None.

    It looks wrong where the head is an -ing noun, which English mostly leaves without a
    plural ("decentralised housing" → "decentralised housings"; but "public meetings").
    """
    words = phrase.split(" ")
    # The cheap test first: inflect's plural costs about as much as parsing the term (glossary lint).
    if len(words) < 2 or not words[_head(words)].casefold().endswith("ing") or _coordinated(phrase):
        return None
    made = plural(phrase)
    return made if made != phrase else None


def known_number(word: str) -> bool | None:
    """Is an English word plural (True) or singular (False); None for a word English does not have.

    The lexicon check (simplemma's English dictionary, in its low-memory form: a fifth of the
    memory) keeps gibberish and German words from deciding a rendering's number: "Zuamilieab"
    ends in -b, not in a singular.
    """
    from transflow.terms.lemmas import is_english

    core = strip_possessive(word)
    if not core or not is_english(core):
        return None
    return is_plural(core)


def reads_as_english(words: list[str]) -> bool:
    """Do the words read as English: are most of the lower-case ones in the English lexicon?

    Capitalised words are left out (names, German left in place). A random model's output
    fails this, so a real word it happens to produce ("brigade") decides nothing.
    """
    from transflow.terms.lemmas import is_english

    small = [c for w in words if (c := word_parts(w)["core"]).isalpha() and c[:1].islower()]
    if len(small) < 3:
        return True
    return sum(is_english(w) for w in small) >= 0.6 * len(small)


def is_plural(phrase: str) -> bool:
    """Does the English noun phrase read as plural ("widgets", "children", "mayors'")?"""
    return singular(strip_possessive(phrase)) is not None


def strip_possessive(word: str) -> str:
    """``word`` without a trailing 's / s' / ’s."""
    return _POSSESSIVE.sub("", word)


def with_possessive(phrase: str, ending: str, plural: bool) -> str:
    """Put a possessive ending (with the apostrophe it was written with) on ``phrase``.

    A plural in -s takes the bare apostrophe (the mayors'), anything else 's (the
    mayor's, the children's).
    """
    if not ending:
        return phrase
    apostrophe = ending[0]
    return phrase + apostrophe if plural and phrase.endswith("s") else phrase + apostrophe + "s"


def indefinite_article(phrase: str) -> str:
    """The indefinite article by pronunciation: a European, an hour, a university, an MP."""
    return str(_engine().a(phrase)).split(" ", 1)[0]


def number_forms(en: str, en_plural: str | None = None) -> tuple[str, str]:
    """(singular, plural) of a rendering; ``en_plural`` from the glossary wins over inflect's."""
    if en_plural:
        return en, en_plural
    one = singular(en)
    return (one, en) if one else (en, plural(en))


def word_parts(word: str) -> dict[str, str]:
    """A written word's lead punctuation, core, possessive and trailing punctuation."""
    found = _PARTS.match(word)
    assert found is not None  # every part may be empty
    parts = {k: v or "" for k, v in found.groupdict().items()}
    if parts["possessive"] in ("'", "’") and parts["lead"][-1:] in ("'", "‘"):
        parts["trail"] = parts["possessive"] + parts["trail"]  # 'quoted', not a plural possessive
        parts["possessive"] = ""
    return parts


def determiner_plural(before: str) -> bool | None:
    """The number a determiner right before a noun asks for: "these" plural, "a" singular."""
    parts = word_parts(before)
    if parts["trail"]:
        return None  # "many, X": punctuation between them
    word = parts["core"].casefold()
    return True if word in _PLURAL_DETERMINERS else False if word in _SINGULAR_DETERMINERS else None


def verb_plural(before: str, after: str) -> bool | None:
    """The number of a subject noun told by the verb after it ("the X were"); None if unclear."""
    if word_parts(before)["core"].casefold() not in _SUBJECT_STARTS or word_parts(before)["trail"]:
        return None
    word = after.casefold()
    return True if word in _PLURAL_VERBS else False if word in _SINGULAR_VERBS else None
