"""XLIFF, TBX and TMX through Translate Toolkit, so translators can work in their CAT tools."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from transflow.actions.termbase import (
    CASE_SENSITIVE,
    KEEP_GERMAN,
    PLURAL,
    VARIANT,
    XML_LANG,
    Concept,
    entry_from,
    local,
    read_concept,
    term_text,
)
from transflow.actions.unit_of_work import article, opened_memory
from transflow.actions.xliffcodes import (
    XLIFF_1_2,
    CodeProblem,
    markdown_of,
    pieces,
    read_content,
    target_pieces,
    write_content,
)
from transflow.errors import InputError
from transflow.project import Project, atomic_write
from transflow.safetext import clean_text
from transflow.slugs import no_such_article, safe_slug
from transflow.states import Origin
from transflow.terms.glossary import GlossaryEntry, add_terms, glossary_lock, load_glossary, validate
from transflow.work.assessment import assess
from transflow.work.record import MACHINE, ArticleRecord, Sentence


def _readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path}: no such file")


# What would turn one sentence into document structure in draft.en.md and on the site: a line
# break (a new paragraph, front matter, a table row) or a block marker at a line's start.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_BLOCK_MARK = re.compile(
    r"^\s{0,3}(#{1,6}(\s|$)|[-*+>](\s|$)|\d{1,9}[.)](\s|$)|(\*\s*){3,}$|(-\s*){3,}$|(_\s*){3,}$|```|~~~|\|)"
)


def shape_problem(german: str, english: str) -> str | None:
    """Why an imported English cannot stand for the one sentence ``german``, or None."""
    if _LINE_BREAKS.search(english) and not _LINE_BREAKS.search(german):
        return "a line break where the German has none (it would start a new block)"
    if _BLOCK_MARK.match(english) and not _BLOCK_MARK.match(german):
        return "block markup (heading, list, quote, rule, table or code) where the German has none"
    return None


def _unit_id(sentence: Sentence) -> str:
    return f"p{sentence.paragraph}-s{sentence.index}"


@dataclass(frozen=True)
class XliffUnit:
    """One XLIFF unit: which sentences of the record it stands for, its German and its English."""

    id: str
    sentences: tuple[int, ...]  # indices into the record's sentences
    source: str
    target: str


def xliff_units(record: ArticleRecord) -> Iterator[XliffUnit]:
    """The record as XLIFF units: one per sentence (a group of sentences would be one unit)."""
    for k, sentence in enumerate(record.sentences):
        yield XliffUnit(_unit_id(sentence), (k,), sentence.source, sentence.english)


def _digest(english: str) -> str:
    """What a unit carries of the English it was exported with (``extradata``): its hash."""
    return "sha256:" + hashlib.sha256(english.encode("utf-8")).hexdigest()


def _target_state(sentences: list[Sentence], approved: bool) -> str:
    """The XLIFF 1.2 target state: what a CAT tool shows as the segment's status."""
    if approved:
        return "final"
    if not all(s.english for s in sentences):
        return "needs-translation"
    if any(s.origin == MACHINE or s.conflict for s in sentences):
        return "needs-review-translation"
    return "translated"


def _file_header(store: Any, record: ArticleRecord) -> None:
    """The file's original, its datatype, and the generated-model notice as a file-level note."""
    from lxml import etree

    from transflow import GENERATED_NOTICE

    node = store.getfilenode("NoName")
    store.setfilename(node, record.source or "article")
    # The units hold Markdown inline markup, except those of a plain text article.
    node.set("datatype", "plaintext" if record.source.lower().endswith(".txt") else "x-markdown")
    if record.signature.generated:
        header = etree.Element(store.namespaced("header"))
        node.insert(0, header)
        note = etree.SubElement(header, store.namespaced("note"), {"from": "transflow"})
        note.text = GENERATED_NOTICE


