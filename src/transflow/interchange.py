"""XLIFF, TBX and TMX through Translate Toolkit, so translators can work in their CAT tools."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from transflow.editing import BANNER, Sentence, compose_body, sync_edits
from transflow.errors import InputError
from transflow.glossary import add_term, load_glossary, validate
from transflow.memory import Memory
from transflow.project import Project, atomic_write, read_record, run_lock
from transflow.safetext import clean_text
from transflow.slugs import safe_slug

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _readable(path: Path) -> None:
    if not path.is_file():
        raise InputError(f"{path}: no such file")


def _unit_id(paragraph: int, index: int) -> str:
    return f"p{paragraph}-s{index}"


def export_xliff(project: Project, slug: str, path: Path | None = None) -> Path:
    """Write the article's sentences as XLIFF 1.1/1.2 (German source, current English target)."""
    from translate.storage import xliff

    record = read_record(project, slug)
    if not record:
        raise InputError(f"no translated article '{slug}'", hint="run `transflow translate` first")
    store: Any = xliff.xlifffile(sourcelanguage="de", targetlanguage="en")
    for segment in record["segments"]:
        unit = store.addsourceunit(segment["source"])
        unit.settarget(segment["draft"])
        unit.setid(_unit_id(segment["paragraph"], segment["index"]))
    out = path or project.article_dir(slug) / f"{slug}.xlf"
    atomic_write(out, bytes(store))
    return out


def import_xliff(project: Project, path: Path, slug: str | None = None) -> tuple[str, int]:
    """Take a translator's XLIFF back: changed targets become editors' English. Returns (slug, changed)."""
    from translate.storage import xliff

    _readable(path)
    try:
        store = xliff.xlifffile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid XLIFF file ({type(e).__name__})") from e
    slug = slug or safe_slug(path.stem)
    record = read_record(project, slug)
    if not record:
        raise InputError(f"{path.name}: no translated article '{slug}'", hint="name it with --slug SLUG")
    targets = {u.getid().split("\x04")[-1]: u.target for u in store.units if u.target is not None}
    segments = record["segments"]
    ids = [_unit_id(s["paragraph"], s["index"]) for s in segments]
    if not set(targets) <= set(ids):
        raise InputError(f"{path.name}: its units do not belong to '{slug}' (was the article re-translated?)")
    english = [str(targets.get(i, s["draft"])) for i, s in zip(ids, segments, strict=True)]
    changed = sum(e != s["draft"] for e, s in zip(english, segments, strict=True))
    folder = project.article_dir(slug)
    with run_lock(project):
        text = (folder / "draft.en.md").read_text(encoding="utf-8")
        head = text[: text.find("\n---\n", 4) + 5] if text.startswith("---\n") else ""
        banner = BANNER if BANNER in text else ""
        body, _ = compose_body(
            [
                Sentence(s["paragraph"], e, s.get("space_after", " "))
                for s, e in zip(segments, english, strict=True)
            ]
        )
        atomic_write(folder / "draft.en.md", f"{head}\n{banner}{body}\n")
        memory = Memory.of(project)
        try:
            sync_edits(project, slug, memory)
        finally:
            memory.close()
    return slug, changed


def export_tbx(project: Project, path: Path) -> Path:
    """The glossary as TBX (German term, English rendering, editors' note)."""
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage="de", targetlanguage="en")
    for entry in load_glossary(project.glossary).entries:
        unit = store.addsourceunit(clean_text(entry.de))
        unit.settarget(clean_text(entry.en))
        if entry.note:
            unit.addnote(clean_text(entry.note))
    atomic_write(path, bytes(store))
    return path


def import_tbx(project: Project, path: Path) -> list[str]:
    """Add the TBX file's terms that the glossary lacks; return the German terms added.

    The file must pair German with English; terms are compared and stored in NFC, so a
    term in decomposed Unicode is the same term, not a second, conflicting one.
    """
    from translate.storage import tbx

    _readable(path)
    try:
        store = tbx.tbxfile.parsefile(str(path))
    except Exception as e:
        raise InputError(f"{path.name}: not a valid TBX file ({type(e).__name__})") from e
    text = project.glossary.read_text(encoding="utf-8") if project.glossary.exists() else ""
    known = {_term(e.de).casefold() for e in validate(text)[0]}
    added = []
    for unit in store.units:
        _check_languages(path, unit)
        de, en = _term(unit.source or ""), _term(unit.target or "")
        if not de or not en or de.casefold() in known:
            continue
        note = _term(unit.getnotes()) or None
        text = add_term(text, de, en, note=note, translate=en != de)
        known.add(de.casefold())
        added.append(de)
    if added:
        problems = validate(text)[1]
        if problems:
            raise InputError(f"{path.name}: its terms would make glossary.yml invalid: {problems[0]}")
        atomic_write(project.glossary, text)
    return added


def _term(text: str) -> str:
    """A term from a file: NFC, clean of control characters, single spaces."""
    return " ".join(clean_text(unicodedata.normalize("NFC", text)).split())


def _check_languages(path: Path, unit: Any) -> None:
    """A term entry pairs German with English (``xx`` is Translate Toolkit's "not given")."""
    langs = [
        str(element.get(_XML_LANG) or "").lower()
        for element in unit.xmlelement.iter()
        if isinstance(element.tag, str) and element.tag.endswith("langSet")
    ]
    foreign = [lang for lang in langs if lang and lang != "xx" and not lang.startswith(("de", "en"))]
    swapped = len(langs) >= 2 and langs[0].startswith("en") and langs[1].startswith("de")
    if foreign or swapped:
        raise InputError(
            f"{path.name}: terms in {'→'.join(langs)}; transflow needs German→English (de, en)",
            hint="export the termbase with German as the source language and English as the target",
        )


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
            clean_text(unit.source),
            "de",
            clean_text(unit.target),
            "en",
            clean_text(f"{unit.origin} {unit.article} {unit.created_at}"),
        )
    atomic_write(path, bytes(store))
    return path, len(units)
