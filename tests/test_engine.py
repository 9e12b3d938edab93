import json
import zipfile
from pathlib import Path

import pytest

from transflow.errors import ModelError
from transflow.mt.engine import (
    MAX_SOURCE_PIECES,
    Engine,
    EngineOptions,
    _Job,
    decoding_cap,
    find_model,
    install_model,
    installed_models,
    packages_dir,
)


def test_generated_package_is_a_valid_argos_package(tiny_model_file: Path) -> None:
    with zipfile.ZipFile(tiny_model_file) as archive:
        names = archive.namelist()
        meta = json.loads(archive.read("translate-de_en-generated-tiny/metadata.json"))
    assert {
        "translate-de_en-generated-tiny/sentencepiece.model",
        "translate-de_en-generated-tiny/model/model.bin",
    } <= set(names)
    assert (meta["from_code"], meta["to_code"]) == ("de", "en")


def test_argostranslate_itself_sees_the_installed_package(tiny_model) -> None:  # type: ignore[no-untyped-def]
    import argostranslate.package

    codes = [
        (p.from_code, p.to_code) for p in argostranslate.package.get_installed_packages([packages_dir()])
    ]
    assert ("de", "en") in codes
    assert packages_dir().is_relative_to(Path.home())  # the isolated temp home, not the real one


def test_missing_model_says_how_to_install() -> None:
    with pytest.raises(ModelError) as info:
        find_model()
    assert "transflow model install" in (info.value.hint or "")


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("hello")
    with pytest.raises(ModelError, match="not an argos model package"):
        install_model(bad)
    assert installed_models() == []


def test_truncated_package_is_refused(tmp_path: Path, tiny_model_file: Path) -> None:
    cut = tmp_path / "cut.argosmodel"
    cut.write_bytes(tiny_model_file.read_bytes()[:-5000])
    with pytest.raises(ModelError, match=r"corrupt|not an argos"):
        install_model(cut)
    assert installed_models() == []