def export_xliff(project: Project, slug: str, path: Path | None = None) -> Path:
    """Write the article as XLIFF 1.2: German source, current English, inline codes, state from the record."""
    from translate.storage import xliff

    from transflow.work.workflow import article_state

    state = article_state(project, slug)
    record = state.record
    if record is None:
        raise no_such_article(slug, project.article_slugs())
    store: Any = _xliff_1_2(xliff)(sourcelanguage="de", targetlanguage="en")
    for item in xliff_units(record):
        sentences = [record.sentences[k] for k in item.sentences]
        unit = store.addsourceunit(item.source)
        unit.setid(item.id)
        unit.settarget(item.target or " ")  # a target element even where there is no English yet
        if state.approved:
            unit.markapproved(True)
        else:  # no approved="no": CAT tools (translate-toolkit) read that as "fuzzy"
            unit.xmlelement.attrib.pop("approved", None)
        unit.xmlelement.set("extradata", _digest(item.target))  # the English this file was made with
        source = pieces(item.source)
        write_content(unit.xmlelement.find(unit.namespaced("source")), source)
        target = unit.xmlelement.find(unit.namespaced("target"))
        write_content(target, target_pieces(item.target, source) if item.target else [])
        target.set("state", _target_state(sentences, state.approved))
        for sentence in sentences:
            for term in sentence.terms:
                unit.addnote(f"term {term.status}: {term.de} → {term.en}", origin="transflow")
            for finding in sentence.findings:
                unit.addnote(f"{finding.severity} {finding.check}: {finding.message}", origin="transflow")
    _file_header(store, record)  # after the units: translate-toolkit adds them to the file "NoName"
    out = path or project.article_dir(slug) / f"{slug}.xlf"
    atomic_write(out, bytes(store))
    return out


@dataclass(frozen=True)
class XliffImport:
    """What an XLIFF import took and what it refused."""

    slug: str
    changed: int
    refused: int  # units whose German no longer matches the article
    broken: tuple[str, ...] = ()  # "unit ID: reason" for units whose inline codes came back broken
    conflicts: tuple[str, ...] = ()  # "unit ID: ..." for units whose English moved on since export


def _xliff_1_2(xliff: Any) -> Any:
    """translate-toolkit's XLIFF store writing version 1.2 (its own writes 1.1's namespace)."""

    class Unit(xliff.xliffunit):
        namespace = XLIFF_1_2

    class Store(xliff.xlifffile):
        UnitClass = Unit
        namespace = XLIFF_1_2
        XMLskeleton = xliff.xlifffile.XMLskeleton.replace("1.1", "1.2")

    return Store


def _parse_xliff(path: Path) -> Any:
    """The file as translate-toolkit's store, from German to English; anything else is refused."""
    from translate.storage import xliff

    _readable(path)
    try:
        store = xliff.xlifffile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid XLIFF file ({type(e).__name__})") from e
    languages = (store.getsourcelanguage() or "de", store.gettargetlanguage() or "en")
    if not (languages[0].lower().startswith("de") and languages[1].lower().startswith("en")):
        raise InputError(
            f"{path.name}: a {languages[0]}→{languages[1]} file; transflow takes German→English (de→en)",
            hint="export it from your CAT tool with German as the source and English as the target",
        )
    return store


def _known_record(project: Project, path: Path, slug: str) -> None:
    from transflow.work.record import RecordDamaged, load_record

    try:
        known = load_record(project.article_dir(slug))
    except RecordDamaged as e:
        raise InputError(
            f"{path.name}: the record of '{slug}' is damaged", hint="run `transflow translate`"
        ) from e
    if known is None:
        raise InputError(f"{path.name}: no translated article '{slug}'", hint="name it with --slug SLUG")


@dataclass
class _Taking:
    """One import's decisions, unit by unit."""

    path: Path
    taken: dict[int, str]
    refused: int = 0
    broken: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def consider(self, unit: Any, item: XliffUnit) -> None:
        """Take the unit's English, or say why not: broken codes, or English that moved on since export."""
        element = unit.xmlelement
        source = pieces(item.source)
        target = element.find(unit.namespaced("target"))
        if markdown_of(read_content(element.find(unit.namespaced("source")))) != item.source:
            self.refused += 1  # the German changed since export: this English is for other German
            return
        if target is None or _as_written(target) in ("", item.target):
            return  # not translated yet (not "no English"), or the English as it was exported
        try:
            english = markdown_of(read_content(target, source)).strip()
        except CodeProblem as e:
            self.broken.append(f"unit {item.id}: {e}; not taken")
            return
        if english == item.target:
            return
        exported = element.get("extradata")
        if exported and exported.startswith("sha256:") and exported != _digest(item.target):
            self.conflicts.append(
                f"unit {item.id}: the English changed since this file was exported; not taken:"
                f" now {item.target!r}, in the file {english!r}"
            )
            return
        problem = shape_problem(item.source, english)
        if problem:
            raise InputError(
                f"{self.path.name}: unit {item.id}: {problem}; nothing imported",
                hint="one unit holds one sentence: correct it in the CAT tool and export again",
            )
        self.taken[item.sentences[0]] = english


