"""Word files: ``.docx`` articles read into blocks, English drafts written as ``.docx``.

Reading gives the same blocks as a Markdown article (document.py): headings by paragraph
style (Title, Heading 1-9), list items from the list styles or the paragraph's numbering
(kind and depth), quotes, bold and italic runs and hyperlinks as Markdown inside the text,
tables kept verbatim. Writing is the reverse for ``transflow export docx``, so reading an
exported file gives the draft's structure back. python-docx is imported only here, and
only when a Word file is read or written.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transflow.document import (
    HEADING,
    ITEM,
    PARAGRAPH,
    QUOTE,
    SUMMARY,
    TITLE,
    VERBATIM,
    Block,
    markdown_blocks,
)
from transflow.errors import InputError
from transflow.project import Project, atomic_write

__all__ = ["MAX_DOCX_BYTES", "docx_blocks", "docx_from_markdown", "export_docx"]

# A press release with a photo is a few MB; the XML inside is what gets parsed, and a zip
# bomb is a small file whose XML would be gigabytes: both are capped before python-docx
# opens anything.
MAX_DOCX_BYTES = 20_000_000
MAX_DOCX_XML = 20_000_000
MAX_DOCX_ENTRIES = 2_000
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
    """Refuse what is not a Word file, or would unpack to far more than a press release."""
    if len(raw) > MAX_DOCX_BYTES:
        raise InputError(f"{name}: larger than {MAX_DOCX_BYTES // 1_000_000} MB, skipped")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{name}: not a Word file (.docx is a zip package); skipped") from e
    if len(entries) > MAX_DOCX_ENTRIES:
        raise InputError(f"{name}: {len(entries)} parts inside, not a press release; skipped")
    if "word/document.xml" not in {e.filename for e in entries}:
        raise InputError(f"{name}: a zip file without a Word document inside; skipped")
    xml = sum(e.file_size for e in entries if e.filename.endswith((".xml", ".rels")))
    if xml > MAX_DOCX_XML:
        raise InputError(
            f"{name}: its XML unpacks to {xml // 1_000_000} MB (more than {MAX_DOCX_XML // 1_000_000} MB);"
            " skipped"
        )


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
        text = _inline_markdown(_runs(paragraph))
        if not text:
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
    label = " ".join(label.split()).replace("[", "(").replace("]", ")")
    # Spaces, brackets and invisible or direction-changing characters (U+202E) would end the
    # Markdown link or hide its real target from the editor: they are percent-encoded.
    target = "".join(
        _percent(c) if c in " ()<>" or unicodedata.category(c)[0] in "CZ" else c for c in url.strip()
    )
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


# ---- writing -------------------------------------------------------------------------------------


def export_docx(project: Project, slug: str) -> Path:
    """Write the article's English draft (as an editor left it) to ``output/<slug>/<slug>.en.docx``."""
    from transflow.drafts import body_of, read_draft
    from transflow.record import load_record

    folder = project.article_dir(slug)
    record = load_record(folder) if folder.is_dir() else None
    if record is None:
        raise InputError(f"no translated article '{slug}'", hint="run `transflow translate` first")
    found = read_draft(folder)
    body = found[0].body if found is not None else body_of(record)
    notice = None
    if record.signature.generated:
        from transflow import GENERATED_NOTICE

        notice = GENERATED_NOTICE
    path = folder / f"{slug}.en.docx"
    atomic_write(path, docx_from_markdown(body, notice=notice, summary=record.summary_paragraph))
    return path


