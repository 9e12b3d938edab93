"""Checks on finished drafts: required glossary terms present in the English."""

from __future__ import annotations

import json
from dataclasses import dataclass

from transflow.errors import InputError
from transflow.glossary import load_glossary
from transflow.project import Project


@dataclass(frozen=True)
class MissingTerm:
    """A glossary term found in a German sentence whose English lacks its rendering."""

    slug: str
    sentence: str
    surface: str
    english: str


def _draft_body(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


def check_drafts(project: Project, slugs: list[str] | None = None) -> list[MissingTerm]:
    """Every required term missing from the current drafts (editor edits included)."""
    from transflow.enforcement import find_terms, satisfied

    glossary = load_glossary(project.glossary)
    if slugs is None:
        folders = sorted(p.parent for p in project.output.glob("*/segments.json"))
    else:
        folders = [project.article_dir(s) for s in slugs]
    missing: list[MissingTerm] = []
    for folder in folders:
        try:
            record = json.loads((folder / "segments.json").read_text(encoding="utf-8"))
            draft = (folder / "draft.en.md").read_text(encoding="utf-8")
        except (OSError, ValueError) as e:
            raise InputError(f"no draft for '{folder.name}'", hint="run `transflow translate` first") from e
        body = _draft_body(draft)
        # An editor may have rewritten sentences freely: then the whole draft is the scope.
        edited = record.get("draft_sha256") != _sha(draft)
        for segment in record.get("segments", []):
            english = body if edited else segment.get("draft", "")
            for match in find_terms(segment.get("source", ""), glossary):
                if match.required and not satisfied(english, match.entry):
                    missing.append(MissingTerm(folder.name, segment["source"], match.surface, match.entry.en))
    return missing


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
