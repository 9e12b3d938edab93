"""Plain words for what the review pages mark: warnings, where English came from, how serious.

The codes (``length-ratio``, ``memory``) stay in the record, the CLI's JSON and the pages'
data attributes for tools and tests; people read the words and explanations here.
"""

from __future__ import annotations

from dataclasses import dataclass

from transflow.states import Origin


@dataclass(frozen=True)
class Wording:
    """What a code is called on a page, and one sentence saying what it means."""

    code: str
    words: str
    explanation: str


WARNINGS = {
    w.code: w
    for w in (
        Wording(
            "term-missing",
            "glossary term missing",
            "A term from the town's glossary is in the German, but its required English is not.",
        ),
        Wording(
            "german-changed",
            "German changed",
            "The German changed after a person wrote this English: check it against the new German.",
        ),
        Wording(
            "untranslated",
            "not translated",
            "The English is empty, or it is still German.",
        ),
        Wording(
            "numbers",
            "numbers differ",
            "A number, date or time in the German is missing or different in the English.",
        ),
        Wording(
            "repetition",
            "repeated words",
            "Words repeat the way they do when the machine gets stuck: read the sentence again.",
        ),
        Wording(
            "protected-moved",
            "link or number moved",
            "A web address, e-mail address, phone number or code could not be placed in the English"
            " and was put at the end of the sentence.",
        ),
        Wording(
            "markup-lost",
            "bold or italic lost",
            "The German marks words bold, italic or struck through; the English lost that markup.",
        ),
        Wording(
            "approved-kept",
            "approved English kept",
            "The machine would now translate this differently; the English approved earlier was kept.",
        ),
        Wording(
            "length-ratio",
            "unusual length",
            "The English is much shorter or longer than the German: something may be missing or added.",
        ),
        Wording(
            "left-out",
            "left out",
            "A person removed this sentence from the English on purpose.",
        ),
    )
}

ORIGINS = {str(o): Wording(str(o), o.label, o.explanation) for o in Origin}

SEVERITIES = {
    w.code: w
    for w in (
        Wording("critical", "must fix", "Fix before approving: the English is wrong or incomplete."),
        Wording("functional", "check", "Probably wrong: read the sentence and decide."),
        Wording("cosmetic", "minor", "Often fine: a hint, not an error."),
    )
}


def warning_wording(code: str) -> Wording:
    """The plain words for a finding code (an unknown code is shown as it is)."""
    return WARNINGS.get(code) or Wording(code, code.replace("-", " "), "A warning from a quality check.")


def origin_wording(code: str) -> Wording:
    """The plain words for where a sentence's English came from."""
    return ORIGINS.get(code) or Wording(code, code, "Where this English came from.")
