"""Every state transflow names, in one vocabulary: an article's, a sentence's English, a term's.

Each is a ``StrEnum``, so the record, the memory and JSON keep plain words (``"approved"``)
and old files read as before; code compares members, never string literals. Each member has
a label and an explanation for people (what the review pages, ``status`` and the browser
show) and, for articles, the colour class of its badge (``base.html``'s ``.status-*``).
"""

from __future__ import annotations

from enum import StrEnum


class ArticleStatus(StrEnum):
    """Where an article stands; ``workflow.article_state`` decides it, in one place."""

    NEW = "new"
    DRAFTED = "drafted"
    EDITED = "edited"
    APPROVED = "approved"
    PUBLISHED = "published"
    STALE = "stale"
    ATTENTION = "needs attention"

    @property
    def explanation(self) -> str:
        return _ARTICLE[self]

    @property
    def colour(self) -> str:
        """The CSS class of its badge."""
        return "status-" + self.value.split(" ")[0]


_ARTICLE = {
    ArticleStatus.NEW: "A source with no draft yet: run `transflow translate`.",
    ArticleStatus.DRAFTED: "Machine English nobody has changed yet.",
    ArticleStatus.EDITED: "A person changed the English; not approved yet.",
    ArticleStatus.APPROVED: "The English is exactly what was approved.",
    ArticleStatus.PUBLISHED: "The site shows the approved version.",
    ArticleStatus.STALE: "Approved or published, then changed: approve it again.",
    ArticleStatus.ATTENTION: (
        "A person must look first: German changed under edits, a source is gone, a file is damaged."
    ),
}


class Origin(StrEnum):
    """Who made a sentence's current English (also the origin of a translation-memory unit)."""

    MACHINE = "machine"  # the engine, with the glossary enforced
    MEMORY = "memory"  # the translation memory: a person's English for the same German, any article
    APPROVED = "approved"  # machine English an editor approved
    EDITOR = "editor"  # written in this draft by an editor
    IMPORTED = "imported"  # taken from a translator's XLIFF

    @property
    def label(self) -> str:
        return _ORIGIN[self][0]

    @property
    def explanation(self) -> str:
        return _ORIGIN[self][1]


_ORIGIN = {
    Origin.MACHINE: ("machine", "The machine translated this sentence; nobody has changed it."),
    Origin.MEMORY: (
        "reused",
        "A person's English for exactly this German sentence, reused from another article.",
    ),
    Origin.APPROVED: ("approved", "This English was approved by an editor."),
    Origin.EDITOR: ("edited", "An editor wrote or changed this English."),
    Origin.IMPORTED: ("from translation tool", "This English came back from a translation tool (XLIFF)."),
}


class TermStatus(StrEnum):
    """A glossary term found in a German sentence, and what its English has of it."""

    ENFORCED = "enforced"  # transflow put the required English in
    KEPT = "kept"  # the English already had it
    MISSING = "missing"  # required, and not in the English
    FLAGGED = "flagged"  # a closed compound: the editor's call, never required
    OMITTED = "omitted"  # the editor left this sentence out on purpose

    @property
    def present(self) -> bool:
        """Does the English carry the term's rendering?"""
        return self in (TermStatus.ENFORCED, TermStatus.KEPT)
