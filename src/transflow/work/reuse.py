"""What a new draft takes from the last one: a person's English, the editor's layout, machine English.

The new German sentences are aligned with the last record's by a sentence-level diff.
A sentence whose German is unchanged keeps English a person wrote or approved, and its
machine English when the same model and the same glossary terms would make it again. Where
the German changed under English an editor wrote, that English stays in the draft, marked,
beside the new machine English, until an editor decides: nothing an editor wrote is dropped
by a run.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from transflow.terms.glossary import Glossary
from transflow.text.segmentation import Segment
from transflow.work.memory import MemoryUnit
from transflow.work.record import (
    APPROVED,
    MACHINE,
    MEMORY,
    PERSONS,
    WRITTEN,
    ArticleRecord,
    Sentence,
    Signature,
)

# What a sentence still needs from the engine.
NOTHING, ENGLISH, SUGGESTION = "nothing", "english", "suggestion"
# How alike two German sentences must be (difflib ratio) for the new one to continue the old.
SIMILAR = 0.5


@dataclass(frozen=True)
class Plan:
    """One new German sentence: what it keeps, and what it still needs from the engine."""

    sentence: Sentence  # complete when ``needs`` is NOTHING
    needs: str = NOTHING


def align(previous: ArticleRecord | None, segments: list[Segment]) -> list[tuple[Sentence | None, bool]]:
    """For each new German sentence: the old sentence it continues, and whether its German changed."""
    old = previous.sentences if previous else ()
    pairs = continued([s.source for s in old], [s.text for s in segments])
    return [(None if i is None else old[i], changed) for i, changed in pairs]


def continued(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, bool]]:
    """For each new German sentence: the index of the old one it continues, and whether it changed.

    Unchanged sentences are found by a sentence-level diff; inside a changed stretch each new
    sentence continues the most similar old one (in order), so a deleted sentence next to a
    changed one does not hand its English to the wrong German.
    """
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    out: list[tuple[int | None, bool]] = [(None, True)] * len(new)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(j2 - j1):
                out[j1 + k] = (i1 + k, False)
        elif op == "replace":
            at = i1
            for j in range(j1, j2):
                scores = [(difflib.SequenceMatcher(None, old[i], new[j]).ratio(), -i) for i in range(at, i2)]
                best = max(scores, default=(0.0, 0))
                if best[0] >= SIMILAR:
                    i = -best[1]
                    out[j] = (i, True)
                    at = i + 1
    return out


def term_key(german: str, glossary: Glossary) -> tuple[tuple[object, ...], ...]:
    """The glossary constraints on a German sentence (the same key: the same enforced English)."""
    if not glossary.entries:
        return ()
    from transflow.terms.enforcement import find_terms  # with numpy: only runs that translate need it

    return tuple(
        (m.entry.de, m.entry.en, tuple(m.entry.renderings), m.start, m.end, m.kind)
        for m in find_terms(german, glossary)
    )


def plan_article(
    previous: ArticleRecord | None,
    segments: list[Segment],
    glossary: Glossary,
    signature: Signature,
    memory: dict[str, MemoryUnit],
    force: bool = False,
) -> list[Plan]:
    """Decide, sentence by sentence, what the new draft keeps and what goes to the engine."""
    same_model = previous is not None and previous.signature.same_model(signature) and not force
    plans = []
    for segment, (base, changed) in zip(segments, align(previous, segments), strict=True):
        fresh = Sentence(segment.paragraph, segment.index, segment.text, "", space_after=segment.space_after)
        if base is not None:
            fresh = replace(fresh, after=base.after)
        machine_ok = (
            base is not None
            and not changed
            and same_model
            and base.machine is not None
            and tuple(t.key for t in base.terms) == term_key(segment.text, glossary)
        )
        if base is not None and changed and base.origin in WRITTEN:
            # The German changed under an editor's English: keep it, ask the engine for a suggestion.
            kept = replace(
                fresh,
                english=base.english,
                origin=base.origin,
                machine=base.machine,
                written_for=base.written_for or base.source,
            )
            plans.append(Plan(kept, SUGGESTION))
        elif base is not None and not changed and base.origin in PERSONS:
            kept = replace(
                fresh,
                english=base.english,
                origin=base.origin,
                machine=base.machine,
                written_for=base.written_for,
                suggestion=base.suggestion,
            )
            # Approved machine English is checked against what the engine says now.
            recheck = base.origin == APPROVED and not machine_ok
            plans.append(Plan(kept, SUGGESTION if recheck else NOTHING))
        elif machine_ok and base is not None:
            plans.append(Plan(replace(base, paragraph=segment.paragraph, index=segment.index)))
        elif segment.text in memory:
            unit = memory[segment.text]
            machine = base.machine if base is not None and not changed else None
            plans.append(Plan(replace(fresh, english=unit.target, origin=MEMORY, machine=machine)))
        else:
            plans.append(Plan(fresh, ENGLISH))
    return plans


def with_machine(plan: Plan, english: str) -> Sentence:
    """The planned sentence completed with the engine's (enforced) English."""
    sentence = plan.sentence
    if plan.needs == ENGLISH:
        return replace(sentence, english=english, machine=english, origin=MACHINE)
    if sentence.conflict:
        return replace(sentence, suggestion=english if english != sentence.english else None)
    # Approved English: kept; a difference is shown to the editor.
    return replace(sentence, machine=english, suggestion=english if english != sentence.english else None)
