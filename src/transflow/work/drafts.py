"""draft.en.md, the editor's file: one ``Draft`` type parses it, renders it, says whether it was edited.

The body is the concatenation of every sentence's English and the text after it. A sentence's
"after" is the German layout (a space inside a paragraph, a blank line between paragraphs)
unless an editor changed it: then the editor's own text is kept, so merged or split
paragraphs, deleted sentences and added text survive every later run exactly.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transflow import GENERATED_NOTICE
from transflow.project import REVISIONS_DIR, atomic_write, claim_inside, read_inside
from transflow.work.record import RECORD_FILE, ArticleRecord, Sentence, record_json

DRAFT_FILE = "draft.en.md"
# A word with the whitespace after it: diffs over these keep the text exactly.
WORD_TOKEN = re.compile(r"\S+\s*|\s+")
BANNER = f"> **{GENERATED_NOTICE}**\n\n"
_REVISION = re.compile(r"^(\d{4,})\.")
_LIST_ITEM = re.compile(r"(?:> )* *(?:[-*+]|\d{1,9}[.)]) \Z")


@dataclass(frozen=True)
class Draft:
    """The parts of a draft file: its front matter (as written) and its English body."""

    front_matter: str
    body: str


def parse_draft(text: str) -> Draft:
    """Split a draft file; a BOM, CRLF line ends and the generated-model banner are not English."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front = ""
    fence = text[:4] if text[:4] in ("---\n", "+++\n") else "}\n" if text.startswith("{\n") else ""
    if fence:  # YAML, TOML (Hugo) or JSON, as render_draft writes them
        close = "\n" + fence.strip() + "\n"
        end = text.find(close, 1)
        if end == -1 and text.endswith(close.rstrip("\n")):
            end = len(text) - len(close) + 1
        if end != -1:
            opening = 0 if fence == "}\n" else 4
            front = text[opening : end + 1] + ("}\n" if fence == "}\n" else "")
            text = text[end + len(close) :]
    text = text.lstrip("\n")
    if text.startswith(BANNER.strip()):
        text = text[len(BANNER.strip()) :]
    return Draft(front, text.strip())


def _prefix(prefixes: Sequence[str], paragraph: int) -> str:
    return prefixes[paragraph] if 0 <= paragraph < len(prefixes) else ""


def default_after(sentences: Sequence[Sentence], k: int, prefixes: Sequence[str] = ()) -> str:
    """The text after sentence ``k`` in a draft nobody edited: the German paragraph layout.

    Between paragraphs it holds the next block's Markdown ("## ", "- "), so headings and
    list items come back in the English and an editor's layout change is kept like any other.
    """
    if k + 1 >= len(sentences):
        # What follows the last block (a table ending the article) is kept, not translated.
        tail = _prefix(prefixes, sentences[k].paragraph + 1)
        return "\n\n" + tail if tail else ""
    if sentences[k + 1].paragraph != sentences[k].paragraph:
        here, following = (
            _prefix(prefixes, sentences[k].paragraph),
            _prefix(prefixes, sentences[k + 1].paragraph),
        )
        # One list's items on consecutive lines: a tight list, as press releases write them.
        joint = "\n" if _LIST_ITEM.match(here) and _LIST_ITEM.match(following) else "\n\n"
        return joint + following
    return sentences[k].space_after or " "


def lead_of(sentences: Sequence[Sentence], prefixes: Sequence[str] = ()) -> str:
    """The Markdown before the first sentence (e.g. "# " of the title)."""
    return _prefix(prefixes, sentences[0].paragraph) if sentences else ""


def compose_body(sentences: Sequence[Sentence], prefixes: Sequence[str] = ()) -> tuple[str, list[int]]:
    """The English body (after the lead, see ``lead_of``) and each sentence's start offset in it."""
    parts: list[str] = []
    starts: list[int] = []
    at = 0
    for k, sentence in enumerate(sentences):
        starts.append(at)
        after = sentence.after if sentence.after is not None else default_after(sentences, k, prefixes)
        chunk = sentence.english + after
        parts.append(chunk)
        at += len(chunk)
    return "".join(parts), starts


def body_of(record: ArticleRecord) -> str:
    """The English body of the record's draft, as written to draft.en.md."""
    lead = lead_of(record.sentences, record.prefixes)
    return (lead + compose_body(record.sentences, record.prefixes)[0]).strip()


