"""argos packages → CTranslate2 + sentencepiece: finding, installing, loading, batched decoding.

argostranslate manages the packages (install, index); translation goes straight to the
package's CTranslate2 model and sentencepiece files, so nothing is downloaded at
translate time and every sentence of a run shares one model load and one sorted stream.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from transflow.mt.attention import Attention, AttentionBlock

GENERATED_KEY = "transflow_generated"  # same key as testing.make_model writes
# The hard cap on one engine segment: a longer "sentence" (a run-on, a line without full
# stops) is cut into chunks of at most this many pieces, at clause punctuation where there
# is some, so decoding time and memory grow linearly with the text, never with its square.
MAX_SOURCE_PIECES = 200
CLAUSE_CHUNK = 40  # an over-long sentence is cut into chunks of a few clauses, about this long
# Pieces that end a clause: a chunk preferably ends after one of them.
_CLAUSE_END = (",", ";", ":", "–", "—", ")", "!", "?", ".")
INSTALL_HINT = (
    "install one: transflow model install PATH.argosmodel (or `transflow model install` with internet access)"
)


def decoding_cap(source_pieces: int) -> int:
    """Most target pieces for a source of this length: 1.5 × source + 10.

    It bounds the cost of every sentence and cuts off MT repetition loops.
    """
    return int(1.5 * source_pieces) + 10


# CTranslate2's max_decoding_length, the same for every batch. A sentence's English must not
# depend on what else is in its batch, but CTranslate2 takes one length limit per batch, and
# beam search under another limit can end a sentence differently: with the runaway test model
# and the limit at the cap of the batch's longest sentence, 10 of 20 newstest sentences came
# out otherwise alone than in a batch of 60; with one limit for every batch, none did (beam 4,
# with and without attention, 1 and 2 threads; the base model too). Each output is then cut
# to its own cap. The price: a sentence caught in a loop decodes up to this limit (310 pieces)
# before its cut, where it stopped at its own cap before; a sentence that ends costs the same.
# What remains is rounding: padding to a longer batch-mate changes CTranslate2's float sums in
# the last bits, which can flip a near-tie in the beam (1 of the seed article's 19 sentences
# with the runaway model's random weights; none with the generated model, whose choices are far
# apart). Batching only sentences of one length would remove it, at several times the cost.
DECODING_LIMIT = decoding_cap(MAX_SOURCE_PIECES)


@dataclass(frozen=True)
class ModelPackage:
    """An installed argos translation package."""

    name: str
    version: str
    path: Path
    from_code: str
    to_code: str
    generated: str | None = None  # size of a transflow-generated test model

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def packages_dir() -> Path:
    """argostranslate's package folder: ``ARGOS_PACKAGES_DIR`` or the XDG data folder."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "argos-translate" / "packages"


def _read_package(folder: Path) -> ModelPackage | None:
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    return ModelPackage(
        name=folder.name,
        version=str(meta.get("package_version", "")),
        path=folder,
        from_code=str(meta.get("from_code", "")),
        to_code=str(meta.get("to_code", "")),
        generated=meta.get(GENERATED_KEY),
    )


def installed_models() -> list[ModelPackage]:
    """Every installed package, sorted by name."""
    folder = packages_dir()
    if not folder.is_dir():
        return []
    found = (_read_package(p) for p in sorted(folder.iterdir()) if p.is_dir())
    return [p for p in found if p is not None]


def find_model() -> ModelPackage:
    """The German→English package to use: a real one before a generated test model."""
    candidates = [
        p
        for p in installed_models()
        if p.from_code == "de" and p.to_code == "en" and (p.path / "model").is_dir()
    ]
    if not candidates:
        raise ModelError("no German→English model is installed", hint=INSTALL_HINT)
    candidates.sort(key=lambda p: (p.generated is not None, p.name))
    return candidates[0]