def docx_from_markdown(body: str, notice: str | None = None, summary: int | None = None) -> bytes:
    """A Word file with the structure of a Markdown draft body; a leading "# " line is its Title.

    Block ``summary`` (the article's summary or teaser) is its Subtitle. A ``notice`` (the
    generated test model's) goes in the page header, outside the text.
    """
    import docx

    document = docx.Document()
    blocks = markdown_blocks(body)
    if blocks and blocks[0].kind == HEADING and blocks[0].level == 1:
        blocks[0] = Block(TITLE, blocks[0].text, "# ", level=1, verbatim=blocks[0].verbatim)
        document.core_properties.title = _plain(blocks[0].text)[:255]
    if notice:
        document.sections[0].header.paragraphs[0].text = notice
    if summary is not None and 0 <= summary < len(blocks) and blocks[summary].kind == PARAGRAPH:
        blocks[summary] = replace(blocks[summary], kind=SUMMARY)
    for block in blocks:
        for verbatim in block.verbatim:
            _write_verbatim(document, verbatim)
        if block.kind == VERBATIM:
            continue
        if block.kind == TITLE:
            paragraph = document.add_paragraph(style="Title")
        elif block.kind == HEADING:
            paragraph = document.add_paragraph(style=f"Heading {block.level}")
        elif block.kind == ITEM:
            paragraph = document.add_paragraph(style=_list_style(block))
        elif block.kind == QUOTE:
            paragraph = document.add_paragraph(style="Quote")
        elif block.kind == SUMMARY:
            paragraph = document.add_paragraph(style="Subtitle")
        else:
            paragraph = document.add_paragraph()
        _write_inline(paragraph, block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _plain(markdown: str) -> str:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parseInline(markdown)
    return "".join(c.content for c in (tokens[0].children or []) if c.type in ("text", "code_inline"))


def _list_style(block: Block) -> str:
    level = "" if block.depth == 0 else f" {min(block.depth + 1, 3)}"
    if block.prefix.rstrip("\n").split("\n")[-1].strip(" >") == "":
        return f"List Continue{level}"
    return f"List {'Number' if block.ordered else 'Bullet'}{level}"


def _write_verbatim(document: Any, text: str) -> None:
    """A table as a Word table, anything else (code, raw HTML, pictures) as it was written."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    if tokens and tokens[0].type == "table_open":
        rows = _table_rows(tokens)
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for cells, row in zip(rows, table.rows, strict=True):
            for value, cell in zip(cells, row.cells, strict=False):
                cell.text = _plain(value)
        return
    if tokens and tokens[0].type in ("fence", "code_block"):
        text = tokens[0].content.rstrip("\n")
    from transflow.safetext import clean_text

    paragraph = document.add_paragraph(style="macro")
    for k, line in enumerate(clean_text(text).split("\n")):
        if k:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _table_rows(tokens: Iterable[Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token.content)
    return rows or [[""]]


def _write_inline(paragraph: Any, text: str) -> None:
    """Markdown inline text as runs: bold, italic, code and real hyperlinks."""
    from markdown_it import MarkdownIt

    from transflow.safetext import clean_text

    tokens = MarkdownIt("commonmark").parseInline(clean_text(text))
    bold = italic = 0
    url: str | None = None
    children = tokens[0].children if tokens else []
    for child in children or []:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            url = str(child.attrs.get("href", ""))
        elif kind == "link_close":
            url = None
        elif kind in ("text", "code_inline", "softbreak", "hardbreak", "html_inline", "image"):
            value = child.content if kind not in ("softbreak", "hardbreak") else " "
            if kind == "image":
                value = f"![{child.content}]({child.attrs.get('src', '')})"
            if url is not None:
                _hyperlink(paragraph, value, url, bold > 0, italic > 0)
            else:
                run = paragraph.add_run(value)
                run.bold, run.italic = bold > 0 or None, italic > 0 or None
                if kind == "code_inline":
                    run.font.name = "Courier New"


def _hyperlink(paragraph: Any, text: str, url: str, bold: bool, italic: bool) -> None:
    """A real Word hyperlink (python-docx has no call for it: the XML is built here)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    previous = paragraph._p[-1] if len(paragraph._p) else None
    if previous is not None and previous.tag == qn("w:hyperlink"):
        rel = previous.get(qn("r:id"))
        if paragraph.part.rels[rel].target_ref == url:  # the next run of the same link
            link = previous
            link.append(_link_run(text, bold, italic))
            return
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    link.append(_link_run(text, bold, italic))
    paragraph._p.append(link)


def _link_run(text: str, bold: bool, italic: bool) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    for flag, tag in ((bold, "w:b"), (italic, "w:i")):
        if flag:
            props.append(OxmlElement(tag))
    props.append(color)
    props.append(underline)
    run.append(props)
    node = OxmlElement("w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    run.append(node)
    return run
