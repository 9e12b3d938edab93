"""Throughput of `transflow translate` against raw CTranslate2 and stock argostranslate.

    python bench/throughput.py [--model PATH.argosmodel] [--articles N] [--naive-articles K] --json

In one run, on one machine and the same sentences:
1. builds N articles in `sources/` shape (newstest2021 German, ~6 sentences each, one
   sentence with glossary terms added to each) in a temp project;
2. times `transflow translate` end to end in a cold process (model load included, output/
   removed first) and raw `ctranslate2.Translator.translate_batch` on exactly the distinct
   sentences transflow sent to the engine (same beam size and threads; model load not
   included) at its fastest: CTranslate2's own length-sorted batching with the token batch
   size (`raw_batch_tokens`) that a first sweep over RAW_SWEEP finds fastest (`raw_sweep`:
   seconds and peak RSS per size), each raw run in a fresh process too
   (a long-lived process drifted: 78, 86, 97 s for the same raw run), REPEATS times, alternating which
   goes first (A B, B A, ...): each pair gives one ratio, `ratio_raw` is their median and
   `ratio_raw_runs` all of them (the shared machine's load changes within minutes; a pair
   measured back to back sees the same load, a lone measurement does not);
3. then a no-op run and a run after one sentence of one article changed;
4. times stock `argostranslate.translate.translate(text, "de", "en")` per article (what a
   user would write instead). With the generated model this is not comparable: argos
   decodes to its own 256-token limit, so only K articles (default 2) are timed.

The last line printed is one JSON object. Without --model the generated base model is used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import measure, prepare_model, print_report  # type: ignore[import-not-found]
from transflow.mt.engine import EngineOptions

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "eval" / "newstest2021" / "newstest2021.de-en.src.de"
TERM_SENTENCES = [
    "Die Kümmerer der Stadt unterstützen Zuwanderer im Alltag.",
    "Der Bürgermeister dankte den Ehrenamtlern des Stellwerks.",
    "Haupt- und Ehrenamt arbeiten bei der dezentralen Unterbringung zusammen.",
    "Der Märkische Kreis fördert die Integrationsarbeit der Geflüchteten.",
]
PER_ARTICLE = 6
RAW_SWEEP = (512, 1024, 2048, 4096)  # token batch sizes raw CTranslate2 is tried with
BATCH_TOKENS = EngineOptions().max_batch_tokens  # transflow's own token batches


def build_corpus(project: Path, articles: int) -> None:
    """A temp project with N news articles and the shipped glossary."""
    lines = [line.strip() for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    (project / "sources").mkdir(parents=True)
    shutil.copy(ROOT / "glossary.yml", project / "glossary.yml")
    for i in range(articles):
        chunk = lines[i * PER_ARTICLE : (i + 1) * PER_ARTICLE]
        # One term sentence an article, each its own (transflow translates a repeated one once).
        term = TERM_SENTENCES[i % len(TERM_SENTENCES)][:-1] + f", heißt es in Mitteilung {i + 1}."
        chunk.insert(len(chunk) // 2, term)
        body = " ".join(chunk[:3]) + "\n\n" + " ".join(chunk[3:])
        (project / "sources" / f"news-{i:03d}.txt").write_text(f"date 2021-0{1 + i % 9} Berlin - {body}\n")


DEVICE = ["cpu"]  # set from --device


def run_transflow(project: Path, threads: int, beam: int) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one cold `transflow translate` process."""
    command = [sys.executable, "-m", "transflow", "translate", "--project", str(project)]
    command += ["--device", DEVICE[0]]
    command += ["--threads", str(threads), "--beam-size", str(beam)]
    run = measure(command)
    if run["returncode"] != 0:
        raise SystemExit(f"transflow translate failed: {run['stderr']}")
    return run["seconds"], run["peak_rss_kb"]


def engine_sentences(project: Path) -> list[str]:
    """The distinct sentences transflow sent to the engine on the cold run (it translates each once)."""
    from transflow.work.record import load_record

    out: dict[str, None] = {}
    for folder in sorted(p.parent for p in (project / "output").glob("*/segments.json")):
        record = load_record(folder)
        out |= dict.fromkeys(s.source for s in record.sentences) if record else {}
    return list(out)


