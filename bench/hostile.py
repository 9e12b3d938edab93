"""Hostile input benchmark: a run on one huge line without full stops against the same text with them.

Builds a German text of ``--kb`` kilobytes from newstest2021 (repeated as needed), then, in
one run on one machine, times two cold ``transflow translate`` processes:

- ``sentences``: the text as it is, one sentence per full stop, paragraphs of ten sentences;
- ``single_line``: the same words on one line with every full stop (and ? and !) removed,
  so the sentence splitter finds one "sentence" of the whole text.

It reports wall time, peak RSS of each process, and ``ratio`` (single_line / sentences).
The issue's targets: peak RSS of the single-line run under 1 GB, ratio under 2.

``--word-bombs`` instead reads two Word bombs of issue 29 in a cold process each and reports
the seconds to refuse and the process's peak RSS (targets: under 1 s and under 300 MB):

- ``media``: a 1.5 GiB ``word/media/image1.png`` part of zeros in a file of about 1.6 MB;
- ``main``: ``_rels/.rels`` names ``word/main.dat``, 84 MB of XML, beside a small document.xml.

    python bench/hostile.py --json     # 980 KB (the source limit is 1 MB), generated tiny model, beam 4
    python bench/hostile.py --kb 200 --beam-size 1 --json
    python bench/hostile.py --word-bombs
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import measure as measure_process  # type: ignore[import-not-found]
from common import prepare_model, print_report

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "eval" / "newstest2021" / "newstest2021.de-en.src.de"


def texts(kilobytes: int) -> tuple[str, str]:
    """The same words twice: as sentences in paragraphs, and as one line without sentence ends."""
    lines = [line.strip() for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences: list[str] = []
    size = 0
    while size < kilobytes * 1000:
        for line in lines:
            sentences.append(line)
            size += len(line.encode("utf-8")) + 1
            if size >= kilobytes * 1000:
                break
    paragraphs = [" ".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10)]
    normal = "\n\n".join(paragraphs) + "\n"
    run_on = " ".join(re.sub(r"[.?!]+(?=\s|$|[\"“”„])", "", s) for s in sentences) + "\n"
    return normal, run_on


def run(project: Path, threads: int, beam: int) -> dict[str, Any]:
    """Wall seconds and peak RSS (MB) of one cold `transflow translate` process."""
    command = [sys.executable, "-m", "transflow", "translate", "--project", str(project)]
    command += ["--threads", str(threads), "--beam-size", str(beam)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"transflow translate failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    record = json.loads(next((project / "output").glob("*/segments.json")).read_text(encoding="utf-8"))
    stats = json.loads((project / "output" / ".transflow" / "last-run.json").read_text(encoding="utf-8"))
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "segments": len(record["segments"]),
        "engine_seconds": stats["engine_seconds"],
        "target_pieces": stats["target_pieces"],
    }


def word_bomb(kind: str) -> bytes:
    """The two Word bombs of issue 29 (see the module's docstring)."""
    import io
    import zipfile

    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as plain:
        parts = {i.filename: plain.read(i) for i in plain.infolist()}
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        if kind == "main":
            parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/main.dat")
            run = b"<w:p><w:r><w:t>" + b"Der Rat tagt. " * 70 + b"</w:t></w:r></w:p>"
            body = run * (84_000_000 // len(run))
            parts["word/main.dat"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body>" + body)
        for name, data in parts.items():
            package.writestr(name, data)
        if kind == "media":
            with package.open("word/media/image1.png", "w", force_zip64=True) as member:
                for _ in range(1536):
                    member.write(bytes(2**20))
    return bomb.getvalue()


_READ = """
import json, sys, time
from pathlib import Path
from transflow.text.articles import parse_article
from transflow.errors import InputError
started = time.perf_counter()
try:
    parse_article(Path(sys.argv[1]))
    refused = None
except InputError as e:
    refused = e.message
print(json.dumps({"seconds": time.perf_counter() - started, "refused": refused}), file=sys.stderr)
"""


def word_bombs(tmp: Path) -> dict[str, Any]:
    """Seconds to refuse each Word bomb and the peak RSS of the process that read it."""
    report: dict[str, Any] = {}
    for kind in ("media", "main"):
        path = tmp / f"{kind}.docx"
        path.write_bytes(word_bomb(kind))
        result = measure_process([sys.executable, "-c", _READ, str(path)])
        read = json.loads(result["stderr"].strip().splitlines()[-1])
        report[kind] = {
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "refused": read["refused"],
            "seconds": round(read["seconds"], 3),
            "peak_rss_mb": round(result["peak_rss_kb"] / 1024),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--kb", type=int, default=980, help="size of the text in KB (default 980: the source limit is 1 MB)"
    )
    parser.add_argument("--model", type=Path, help="an .argosmodel (default: the generated tiny model)")
    parser.add_argument("--size", default="tiny", choices=["tiny", "base"], help="generated model size")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print one JSON line (the default)")
    parser.add_argument("--word-bombs", action="store_true", help="only the Word bombs of issue 29")
    args = parser.parse_args()
    if args.word_bombs:
        print_report(word_bombs)  # exits

    def measure(tmp: Path) -> dict[str, Any]:
        package = prepare_model(args.model, args.size)
        normal, run_on = texts(args.kb)
        report: dict[str, Any] = {
            "model": package.name,
            "kb": args.kb,
            "beam_size": args.beam_size,
            "threads": args.threads or os.cpu_count(),
        }
        for name, text in (("sentences", normal), ("single_line", run_on)):
            project = tmp / name
            (project / "sources").mkdir(parents=True)
            (project / "sources" / "text.txt").write_text(text, encoding="utf-8")
            report[name] = {"bytes": len(text.encode("utf-8")), **run(project, args.threads, args.beam_size)}
        report["ratio"] = round(report["single_line"]["seconds"] / report["sentences"]["seconds"], 2)
        return report

    print_report(measure)


if __name__ == "__main__":
    main()