def test_wrong_language_pair_is_refused(tmp_path: Path, tiny_model_file: Path) -> None:
    other = tmp_path / "fr.argosmodel"
    with zipfile.ZipFile(tiny_model_file) as src, zipfile.ZipFile(other, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("metadata.json"):
                meta = json.loads(data)
                meta["from_code"] = "fr"
                data = json.dumps(meta).encode()
            dst.writestr(item, data)
    with pytest.raises(ModelError, match="fr→en"):
        install_model(other)


def test_batches_are_length_sorted_and_few(tiny_model) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(tiny_model, EngineOptions(beam_size=1, max_batch_tokens=64))
    sentences = ["Kurz.", "Ein etwas längerer Satz über den Rat der Stadt.", "Mittel lang hier.", "Ja."] * 5
    seen: list[list[int]] = []
    real = engine._batches

    def spy(jobs):  # type: ignore[no-untyped-def]
        batches = real(jobs)
        seen.extend([len(j.pieces) for j in b] for b in batches)
        return batches

    engine._batches = spy  # type: ignore[method-assign]
    results = engine.translate(sentences)
    assert len(results) == len(sentences)
    flat = [n for batch in seen for n in batch]
    assert flat == sorted(flat, reverse=True)
    assert engine.calls == len(seen) < len(sentences)
    # Same input, same output, wherever it sat in the batches.
    assert results[0].text == results[4].text


def test_a_batch_of_short_sentences_is_capped_by_count(tiny_model) -> None:  # type: ignore[no-untyped-def]
    """Many short sentences fit 1024 tokens; each costs a vocabulary-wide score row per beam."""
    engine = Engine(tiny_model, EngineOptions(beam_size=1, max_batch_sentences=8))
    sentences = [f"Ja {k}." for k in range(30)]
    jobs = [_Job(k, 0, engine.tokenize(s)[0]) for k, s in enumerate(sentences)]
    sizes = [len(b) for b in engine._batches(jobs)]
    assert sizes == [8, 8, 8, 6]
    assert [r.text for r in engine.translate(sentences)] == [
        r.text for r in Engine(tiny_model, EngineOptions(beam_size=1)).translate(sentences)
    ]


def test_output_is_capped_and_run_ons_are_chunked(tiny_model) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(tiny_model, EngineOptions(beam_size=1))
    run_on = " ".join(["Wort"] * 600)
    short, long = engine.translate(["Der Rat tagt.", run_on])
    pieces, _ = engine.tokenize("Der Rat tagt.")
    assert len(short.target_pieces) <= decoding_cap(len(pieces))
    n = len(engine.tokenize(run_on)[0])
    chunks = -(-n // MAX_SOURCE_PIECES)
    assert chunks > 1
    assert len(long.target_pieces) <= sum(
        decoding_cap(min(MAX_SOURCE_PIECES, n - i)) for i in range(0, n, MAX_SOURCE_PIECES)
    )
    # Attention is kept per chunk: the blocks cover every source piece once, one row per target piece.
    assert sum(len(block.best_target) for block in long.attention.blocks) == n
    assert long.attention.rows == len(long.target_pieces)
    assert len(long.attention.blocks) == chunks


@pytest.fixture
def local_index(tiny_model_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An argos-style index and package served on 127.0.0.1 (tests use no other network)."""
    import functools
    import http.server
    import shutil
    import threading

    shutil.copy(tiny_model_file, tmp_path / "de_en.argosmodel")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    index = [
        {
            "from_code": "de",
            "to_code": "en",
            "package_version": "0.0.1",
            "links": [f"{base}/de_en.argosmodel"],
        }
    ]
    (tmp_path / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base + "/")
    yield base
    server.shutdown()


def test_install_from_the_index(local_index: str) -> None:
    from conftest import run_cli

    code, out, err = run_cli("model", "install")
    assert code == 0, err
    assert "installed translate-de_en-generated-tiny" in out
    assert find_model().name == "translate-de_en-generated-tiny"


def test_unreachable_index_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import run_cli

    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")  # the discard port: nothing listens
    code, _, err = run_cli("model", "install")
    assert code == 2
    assert err.splitlines()[0].startswith("error: cannot reach the argos model index (")
    assert len(err.splitlines()) == 2 and "Traceback" not in err


def test_attention_only_for_the_sentences_that_ask_for_it(tiny_model) -> None:  # type: ignore[no-untyped-def]
    """Returning attention slows CTranslate2; the English is the same either way."""
    sentences = ["Der Rat tagt.", "Die Kümmerer helfen im Alltag.", "Ja.", "Das Ehrenamt ist wichtig."]
    wanted = [False, True, False, True]
    engine = Engine(tiny_model, EngineOptions(beam_size=4))
    some = engine.translate(sentences, attention=wanted)
    every = Engine(tiny_model, EngineOptions(beam_size=4)).translate(sentences)
    assert [t.text for t in some] == [t.text for t in every]
    assert [t.attention.rows > 0 for t in some] == wanted
    assert all(t.attention.rows == len(t.target_pieces) for t in every)
    for mine, full in zip(some, every, strict=True):
        if mine.attention.rows:
            assert list(mine.attention.strongest_sources) == list(full.attention.strongest_sources)
    assert engine.calls == 2  # one batch with attention, one without


# Civic sentences of the generated model's own corpus; under the old batch length limit, most of
# these came out otherwise alone than next to the long first sentence of OTHERS.
SENTENCES = [
    "Die Stadt lädt alle Bürgerinnen und Bürger zur Ratssitzung am Mittwoch ein.",
    "Haupt- und Ehrenamt arbeiten bei der Integration eng zusammen.",
    "Der Märkische Kreis unterstützt die Kommunen bei der Integrationsarbeit.",
    "Die Sprechstunde findet dienstags von 9 bis 12 Uhr statt.",
    "Die Studie erscheint vorerst nur in englischer Sprache.",
    "Ja.",
]
OTHERS = [
    "Im vergangenen Sommer hatten Mitarbeiter der OECD in Altena Analysen und Interviews zum Thema "
    "Migration und Integration durchgeführt, und die Ergebnisse wurden lange und ausführlich besprochen.",
    "Der Rat tagt.",
    "Das dezentrale Wohnen in den Stadtteilen und das Kümmerer-Modell sind auf großes Interesse gestoßen.",
]


def test_a_sentence_gets_the_same_english_alone_and_among_others(runaway_model) -> None:  # type: ignore[no-untyped-def]
    """What else is in a run never changes a sentence's English (beam 4, with attention or not).

    Issue 30, item 9: `translate --force` changed an untouched article's warnings because its
    sentences were batched with others. The runaway model's random weights make beam search
    sensitive to the batch's length limit, which was the cap of the batch's longest sentence.
    """
    engine = Engine(runaway_model, EngineOptions(beam_size=4))
    alone = [engine.translate([s])[0] for s in SENTENCES]
    among = engine.translate(OTHERS + SENTENCES)[len(OTHERS) :]
    backwards = engine.translate((SENTENCES + OTHERS)[::-1], attention=[False] * 9)[::-1][:6]
    assert [t.target_pieces for t in among] == [t.target_pieces for t in alone]
    assert [t.target_pieces for t in backwards] == [t.target_pieces for t in alone]
    assert [t.text for t in among] == [t.text for t in alone]
    # Its attention is near-uniform noise whose strongest source is a matter of rounding, so only
    # the English is compared. (Rounding can still differ with the padding a longer batch-mate
    # brings: 1 of the seed article's 19 sentences, with this model; see engine.DECODING_LIMIT.)


def test_a_sentence_that_occurs_twice_is_translated_once(tiny_model) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(tiny_model, EngineOptions())
    done: list[int] = []
    twice = ["Der Rat tagt.", "Ja.", "Der Rat tagt."]
    translations = engine.translate(twice, progress=done.append, attention=[True, False, True])
    once = Engine(tiny_model, EngineOptions()).translate(["Der Rat tagt.", "Ja."])
    assert [t.text for t in translations] == [once[0].text, once[1].text, once[0].text]
    assert engine.target_pieces == sum(len(t.target_pieces) for t in once)
    assert sum(done) == 3 and engine.sentences == 3


def test_the_generated_model_ends_its_sentences_and_walks_the_source(tiny_model) -> None:  # type: ignore[no-untyped-def]
    """One English piece per German piece, then </s>: far below the cap, attention on the diagonal."""
    engine = Engine(tiny_model, EngineOptions())
    translations = engine.translate([*SENTENCES, *OTHERS, "Am 1. April 2026 um 17:30 Uhr."])
    for t in translations:
        pieces = len(t.source_spans)
        assert len(t.target_pieces) == pieces < decoding_cap(pieces)
        assert list(t.attention.strongest_sources) == list(range(pieces))
    # Digits and punctuation that are pieces of its vocabulary come out as they are ("2026"
    # and "17:30" need byte pieces with this small vocabulary, which become English words).
    assert translations[-1].text.split()[1] == "1."