def run_raw(package: Any, sentences: list[str], threads: int, beam: int, batch_tokens: int) -> dict[str, Any]:
    """Raw CTranslate2 on the same sentences: its own length-sorted batching of ``batch_tokens``."""
    import ctranslate2
    import sentencepiece

    from transflow.mt.engine import DECODING_LIMIT, MAX_SOURCE_PIECES, decoding_cap

    sp = sentencepiece.SentencePieceProcessor(model_file=str(next(package.path.glob("*.model"))))
    from transflow.mt.engine import resolve_device

    device = resolve_device(DEVICE[0])
    translator = ctranslate2.Translator(
        str(package.path / "model"),
        device=device,
        inter_threads=1,
        intra_threads=threads if device == "cpu" else 0,
    )
    pieces = []
    for s in sentences:
        tokens = sp.encode(s, out_type=str)
        pieces += [
            tokens[i : i + MAX_SOURCE_PIECES] for i in range(0, max(len(tokens), 1), MAX_SOURCE_PIECES)
        ]
    started = time.perf_counter()
    results = translator.translate_batch(
        pieces,
        beam_size=beam,
        max_batch_size=batch_tokens,
        batch_type="tokens",
        max_decoding_length=DECODING_LIMIT,
    )
    tokens = sum(
        min(len(r.hypotheses[0]), decoding_cap(len(p))) for p, r in zip(pieces, results, strict=True)
    )
    seconds = time.perf_counter() - started
    return condition(seconds, len(sentences), tokens)


def raw_in_fresh_process(
    tmp: Path, sentences: list[str], threads: int, beam: int, batch_tokens: int
) -> dict[str, Any]:
    """``run_raw`` in a new process, as transflow's half is: neither inherits the other's state."""
    given, result = tmp / "raw-sentences.json", tmp / "raw-result.json"
    given.write_text(json.dumps(sentences), encoding="utf-8")
    command = [sys.executable, __file__, "--raw-worker", str(given), str(result)]
    command += ["--threads", str(threads), "--beam-size", str(beam), "--device", DEVICE[0]]
    command += ["--raw-batch-tokens", str(batch_tokens)]
    run = measure(command)
    if run["returncode"] != 0:
        raise SystemExit(f"raw CTranslate2 failed: {run['stderr']}")
    report: dict[str, Any] = json.loads(result.read_text())
    report["peak_rss_mb"] = round(run["peak_rss_kb"] / 1024, 1)
    return report


def raw_worker(given: Path, result: Path, threads: int, beam: int, batch_tokens: int) -> None:
    """The child of ``raw_in_fresh_process``: the installed model, the given sentences."""
    from transflow.mt.engine import find_model

    sentences = json.loads(given.read_text(encoding="utf-8"))
    result.write_text(json.dumps(run_raw(find_model(), sentences, threads, beam, batch_tokens)))


def run_naive(project: Path, articles: int) -> dict[str, Any]:
    """Stock argostranslate, one translate() call per article, as a user would write it."""
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
    # argostranslate skips its spaCy download when this folder exists; the package ships its own.
    (Path(os.environ["XDG_CACHE_HOME"]) / "argos-translate" / "spacy" / "senter" / "model").mkdir(
        parents=True
    )
    from transflow.text.articles import parse_article

    texts = [
        "\n\n".join(parse_article(p).paragraphs)
        for p in sorted((project / "sources").glob("*.txt"))[:articles]
    ]
    import argostranslate.translate

    argostranslate.translate.translate("Aufwärmen.", "de", "en")  # load outside the timing
    started = time.perf_counter()
    outputs = [argostranslate.translate.translate(t, "de", "en") for t in texts]
    seconds = time.perf_counter() - started
    from transflow.text.segmentation import segment_paragraphs

    sentences = sum(len(segment_paragraphs(t.split("\n\n"))) for t in texts)
    return condition(seconds, sentences, sum(len(o.split()) for o in outputs)) | {"articles": len(texts)}


def condition(seconds: float, sentences: int, tokens: int) -> dict[str, Any]:
    """One measured condition."""
    return {
        "seconds": round(seconds, 2),
        "sentences": sentences,
        "sentences_per_s": round(sentences / seconds, 3),
        "target_tokens_per_s": round(tokens / seconds, 1),
    }


