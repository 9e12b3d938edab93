"""Write a valid argostranslate de→en package with hand-set weights, for tests and benchmarks.

    python -m transflow.testing.make_model OUT.argosmodel [--size tiny|base]

The English it produces is gibberish (the package's README and metadata say it is not a
translation), but it is deterministic and it runs through the same files and code as a real
OPUS-MT/argos model: a sentencepiece model, a CTranslate2 Transformer folder and
``metadata.json``, zipped under one top folder.

It ends its sentences like a real model. Its weights are not random but set by hand so that
the decoder walks the source: at step ``t`` the last layer's cross-attention looks at source
piece ``t`` and writes an English-looking piece for it (a word piece of the bundled English
text, chosen per German piece by the seed; digits and punctuation as they are); at the
``</s>`` that CTranslate2 appends to the source it writes ``</s>``. So the English has as
many pieces as the German (ratio 1.0, measured by ``bench/model_length.py``), never reaches
the decoding cap (1.5 × source + 10), returns the diagonal attention of a word-by-word
translation, and a sentence costs what a real model's sentence of that many pieces costs
(every layer is computed in full; weights that take no part in the walk are small noise).
``_fill`` describes the construction.
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
    # Heads of 32 dimensions: 16 position frequencies are enough to walk 1,000 source pieces.
    "tiny": ModelSize(layers=2, d_model=128, heads=4, ffn=128, vocab=0),
    # The compute cost of a real argos/OPUS-MT Transformer-base model.
    "base": ModelSize(layers=6, d_model=512, heads=8, ffn=2048, vocab=32000),
}
SPM_VOCAB = 700
SEED = 20180401
MAX_POSITIONS = 1024  # rows of the position tables: longer than any capped engine segment
NOISE = 1e-3  # weights that take no part in the walk: small, so they leave it alone
# Logit margins the hand-set weights aim for: the attended source piece over its neighbours,
# the walked piece's English over every other piece (both far beyond int8 rounding).
ATTENTION_MARGIN = 25.0
OUTPUT_MARGIN = 25.0


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


def _frequencies(count: int) -> np.ndarray:
    """Angular frequencies of the position code, from period ~2 to period ~2,500 pieces."""
    return np.geomspace(3.0, 2 * np.pi / 2500, count)


def _position_table(count: int, d_model: int) -> np.ndarray:
    """Position ``t`` as (sin, cos, -sin, -cos) of ``count`` frequencies, in the first 4×count dims.

    The negated copies make every row zero-mean with the same norm, so layer norm scales every
    position alike and the dot product of two rows depends only on their distance.
    """
    angles = np.outer(np.arange(MAX_POSITIONS), _frequencies(count))
    table = np.zeros((MAX_POSITIONS, d_model), dtype=np.float32)
    table[:, :count] = np.sin(angles)
    table[:, count : 2 * count] = np.cos(angles)
    table[:, 2 * count : 4 * count] = -table[:, : 2 * count]
    return table


def _english_of(tokens: list[str], spm_bytes: bytes, rng: np.random.Generator) -> list[int]:
    """For each vocabulary entry, the piece the model writes for it.

    Pieces without letters (digits, punctuation) stay themselves, as a real model copies
    numbers; a word piece becomes a seeded choice among the pieces of the bundled English
    text that are word pieces of the same kind (word-initial or not), so German words become
    as many English-looking words. ``</s>`` stays ``</s>``: the end of the source ends the output.
    """
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    english = {p for line in ENGLISH.splitlines() for p in processor.encode(line, out_type=str)}
    index = {token: i for i, token in enumerate(tokens)}

    def wordy(token: str) -> bool:
        return any(ch.isalpha() for ch in token) and not _special(token)

    targets = {
        initial: sorted(index[t] for t in english if wordy(t) and t.startswith("▁") == initial)
        for initial in (True, False)
    }
    mapping = []
    for i, token in enumerate(tokens):
        if token.startswith("<0x") or token in ("<unk>", "<s>"):
            token_class: bool | None = True  # bytes and stray specials: some English word
        elif wordy(token):
            token_class = token.startswith("▁")
        else:
            token_class = None
        if token_class is None:
            mapping.append(i)
        else:
            choices = targets[token_class]
            mapping.append(choices[int(rng.integers(len(choices)))])
    return mapping


def _special(token: str) -> bool:
    """Pieces a translation never contains: control tokens, byte pieces, padding."""
    return token in ("<unk>", "<s>", "</s>") or token.startswith(("<unused_", "<0x"))


def _fill(
    spec: object, rng: np.random.Generator, size: ModelSize, tokens: list[str], spm_bytes: bytes
) -> None:
    """Set the weights of a Transformer that walks the source one piece per step.

    Every weight outside the walk is small noise, so the model costs exactly what a trained
    Transformer of its shape costs. The walk, in the last decoder layer:

    * positions are a hand-set table (``_position_table``) in the first ``4F`` dimensions of
      every state, identical in encoder and decoder; every piece the model writes has a seeded
      random zero-mean code in the remaining dimensions, and a source piece's embedding is the
      code of the piece written for it (``_english_of``);
    * the cross-attention of every head compares the target position's code with each source
      position's: the scores peak where they are equal, ``ATTENTION_MARGIN`` above any other
      position, so target step ``t`` attends to source piece ``t`` (and the returned attention
      is the diagonal a word-by-word translation has);
    * the attended value is that code, copied into the decoder state; the output projection
      scores each piece by how well its code matches it, the right one ``OUTPUT_MARGIN`` above
      the next best, so every beam agrees and the search ends with the source.

    CTranslate2 appends ``</s>`` to the source (``add_source_eos``), whose code maps to the
    target ``</s>``: the output ends one step after the last source piece, as long as the
    source, far below the decoding cap.
    """
    from ctranslate2.specs import attention_spec, common_spec, transformer_spec

    d, ff, heads = size.d_model, size.ffn, size.heads
    vocab = len(tokens)
    head_dim = d // heads
    count = head_dim // 2  # frequencies: one (sin, cos) pair per two query dimensions of a head
    walk_dims = 4 * count
    content = np.arange(walk_dims, d)  # dimensions that carry the source piece's code

    def noise(*shape: int) -> np.ndarray:
        return rng.normal(0.0, NOISE, size=shape).astype(np.float32)

    def linear(lin: common_spec.LinearSpec, out_dim: int, in_dim: int) -> None:
        lin.weight = noise(out_dim, in_dim)
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

    # Each piece the model writes has a code: zero-mean, norm sqrt(len(content)) (about 1 a
    # dimension, like the position table), so layer norm scales every state alike. A source
    # piece's embedding is the code of the piece written for it.
    english = _english_of(tokens, spm_bytes, rng)
    written = sorted({english[i] for i, token in enumerate(tokens) if not token.startswith("<unused_")})
    codes = rng.normal(0.0, 1.0, size=(len(written), len(content)))
    codes -= codes.mean(axis=1, keepdims=True)
    codes *= np.sqrt(len(content)) / np.linalg.norm(codes, axis=1, keepdims=True)
    code_of = {piece: codes[k] for k, piece in enumerate(written)}
    table = _position_table(count, d)

    encoder = spec.encoder  # type: ignore[attr-defined]
    decoder = spec.decoder  # type: ignore[attr-defined]
    encoder.scale_embeddings = False
    decoder.scale_embeddings = False
    encoder.position_encodings.encodings = table
    decoder.position_encodings.encodings = table
    embeddings = np.zeros((vocab, d), dtype=np.float32)
    for i, token in enumerate(tokens):
        if not token.startswith("<unused_"):
            embeddings[i, content] = code_of[english[i]]
    for emb in encoder.embeddings:
        emb.weight = embeddings
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        attention(layer.self_attention, True)
        ffn(layer.ffn)
    decoder.embeddings.weight = noise(vocab, d)
    norm(decoder.layer_norm)
    for layer in decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        ffn(layer.ffn)
    linear(decoder.projection, vocab, d)

    # Layer norm divides the encoder output by sigma_source (positions and codes, all zero-mean)
    # and the decoder's position-only state by sigma_target.
    sigma_source = np.sqrt((2 * count + len(content)) / d)
    sigma_target = np.sqrt(2 * count / d)
    distances = np.arange(1, 2 * MAX_POSITIONS)
    similarity = np.cos(np.outer(distances, _frequencies(count))).sum(axis=1)
    scale = ATTENTION_MARGIN / (count - similarity.max())  # score per unit of similarity
    # score = (q·k) / sqrt(head_dim), q = a·x_target/sigma_target, k = b·x_source/sigma_source
    a = np.sqrt(scale * np.sqrt(head_dim)) * sigma_target
    b = np.sqrt(scale * np.sqrt(head_dim)) * sigma_source
    cross = decoder.layer[-1].attention
    query = cross.linear[0].weight
    keys_values = cross.linear[1].weight  # keys (d rows), then values (d rows)
    out = cross.linear[-1].weight
    query[:] = 0
    keys_values[:] = 0
    out[:] = 0
    for head in range(heads):
        rows = head * head_dim + np.arange(2 * count)
        query[rows, np.arange(2 * count)] = a
        keys_values[rows, np.arange(2 * count)] = b
    # Values: the code dimensions, head by head, written back to the same dimensions.
    for j, dim in enumerate(content):
        keys_values[d + j, dim] = sigma_source  # undo the encoder's layer norm
        out[dim, j] = 1.0
    # Output: each written piece scores by how well its code matches the attended one.
    gram = codes @ codes.T / len(content)
    np.fill_diagonal(gram, -1.0)
    # The final layer norm divides the decoder state (position table and code) by sigma_source.
    unit = OUTPUT_MARGIN / (1.0 - gram.max()) / len(content) * sigma_source
    projection = decoder.projection
    projection.weight[:] = 0
    projection.weight[np.ix_(np.array(written), content)] = (codes * unit).astype(np.float32)
    bias = projection.bias
    for index, token in enumerate(tokens):
        if _special(token) and token != "</s>":
            bias[index] = -1e4


def _fill_runaway(spec: object, rng: np.random.Generator, size: ModelSize, tokens: list[str]) -> None:
    """Random weights that never write ``</s>``: every sentence runs to the decoding cap.

    The model of a run caught in a repetition loop, kept for the tests of what transflow does
    then (the cap, English far longer than the German) and of batching that must not change
    a sentence's English: random weights make beam search sensitive to every difference.
    """
    from ctranslate2.specs import attention_spec, common_spec, transformer_spec

    d, ff, vocab = size.d_model, size.ffn, len(tokens)

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
        linear(att.linear[0], (3 if self_attention else 1) * d, d)
        if not self_attention:
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
    # A large negative bias on </s> (and on special, byte and padding pieces, which keeps them
    # out of the output) makes every sentence run to the cap.
    bias = decoder.projection.bias
    for index, token in enumerate(tokens):
        if _special(token):
            bias[index] = -1e4


def build_ctranslate2_model(
    out_dir: Path, spm_bytes: bytes, size: ModelSize, seed: int = SEED, runaway: bool = False
) -> None:
    """Write a CTranslate2 Transformer model folder with hand-set, seeded weights (see ``_fill``),
    or with random ones that never end a sentence (``runaway``, see ``_fill_runaway``)."""
    from ctranslate2.specs import transformer_spec

    pieces = _pieces(spm_bytes)
    vocab = max(size.vocab, len(pieces))
    tokens = pieces + [f"<unused_{i}>" for i in range(vocab - len(pieces))]

    spec = transformer_spec.TransformerSpec.from_config((size.layers, size.layers), size.heads)
    rng = np.random.default_rng(seed)
    if runaway:
        _fill_runaway(spec, rng, size, tokens)
    else:
        spec.config.add_source_eos = True  # the walk needs to see where the source ends
        _fill(spec, rng, size, tokens, spm_bytes)
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


def make_model(out_path: Path, size: str = "tiny", seed: int = SEED, runaway: bool = False) -> Path:
    """Write a generated de→en ``.argosmodel`` to ``out_path`` and return that path.

    Another ``seed`` gives another model (other weights, another package name), as a new
    model version would; ``runaway`` one that never ends its sentences (``_fill_runaway``).
    """
    dims = SIZES[size]
    spm_bytes = train_sentencepiece()
    top = f"translate-de_en-generated-{size}" + (f"-{seed}" if seed != SEED else "")
    top += "-runaway" if runaway else ""
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
        build_ctranslate2_model(model_dir, spm_bytes, dims, seed, runaway)
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
    parser.add_argument(
        "--runaway", action="store_true", help="random weights that never end a sentence (the old model)"
    )
    args = parser.parse_args(argv)
    print(make_model(args.out, args.size, runaway=args.runaway))


if __name__ == "__main__":
    main()
