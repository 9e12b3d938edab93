"""Word files read: a ``.docx`` article as blocks, like a Markdown article (document.py).

Headings come from the paragraph style (Title, Heading 1-9; a Subtitle is the summary),
list items from the list styles or the paragraph's own numbering (kind and depth), quotes
from the Quote styles; bold and italic runs and hyperlinks become Markdown inside the text,
tables are kept verbatim. ``wordexport`` writes the reverse, so reading an exported file
gives the draft's structure back. python-docx is imported only when a Word file is read.
"""

from __future__ import annotations

import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from transflow.errors import InputError
from transflow.text.document import (
    HEADING,
    ITEM,
    PARAGRAPH,
    QUOTE,
    SUMMARY,
    TITLE,
    VERBATIM,
    Block,
)

__all__ = ["MAX_DOCX_BYTES", "docx_blocks"]

# A press release with a photo is a few MB; the XML inside is what gets parsed, and a zip
# bomb is a small file whose XML would be gigabytes: both are capped before python-docx
# opens anything.
MAX_DOCX_BYTES = 20_000_000
MAX_DOCX_XML = 20_000_000
MAX_DOCX_ENTRIES = 2_000
# All parts, media included: a photo or two is a few MB, and python-docx inflates every part
# into memory (issue 29: a 1.6 MB file with a 1.5 GiB image part took 4.7 GB).
MAX_DOCX_UNPACKED = 100_000_000
MAX_RATIO = 100  # deflate tops out near 1000:1; Word's XML is 5-20:1, photos about 1:1
MAX_RELS = 100_000
MAX_TEXT = 1_000_000  # characters of text, like MAX_SOURCE_BYTES for a text file
_HEADING_STYLE = re.compile(r"(?:heading|überschrift)\s*(\d)", re.IGNORECASE)
_LIST_STYLE = re.compile(r"list\s+(bullet|number|continue)(?:\s+(\d))?", re.IGNORECASE)
_QUOTE_STYLES = {"quote", "intense quote", "zitat", "intensives zitat"}
_CODE_STYLES = {"macro", "macro text", "html preformatted", "plain text"}
_MONOSPACE = {"courier new", "courier", "consolas", "menlo", "monaco", "lucida console", "source code pro"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\t\n\r\v\f"), " ")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What wordexport writes for a picture: a link "[picture: alt]" to the picture's address.
_PICTURE_MARKER = re.compile(r"\[picture: (.*)\]")
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
_ONLY_PICTURES = re.compile(r"(?:!\[[^\]\n]*\]\([^()\s]*\)\s*)+")


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    url: str | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_SPACES)
    return _CONTROL.sub("", text)


def _check_package(raw: bytes, name: str) -> None:
    """Refuse what is not a Word file, or would unpack to far more than a press release.

    Every figure comes from the zip's headers, before any part is inflated: zipfile never
    inflates a part past the size its header states (a lie fails the CRC), so the caps hold.
    """
    if len(raw) > MAX_DOCX_BYTES:
        raise InputError(f"{name}: larger than {MAX_DOCX_BYTES // 1_000_000} MB, skipped")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            entries = package.infolist()
            if len(entries) > MAX_DOCX_ENTRIES:
                raise InputError(f"{name}: {len(entries)} parts inside, not a press release; skipped")
            sizes = {e.filename: e.file_size for e in entries}
            if "word/document.xml" not in sizes:
                raise InputError(f"{name}: a zip file without a Word document inside; skipped")
            main = _main_part(package, sizes, name)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as e:
        raise InputError(f"{name}: not a Word file (.docx is a zip package); skipped") from e
    # python-docx parses the part _rels/.rels names as the document, whatever its name ends with.
    xml = sum(size for part, size in sizes.items() if part.endswith((".xml", ".rels")) or part == main)
    if xml > MAX_DOCX_XML:
        raise InputError(
            f"{name}: its XML unpacks to {xml // 1_000_000} MB (more than {MAX_DOCX_XML // 1_000_000} MB);"
            " skipped"
        )
    # python-docx reads every part into memory, media too: the whole package is capped.
    total = sum(sizes.values())
    if total > MAX_DOCX_UNPACKED:
        raise InputError(
            f"{name}: its parts unpack to {total // 1_000_000} MB"
            f" (more than {MAX_DOCX_UNPACKED // 1_000_000} MB); skipped"
        )
    for entry in entries:
        if entry.file_size > 1_000_000 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise InputError(
                f"{name}: part {entry.filename} is compressed more than {MAX_RATIO}:1 (a zip bomb?); skipped"
            )


