"""XLIFF, TBX and TMX through Translate Toolkit, so translators can work in their CAT tools."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transflow.assessment import assess
from transflow.errors import InputError
from transflow.glossary import add_term, load_glossary, validate
from transflow.memory import Memory
from transflow.project import Project, atomic_write, run_lock
from transflow.record import MACHINE, Sentence


def _readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path}: no such file")


def _unit_id(sentence: Sentence) -> str:
    return f"p{sentence.paragraph}-s{sentence.index}"


def export_xliff(project: Project, slug: str, path: Path | None = None) -> Path:
    """Write the article's sentences as XLIFF 1.2: German source, current English, state from the record."""
    from translate.storage import xliff

    from transflow.workflow import article_state

    state = article_state(project, slug)
    if state.record is None:
        raise InputError(f"no translated article '{slug}'", hint="run `transflow translate` first")
    store: Any = xliff.xlifffile(sourcelanguage="de", targetlanguage="en")
    for sentence in state.record.sentences:
        unit = store.addsourceunit(sentence.source)
        unit.settarget(sentence.english)
        unit.setid(_unit_id(sentence))
        unit.markapproved(state.approved)
        # XLIFF 1.2 target states: what a CAT tool shows as the segment's status.
        if state.approved:
            target_state = "final"
        elif sentence.origin == MACHINE or sentence.conflict:
            target_state = "needs-review-translation"
        else:
            target_state = "translated"
        unit.xmlelement.find(unit.namespaced("target")).set("state", target_state)
        for term in sentence.terms:
            unit.addnote(f"term {term.status}: {term.de} → {term.en}", origin="transflow")
        for finding in sentence.findings:
            unit.addnote(f"{finding.severity} {finding.check}: {finding.message}", origin="transflow")
    if state.record.sentences:
        store.setfilename(store.getfilenode("NoName"), state.record.source)
    out = path or project.article_dir(slug) / f"{slug}.xlf"
    atomic_write(out, bytes(store))
    return out


@dataclass(frozen=True)
class XliffImport:
    """What an XLIFF import took and what it refused."""

    slug: str
    changed: int
    refused: int  # units whose German no longer matches the article


def import_xliff(project: Project, path: Path, slug: str | None = None) -> XliffImport:
    """Take a translator's XLIFF back: changed targets become imported English (current German only)."""
    from translate.storage import xliff

    from transflow.drafts import is_edited, write_article
    from transflow.editing import sync_edits
    from transflow.glossary import load_glossary
    from transflow.record import IMPORTED, RecordDamaged, load_record, now

    _readable(path)
    try:
        store = xliff.xlifffile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid XLIFF file ({type(e).__name__})") from e
    slug = slug or path.stem
    folder = project.article_dir(slug)
    glossary = load_glossary(project.glossary)
    with run_lock(project):
        try:
            record = load_record(folder)
        except RecordDamaged as e:
            raise InputError(
                f"{path.name}: the record of '{slug}' is damaged", hint="run `transflow translate`"
            ) from e
        if record is None:
            raise InputError(f"{path.name}: no translated article '{slug}'", hint="name it with --slug SLUG")
        memory = Memory.of(project)
        try:
            if is_edited(folder, record):
                record, _ = sync_edits(folder, record, memory, glossary)
            by_id = {_unit_id(s): k for k, s in enumerate(record.sentences)}
            sentences = list(record.sentences)
            changed, refused = [], 0
            for unit in store.units:
                if unit.target is None or unit.isheader():
                    continue
                key = str(unit.getid()).split("\x04")[-1]
                k = by_id.get(key)
                if k is None or str(unit.source) != sentences[k].source:
                    refused += 1  # the German changed since export: this English is for other German
                    continue
                english = str(unit.target).strip()
                if english != sentences[k].english:
                    sentences[k] = assess(
                        replace(
                            sentences[k],
                            english=english,
                            origin=IMPORTED,
                            machine=sentences[k].machine
                            if sentences[k].machine is not None
                            else sentences[k].english,
                            written_for=None,
                            suggestion=None,
                        ),
                        glossary,
                    )
                    changed.append(sentences[k])
            if changed:
                pairs = [(s.source, s.english) for s in changed]
                memory.store(slug, pairs, "editor", json.dumps(record.signature.to_dict(), sort_keys=True))
                updated = replace(record, sentences=tuple(sentences), translated_at=now())
                write_article(folder, updated, record)
        finally:
            memory.close()
    if changed:
        from transflow.review import write_index, write_review

        write_review(project, slug)
        write_index(project)
    return XliffImport(slug, len(changed), refused)


def export_tbx(project: Project, path: Path) -> Path:
    """The glossary as TBX (German term, English rendering, editors' note)."""
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="de", targetlanguage="en")
    for entry in load_glossary(project.glossary).entries:
        unit = store.addsourceunit(entry.de)
        unit.settarget(entry.en)
        if entry.note:
            unit.addnote(entry.note)
    atomic_write(path, bytes(store))
    return path


def import_tbx(project: Project, path: Path) -> list[str]:
    """Add the TBX file's terms that the glossary lacks; return the German terms added."""
    from translate.storage import tbx

    _readable(path)
    try:
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid TBX file ({type(e).__name__})") from e
    text = project.glossary.read_text(encoding="utf-8") if project.glossary.exists() else ""
    known = {e.de.casefold() for e in validate(text)[0]}
    added = []
    for unit in store.units:
        de, en = (unit.source or "").strip(), (unit.target or "").strip()
        if not de or not en or de.casefold() in known:
            continue
        note = unit.getnotes().strip() or None
        text = add_term(text, de, en, note=note, translate=en != de)
        known.add(de.casefold())
        added.append(de)
    if added:
        atomic_write(project.glossary, text)
    return added


def export_tmx(project: Project, path: Path) -> tuple[Path, int]:
    """The translation memory as TMX 1.4; the note of each unit says who made it."""
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage="de", targetlanguage="en")
    memory = Memory.of(project)
    try:
        units = memory.units()
    finally:
        memory.close()
    for unit in units:
        store.addtranslation(
            unit.source, "de", unit.target, "en", f"{unit.origin} {unit.article} {unit.created_at}"
        )
    atomic_write(path, bytes(store))
    return path, len(units)