def _as_written(target: Any) -> str:
    """A target's Markdown from its own codes' content: what transflow exported, if untouched."""
    try:
        return markdown_of(read_content(target)).strip()
    except CodeProblem:
        return "\x00"  # matches no English: the codes are checked against the German next


def import_xliff(project: Project, path: Path, slug: str | None = None) -> XliffImport:
    """Take a translator's XLIFF back: changed targets become imported English (current German only).

    A unit whose English in the article changed since the file was exported is a conflict: both
    texts reported, nothing taken. A unit whose inline codes came back broken is refused.
    """
    from transflow.work.record import IMPORTED, now

    store = _parse_xliff(path)
    slug = slug or safe_slug(path.stem)
    _known_record(project, path, slug)
    with article(project, slug) as work:
        record = work.record
        by_id = {item.id: item for item in xliff_units(record)}
        taking = _Taking(path, {})
        for unit in store.units:
            if unit.isheader():
                continue
            item = by_id.get(str(unit.xmlelement.get("id")))
            if item is None:
                taking.refused += 1
                continue
            taking.consider(unit, item)
        sentences = list(record.sentences)
        for k, english in taking.taken.items():
            sentences[k] = assess(sentences[k].written_by(english, IMPORTED), work.glossary)
        changed = [sentences[k] for k in taking.taken]
        if changed:
            work.remember([(s.source, s.english) for s in changed], Origin.EDITOR)
            work.save_with_draft(replace(record, sentences=tuple(sentences), translated_at=now()))
    return XliffImport(slug, len(changed), taking.refused, tuple(taking.broken), tuple(taking.conflicts))


def _lang_set(unit: Any, lang: str) -> Any:
    """The German (``de``) or English (``en``) language set of a term entry transflow makes."""
    return next(n for n in unit.getlanguageNodes() if (n.get(XML_LANG) or "").startswith(lang))


def _term_note(unit: Any, tig: Any, kind: tuple[str, str]) -> None:
    from lxml import etree

    note = etree.SubElement(tig, unit.namespaced("termNote"))
    note.set("type", kind[0])
    note.text = kind[1]


def _add_tig(unit: Any, lang: str, text: str, kind: tuple[str, str]) -> None:
    from lxml import etree

    tig = etree.SubElement(_lang_set(unit, lang), unit.namespaced("tig"))
    etree.SubElement(tig, unit.namespaced("term")).text = text
    _term_note(unit, tig, kind)


def export_tbx(project: Project, path: Path) -> Path:
    """The glossary as TBX (core structure, TBX-Basic data categories); notes where TBX has none.

    ``forms`` are German terms of ``termType`` variant, the plural an English term of
    ``grammaticalNumber`` plural, ``translate: false`` a ``transferComment``, ``case_sensitive``
    a term note, the glossary's note the entry's ``note`` (before its language sets, as the
    TBX core structure requires).
    """
    from lxml import etree
    from translate.storage import tbx

    entries = load_glossary(project.glossary).entries
    if not entries:  # a TBX body holds at least one term entry
        raise InputError(
            "glossary.yml has no terms: no TBX written", hint="add terms with `transflow glossary add`"
        )
    store = tbx.tbxfile(sourcelanguage="de", targetlanguage="en")
    for entry in entries:
        unit = store.addsourceunit(clean_text(entry.de))
        unit.settarget(clean_text(entry.en))
        german = _lang_set(unit, "de").find(unit.namespaced("tig"))
        if not entry.translate:
            _term_note(unit, german, KEEP_GERMAN)
        if entry.case_sensitive:
            etree.SubElement(german, unit.namespaced("note")).text = CASE_SENSITIVE
        for form in entry.forms:
            _add_tig(unit, "de", clean_text(form), VARIANT)
        if entry.en_plural:
            _add_tig(unit, "en", clean_text(entry.en_plural), PLURAL)
        if entry.note:
            note = etree.Element(unit.namespaced("note"))
            note.text = clean_text(entry.note)
            unit.xmlelement.insert(0, note)
    atomic_write(path, bytes(store))
    return path


