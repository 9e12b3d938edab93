"""How long the generated model's English is: pieces out per piece in, and sentences at the cap.

    python bench/model_length.py [--size base|tiny] [--limit N] [--model PATH] --json

Each dev set's German (shared/eval: wmt23-term-dev, dinu2019-iate, newstest2021,
berlin-citylab), the first N lines of each (0: all), goes through transflow's engine (beam 4,
its batching and chunking). Reported per set and over all: ``model_length_ratio``, the mean
of English pieces / German pieces per line; ``at_cap``, the lines whose English reached the
decoding cap (1.5 × German pieces + 10, per engine chunk), which a model that never ends its
sentences hits on every line; and the engine's seconds. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from common import prepare_model, print_report  # type: ignore[import-not-found]

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEV_SETS = {
    "wmt23-term-dev": EVAL / "wmt23-term-dev" / "deen.de",
    "dinu2019-iate": EVAL / "dinu2019-iate" / "iate.414.deen.de",
    "newstest2021": EVAL / "newstest2021" / "newstest2021.de-en.src.de",
    "berlin-citylab": EVAL / "berlin-citylab" / "berlin_citylab.de",
}


def cap_of(pieces: list[str]) -> int:
    """The most English pieces the engine lets a line of these German pieces have."""
    from transflow.mt.engine import chunk_starts, decoding_cap

    starts = chunk_starts(pieces)
    ends = [*starts[1:], len(pieces)]
    return sum(decoding_cap(end - start) for start, end in zip(starts, ends, strict=True))


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Translate each dev set's German and report the length figures."""
    from transflow.mt.engine import Engine, EngineOptions

    package = prepare_model(args.model, args.size)
    engine = Engine(package, EngineOptions(beam_size=args.beam_size))
    engine.translate(["Aufwärmen."])  # load outside the timings
    label = f"generated-{package.generated}" if package.generated else package.name
    report: dict[str, Any] = {"model": label}
    ratios_all: list[float] = []
    at_cap_all = 0
    for name, path in DEV_SETS.items():
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines = lines[: args.limit or len(lines)]
        started = time.perf_counter()
        translations = engine.translate(lines, attention=[False] * len(lines))
        seconds = time.perf_counter() - started
        ratios, at_cap = [], 0
        for translation in translations:
            source, target = len(translation.source_spans), len(translation.target_pieces)
            ratios.append(target / max(source, 1))
            at_cap += target >= cap_of(engine.tokenize(translation.source)[0])
        report[name] = {
            "lines": len(lines),
            "german_pieces_mean": round(statistics.mean(len(t.source_spans) for t in translations), 1),
            "model_length_ratio": round(statistics.mean(ratios), 3),
            "at_cap": at_cap,
            "seconds": round(seconds, 2),
        }
        ratios_all += ratios
        at_cap_all += at_cap
    report["model_length_ratio"] = round(statistics.mean(ratios_all), 3)
    report["at_cap"] = at_cap_all
    return report


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="an .argosmodel (default: the generated model)")
    parser.add_argument("--size", choices=["tiny", "base"], default="base", help="generated model size")
    parser.add_argument("--limit", type=int, default=50, help="lines per dev set (0: all)")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
    args = parser.parse_args()
    print_report(lambda tmp: run(args))


if __name__ == "__main__":
    main()