def render_draft(record: ArticleRecord) -> str:
    """The whole editor's file: front matter with the signature, then the English.

    A source's own front matter comes back in its format (YAML, TOML, JSON) with every field,
    the translatable ones in English; other articles get YAML with title, date and place.
    """
    signature: dict[str, Any] = {
        "source": record.source,
        "source_sha256": record.source_sha256,
        "translated_at": record.translated_at,
        **{k: v for k, v in record.signature.to_dict().items() if k != "generated"},
    }
    if record.signature.generated:
        signature["notice"] = GENERATED_NOTICE
    banner = BANNER if record.signature.generated else ""
    if record.front_matter is not None:
        from transflow.text.frontmatter import render_front_matter

        front = render_front_matter(record.front_matter, front_matter_english(record), signature)
        return f"{front}\n{banner}{body_of(record)}\n"
    from ruamel.yaml import YAML

    title = paragraph_english(record, title_paragraph(record)) or record.title
    meta = {k: v for k, v in (("title", title), ("date", record.date), ("place", record.place)) if v}
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(meta | signature, buffer)
    return f"---\n{buffer.getvalue()}---\n\n{banner}{body_of(record)}\n"


def front_matter_edits(record: ArticleRecord, front_text: str) -> ArticleRecord:
    """The editor's English of the front matter's own fields (``description``, ``image.alt`` …),
    read from the draft's front matter, so the next draft keeps it (the title and summary are
    edited in the body)."""
    from transflow.errors import InputError
    from transflow.text.frontmatter import field_value, load

    front = record.front_matter
    if front is None or not front.english:
        return record
    try:
        data = load(front.format, front_text, DRAFT_FILE)
    except InputError:
        return record  # a damaged front matter: the fields keep their last English
    english = dict(front.english)
    for path in english:
        value = field_value(data, path)
        if isinstance(value, str) and value.strip():
            english[path] = value
    return replace(record, front_matter=replace(front, english=tuple(english.items())))


def title_paragraph(record: ArticleRecord) -> int | None:
    """The paragraph that is the article's headline (its marker is "# "), if it has one."""
    from transflow.text.document import split_prefix

    if record.title is None:
        return None
    return next((k for k, p in enumerate(record.prefixes) if split_prefix(p)[1] == "# "), None)


def paragraph_english(record: ArticleRecord, paragraph: int | None) -> str | None:
    """One paragraph's English as the draft has it (an editor's words included), or None."""
    if paragraph is None:
        return None
    words = " ".join(s.english for s in record.sentences if s.paragraph == paragraph)
    return " ".join(words.split()) or None


def front_matter_english(record: ArticleRecord) -> dict[str, str]:
    """Each translatable front-matter field's English: the title and summary as the body has them
    (so an editor's change reaches the front matter), the others as translated on their own."""
    front = record.front_matter
    if front is None:
        return {}
    english = dict(front.english)
    in_body = {
        " ".join(" ".join(s.source for s in record.sentences if s.paragraph == k).split()): k
        for k in (title_paragraph(record), record.summary_paragraph)
        if k is not None
    }
    for path, german in front.fields:
        paragraph = in_body.get(" ".join(german.split()))
        found = paragraph_english(record, paragraph)
        if found:
            english[path] = found
    return english


