"""Term success and chrF of transflow's engine with and without a glossary.

    python bench/terms.py --src DE --ref EN --terms TERMS [--model PATH.argosmodel]
                          [--limit N] [--beam-size B] --json

TERMS has one JSON value per line, a list ``[{"de": ..., "en": ...}]`` or an object
``{"terms": [...]}``; each line's terms are that sentence's glossary. Without ``--model``
the generated base model is built and used (its English is gibberish: only term success
means anything then). Packages go to a temp folder, never the user's home.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from common import prepare_model, print_report  # type: ignore[import-not-found]


def read_terms(path: Path) -> list[list[tuple[str, str]]]:
    """One list of (German, English) pairs per line, in either of the shared/eval shapes."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        value = json.loads(line) if line.strip() else []
        items = value.get("terms", []) if isinstance(value, dict) else value
        rows.append([(t["de"], t["en"]) for t in items if t.get("de") and t.get("en")])
    return rows


def term_success(outputs: list[str], terms: list[list[tuple[str, str]]]) -> float:
    """Share of required English terms present in the output (case-insensitive, whole words)."""
    from transflow.terms.enforcement import rendering_present

    total = sum(len(t) for t in terms)
    hits = sum(
        rendering_present(out, en) for out, pairs in zip(outputs, terms, strict=True) for _, en in pairs
    )
    return hits / total if total else 1.0


def translate_lines(engine: Any, lines: list[str], glossaries: list[Any]) -> list[str]:
    """Each line as a paragraph through transflow: segmentation, one engine stream, enforcement.

    A line's terms are constraints on the whole line: each is enforced in the segment whose
    German it matches best.
    """
    from transflow.actions.translate import enforce_glossary
    from transflow.terms.glossary import Glossary
    from transflow.text.segmentation import split_paragraph

    segmented = [split_paragraph(line) for line in lines]
    flat = [s for segs in segmented for s in segs]
    translations = engine.translate([s.text for s in flat])
    outputs, k = [], 0
    for segs, glossary in zip(segmented, glossaries, strict=True):
        parts = []
        owner = _owners(segs, glossary)
        for j, seg in enumerate(segs):
            mine = Glossary(tuple(e for e in glossary.entries if owner.get(e.de, 0) == j))
            parts.append(enforce_glossary(seg, translations[k], mine, constraints=True).english)
            k += 1
        outputs.append(" ".join(parts))
    return outputs


def _owners(segments: list[Any], glossary: Any) -> dict[str, int]:
    """Which segment of a line each term belongs to: the one where the matcher finds it."""
    from transflow.terms.enforcement import find_terms

    owner: dict[str, int] = {}
    for j, seg in enumerate(segments):
        for match in find_terms(seg.text, glossary):
            owner.setdefault(match.entry.de, j)
    return owner


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Translate with and without terms; return the JSON report."""
    import sacrebleu

    from transflow.mt.engine import Engine, EngineOptions
    from transflow.terms.glossary import Glossary

    src = args.src.read_text(encoding="utf-8").splitlines()
    ref = args.ref.read_text(encoding="utf-8").splitlines()
    terms = read_terms(args.terms)
    n = min(len(src), len(ref), len(terms), args.limit or len(src))
    src, ref, terms = src[:n], ref[:n], terms[:n]
    package = prepare_model(args.model, args.size)
    engine = Engine(package, EngineOptions(beam_size=args.beam_size))
    engine.translate(["Aufwärmen."])  # load outside the timings
    report: dict[str, Any] = {
        "model": package.name if not package.generated else f"generated-{package.generated}",
        "sentences": n,
        "terms": sum(len(t) for t in terms),
    }
    conditions = (
        ("with_terms", [Glossary.from_pairs(t) for t in terms]),
        ("without_terms", [Glossary()] * n),
    )
    for name, glossaries in conditions:
        started = time.perf_counter()
        outputs = translate_lines(engine, src, glossaries)
        seconds = time.perf_counter() - started
        report[name] = {
            "term_success": round(term_success(outputs, terms), 4),
            "chrf": round(sacrebleu.corpus_chrf(outputs, [ref]).score, 2),
            "seconds": round(seconds, 2),
        }
    return report


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, required=True)
    parser.add_argument("--ref", type=Path, required=True)
    parser.add_argument("--terms", type=Path, required=True)
    parser.add_argument("--model", type=Path, help="a real .argosmodel (default: generated base model)")
    parser.add_argument("--size", choices=["tiny", "base"], default="base", help="generated model size")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
    args = parser.parse_args()
    print_report(lambda tmp: run(args))


if __name__ == "__main__":
    main()