def _main_part(package: zipfile.ZipFile, sizes: dict[str, int], name: str) -> str:
    """The part ``_rels/.rels`` names as the document (``word/document.xml`` when it names none)."""
    from lxml import etree

    size = sizes.get("_rels/.rels")
    if size is None:
        return "word/document.xml"
    if size > MAX_RELS:
        raise InputError(f"{name}: _rels/.rels is {size // 1000} KB, not a Word file's; skipped")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(package.read("_rels/.rels"), parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"{name}: _rels/.rels is not XML; skipped") from e
    for rel in root:
        if str(rel.get("Type", "")).endswith("/officeDocument"):
            return posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
    return "word/document.xml"


def docx_blocks(raw: bytes, name: str) -> list[Block]:
    """The blocks of a Word file; ``InputError`` for one that is not a readable ``.docx``."""
    _check_package(raw, name)
    try:
        import docx

        document = docx.Document(io.BytesIO(raw))
        return _Reader(document).blocks()
    except InputError:
        raise
    except Exception as e:  # python-docx and lxml raise many kinds for a damaged package
        raise InputError(f"{name}: a damaged Word file, cannot be read ({type(e).__name__}); skipped") from e


class _Reader:
    """Walks a python-docx Document once, keeping the open lists' counters."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.out: list[Block] = []
        self.verbatim: list[str] = []
        self.lists: list[list[Any]] = []  # per depth: [ordered, next number]
        self.formats: dict[tuple[str, str], str] = {}
        self.size = 0
        self._numbering = self._read_numbering()

    def _read_numbering(self) -> dict[tuple[str, str], str]:
        """(numId, level) → numFmt ("bullet", "decimal", ...) from the numbering part."""
        try:
            root = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract = {}
        for node in root.findall(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                levels[lvl.get(f"{_W}ilvl", "0")] = fmt.get(f"{_W}val", "") if fmt is not None else ""
            abstract[node.get(f"{_W}abstractNumId")] = levels
        formats = {}
        for num in root.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            levels = abstract.get(ref.get(f"{_W}val") if ref is not None else None, {})
            for level, fmt in levels.items():
                formats[(str(num.get(f"{_W}numId")), level)] = fmt
        return formats

    def blocks(self) -> list[Block]:
        for item in self.document.iter_inner_content():
            if hasattr(item, "rows"):
                self.lists.clear()
                self.verbatim.append(_table_markdown(item))
            else:
                self._paragraph(item)
        if self.verbatim:
            self.out.append(Block(VERBATIM, "", "\n\n".join(self.verbatim), verbatim=tuple(self.verbatim)))
        return self.out

    def _add(self, kind: str, text: str, marker: str, **extra: Any) -> None:
        self.size += len(text)
        if self.size > MAX_TEXT:
            raise InputError(f"more than {MAX_TEXT // 1000}k characters of text, not a press release")
        lead = "".join(v + "\n\n" for v in self.verbatim)
        self.out.append(Block(kind, text, lead + marker, verbatim=tuple(self.verbatim), **extra))
        self.verbatim.clear()

    def _paragraph(self, paragraph: Any) -> None:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        lowered = style.lower()
        if lowered in _CODE_STYLES:
            code = _clean_lines(paragraph.text)
            if code.strip():
                self.lists.clear()
                self.verbatim.append(f"```\n{code}\n```")
            return
        for alt in _pictures(paragraph):  # a photo is not translated, but never silently dropped
            self.verbatim.append(f"[picture: {alt}]")
        text = _inline_markdown(_runs(paragraph))
        if not text:
            return
        if _ONLY_PICTURES.fullmatch(text):  # pictures on their own: kept as written, not translated
            self.lists.clear()
            self.verbatim.append(text)
            return
        list_kind = self._list_kind(paragraph, style)
        if list_kind is None:
            self.lists.clear()
        if lowered == "title" and not any(b.kind == TITLE for b in self.out):
            self._add(TITLE, text, "# ", level=1)
        elif lowered == "subtitle" and not any(b.kind == SUMMARY for b in self.out):
            self._add(SUMMARY, text, "")
        elif heading := _HEADING_STYLE.fullmatch(lowered):
            level = min(max(int(heading.group(1)), 1), 6)
            self._add(HEADING, text, "#" * level + " ", level=level)
        elif list_kind is not None:
            self._item(text, *list_kind)
        elif lowered in _QUOTE_STYLES:
            self._add(QUOTE, text, "> ")
        else:
            self._add(PARAGRAPH, text, "")

    def _list_kind(self, paragraph: Any, style: str) -> tuple[bool | None, int] | None:
        """(ordered, depth) of a list paragraph, ordered None for a continuation; None if no list."""
        ppr = paragraph._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None and numpr.numId is not None and str(numpr.numId.val) != "0":
            level = str(numpr.ilvl.val) if numpr.ilvl is not None else "0"
            fmt = self._numbering.get((str(numpr.numId.val), level), "bullet")
            return fmt not in ("bullet", "none", ""), int(level)
        match = _LIST_STYLE.fullmatch(style.strip())
        if match:
            depth = int(match.group(2) or 1) - 1
            kind = match.group(1).lower()
            return (None if kind == "continue" else kind == "number"), depth
        return None

    def _item(self, text: str, ordered: bool | None, depth: int) -> None:
        depth = min(depth, len(self.lists))  # a list never skips a level in Markdown
        if ordered is None:  # a second paragraph of the item above
            if depth < len(self.lists):
                kept = self.lists[depth][0]
                del self.lists[depth + 1 :]
                self._add(ITEM, text, "   " * depth + "   ", ordered=kept, depth=depth)
                return
            ordered = False
        del self.lists[depth + 1 :]
        if depth == len(self.lists) or self.lists[depth][0] != ordered:
            self.lists[depth:] = [[ordered, 1]]
        number = self.lists[depth][1]
        self.lists[depth][1] += 1
        marker = f"{number}. " if ordered else "- "
        self._add(ITEM, text, "   " * depth + marker, ordered=ordered, depth=depth)


def _pictures(paragraph: Any) -> list[str]:
    """The pictures in a paragraph, each as its alt text (Word's description), else its name."""
    found = []
    for props in paragraph._p.iter(_DOC_PR):
        alt = _clean(props.get("descr") or props.get("title") or props.get("name") or "")
        found.append(" ".join(alt.split()).replace("]", ")") or "no description")
    return found


def _clean_lines(text: str) -> str:
    lines = (_CONTROL.sub("", unicodedata.normalize("NFC", line)).rstrip() for line in text.split("\n"))
    return "\n".join(lines)


def _runs(paragraph: Any) -> list[_Run]:
    """A paragraph's text as runs with their formatting; a hyperlink's runs carry its URL."""
    out: list[_Run] = []
    for item in paragraph.iter_inner_content():
        if hasattr(item, "address"):  # a Hyperlink
            url = item.url or None
            out.extend(_run(r, url) for r in item.runs)
        else:
            out.append(_run(item, None))
    return out


def _run(run: Any, url: str | None) -> _Run:
    style = (run.style.name if run.style is not None else "").lower()
    font = (run.font.name or "").lower()
    return _Run(
        run.text,
        bold=bool(run.bold) or style in ("strong", "fett"),
        italic=bool(run.italic) or style in ("emphasis", "hervorhebung"),
        code=font in _MONOSPACE,
        url=url,
    )


def _inline_markdown(runs: Sequence[_Run]) -> str:
    """Runs as one line of Markdown: **bold**, *italic*, `code`, [text](url)."""
    merged: list[_Run] = []
    for run in runs:
        text = _clean(run.text)
        if not text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].code, merged[-1].url) == (
            run.bold,
            run.italic,
            run.code,
            run.url,
        ):
            last = merged[-1]
            merged[-1] = _Run(last.text + text, last.bold, last.italic, last.code, last.url)
        else:
            merged.append(_Run(text, run.bold, run.italic, run.code, run.url))
    parts: list[str] = []
    k = 0
    while k < len(merged):
        run = merged[k]
        if run.url:  # one link, whatever the formatting of its runs
            label = []
            while k < len(merged) and merged[k].url == run.url:
                label.append(merged[k].text)
                k += 1
            parts.append(_link("".join(label), run.url))
            continue
        parts.append(_format(run))
        k += 1
    return " ".join("".join(parts).split())