def draft_sha256(text: str | bytes) -> str:
    """The hash that tells whether a draft file is still the one transflow wrote or read."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(raw).hexdigest()


def read_draft(folder: Path) -> tuple[Draft, str] | None:
    """The draft in ``folder`` and its hash, or None if there is none or it is unreadable."""
    try:
        raw = read_inside(folder / DRAFT_FILE)
    except OSError:
        return None
    text = raw.decode("utf-8", errors="replace")
    return parse_draft(text), draft_sha256(raw)


def is_edited(folder: Path, record: ArticleRecord) -> bool:
    """Was draft.en.md changed since transflow last wrote or read it?"""
    found = read_draft(folder)
    return found is not None and found[1] != record.draft_sha256


def realign(machine_body: str, starts: list[int], edited_body: str) -> list[str]:
    """Cut ``edited_body`` where the old sentences started: each sentence's English and the text after it.

    ``"".join`` of the pieces gives the edited body back exactly. Sentences whose text is
    still there, once, in order, keep it exactly (anchors); the text between two anchors is
    shared among the sentences between them by a word-level diff (difflib), so every edited
    character lands in exactly one piece. Anchors keep a repetitive text (machine English
    often repeats words) from shifting words between sentences.
    """
    if not starts:
        return []
    bounds = [*starts, len(machine_body)]
    chunks = [machine_body[a:b] for a, b in itertools.pairwise(bounds)]
    pieces: list[str | None] = [None] * len(chunks)
    at, anchored = 0, []
    for k, chunk in enumerate(chunks):
        if not chunk.strip():
            continue
        found = edited_body.find(chunk, at)
        if found == -1 or edited_body.find(chunk, found + 1) != -1:
            continue
        if not _whole_words(edited_body, found, found + len(chunk)):
            continue  # "citizen" inside "citizens": not that sentence's text
        pieces[k] = chunk
        anchored.append((k, found, found + len(chunk)))
        at = found + len(chunk)
    # The gaps: old sentences between two anchors, and the edited text between them.
    edges = [(-1, 0, 0), *anchored, (len(chunks), len(edited_body), len(edited_body))]
    for (k1, _, end1), (k2, start2, _) in itertools.pairwise(edges):
        region = edited_body[end1:start2]
        inside = list(range(k1 + 1, k2))
        if not inside:
            # Added text goes to the sentence before it, but never across a paragraph break:
            # what follows the last break (a paragraph's new first words) is the next sentence's.
            if k1 < 0:
                cut = 0
            elif k2 == len(chunks):
                cut = len(region)
            else:
                after = _after_last_break(chunks[k1] + region)
                cut = len(region) if after == 0 else max(after - len(chunks[k1]), 0)
            if cut:
                pieces[k1] = (pieces[k1] or "") + region[:cut]
            if region[cut:]:
                pieces[k2] = region[cut:] + (pieces[k2] or "")
            continue
        if k2 < len(chunks) and _ENDS_PARAGRAPH.search(chunks[k2 - 1]):
            # The next kept sentence began a paragraph: what the editor typed after the last
            # break before it (a paragraph's new first words) is its, not the gap's.
            after = _after_last_break(region)
            if after:
                pieces[k2] = region[after:] + (pieces[k2] or "")
                region = region[:after]
        old = "".join(chunks[k] for k in inside)
        local = [sum(len(chunks[j]) for j in inside[:i]) for i in range(len(inside))]
        for k, piece in zip(inside, _diff_cut(old, local, region), strict=True):
            pieces[k] = piece
    return [p or "" for p in pieces]


def _diff_cut(machine_body: str, starts: list[int], edited_body: str) -> list[str]:
    """The word-diff cut of one gap between anchors."""
    old, new = WORD_TOKEN.findall(machine_body), WORD_TOKEN.findall(edited_body)
    offsets, at = [], 0
    for token in old:
        offsets.append(at)
        at += len(token)
    token_starts = [_token_index(offsets, s) for s in starts]
    # Words are compared without their whitespace: a merged paragraph is the same words.
    words_old, words_new = [t.strip() for t in old], [t.strip() for t in new]
    opcodes = difflib.SequenceMatcher(None, words_old, words_new, autojunk=False).get_opcodes()
    cuts = [0] + [_map(i, opcodes, len(new)) for i in token_starts[1:]] + [len(new)]
    cuts = [max(cuts[: k + 1]) for k in range(len(cuts))]  # keep them in order
    # A sentence that began a paragraph begins one still: its cut moves to the nearest
    # paragraph break in the edited text around it (never past its neighbours' cuts).
    for k in range(1, len(starts)):
        if token_starts[k] == 0 or not _PARAGRAPH_BREAK.search(old[token_starts[k] - 1]):
            continue
        lo, hi = cuts[k - 1], cuts[k + 1]
        breaks = [j + 1 for j in range(lo, hi) if _PARAGRAPH_BREAK.search(new[j])]
        if breaks:
            cuts[k] = min(breaks, key=lambda j: abs(j - cuts[k]))
    return ["".join(new[a:b]) for a, b in itertools.pairwise(cuts)]


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_ENDS_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*\Z")


def _after_last_break(text: str) -> int:
    """Where the text after its last paragraph break starts (0 where it has none)."""
    found = list(_PARAGRAPH_BREAK.finditer(text))
    if not found:
        return 0
    end = found[-1].end()
    while end < len(text) and text[end] in " \t\n":
        end += 1
    return end


def _whole_words(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` not part of a longer word at either end?"""
    before = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    after = end < len(text) and text[end].isalnum() and text[end - 1].isalnum()
    return not (before or after)