def check_package_file(path: Path) -> dict[str, Any]:
    """Validate an ``.argosmodel`` before installing; return its metadata."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file", hint=INSTALL_HINT)
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path.name}: not an argos model package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) != 1:
                raise ModelError(f"{path.name}: expected one top folder in the package")
            top = tops.pop()
            needed = [f"{top}/metadata.json", f"{top}/model/model.bin"]
            missing = [n for n in needed if n not in names]
            if missing or not any(n.endswith((".model", "bpe.model")) for n in names):
                raise ModelError(
                    f"{path.name}: incomplete package (missing {', '.join(missing) or 'tokenizer'})"
                )
            bad = archive.testzip()
            if bad is not None:
                raise ModelError(
                    f"{path.name}: corrupt package ({bad} fails its checksum); download it again"
                )
            meta = json.loads(archive.read(f"{top}/metadata.json"))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ModelError(f"{path.name}: corrupt or truncated package ({e}); download it again") from e
    if meta.get("from_code") != "de" or meta.get("to_code") != "en":
        raise ModelError(
            f"{path.name}: translates {meta.get('from_code')}→{meta.get('to_code')}, "
            "transflow needs a German→English (de→en) model"
        )
    return dict(meta)


def install_model(path: Path) -> ModelPackage:
    """Install a de→en ``.argosmodel`` file into argostranslate's package folder."""
    check_package_file(path)
    target = packages_dir()
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        top = archive.namelist()[0].split("/", 1)[0]
        archive.extractall(target)
    package = _read_package(target / top)
    if package is None:  # pragma: no cover - check_package_file read the same metadata
        raise ModelError(f"{path.name}: installed, but its metadata cannot be read")
    return package


INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


def install_from_index(
    progress: Callable[[int, int], None] | None = None, timeout: float = 30
) -> ModelPackage:
    """Download and install the argos index's current de→en package (needs internet).

    transflow fetches the index and the package itself, with a timeout and progress, rather
    than through argostranslate, whose downloads retry without end when offline.
    """
    import tempfile
    import urllib.request

    url = os.environ.get("ARGOS_PACKAGE_INDEX", "").rstrip("/")
    url = f"{url}/index.json" if url else INDEX_URL
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            index = json.loads(response.read())
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot reach the argos model index ({_reason(e)})", hint=INSTALL_HINT) from e
    entries = [
        e for e in index if isinstance(e, dict) and e.get("from_code") == "de" and e.get("to_code") == "en"
    ]
    if not entries or not entries[0].get("links"):
        raise ModelError("the argos model index lists no German→English package", hint=INSTALL_HINT)
    entry = max(entries, key=lambda e: str(e.get("package_version", "")))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "translate-de_en.argosmodel"
        try:
            with (
                urllib.request.urlopen(entry["links"][0], timeout=timeout) as response,
                open(target, "wb") as out,
            ):
                total, done = int(response.headers.get("Content-Length") or 0), 0
                for block in iter(lambda: response.read(1 << 16), b""):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
        except OSError as e:
            raise ModelError(f"download of the de→en package failed ({_reason(e)})", hint=INSTALL_HINT) from e
        return install_model(target)


def _reason(error: Exception) -> str:
    reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
    return str(reason)[:100]


DEVICES = ("auto", "cpu", "cuda")


def resolve_device(requested: str) -> str:
    """``cpu`` or ``cuda`` for CTranslate2: ``auto`` picks CUDA where CTranslate2 sees a GPU.

    Asking for ``cuda`` without one is a ``ConfigError``, before any work is done.
    """
    if requested not in DEVICES:
        raise ConfigError(f"--device {requested}: choose one of {', '.join(DEVICES)}")
    if requested == "cpu":
        return "cpu"
    import ctranslate2

    try:
        gpus = ctranslate2.get_cuda_device_count()
    except Exception:  # a CPU-only build, or a broken driver: no GPU to use
        gpus = 0
    if requested == "cuda" and gpus == 0:
        raise ConfigError(
            "--device cuda: CTranslate2 sees no CUDA GPU on this machine",
            hint="use --device cpu (or auto, which falls back to the CPU)",
        )
    return "cuda" if gpus > 0 else "cpu"


