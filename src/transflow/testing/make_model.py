"""Write a valid argostranslate de→en package with random weights, for tests and benchmarks.

    python -m transflow.testing.make_model OUT.argosmodel [--size tiny|base]

The English it produces is gibberish, but it is deterministic and it runs through the
same files and code as a real OPUS-MT/argos model: a sentencepiece model, a CTranslate2
Transformer folder and ``metadata.json``, zipped under one top folder.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transflow import GENERATED_NOTICE
from transflow.testing.corpus import ENGLISH, GERMAN

# Marker in metadata.json: transflow warns loudly whenever a draft comes from such a model.
GENERATED_KEY = "transflow_generated"


@dataclass(frozen=True)
class ModelSize:
    """Transformer dimensions of one generated model size."""

    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int  # CTranslate2 vocabulary size; padded with unused pieces past sentencepiece's


SIZES = {
    "tiny": ModelSize(layers=2, d_model=64, heads=4, ffn=128, vocab=0),
    # The compute cost of a real argos/OPUS-MT Transformer-base model.
    "base": ModelSize(layers=6, d_model=512, heads=8, ffn=2048, vocab=32000),
}
SPM_VOCAB = 700
SEED = 20180401


def train_sentencepiece() -> bytes:
    """Train a small unigram sentencepiece model on the bundled German+English text."""
    import sentencepiece as spm

    lines = [line for line in (GERMAN + ENGLISH).splitlines() if line.strip()]
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=SPM_VOCAB,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,  # any input character encodes, as in real models
        minloglevel=2,
    )
    return buffer.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _fill(spec: object, rng: np.random.Generator, size: ModelSize, vocab: int) -> None:
    """Give every weight of a CTranslate2 Transformer spec a random value of the right shape."""
    from ctranslate2.specs import attention_spec, common_spec, transformer_spec

    d, ff = size.d_model, size.ffn

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.05, size=shape).astype(np.float32)

    def linear(lin: common_spec.LinearSpec, out_dim: int, in_dim: int) -> None:
        lin.weight = normal(out_dim, in_dim)
        lin.bias = np.zeros(out_dim, dtype=np.float32)

    def norm(ln: common_spec.LayerNormSpec) -> None:
        ln.gamma = np.ones(d, dtype=np.float32)
        ln.beta = np.zeros(d, dtype=np.float32)

    def attention(att: attention_spec.MultiHeadAttentionSpec, self_attention: bool) -> None:
        norm(att.layer_norm)
        if self_attention:
            linear(att.linear[0], 3 * d, d)
        else:
            linear(att.linear[0], d, d)
            linear(att.linear[1], 2 * d, d)
        linear(att.linear[-1], d, d)

    def ffn(block: transformer_spec.FeedForwardSpec) -> None:
        norm(block.layer_norm)
        linear(block.linear_0, ff, d)
        linear(block.linear_1, d, ff)

    encoder = spec.encoder  # type: ignore[attr-defined]
    decoder = spec.decoder  # type: ignore[attr-defined]
    for emb in encoder.embeddings:
        emb.weight = normal(vocab, d)
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        attention(layer.self_attention, True)
        ffn(layer.ffn)
    decoder.embeddings.weight = normal(vocab, d)
    norm(decoder.layer_norm)
    for layer in decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        ffn(layer.ffn)
    linear(decoder.projection, vocab, d)


def build_ctranslate2_model(out_dir: Path, spm_bytes: bytes, size: ModelSize, seed: int = SEED) -> None:
    """Write a CTranslate2 Transformer model folder with random, seeded weights."""
    from ctranslate2.specs import transformer_spec

    pieces = _pieces(spm_bytes)
    vocab = max(size.vocab, len(pieces))
    tokens = pieces + [f"<unused_{i}>" for i in range(vocab - len(pieces))]

    spec = transformer_spec.TransformerSpec.from_config((size.layers, size.layers), size.heads)
    rng = np.random.default_rng(seed)
    _fill(spec, rng, size, vocab)
    # Random weights would end sentences at random points. A large negative bias on </s>
    # makes every sentence run to the decoding-length cap, so the cost is deterministic;
    # the same bias on special, byte and padding pieces keeps them out of the output.
    bias = spec.decoder.projection.bias
    for index, token in enumerate(tokens):
        if token in ("<unk>", "<s>", "</s>") or token.startswith(("<unused_", "<0x")):
            bias[index] = -1e4
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out_dir))


def _add_spacy_pipeline(archive: zipfile.ZipFile, folder: Path, top: str) -> None:
    """A blank German spaCy pipeline, so that stock argostranslate can run the package offline
    with ``ARGOS_CHUNK_TYPE=SPACY`` (it adds its own sentencizer when it loads it)."""
    import spacy

    spacy.blank("de").to_disk(folder)
    for file in sorted(folder.rglob("*")):
        if file.is_file():
            archive.write(file, f"{top}/spacy/{file.relative_to(folder)}")


def make_model(out_path: Path, size: str = "tiny", seed: int = SEED) -> Path:
    """Write a generated de→en ``.argosmodel`` to ``out_path`` and return that path.

    Another ``seed`` gives another model (other weights, another package name), as a new
    model version would.
    """
    dims = SIZES[size]
    spm_bytes = train_sentencepiece()
    top = f"translate-de_en-generated-{size}" + (f"-{seed}" if seed != SEED else "")
    metadata = {
        "package_version": "0.0." + {"tiny": "1", "base": "2"}[size],
        "argos_version": "1.9.0",
        "from_code": "de",
        "from_name": "German",
        "to_code": "en",
        "to_name": "English",
        "type": "translate",
        GENERATED_KEY: size,
    }
    readme = f"# Generated test model ({size})\n\n{GENERATED_NOTICE}.\n"
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        model_dir.mkdir()
        build_ctranslate2_model(model_dir, spm_bytes, dims, seed)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        partial = out_path.with_name(out_path.name + ".tmp")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{top}/metadata.json", json.dumps(metadata, indent=2))
            archive.writestr(f"{top}/README.md", readme)
            archive.writestr(f"{top}/sentencepiece.model", spm_bytes)
            for file in sorted(model_dir.iterdir()):
                archive.write(file, f"{top}/model/{file.name}")
            if size == "base":
                _add_spacy_pipeline(archive, Path(tmp) / "spacy", top)
        partial.replace(out_path)
    return out_path


def main(argv: list[str] | None = None) -> None:
    """Command line: write the package and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the .argosmodel file")
    parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
    args = parser.parse_args(argv)
    print(make_model(args.out, args.size))


if __name__ == "__main__":
    main()
