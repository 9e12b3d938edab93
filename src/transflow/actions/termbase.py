"""A termbase's TBX as glossary entries: what fits the glossary is kept, the rest is listed.

Reads TBX 2 (ISO 30042:2008, ``martif``: ``termEntry/langSet/tig|ntig``) as translate-toolkit
parses it, and TBX 3 (ISO 30042:2019, ``tbx``: ``conceptEntry/langSec/termSec``), whose data
categories come as attributes (DCA: ``<termNote type="partOfSpeech">``) or as elements (DCT:
``<basic:partOfSpeech>``); both are read by local name, so either namespace works.

A concept becomes one entry: its German main term (``de``) with the other German terms as
``forms``, its English term (``en``) with a plural (``en_plural``); definitions, the subject
field, part of speech and gender, and English synonyms go into ``note``. Deprecated German terms
and what the glossary has no place for (transactions, sources, contexts, other languages) are
listed, one line each, never dropped without a word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from transflow.safetext import clean_text
from transflow.terms.glossary import GlossaryEntry

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX data categories for the glossary's fields beyond term and rendering.
VARIANT = ("termType", "variant")  # an extra German form (``forms``)
PLURAL = ("grammaticalNumber", "plural")  # the English plural (``en_plural``)
KEEP_GERMAN = ("transferComment", "do not translate")  # ``translate: false``
CASE_SENSITIVE = "transflow: case-sensitive"  # a term note: TBX has no data category for it
_OLD_CASE_SENSITIVE = ("caseSensitive", "yes")  # what transflow wrote before (not a TBX category)
_DEPRECATED = ("deprecated", "superseded", "obsolete")
_TERM_LEVEL = ("tig", "ntig", "termGrp", "termSec")
_KEPT_NOTES = ("partOfSpeech", "grammaticalGender", "administrativeStatus", "normativeAuthorization")
_KEPT_DESCRIPS = ("definition", "subjectField")


def local(element: Any) -> str:
    """An element's name without its namespace ("" for comments and processing instructions)."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def term_text(text: str) -> str:
    """A term from a file: NFC, clean of control characters, single spaces."""
    return " ".join(clean_text(unicodedata.normalize("NFC", text)).split())


def _text(element: Any) -> str:
    return term_text("".join(element.itertext()))