@dataclass(frozen=True)
class EngineOptions:
    """Decoding settings; beam size is part of every draft's signature."""

    beam_size: int = 4
    threads: int = 0  # 0: one per core
    # Peak memory grows with the batch (each row keeps its beams' decoder caches). While the
    # generated model decoded every sentence to the cap, raw CTranslate2 peaked at 0.9-0.95 GB
    # with 2048 tokens, so batches were cut to 768. Sentences that end (the generated model now,
    # any real one) need far less: 120 newstest and term sentences, base model, beam 4, engine
    # alone in a fresh process: 768 tokens 306-329 MB, 23.5-27.6 s; 1024 343-357 MB, 24.7-26.4 s;
    # 2048 510-518 MB, 22.4-23.4 s (bench/README.md). Not part of the signature: the English
    # does not depend on it.
    max_batch_tokens: int = 2048
    # And at most this many sentences: a batch of many short ones (headlines, datelines) holds a
    # vocabulary-wide score row per beam, 32,000 floats each with the base model; 1024 tokens of
    # short sentences gave the 50-article run its peak (bench/throughput.py).
    max_batch_sentences: int = 64
    device: str = "cpu"  # auto | cpu | cuda (see resolve_device)

    @property
    def intra_threads(self) -> int:
        """Threads for CTranslate2: the option, else ``TRANSFLOW_THREADS``, else one per core."""
        from_env = os.environ.get("TRANSFLOW_THREADS", "")
        return self.threads or (int(from_env) if from_env.isdigit() else 0) or os.cpu_count() or 1


@dataclass(frozen=True)
class Translation:
    """Engine output for one sentence, with what glossary enforcement needs."""

    source: str
    text: str
    source_spans: list[tuple[int, int]] = field(repr=False)  # byte spans of source pieces
    target_pieces: list[str] = field(repr=False)
    attention: Attention = field(repr=False)


@dataclass
class _Job:
    sentence: int
    offset: int  # index of the chunk's first source piece within the sentence
    pieces: list[str]
    attention: bool = True  # does the caller need this sentence's attention?


