"""What a sentence's English does with its German: glossary terms present or missing, QA findings.

One function judges machine and editors' English alike, so the record, the review page,
``status``, ``approve`` and ``glossary check`` always agree on a term.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from transflow.checks import Finding, run_checks
from transflow.states import TermStatus
from transflow.terms.glossary import Glossary
from transflow.work.record import Sentence, Term

if TYPE_CHECKING:  # enforcement (and numpy) load when a term is judged: status and no-op runs never do
    from transflow.terms.enforcement import TermMatch


def term_statuses(german: str, english: str, glossary: Glossary) -> list[tuple[TermMatch, str]]:
    """Every glossary term in the German and whether the English has it: kept, missing or flagged."""
    if not glossary.entries:
        return []
    from transflow.terms.enforcement import find_terms, satisfied

    return [
        (
            m,
            TermStatus.FLAGGED
            if not m.required
            else (TermStatus.KEPT if satisfied(english, m.entry) else TermStatus.MISSING),
        )
        for m in find_terms(german, glossary)
    ]


def to_term(match: TermMatch, status: str) -> Term:
    entry = match.entry
    return Term(
        de=entry.de,
        en=entry.en,
        surface=match.surface,
        start=match.start,
        end=match.end,
        kind=match.kind,
        status=status,
        renderings=tuple(entry.renderings),
        note=entry.note,
    )


def assess(
    sentence: Sentence, glossary: Glossary, statuses: list[tuple[TermMatch, str]] | None = None
) -> Sentence:
    """The sentence with its terms and findings worked out afresh.

    ``statuses`` is what enforcement did to machine English; without it, the English is
    searched for each term (a person's English is checked, never changed).
    """
    if statuses is None:
        statuses = term_statuses(sentence.source, sentence.english, glossary)
    left_out = sentence.edited and not sentence.english.strip()
    if left_out:  # an editor deleted the whole sentence: a decision, not a missing term
        statuses = [(m, TermStatus.OMITTED if s == TermStatus.MISSING else s) for m, s in statuses]
    findings: list[Finding] = []
    if sentence.conflict:
        findings.append(
            Finding(
                "german-changed",
                "critical",
                "the German changed under an editor's sentence: check this English against the new"
                f" German (written for: {sentence.written_for})",
            )
        )
    elif sentence.suggestion is not None:
        findings.append(
            Finding(
                "approved-kept",
                "functional",
                "the model or glossary now gives different English; the approved English is kept",
            )
        )
    findings += [
        Finding("term-missing", "critical", f"term missing: {m.surface} → {m.entry.en}")
        for m, status in statuses
        if status == TermStatus.MISSING
    ]
    if left_out:
        findings.append(Finding("left-out", "cosmetic", "an editor left this sentence out of the English"))
    else:
        findings += run_checks(sentence.source, sentence.english)
    terms = tuple(to_term(m, status) for m, status in statuses)
    return replace(sentence, terms=terms, findings=tuple(findings))
