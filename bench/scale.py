"""transflow at scale: one changed sentence, a no-op run and `status` on 10,000 articles, big glossaries.

    python bench/scale.py [--articles 10000] [--templates 50] [--repeats 5] --json

In one run, on one machine, with the generated base model installed:
1. one change: a project of TEMPLATES articles in `sources/` shape (newstest2021 German,
   a dateline and two paragraphs) is translated, one sentence of one article is changed,
   and a cold `transflow translate` process is timed (model load, discover, the engine, the
   files, the index); `one_change_engine_sentences` is what that run sent to the engine;
2. 10,000 articles: the same templates are cloned under 10,000 names (sources and output
   folders, so every article is really translated and unchanged), then cold
   `transflow translate` (a no-op) and `transflow status` processes are timed, REPEATS
   times each, alternately; the first no-op run builds the change cache and is reported
   on its own (`noop_10k_first_seconds`), as are the two runs that find every file past
   the racy window and judge each article by its cached verdicts (`*_per_article_seconds`);
   the runs after those find the whole project's digest unchanged; the figures are
   medians with min and max; then the one change of step 1 is timed again in the
   10,000-article project (`one_change_10k_*`): a run that translates anything still looks
   at every other article and rewrites the index of all of them;
3. the glossary figures come from bench/scale_glossary.py (20,000 generated terms).

The templates are translated with the generated tiny model's engine under the base model's
signature (the English is gibberish either way), so building the 10,000 articles takes
seconds, not an hour. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import isolate_home, measure, prepare_model  # type: ignore[import-not-found]

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "eval" / "newstest2021" / "newstest2021.de-en.src.de"
PER_ARTICLE = 4  # small articles: two paragraphs of two sentences


def name(i: int) -> str:
    """The file stem (and slug) of article ``i``."""
    return f"news-{i:05d}"


def german(i: int, lines: list[str]) -> str:
    """Article ``i`` in the shape of the shipped seed article: date, dateline, paragraphs."""
    chunk = [lines[(i * PER_ARTICLE + k) % len(lines)] for k in range(PER_ARTICLE)]
    half = PER_ARTICLE // 2
    return f"date 2021-0{1 + i % 9} Berlin - {' '.join(chunk[:half])}\n\n{' '.join(chunk[half:])}\n"


def build_templates(project: Path, templates: int, tiny: Any) -> None:
    """TEMPLATES translated articles, made in-process with the tiny model's engine."""
    from transflow.actions.translate import run_translate
    from transflow.mt.engine import Engine, EngineOptions
    from transflow.project import Project

    lines = [line.strip() for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    (project / "sources").mkdir(parents=True)
    shutil.copy(ROOT / "glossary.yml", project / "glossary.yml")
    for i in range(templates):
        (project / "sources" / f"{name(i)}.txt").write_text(german(i, lines), encoding="utf-8")
    run_translate(
        Project(project),
        options=EngineOptions(threads=2),
        engine_factory=lambda _package, options: Engine(tiny, options),
    )


def clone(project: Path, templates: int, articles: int) -> None:
    """Articles TEMPLATES… under their own names: source, draft, record, revision, review page."""
    sources, output = project / "sources", project / "output"
    for i in range(templates, articles):
        j = i % templates
        old, new = name(j), name(i)
        shutil.copyfile(sources / f"{old}.txt", sources / f"{new}.txt")
        folder = output / new
        (folder / "revisions").mkdir(parents=True)
        draft = (output / old / "draft.en.md").read_bytes().replace(old.encode(), new.encode())
        (folder / "draft.en.md").write_bytes(draft)
        record = (output / old / "segments.json").read_text(encoding="utf-8").replace(old, new)
        record = re.sub(
            r'"draft_sha256": "[0-9a-f]+"', f'"draft_sha256": "{hashlib.sha256(draft).hexdigest()}"', record
        )
        (folder / "segments.json").write_text(record, encoding="utf-8")
        for extra in ("revisions/0001.json", "review.html"):
            shutil.copyfile(output / old / extra, folder / extra)


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each command, by command


def transflow(project: Path, *args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one cold transflow process (its CPU seconds go to CPU)."""
    return process([sys.executable, "-m", "transflow", *args, "--project", str(project)], args[0])


def process(command: list[str], name: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one process; it must succeed."""
    run = measure(command)
    if run["returncode"] != 0:
        raise SystemExit(f"{' '.join(command)} failed: {run['stderr']}")
    CPU.setdefault(name, []).append(run["cpu_seconds"])
    return run["seconds"], run["peak_rss_kb"]


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max, rounded."""
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def one_change(project: Path, repeats: int) -> dict[str, Any]:
    """A cold run after one German sentence of one article changed, REPEATS times (median)."""
    source = project / "sources" / f"{name(0)}.txt"
    original = source.read_text(encoding="utf-8")
    times, engine, decoding, rss, pieces = [], [], [], [], []
    for k in range(repeats):
        source.write_text(original.replace(" - ", f" - Neu {k}: ", 1), encoding="utf-8")
        seconds, peak = transflow(project, "translate", "--threads", "2")
        stats = json.loads((project / "output" / ".transflow" / "last-run.json").read_text())
        times.append(seconds)
        engine.append(stats["engine_sentences"])
        decoding.append(stats["engine_seconds"])
        pieces.append(stats["target_pieces"])
        rss.append(peak / 1024)
    return {
        "times": times,
        "engine_sentences": max(engine),
        "target_pieces": max(pieces),
        "engine_seconds": decoding,
        "other_seconds": [t - d for t, d in zip(times, decoding, strict=True)],
        "peak_rss_mb": max(rss),
    }


def glossary_figures() -> dict[str, float]:
    """The 20,000-term glossary figures (bench/scale_glossary.py)."""
    from scale_glossary import (  # type: ignore[import-not-found]
        glossary_add_seconds,
        match_ms_per_sentence,
        tbx_import_seconds,
    )

    return {
        "match_ms_per_sentence_20k_terms": match_ms_per_sentence(n_terms=20000),
        "glossary_add_seconds_20k": glossary_add_seconds(n_terms=20000),
        "tbx_import_seconds_20k": tbx_import_seconds(n_terms=20000),
    }


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """All figures, one JSON report."""
    isolate_home(tmp)
    from transflow.mt.engine import install_model
    from transflow.testing.make_model import make_model
    from transflow.work import changes

    base = prepare_model(None, "base")
    # The tiny model is unpacked beside, not installed: the base model is the one in use.
    packages = os.environ["ARGOS_PACKAGES_DIR"]
    os.environ["ARGOS_PACKAGES_DIR"] = str(tmp / "tiny-packages")
    tiny = install_model(make_model(tmp / "generated-tiny.argosmodel", "tiny"))
    os.environ["ARGOS_PACKAGES_DIR"] = packages

    project = tmp / "project"
    build_templates(project, args.templates, tiny)
    transflow(project, "translate")  # warm the OS file cache and the model checksum cache
    change = one_change(project, args.repeats)

    clone(project, args.templates, args.articles)
    build_ended = time.time()
    first, _ = transflow(project, "translate")  # builds the change cache
    transflow(project, "status")  # adds the states to it
    # Once every file is past the racy window, a no-op run and status judge each article from
    # its cached verdicts and keep their whole result under one digest; the runs after those
    # (the medians below) find that digest. These two are the look-up-per-article figures.
    time.sleep(max(0.0, changes.RACY_NS / 1e9 - (time.time() - build_ended)) + 0.5)
    per_article = {"translate": transflow(project, "translate")[0], "status": transflow(project, "status")[0]}
    CPU.clear()
    noop, status, startup = [], [], []
    for _ in range(args.repeats):
        noop.append(transflow(project, "translate")[0])
        status.append(transflow(project, "status")[0])
        # What every command pays before it looks at a file: the interpreter and the CLI's imports.
        startup.append(process([sys.executable, "-c", "import transflow.cli"], "startup")[0])
    # The same change in the 10,000-article project: every run that translates anything also
    # looks at every other article (twice in discovery, once for edits) and rewrites the index.
    change_10k = one_change(project, args.repeats)
    report: dict[str, Any] = {
        "one_change_seconds": round(statistics.median(change["times"]), 3),
        "one_change_engine_sentences": change["engine_sentences"],
        # What the engine decoded for it: the generated model writes one piece per German piece.
        "one_change_target_pieces": change["target_pieces"],
        # The run split in two: inside CTranslate2 (the generated model decodes every sentence
        # to the length cap, see README) and everything else (start-up, files, pages).
        "one_change_engine_seconds": round(statistics.median(change["engine_seconds"]), 3),
        "one_change_other_seconds": round(statistics.median(change["other_seconds"]), 3),
        "one_change_10k_seconds": round(statistics.median(change_10k["times"]), 3),
        "one_change_10k_engine_seconds": round(statistics.median(change_10k["engine_seconds"]), 3),
        "one_change_10k_other_seconds": round(statistics.median(change_10k["other_seconds"]), 3),
        "noop_10k_seconds": round(statistics.median(noop), 3),
        "status_10k_seconds": round(statistics.median(status), 3),
        "peak_rss_mb": round(change["peak_rss_mb"], 1),
    }
    # NaN (a figure not measured) is not JSON: null.
    report.update({k: None if v != v else v for k, v in glossary_figures().items()})
    report["details"] = {
        "model": f"generated-{base.generated}",
        "articles": args.articles,
        "templates": args.templates,
        "repeats": args.repeats,
        "peak_rss_of": "the one-change run (cold transflow translate process)",
        "one_change_seconds": spread(change["times"]),
        "one_change_engine_seconds": spread(change["engine_seconds"]),
        "one_change_other_seconds": spread(change["other_seconds"]),
        "one_change_10k_seconds": spread(change_10k["times"]),
        "one_change_10k_engine_seconds": spread(change_10k["engine_seconds"]),
        "one_change_10k_other_seconds": spread(change_10k["other_seconds"]),
        "noop_10k_first_seconds": round(first, 3),
        "noop_10k_per_article_seconds": round(per_article["translate"], 3),
        "status_10k_per_article_seconds": round(per_article["status"], 3),
        "noop_10k_seconds": spread(noop),
        "status_10k_seconds": spread(status),
        "cpu_seconds": {name: spread(values) for name, values in CPU.items()},
        "startup_seconds": spread(startup),
        "load_average": round(os.getloadavg()[0], 2),
    }
    return report


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--templates", type=int, default=50, help="distinct articles, cloned")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it, for profiling")
    args = parser.parse_args()
    import tempfile

    if args.keep:
        args.keep.mkdir(parents=True)
        report = run(args, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            report = run(args, Path(tmp))
    print(json.dumps(report))
    sys.stdout.flush()
    os._exit(0)  # skip CTranslate2's slow teardown


if __name__ == "__main__":
    main()
