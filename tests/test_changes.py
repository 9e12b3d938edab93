"""The change cache: what it lets a run skip, and that it is never trusted where it should not be."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from transflow.actions.translate import run_translate
from transflow.project import Project
from transflow.work import changes
from transflow.work.changes import ChangeCache
from transflow.work.workflow import _summary, all_states, article_summaries

SLUG = "altena-2018-04-oecd-studie"
HOUR_NS = 3600 * 10**9


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file is old enough to trust: the cache's clock runs an hour ahead."""
    monkeypatch.setattr(changes, "clock_ns", lambda: time.time_ns() + HOUR_NS)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts of source parses and record loads, wherever they happen."""
    import transflow.actions.translate
    import transflow.text.articles
    import transflow.work.record
    import transflow.work.workflow

    counts = {"parse_article": 0, "load_record": 0}

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    for module in (transflow.text.articles, transflow.actions.translate):
        if hasattr(module, "parse_article"):
            monkeypatch.setattr(module, "parse_article", counted("parse_article", module.parse_article))
    for module in (transflow.work.record, transflow.actions.translate, transflow.work.workflow):
        monkeypatch.setattr(module, "load_record", counted("load_record", transflow.work.record.load_record))
    return counts


def cold_summaries(project: Path) -> list[Any]:
    """What status shows computed without any cache: every file read."""
    proj = Project(project)
    return [_summary(state) for state in all_states(proj, None)]


def status_of(project: Path) -> list[Any]:
    return article_summaries(Project(project))


def test_a_no_op_run_and_status_read_no_source_or_record(project: Path, tiny_model, settled, reads) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    status_of(project)  # the states join the cache
    reads.update(parse_article=0, load_record=0)
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["unchanged"]
    assert status_of(project) == cold_summaries(project)
    reads.update(parse_article=0, load_record=0)
    status_of(project)
    run_translate(Project(project))
    assert reads == {"parse_article": 0, "load_record": 0}


def test_a_source_changed_within_the_racy_window_is_read_again(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    """Real clock: the source was written just now, so its stamp is never trusted yet."""
    source = project / "sources" / f"{SLUG}.txt"
    run_translate(Project(project))
    before = os.stat(source)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Frisch", "Frosch", 1), encoding="utf-8")  # same size
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(source).st_size == before.st_size
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["translated"]


def test_a_racy_stamp_is_not_kept_and_a_settled_one_is(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "output" / ".transflow").mkdir(parents=True)
    now = time.time_ns()
    young = (10, now - changes.RACY_NS // 2, now - changes.RACY_NS // 2, 1)
    old = (10, now - 2 * changes.RACY_NS, now - 2 * changes.RACY_NS, 2)
    cache = ChangeCache(Project(project))
    cache.keep("sources", "young.txt", (young,), (), ["young", "", []])
    cache.keep("sources", "old.txt", (old,), (), ["old", "", []])
    cache.save()
    again = ChangeCache(Project(project))
    assert again.lookup("sources", "young.txt", (young,), ()) is None
    assert again.lookup("sources", "old.txt", (old,), ()) == ["old", "", []]
    # Same stamp, other context (glossary, model): not the same verdict.
    assert again.lookup("sources", "old.txt", (old,), ("other",)) is None
    # A stamp that equals the stored one in all but its inode is another file.
    assert again.lookup("sources", "old.txt", ((*old[:3], 3),), ()) is None


def test_settled_looks_at_mtime_and_ctime_of_every_stamp() -> None:
    made = 10 * changes.RACY_NS
    old = made - changes.RACY_NS - 1
    assert ChangeCache.settled((None, (1, old, old, 1)), made)
    assert not ChangeCache.settled(((1, old, old, 1), (1, old, made - changes.RACY_NS, 2)), made)
    assert not ChangeCache.settled(((1, made - changes.RACY_NS, old, 1), None), made)
    assert ChangeCache.settled((), made)


def test_summary_json_is_every_field_in_order_and_reads_back() -> None:
    summary = changes.Summary("a", "drafted", ("why", "else"), "Titel", "2024-07", 2, 1, "2024-07-04", True)
    assert changes.summary_json(summary) == changes._json(summary)  # the dataclass's own order
    assert changes.summary_from_json(json.loads(json.dumps(changes.summary_json(summary)))) == summary


def test_a_stamp_that_did_not_move_is_still_distrusted_while_young(
    project: Path, tiny_model, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A file rewritten within one clock tick keeps its whole stamp: only the racy rule catches it."""
    source = project / "sources" / f"{SLUG}.txt"
    frozen = changes.stamp_of(source)
    assert frozen is not None
    real = changes.stamp_of
    monkeypatch.setattr(changes, "stamp_of", lambda p: frozen if str(p) == str(source) else real(p))
    run_translate(Project(project))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Frisch", "Frosch", 1), encoding="utf-8")
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["translated"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder", "future", "lies"])
def test_a_damaged_cache_is_ignored_and_rebuilt(project: Path, tiny_model, settled, damage: str) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    run_translate(Project(project))  # the no-op's verdicts
    status_of(project)
    cache = ChangeCache(Project(project))
    paths = [cache.path(kind) for kind in changes.KINDS]
    assert all(path.is_file() for path in paths)
    # The German changes under the cache; then the cache is damaged.
    source = project / "sources" / f"{SLUG}.txt"
    german = source.read_text(encoding="utf-8")
    source.write_text(german.replace("Frisch", "Ganz frisch", 1), encoding="utf-8")
    for path in paths:
        data = json.loads(path.read_text())
        if damage == "garbage":
            path.write_bytes(b"\x00\xff not json at all")
        elif damage == "truncated":
            path.write_text(path.read_text()[: len(path.read_text()) // 2])
        elif damage == "folder":
            path.unlink()
            path.mkdir()
        elif damage == "future":
            data["scanned_ns"] = time.time_ns() + 10 * HOUR_NS
            path.write_text(json.dumps(data))
        else:  # every verdict's digest is another one: none may be believed
            for entry in data["entries"].values():
                entry[0] = "0" * 32
            path.write_text(json.dumps(data))
    assert status_of(project) == cold_summaries(project)
    assert status_of(project)[0].state == "needs attention"
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["translated"]
    assert status_of(project) == cold_summaries(project)
    for path in paths:
        if damage == "folder":
            assert path.is_dir()  # left alone; runs work without a cache
        else:
            assert json.loads(path.read_text())["version"] == changes.CACHE_VERSION


def test_deleted_and_renamed_sources(project: Path, tiny_model, settled) -> None:  # type: ignore[no-untyped-def]
    sources = project / "sources"
    shutil.copy(sources / f"{SLUG}.txt", sources / "zweiter.txt")
    run_translate(Project(project))
    status_of(project)
    (sources / "zweiter.txt").unlink()
    (sources / f"{SLUG}.txt").rename(sources / "umbenannt.txt")
    states = {s.slug: s for s in status_of(project)}
    assert states == {s.slug: s for s in cold_summaries(project)}
    assert states["zweiter"].state == "needs attention"
    assert "gone" in states["zweiter"].reasons[0]
    assert states["umbenannt"].state == "new"
    report = run_translate(Project(project))
    assert {r.slug: r.status for r in report.results} == {"umbenannt": "translated"}
    assert status_of(project) == cold_summaries(project)


@pytest.mark.parametrize("same_size", [False, True])
def test_an_edited_draft_is_noticed(project: Path, tiny_model, settled, same_size: bool) -> None:  # type: ignore[no-untyped-def]
    run_translate(Project(project))
    status_of(project)
    run_translate(Project(project))  # the cache now says "unedited"
    draft = project / "output" / SLUG / "draft.en.md"
    before = os.stat(draft)
    text = draft.read_text(encoding="utf-8")
    front, body = text.split("\n---\n", 1)
    english = body.rstrip("\n")
    last = english.split()[-1]  # a word of the English, past the generated-model banner
    edited = (last[::-1] if last[::-1] != last else last.upper()) if same_size else last + " indeed"
    draft.write_text(front + "\n---\n" + english[: -len(last)] + edited + "\n", encoding="utf-8")
    if same_size:
        os.utime(draft, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert os.stat(draft).st_size == before.st_size
    assert [s.state for s in status_of(project)] == ["edited"] == [s.state for s in cold_summaries(project)]
    report = run_translate(Project(project))
    assert report.edited_sentences >= 1
    assert status_of(project) == cold_summaries(project)


def test_two_runs_sharing_one_cache_agree(project: Path, tiny_model, settled) -> None:  # type: ignore[no-untyped-def]
    """Two commands at once each write only true verdicts; whichever cache wins is right."""
    run_translate(Project(project))
    first, second = ChangeCache(Project(project)), ChangeCache(Project(project))
    source = project / "sources" / f"{SLUG}.txt"
    assert first.source(source).slug == second.source(source).slug == SLUG
    first.save()
    source.write_text(source.read_text(encoding="utf-8").replace("Frisch", "Neu", 1), encoding="utf-8")
    second.source(source)
    second.dirty.add("sources")
    second.save()  # written last, with the stamp of the file before the change
    report = run_translate(Project(project))
    assert [r.status for r in report.results] == ["translated"]


def test_device_cuda_without_a_gpu_is_one_error_line(project: Path, tiny_model) -> None:  # type: ignore[no-untyped-def]
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a CUDA GPU")
    code, _out, err = run_cli("translate", "--device", "cuda", "--project", str(project))
    assert code == 2 and err.startswith("error: --device cuda: CTranslate2 sees no CUDA GPU"), err
    assert not (project / "output" / SLUG).exists()
    code, _out, err = run_cli("translate", "--device", "gpu", "--project", str(project))
    assert code == 2 and err.startswith("error: --device gpu: choose one of auto, cpu, cuda"), err
    code, _out, err = run_cli("translate", "--device", "auto", "--project", str(project))
    assert code == 0, err


def translate_statuses(project: Path) -> tuple[list[tuple[str, str, int]], int]:
    """What a translate run did: each article's outcome, and how many edited sentences it took in."""
    report = run_translate(Project(project))
    return [(r.slug, r.status, r.sentences) for r in report.results], report.edited_sentences


def change_project(project: Path, change: str) -> None:
    """One thing a person does to a project (every one must be seen through the quiet verdicts)."""
    from transflow.actions.approval import approve
    from transflow.actions.publish import publish
    from transflow.terms.glossary import add_term_to_file

    sources, folder = project / "sources", project / "output" / SLUG
    if change == "source":
        source = sources / f"{SLUG}.txt"
        source.write_text(source.read_text(encoding="utf-8").replace("Frisch", "Ganz frisch", 1), "utf-8")
    elif change == "new source":
        (sources / "neu.txt").write_text("Der Rat tagt am Montag.\n", encoding="utf-8")
    elif change == "unusable source":
        (sources / "kaputt.txt").write_bytes(b"\xff\xfe\x00 not German")
    elif change == "draft":
        draft = folder / "draft.en.md"
        draft.write_text(draft.read_text(encoding="utf-8").rstrip("\n") + " Indeed.\n", encoding="utf-8")
    elif change == "record gone":
        (folder / "segments.json").unlink()
    elif change == "approval":
        approve(Project(project), SLUG, force=True)
    elif change == "approval gone":  # approved before the quiet verdicts were kept
        (folder / "approved.json").unlink()
    elif change == "site":  # approved before, too
        publish(Project(project))
    elif change == "glossary":
        add_term_to_file(project / "glossary.yml", "Rathaus", "town hall")
    else:
        raise AssertionError(change)


@pytest.mark.parametrize(
    "change",
    [
        "source",
        "new source",
        "unusable source",
        "draft",
        "record gone",
        "approval",
        "approval gone",
        "site",
        "glossary",
    ],
)
def test_a_quiet_project_is_judged_by_one_digest_and_any_change_ends_it(  # type: ignore[no-untyped-def]
    project: Path, tmp_path_factory: pytest.TempPathFactory, tiny_model, settled, reads, change: str
) -> None:
    from transflow.actions.approval import approve

    run_translate(Project(project))
    if change in ("approval gone", "site"):
        approve(Project(project), SLUG, force=True)
    run_translate(Project(project))  # nothing changed: the no-op's report is kept whole
    status_of(project)
    assert set(ChangeCache(Project(project)).old("quiet")) == {"translate", "status"}
    reads.update(parse_article=0, load_record=0)
    looked_up: list[str] = []
    real_lookup = ChangeCache.lookup

    def lookup(self: ChangeCache, kind: str, *args: Any) -> Any:
        looked_up.append(kind)
        return real_lookup(self, kind, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ChangeCache, "lookup", lookup)
        assert translate_statuses(project) == ([(SLUG, "unchanged", 0)], 0)
        summaries = status_of(project)
    assert looked_up == [] and reads == {"parse_article": 0, "load_record": 0}
    assert summaries == cold_summaries(project)

    change_project(project, change)
    # The same project without any cache is what the cached commands must agree with.
    cold = tmp_path_factory.mktemp("cold") / "project"
    shutil.copytree(project, cold, symlinks=True)
    for path in (cold / "output" / ".transflow").glob("changes-*.json"):
        path.unlink()
    assert status_of(project) == cold_summaries(project) == cold_summaries(cold)
    assert translate_statuses(project) == translate_statuses(cold)
    assert status_of(project) == cold_summaries(project)