@dataclass
class Term:
    """One term of a concept, with its data categories as (type, value) pairs and its notes."""

    text: str
    categories: set[tuple[str, str]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def has(self, kind: str) -> str | None:
        return next((value for key, value in self.categories if key == kind), None)

    @property
    def deprecated(self) -> bool:
        status = (self.has("administrativeStatus") or self.has("normativeAuthorization") or "").lower()
        return status.startswith(_DEPRECATED)


@dataclass
class Concept:
    """A concept entry as read: terms by language, descriptions, notes, and what cannot be kept."""

    sets: list[tuple[str, list[Term]]] = field(default_factory=list)  # (language, terms), in order
    descriptions: list[tuple[str, str]] = field(default_factory=list)  # (definition|subjectField, text)
    notes: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # "what: value" the glossary has no place for
    v3: bool = False  # from a TBX 3 file (conceptEntry), whose languages come in any order


_AUX = ("descrip", "descripGrp", "admin", "adminGrp", "transacGrp", "ref", "xref")
_USED_TERM_NOTES = (
    "termType",
    "grammaticalNumber",
    "transferComment",
    "caseSensitive",
    *_KEPT_NOTES,
)


def _flat(node: Any) -> list[Any]:
    """A term's elements, with TBX 2's termGrp and termNoteGrp opened."""
    out = []
    for child in node:
        if local(child) in ("termGrp", "termNoteGrp"):
            out += _flat(child)
        elif local(child):
            out.append(child)
    return out


def _term(node: Any, concept: Concept) -> Term | None:
    """A tig/ntig/termSec: its term, its term notes (DCA or DCT) and notes; the rest listed."""
    terms = [_text(c) for c in _flat(node) if local(c) == "term"]
    if not terms or not terms[0]:
        return None
    term = Term(terms[0])
    for child in _flat(node):
        name = local(child)
        if name == "note":
            term.notes.append(_text(child))
        elif name in _AUX:
            concept.left.append(f"{child.get('type') or name} of '{term.text}'")
        elif name != "term":
            kind = child.get("type") if name == "termNote" else name  # DCA or DCT
            value = _text(child)
            if kind in _USED_TERM_NOTES:
                term.categories.add((kind, value))
            else:
                concept.left.append(f"{kind} '{value}' of '{term.text}'")
    return term


def _language(node: Any) -> str:
    return (node.get(XML_LANG) or node.get("lang") or "").lower()


def read_concept(entry: Any) -> Concept:
    """A termEntry (TBX 2) or conceptEntry (TBX 3) as a Concept."""
    concept = Concept(v3=local(entry) == "conceptEntry")
    for child in entry:
        name = local(child)
        if name in ("langSet", "langSec"):
            lang, terms = _language(child), []
            for item in child:
                if local(item) in ("tig", "ntig", "termSec"):
                    term = _term(item, concept)
                    terms += [term] if term is not None else []
                else:
                    _describe(item, concept, lang)
            concept.sets.append((lang, terms))
        else:
            _describe(child, concept, "")
    return concept


def _describe(element: Any, concept: Concept, lang: str) -> None:
    """A concept- or language-level element: a description or note kept, anything else listed."""
    name = local(element)
    if name in ("descripGrp", "adminGrp"):
        for child in element:
            _describe(child, concept, lang)
    elif name == "note":
        concept.notes.append(_text(element))
    elif name:
        kind = element.get("type") or name  # DCA (<descrip type="definition">) or DCT (<definition>)
        where = f" ({lang})" if lang and kind == "definition" else ""
        if kind in _KEPT_DESCRIPS and _text(element):
            concept.descriptions.append((kind, _text(element) + where))
        else:
            concept.left.append(kind)


def _main(terms: list[Term], *skip: tuple[str, str]) -> Term | None:
    usable = [t for t in terms if not t.deprecated and not (t.categories & set(skip))]
    preferred = [t for t in usable if (t.has("administrativeStatus") or "").startswith("preferred")]
    return next(iter(preferred or usable), None)


def _grammar(term: Term) -> str:
    return ", ".join(v for v in (term.has("partOfSpeech"), term.has("grammaticalGender")) if v)


def _note(concept: Concept, german: Term, english: Term | None, synonyms: list[Term]) -> str | None:
    parts = [*concept.notes]
    labels = {"definition": "definition", "subjectField": "subject field"}
    parts += [f"{labels[kind]}: {text}" for kind, text in concept.descriptions]
    if _grammar(german):
        parts.append(f"German: {_grammar(german)}")
    if english is not None and _grammar(english):
        parts.append(f"English: {_grammar(english)}")
    for term in synonyms:
        parts.append(f"English {'to avoid' if term.deprecated else 'also'}: {term.text}")
    parts += [n for t in (german, english) if t is not None for n in t.notes if n != CASE_SENSITIVE]
    return "; ".join(p for p in parts if p) or None


def entry_from(concept: Concept) -> tuple[GlossaryEntry | None, list[str]]:
    """The concept as a glossary entry (None where it has no German or English), and what was left."""
    # Language sets without labels (or Translate Toolkit's "xx") are read in order: German, English.
    labelled = {lang.split("-")[0]: terms for lang, terms in reversed(concept.sets)}
    german_terms = labelled.get("de", concept.sets[0][1] if concept.sets else [])
    english_terms = labelled.get("en")
    if english_terms is None or english_terms is german_terms:
        english_terms = next((t for _, t in concept.sets if t is not german_terms), [])
    german = _main(german_terms, VARIANT)
    if german is None:
        return None, []
    left = list(concept.left)
    translate = KEEP_GERMAN not in german.categories
    english = _main(english_terms, PLURAL)
    plural = next((t for t in english_terms if PLURAL in t.categories), None)
    synonyms = [t for t in english_terms if t is not english and t is not plural]
    if english is None and translate:
        return None, [f"{german.text}: no English term"]
    forms = []
    for term in german_terms:
        if term is german:
            continue
        if term.deprecated:
            left.append(f"deprecated German term '{term.text}'")
        else:
            forms.append(term.text)
    for lang, terms in concept.sets:
        if terms and terms is not german_terms and terms is not english_terms:
            left.append(f"{lang or 'unlabelled'} terms " + ", ".join(f"'{t.text}'" for t in terms))
    entry = GlossaryEntry(
        de=german.text,
        en=english.text if english is not None else german.text,
        en_plural=plural.text if plural is not None else None,
        forms=tuple(forms),
        note=_note(concept, german, english, synonyms),
        translate=translate,
        case_sensitive=CASE_SENSITIVE in german.notes or _OLD_CASE_SENSITIVE in german.categories,
    )
    return entry, [f"{german.text}: {what} not kept" for what in left]