def chunk_starts(pieces: Sequence[str], limit: int = MAX_SOURCE_PIECES) -> list[int]:
    """Where an over-long sentence is cut for the engine: at clause punctuation, else at ``limit``.

    A sentence of ``limit`` pieces or fewer is one chunk. A longer one is cut after the last
    clause end within ``CLAUSE_CHUNK`` pieces (chunks of a few clauses decode about as fast
    per piece as ordinary sentences; 200-piece chunks cost twice as much), else after the
    next clause end, else at ``limit``: no chunk is ever longer than ``limit``.
    """
    starts = [0]
    if len(pieces) <= limit:
        return starts
    while len(pieces) - starts[-1] > CLAUSE_CHUNK:
        start = starts[-1]
        window = range(start + CLAUSE_CHUNK // 4, min(start + limit, len(pieces)))
        ends = [k for k in window if pieces[k].endswith(_CLAUSE_END)]
        short = [k for k in ends if k < start + CLAUSE_CHUNK]
        cut = (short[-1] if short else ends[0]) + 1 if ends else start + limit
        if cut >= len(pieces):
            break
        starts.append(cut)
    return starts


# Engine threads left running by an interrupt; the CLI exits without waiting for them.
_ABANDONED: list[threading.Thread] = []


def engine_busy() -> bool:
    """Is an interrupted engine batch still running in the background?"""
    return any(thread.is_alive() for thread in _ABANDONED)


def _interruptible(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread and wait for it in short steps.

    CTranslate2 holds the main thread for a whole batch (seconds with a large model);
    waiting here instead lets Ctrl-C and SIGTERM stop the run at once.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as e:  # handed to the main thread below
            box["error"] = e
        finally:
            done.set()

    thread = threading.Thread(target=run, name="transflow-engine", daemon=True)
    thread.start()
    try:
        while not done.wait(0.05):
            pass
    except BaseException:
        _ABANDONED.append(thread)
        raise
    if "error" in box:
        raise box["error"]
    return box["result"]


class Engine:
    """One loaded model. Load happens on first use, once per process."""

    def __init__(self, package: ModelPackage, options: EngineOptions | None = None) -> None:
        self.package = package
        self.options = options or EngineOptions()
        self._translator: Any = None
        self._tokenizer: Any = None
        self.device = ""  # cpu or cuda, once loaded
        # Counters for the run summary, tests and benchmarks.
        self.calls = 0  # translate_batch calls
        self.sentences = 0  # sentences translated
        self.target_pieces = 0  # pieces decoded
        self.seconds = 0.0  # time inside CTranslate2

    def load(self) -> None:
        if self._translator is not None:
            return
        try:
            import ctranslate2
            import sentencepiece

            spm_files = sorted(self.package.path.glob("*.model"))
            if not spm_files:
                raise ModelError(f"{self.package.name}: no sentencepiece model in the package")
            self._tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(spm_files[0]))
            self.device = resolve_device(self.options.device)
            self._translator = ctranslate2.Translator(
                str(self.package.path / "model"),
                device=self.device,
                inter_threads=1,
                intra_threads=self.options.intra_threads if self.device == "cpu" else 0,
            )
        except (ModelError, ConfigError):
            raise
        except Exception as e:
            raise ModelError(
                f"{self.package.name}: cannot load the model ({str(e).splitlines()[0][:120]})",
                hint="reinstall it: transflow model install PATH.argosmodel",
            ) from e

    def checksum(self) -> str:
        """sha256 of the model weights, for signatures."""
        digest = hashlib.sha256()
        with open(self.package.path / "model" / "model.bin", "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()

    def tokenize(self, sentence: str) -> tuple[list[str], list[tuple[int, int]]]:
        """Sentencepiece pieces and their byte spans in the sentence."""
        self.load()
        proto = self._tokenizer.encode(sentence, return_type="proto")
        return [p.piece for p in proto.pieces], [(p.begin, p.end) for p in proto.pieces]

    def translate(
        self,
        sentences: list[str],
        progress: Callable[[int], None] | None = None,
        attention: Sequence[bool] | None = None,
    ) -> list[Translation]:
        """Translate all sentences in length-sorted, token-batched streams.

        ``attention`` says which sentences need the decoder's attention (default: all); the
        others come back with none. Returning it costs CTranslate2 10-25% more time per batch
        (it carries every beam's attention history along), so sentences that need it are
        batched apart from those that do not.

        A sentence's English depends on the sentence alone, never on the others of the run
        (see ``DECODING_LIMIT``); a sentence that occurs more than once is translated once.
        """
        if not sentences:
            return []
        wanted = [True] * len(sentences) if attention is None else list(attention)
        distinct: dict[tuple[str, bool], int] = {}
        for key in zip(sentences, wanted, strict=True):
            distinct.setdefault(key, len(distinct))
        counts = Counter(distinct[key] for key in zip(sentences, wanted, strict=True))
        copies = [counts[i] for i in range(len(distinct))]
        done = self._translate_distinct(list(distinct), copies, progress)
        self.sentences += len(sentences)
        return [done[distinct[key]] for key in zip(sentences, wanted, strict=True)]

    def _translate_distinct(
        self,
        keys: list[tuple[str, bool]],
        copies: list[int],
        progress: Callable[[int], None] | None,
    ) -> list[Translation]:
        """Translate distinct (sentence, wants attention) pairs; progress counts their ``copies``."""
        import numpy as np

        from transflow.mt.attention import AttentionBlock

        self.load()
        sentences = [sentence for sentence, _ in keys]
        wanted = [want for _, want in keys]
        tokenized = [self.tokenize(s) for s in sentences]
        jobs = [
            _Job(i, start, pieces[start:end], wanted[i])
            for i, (pieces, _) in enumerate(tokenized)
            for start, end in _pairs(chunk_starts(pieces), len(pieces))
        ]
        jobs.sort(key=lambda j: (j.attention, -len(j.pieces), j.sentence, j.offset))
        outputs: dict[tuple[int, int], tuple[list[str], AttentionBlock]] = {}
        done_chunks: dict[int, int] = {}
        chunks_of = Counter(j.sentence for j in jobs)
        for batch in self._batches(jobs):
            started = time.perf_counter()
            results = _interruptible(
                functools.partial(
                    self._translator.translate_batch,
                    [j.pieces or ["."] for j in batch],
                    beam_size=self.options.beam_size,
                    max_batch_size=self.options.max_batch_tokens,
                    batch_type="tokens",
                    max_decoding_length=DECODING_LIMIT,
                    return_attention=batch[0].attention,
                    return_scores=False,
                )
            )
            self.calls += 1
            self.seconds += time.perf_counter() - started
            finished = 0
            for job, result in zip(batch, results, strict=True):
                cap = decoding_cap(len(job.pieces))
                pieces = list(result.hypotheses[0][:cap])
                rows = result.attention[0][:cap] if result.attention else []
                weights = np.zeros((len(rows), len(job.pieces)), dtype=np.float32)
                if rows:  # the kept rows only; a placeholder "." for an empty sentence has no columns
                    weights[:] = np.asarray(rows, dtype=np.float32)[:, : len(job.pieces)]
                block = AttentionBlock.of(job.offset, weights)
                self.target_pieces += len(pieces)
                outputs[(job.sentence, job.offset)] = (pieces, block)
                done_chunks[job.sentence] = done_chunks.get(job.sentence, 0) + 1
                if done_chunks[job.sentence] == chunks_of[job.sentence]:
                    finished += copies[job.sentence]
            if progress and finished:
                progress(finished)
        return [self._assemble(i, s, tokenized[i], outputs) for i, s in enumerate(sentences)]

    def _batches(self, jobs: list[_Job]) -> list[list[_Job]]:
        """Cut the sorted stream into batches of at most ``max_batch_tokens`` source pieces and
        ``max_batch_sentences`` sentences, each all with attention or all without."""
        batches: list[list[_Job]] = []
        current: list[_Job] = []
        for job in jobs:
            width = max([len(j.pieces) for j in current] + [len(job.pieces)])
            full = len(current) >= self.options.max_batch_sentences
            if current and (
                full
                or current[0].attention != job.attention
                or width * (len(current) + 1) > self.options.max_batch_tokens
            ):
                batches.append(current)
                current = []
            current.append(job)
        if current:
            batches.append(current)
        return batches

    def _assemble(
        self,
        index: int,
        sentence: str,
        tokenized: tuple[list[str], list[tuple[int, int]]],
        outputs: dict[tuple[int, int], tuple[list[str], AttentionBlock]],
    ) -> Translation:
        from transflow.mt.attention import Attention

        source_pieces, spans = tokenized
        target: list[str] = []
        blocks = []
        for offset, _ in _pairs(chunk_starts(source_pieces), len(source_pieces)):
            pieces, block = outputs.pop((index, offset))
            target.extend(pieces)
            blocks.append(block)
        text = self._tokenizer.decode_pieces(target) if target else ""
        return Translation(sentence, text.strip(), spans, target, Attention(tuple(blocks)))


def _pairs(starts: list[int], total: int) -> list[tuple[int, int]]:
    """(start, end) of each chunk; an empty sentence is one empty chunk."""
    return list(zip(starts, [*starts[1:], total], strict=True))
