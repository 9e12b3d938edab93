"""Article names (slugs): the one place that decides which folder names under output/ are allowed.

A slug names the folder ``output/<slug>/``. Slugs made from file names or front matter are
folded and made safe deterministically, so a run never aborts on an odd name; a slug typed on
the command line is checked and refused when it is not one transflow could have made.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from transflow.errors import InputError, InvalidSlug

MAX_SLUG = 80  # well under every file system's 255-byte name limit, with room for suffixes
# Names that output/ itself uses: the published site, the index page, review pages.
# Names starting with "." (output/.transflow) cannot be slugs at all.
RESERVED = frozenset({"site", "index", "review"})
_VALID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_HASHED = 8  # hex digits of the hash that keeps cut slugs apart


def slugify(name: str) -> str:
    """ASCII-folded lower-case slug: ``Kümmerer Treffen`` → ``kuemmerer-treffen``."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name).translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or "article"


def safe_slug(name: str) -> str:
    """A valid slug from a file name or front matter; never fails.

    Reserved names get ``-article`` appended (``index`` → ``index-article``); a slug over
    ``MAX_SLUG`` characters is cut and ends in a short hash of the whole, so two long
    names that share a beginning still get two folders.
    """
    slug = slugify(name)
    if slug in RESERVED:
        slug += "-article"
    if len(slug) > MAX_SLUG:
        digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:_HASHED]
        slug = slug[: MAX_SLUG - _HASHED - 1].rstrip("-") + "-" + digest
    return slug


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name an article folder, or None when it can."""
    if len(slug) > MAX_SLUG:
        return f"longer than {MAX_SLUG} characters"
    if not _VALID.match(slug):
        return "article names are lower-case ASCII letters, digits and single hyphens"
    if slug in RESERVED:
        return f"'{slug}' is reserved for transflow's own pages"
    return None


def check_slug(slug: str) -> str:
    """A slug the user typed, unchanged, or ``InvalidSlug`` (exit 2) when it cannot name an article."""
    problem = slug_problem(slug)
    if problem is not None:
        shown = slug if len(slug) <= MAX_SLUG else slug[:MAX_SLUG] + "…"
        # A file name typed as it looks ("Kümmerer Treffen"): the name transflow made of it.
        made = safe_slug(slug.removesuffix(".txt").removesuffix(".md").removesuffix(".docx"))
        hint = f"did you mean '{made}'? " if made != "article" and "/" not in slug else ""
        raise InvalidSlug(
            f"'{shown}' is not an article name: {problem}",
            hint=hint + "`transflow status` lists the articles by name",
        )
    return slug


def closest_slugs(slug: str, known: list[str], most: int = 3) -> list[str]:
    """The known slugs a person most likely meant: those that start with what was typed, then look alike."""
    import difflib

    starting = [k for k in known if k.startswith(slug)] if slug else []
    alike = difflib.get_close_matches(slug, known, n=most, cutoff=0.6)
    return list(dict.fromkeys([*starting, *alike]))[:most]


def did_you_mean(slug: str, known: list[str]) -> str | None:
    """ "did you mean 'a' or 'b'?" for the known slugs closest to ``slug``, or None for none."""
    close = closest_slugs(slug, known)
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else None


def no_such_article(slug: str, known: list[str]) -> InputError:
    """The error for a slug that names no translated article, with the closest names as a hint."""
    hint = did_you_mean(slug, known)
    return InputError(
        f"no translated article '{slug}'",
        hint=hint or "`transflow status` lists the articles; a new source needs `transflow translate` first",
    )