def _link(label: str, url: str) -> str:
    label = " ".join(label.split())
    picture = _PICTURE_MARKER.fullmatch(label)
    label = label.replace("[", "(").replace("]", ")")
    # Spaces, brackets and invisible or direction-changing characters (U+202E) would end the
    # Markdown link or hide its real target from the editor: they are percent-encoded.
    target = "".join(
        _percent(c) if c in " ()<>" or unicodedata.category(c)[0] in "CZ" else c for c in url.strip()
    )
    if picture:
        return f"![{picture.group(1).replace(']', ')')}]({target})"
    return f"[{label}]({target})" if label else f"<{target}>"


def _percent(char: str) -> str:
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def _format(run: _Run) -> str:
    """One run's text with its emphasis; the spaces around it stay outside the markers."""
    core = run.text.strip()
    if not core:
        return run.text
    lead = run.text[: len(run.text) - len(run.text.lstrip())]
    trail = run.text[len(run.text.rstrip()) :]
    if run.code:
        core = f"`{core}`" if "`" not in core else core
    else:
        if run.italic:
            core = f"*{core}*"
        if run.bold:
            core = f"**{core}**"
    return f"{lead}{core}{trail}"


def _table_markdown(table: Any) -> str:
    """A table as a Markdown table, kept verbatim (cells are not translated)."""
    rows = []
    for row in table.rows:
        cells = [" ".join(_clean(cell.text).split()).replace("|", "\\|") for cell in row.cells]
        rows.append("| " + " | ".join(cells) + " |")
    if not rows:
        return ""
    width = rows[0].count(" | ") + 1
    return "\n".join([rows[0], "|" + "---|" * width, *rows[1:]])