def _token_index(offsets: list[int], char: int) -> int:
    import bisect

    return bisect.bisect_left(offsets, char)


def _map(i: int, opcodes: Sequence[tuple[str, int, int, int, int]], end: int) -> int:
    for op, i1, i2, j1, j2 in opcodes:
        if i1 <= i < i2:
            if op == "equal":
                return j1 + (i - i1)
            return j1 + round((i - i1) * (j2 - j1) / (i2 - i1))
        if i == i1 == i2:  # an insertion before this token: the new words go to the earlier sentence
            return j2
    return end


# ---- revisions -----------------------------------------------------------------------------------


def next_revision(folder: Path) -> int:
    """The next free revision number in ``folder/revisions`` (numbers are never reused)."""
    revisions = folder / REVISIONS_DIR
    numbers = [0]
    if revisions.is_dir():
        for path in revisions.iterdir():
            match = _REVISION.match(path.name)
            if match:
                numbers.append(int(match.group(1)))
    return max(numbers) + 1


def revision_snapshots(folder: Path, last: int | None = None) -> list[dict[str, Any]]:
    """Every machine draft's snapshot (or the ``last`` few), oldest first; version-1 snapshots read too.

    Each is ``{"revision": N, "sentences": [(German, English), ...]}``; a damaged one is left out
    (it costs its diff, nothing else).
    """
    import json

    paths = sorted((folder / REVISIONS_DIR).glob("*.json"))
    out: list[dict[str, Any]] = []
    for path in paths[-last:] if last else paths:
        try:
            data = json.loads(read_inside(path).decode("utf-8"))
            rows = data.get("sentences", data.get("segments"))
            sentences = [(str(r["source"]), str(r.get("english", r.get("draft")))) for r in rows]
            named = _REVISION.match(path.name)
            number = data.get("revision") or (int(named.group(1)) if named else len(out) + 1)
            out.append({"revision": int(number), "sentences": sentences})
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue
    return out


def keep_revision(folder: Path, suffix: str, data: str | bytes) -> Path:
    """Write a new revision file ``NNNN<suffix>``; an existing revision is never overwritten."""
    revisions = folder / REVISIONS_DIR
    number = next_revision(folder)
    while True:
        path = revisions / f"{number:04d}{suffix}"
        try:
            # Claim the name first: two writers can never pick the same file.
            claim_inside(path)
        except FileExistsError:
            number += 1
            continue
        except OSError:
            pass  # atomic_write reports it with the path
        try:
            atomic_write(path, data)
        except BaseException:
            with contextlib.suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()  # only our empty claim: nothing half-written is left
            raise
        return path


def write_article(folder: Path, record: ArticleRecord, previous: ArticleRecord | None) -> ArticleRecord:
    """Write draft.en.md, a revision and the record, atomically; return the record as written.

    A draft edited after ``previous`` was read (an editor saving during the run) is kept as a
    revision before it is replaced: an editor's text is never lost.
    """
    import json

    draft = render_draft(record)
    found = read_draft(folder)
    if found is not None and (previous is None or found[1] != previous.draft_sha256):
        keep_revision(folder, ".edited.en.md", read_inside(folder / DRAFT_FILE))
    atomic_write(folder / DRAFT_FILE, draft)
    record = replace(record, draft_sha256=draft_sha256(draft))
    snapshot = {
        "revision": next_revision(folder),
        "translated_at": record.translated_at,
        "signature": record.signature.to_dict(),
        "sentences": [
            {"paragraph": s.paragraph, "index": s.index, "source": s.source, "english": s.english}
            for s in record.sentences
        ],
    }
    keep_revision(folder, ".json", json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n")
    # The record last: it is what says the article is done.
    atomic_write(folder / RECORD_FILE, record_json(record))
    return record


def write_record(folder: Path, record: ArticleRecord) -> None:
    """Write only the record (after edits were taken in: the draft file is the editor's)."""
    atomic_write(folder / RECORD_FILE, record_json(record))
