"""Word files written: ``transflow export docx`` turns an English draft into a ``.docx``.

The draft's Markdown is read into blocks (document.py) and each block gets its Word style:
Title, Subtitle (the summary), Heading 1-6, List Bullet / List Number (2, 3 for nesting),
List Continue, Quote; bold, italic and code runs and real hyperlinks inside. Each list is
one Word numbering with a level per depth, so Word, LibreOffice and pandoc see one nested
list. Tables become Word tables, pictures a visible ``[picture: alt]`` marker, other
untranslated blocks "macro" paragraphs, so ``wordfile`` reads the same structure back. The
file's properties are the article's (title, author, now, en-GB), not python-docx's template.
python-docx is imported only when a file is written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transflow.project import Project, atomic_write
from transflow.slugs import no_such_article
from transflow.text.document import (
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

__all__ = ["docx_from_markdown", "export_docx"]


def export_docx(project: Project, slug: str, path: Path | None = None) -> Path:
    """Write the English draft (as an editor left it) to ``path`` or ``output/<slug>/<slug>.en.docx``."""
    from transflow.work.drafts import body_of, read_draft
    from transflow.work.record import load_record

    folder = project.article_dir(slug)
    record = load_record(folder) if folder.is_dir() else None
    if record is None:
        raise no_such_article(slug, project.article_slugs())
    found = read_draft(folder)
    body = found[0].body if found is not None else body_of(record)
    notice = None
    if record.signature.generated:
        from transflow import GENERATED_NOTICE

        notice = GENERATED_NOTICE
    from transflow.settings import load_settings

    settings = load_settings(project.root)
    author = settings.author or settings.town or "transflow"
    path = path or folder / f"{slug}.en.docx"
    word = docx_from_markdown(body, notice=notice, summary=record.summary_paragraph, author=author)
    atomic_write(path, word)
    return path


def docx_from_markdown(
    body: str, notice: str | None = None, summary: int | None = None, author: str = "transflow"
) -> bytes:
    """A Word file with the structure of a Markdown draft body; a leading "# " line is its Title.

    Block ``summary`` (the article's summary or teaser) is its Subtitle. A ``notice`` (the
    generated test model's) goes in the page header, outside the text.
    """
    import docx

    document = docx.Document()
    blocks = markdown_blocks(body)
    title = ""
    if blocks and blocks[0].kind == HEADING and blocks[0].level == 1:
        blocks[0] = Block(TITLE, blocks[0].text, "# ", level=1, verbatim=blocks[0].verbatim)
        title = _plain(blocks[0].text)[:255]
    _properties(document, title, author)
    numbering = _Numbering(document, blocks)
    if notice:
        document.sections[0].header.paragraphs[0].text = notice
    if summary is not None and 0 <= summary < len(blocks) and blocks[summary].kind == PARAGRAPH:
        blocks[summary] = replace(blocks[summary], kind=SUMMARY)
    for k, block in enumerate(blocks):
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
            numbering.number(paragraph, k, block.depth)
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


def _properties(document: Any, title: str, author: str) -> None:
    """The file's own properties: the article's title, its author, now, British English; no
    template thumbnail (python-docx's says "python-docx", 2013-12-23, and shows its own page)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    now = datetime.now(UTC).replace(microsecond=0)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = now
    props.language = "en-GB"
    props.revision, props.comments, props.keywords, props.subject = 1, "", "", ""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            del package.rels[rel_id]
    # The text's language, for spelling and screen readers: every run inherits the default.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_props = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if run_props is not None:
        lang = run_props.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_props.append(lang)
        lang.set(qn("w:val"), "en-GB")


class _Numbering:
    """One Word numbering per list of the draft, a level per depth (bullets or numbers as the
    list's first item at that depth has them): nested items are one list, not flat lists."""

    def __init__(self, document: Any, blocks: list[Block]) -> None:
        self.part = document.part.numbering_part.element
        self.ids: dict[int, int] = {}  # block index → numId
        run: list[int] = []
        for k, block in enumerate([*blocks, None]):
            if block is None or block.kind != ITEM:
                self._list(blocks, run)
                run = []
                continue
            # A table before it, or a top-level item of the other kind, starts a new list.
            other = block.depth == 0 and run and blocks[run[0]].ordered != block.ordered
            if block.verbatim or other:
                self._list(blocks, run)
                run = []
            run.append(k)

    def _list(self, blocks: list[Block], run: list[int]) -> None:
        if not run:
            return
        ordered: dict[int, bool] = {}
        for k in run:
            ordered.setdefault(blocks[k].depth, blocks[k].ordered)
        num_id = self._define(ordered)
        self.ids.update(dict.fromkeys(run, num_id))

    def _define(self, ordered: dict[int, bool]) -> int:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        taken = [int(n) for n in self.part.xpath("./w:abstractNum/@w:abstractNumId | ./w:num/@w:numId")]
        new = max(taken, default=0) + 1
        levels = "".join(_level(depth, ordered.get(depth, False)) for depth in range(9))
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{new}">'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>'
        )
        first_num = self.part.find(abstract.tag.replace("abstractNum", "num"))
        if first_num is not None:
            first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums
        else:
            self.part.append(abstract)
        self.part.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{new}"><w:abstractNumId w:val="{new}"/></w:num>')
        )
        return new

    def number(self, paragraph: Any, block: int, depth: int) -> None:
        """Make ``paragraph`` (list item ``blocks[block]``) an item of its list's numbering."""
        num_id = self.ids.get(block)
        if num_id is None:
            return
        props = paragraph._p.get_or_add_pPr()
        numbering = props.get_or_add_numPr()
        numbering.get_or_add_ilvl().val = depth
        numbering.get_or_add_numId().val = num_id


def _level(depth: int, ordered: bool) -> str:
    """One level of a list numbering: "1." as the Markdown has it, or a bullet; indented by depth."""
    kind, text = ("decimal", f"%{depth + 1}.") if ordered else ("bullet", "•◦▪"[depth % 3])
    indent = 720 * (depth + 1)
    return (
        f'<w:lvl w:ilvl="{depth}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl>'
    )


_PICTURE = re.compile(r"!\[([^\]\n]*)\]\(([^()\s]*)\)")


def picture_marker(alt: str, src: str) -> str:
    """What a picture becomes in Word: a visible marker with its alt text (its file name without one)."""
    return f"[picture: {' '.join(alt.split()) or src.rsplit('/', 1)[-1] or 'no description'}]"


def _picture(paragraph: Any, alt: str, src: str) -> None:
    """A picture as its visible marker, a link to the picture where it has an address
    (wordfile reads such a link back as the picture)."""
    if src:
        _hyperlink(paragraph, picture_marker(alt, src), src, False, True)
    else:
        paragraph.add_run(picture_marker(alt, src)).italic = True


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
    elif _PICTURE.search(text) and not _PICTURE.sub("", text).strip():  # pictures on their own
        paragraph = document.add_paragraph()
        for found in _PICTURE.finditer(text):
            _picture(paragraph, *found.groups())
        return
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
                _picture(paragraph, child.content, str(child.attrs.get("src", "")))
            elif url is not None:
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