def fresh_run(project: Path, threads: int, beam: int) -> tuple[float, int, dict[str, Any]]:
    """A cold `transflow translate` of every article (output/ removed first): seconds, peak KB, last-run."""
    shutil.rmtree(project / "output", ignore_errors=True)
    seconds, peak_kb = run_transflow(project, threads, beam)
    stats = json.loads((project / "output" / ".transflow" / "last-run.json").read_text())
    return seconds, peak_kb, stats


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """All conditions, one JSON report."""
    package = prepare_model(args.model, args.size)
    DEVICE[0] = args.device
    threads = args.threads or os.cpu_count() or 1
    project = tmp / "project"
    build_corpus(project, args.articles)

    # transflow and raw CTranslate2 alternate (A B, B A, A B, ...) so a slow spell of the
    # shared machine falls on both; each pair gives one ratio and the median is reported.
    pairs: list[tuple[dict[str, Any], dict[str, Any], float]] = []
    peak_kb = 0
    # The sentences first, then raw CTranslate2's fastest token batch size for them.
    _, _, stats = fresh_run(project, threads, args.beam_size)
    sentences = engine_sentences(project)
    sweep = {n: raw_in_fresh_process(tmp, sentences, threads, args.beam_size, n) for n in RAW_SWEEP}
    raw_tokens = min(sweep, key=lambda n: sweep[n]["seconds"])
    for k in range(args.repeats):
        measured: dict[str, dict[str, Any]] = {}
        for condition_name in ("transflow", "raw") if k % 2 == 0 else ("raw", "transflow"):
            if condition_name == "transflow":
                seconds, peak, stats = fresh_run(project, threads, args.beam_size)
                peak_kb = max(peak_kb, peak)
                # Both halves count the same distinct sentences (transflow translates each once).
                measured["transflow"] = condition(seconds, len(sentences), stats["target_pieces"])
                measured["transflow"]["engine_seconds"] = stats["engine_seconds"]
                measured["transflow"]["peak_rss_mb"] = round(peak / 1024, 1)
            else:
                measured["raw"] = raw_in_fresh_process(tmp, sentences, threads, args.beam_size, raw_tokens)
        ratio = measured["transflow"]["sentences_per_s"] / measured["raw"]["sentences_per_s"]
        pairs.append((measured["transflow"], measured["raw"], ratio))
    ratios = [ratio for _, _, ratio in pairs]
    middle = sorted(range(len(pairs)), key=lambda i: ratios[i])[len(pairs) // 2]
    transflow, raw, _ = pairs[middle]

    noop_seconds, _ = run_transflow(project, threads, args.beam_size)
    first = sorted((project / "sources").glob("*.txt"))[0]
    first.write_text(first.read_text().replace(" - ", " - Neu: ", 1))
    change_seconds, change_peak = run_transflow(project, threads, args.beam_size)
    change_stats = json.loads((project / "output" / ".transflow" / "last-run.json").read_text())

    naive_articles = (
        args.naive_articles if args.naive_articles >= 0 else (2 if package.generated else args.articles)
    )
    runnable = not package.generated or (package.path / "spacy").is_dir()  # tiny ships no splitter
    naive = run_naive(project, naive_articles) if naive_articles and runnable else None
    report: dict[str, Any] = {
        "model": f"generated-{package.generated}" if package.generated else package.name,
        "sentences": len(sentences),
        "articles": args.articles,
        "threads": threads,
        "beam_size": args.beam_size,
        "device": args.device,
        "repeats": args.repeats,
        "transflow": transflow,
        "raw": raw,
        "naive": naive,
        "ratio_raw": round(statistics.median(ratios), 3),
        "ratio_raw_runs": [round(r, 3) for r in ratios],
        "ratio_raw_spread": round(max(ratios) - min(ratios), 3),
        "raw_batch_tokens": raw_tokens,
        "raw_sweep": {
            n: {"seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"]} for n, r in sweep.items()
        },
        "ratio_naive": round(transflow["sentences_per_s"] / naive["sentences_per_s"], 3) if naive else None,
        "naive_comparable": bool(naive) and not package.generated,
        "noop_seconds": round(noop_seconds, 3),
        "one_change_seconds": round(change_seconds, 2),
        "one_change_engine_sentences": change_stats["engine_sentences"],
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "one_change_peak_rss_mb": round(change_peak / 1024, 1),
    }
    return report


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a real .argosmodel (default: generated base model)")
    parser.add_argument("--size", choices=["tiny", "base"], default="base", help="generated model size")
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--naive-articles", type=int, default=-1, help="articles for stock argos (-1: auto)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument(
        "--repeats", type=int, default=3, help="alternating transflow/raw pairs (median ratio)"
    )
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu", help="for both engines")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")
    parser.add_argument("--raw-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--raw-batch-tokens", type=int, default=BATCH_TOKENS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_worker:
        DEVICE[0] = args.device
        raw_worker(
            *args.raw_worker, args.threads or os.cpu_count() or 1, args.beam_size, args.raw_batch_tokens
        )
        return
    print_report(lambda tmp: run(args, tmp))


if __name__ == "__main__":
    main()