@dataclass(frozen=True)
class TbxImport:
    """What a TBX import added, the terms it left alone, and what the glossary has no place for."""

    added: list[str]
    conflicts: list[str]
    not_kept: list[str] = field(default_factory=list)


def _fields(entry: GlossaryEntry) -> tuple[Any, ...]:
    return (entry.en, entry.en_plural, entry.forms, entry.translate, entry.case_sensitive)


def _tbx_concepts(path: Path) -> list[Concept]:
    """The file's concept entries: TBX 2 through translate-toolkit, TBX 3 (``<tbx>``) through lxml."""
    from lxml import etree
    from translate.storage import tbx

    _readable(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
        if local(root) == "tbx":  # ISO 30042:2019; translate-toolkit reads TBX 2 only
            return [read_concept(e) for e in root.iter() if local(e) == "conceptEntry"]
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid TBX file ({type(e).__name__})") from e
    return [read_concept(unit.xmlelement) for unit in store.units]


def import_tbx(project: Project, path: Path) -> TbxImport:
    """Add the TBX file's terms that the glossary lacks; report terms the glossary has otherwise.

    The file must pair German with English; terms are compared and stored in NFC, so a
    term in decomposed Unicode is the same term, not a second, conflicting one. What a
    concept holds that the glossary has no place for is listed, one line each.
    """
    concepts = _tbx_concepts(path)
    with glossary_lock(project.glossary):  # no run reads the glossary half changed
        text = project.glossary.read_text(encoding="utf-8") if project.glossary.exists() else ""
        known = {term_text(e.de).casefold(): e for e in validate(text)[0]}
        new: list[GlossaryEntry] = []
        conflicts: list[str] = []
        not_kept: list[str] = []
        for concept in concepts:
            _check_languages(path, concept)
            entry, left = entry_from(concept)
            not_kept += left
            if entry is None:
                continue
            existing = known.get(entry.de.casefold())
            if existing is not None:
                if _fields(existing) != _fields(entry):
                    conflicts.append(
                        f"{entry.de}: the glossary says '{existing.en}', {path.name} says '{entry.en}'"
                        + ("" if existing.en != entry.en else " (other plural, forms or settings)")
                    )
                continue
            known[entry.de.casefold()] = entry
            new.append(entry)
        if new:
            # One parse of the glossary and one write for all new terms (a term at a time was quadratic).
            text = add_terms(text, new)
            problems = validate(text)[1]
            if problems:
                raise InputError(f"{path.name}: its terms would make glossary.yml invalid: {problems[0]}")
            atomic_write(project.glossary, text)
    return TbxImport([e.de for e in new], conflicts, not_kept)


def _check_languages(path: Path, concept: Concept) -> None:
    """A term entry pairs German with English (``xx`` is Translate Toolkit's "not given")."""
    langs = [lang for lang, _ in concept.sets]
    labelled = [lang for lang in langs if lang and lang != "xx"]
    ours = [lang for lang in labelled if lang.startswith(("de", "en"))]
    swapped = len(langs) >= 2 and langs[0].startswith("en") and langs[1].startswith("de")
    if (labelled and not ours) or (swapped and not concept.v3):
        raise InputError(
            f"{path.name}: terms in {'→'.join(langs)}; transflow needs German→English (de, en)",
            hint="export the termbase with German as the source language and English as the target",
        )


def export_tmx(project: Project, path: Path) -> tuple[Path, int]:
    """The translation memory as TMX 1.4; the note of each unit says who made it."""
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="de", targetlanguage="en")
    with opened_memory(project) as memory:
        units = memory.units()
    for unit in units:
        store.addtranslation(
            clean_text(unit.source),
            "de",
            clean_text(unit.target),
            "en",
            clean_text(f"{unit.origin} {unit.article} {unit.created_at}"),
        )
    atomic_write(path, bytes(store))
    return path, len(units)
