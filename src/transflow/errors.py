"""One error family: every failure a user can cause or fix is a ``TransflowError``.

The CLI catches the base class once, prints ``error: <message>`` (and ``hint: …``) and
exits with the error's code. Exit codes: 0 ok, 1 checks failed, 2 usage/config/model,
3 input problems, 130 interrupted. ``serve`` answers each with its ``http_status``, in one
exception handler.
"""

from __future__ import annotations


class TransflowError(Exception):
    """Base class: a one-line message, an optional hint, and the exit code."""

    exit_code = 2
    http_status = 422  # what `serve` answers: a request it understood but cannot carry out

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(TransflowError):
    """The project folder or a setting is unusable (exit 2)."""

    http_status = 500  # the server's own files are wrong, not the request


class GlossaryError(TransflowError):
    """glossary.yml is invalid; ``problems`` holds one line per problem with its YAML line."""

    http_status = 409  # the term cannot go into the glossary as it is

    def __init__(
        self,
        problems: list[str],
        path: str = "glossary.yml",
        hint: str = "run `transflow glossary lint` for every problem",
    ) -> None:
        self.problems = problems
        first = problems[0] if problems else "invalid glossary"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{path}: {first}{more}", hint=hint)


class ModelError(TransflowError):
    """No usable German→English model: missing, corrupt or for the wrong languages (exit 2)."""


class InputError(TransflowError):
    """A source article or file given on the command line cannot be used (exit 3)."""

    exit_code = 3
    http_status = 404  # no such article or sentence


class InvalidSlug(TransflowError):
    """An article name given on the command line cannot name a folder under output/ (exit 2)."""


class OutputError(TransflowError):
    """A result could not be written (folder not writable, disk full); earlier files are intact."""

    http_status = 500


class LinkRefused(OutputError):
    """A link inside output/ where transflow reads or writes; ``path`` is the link (never followed)."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(
            f"{path} is a link; transflow never follows links inside output/",
            hint="remove the link (`transflow doctor --repair` removes it)",
        )


class LockedError(TransflowError):
    """Another transflow process holds the project's run lock."""

    http_status = 503  # busy: the page tries again


class ChecksFailed(TransflowError):
    """A check found problems, e.g. required glossary terms missing from a draft (exit 1)."""

    exit_code = 1
    http_status = 409


class ApprovalRefused(ChecksFailed):
    """Approving would pass over must-fix problems; ``blockers`` and ``warnings`` list them (exit 1)."""

    def __init__(
        self, slug: str, blockers: tuple[str, ...], warnings: tuple[str, ...], version: str = ""
    ) -> None:
        self.blockers, self.warnings, self.version = blockers, warnings, version
        more = f" (and {len(blockers) - 1} more)" if len(blockers) > 1 else ""
        super().__init__(
            f"{slug}: not approved: {blockers[0]}{more}",
            hint="correct the draft, or approve anyway with --force",
        )


class ArticleChanged(ChecksFailed):
    """The article changed since the version an approver saw; nothing was approved (exit 1, HTTP 409)."""

    def __init__(self, slug: str, seen: str, now: str) -> None:
        self.seen, self.now = seen, now
        super().__init__(
            f"{slug}: not approved: it changed since version {seen} (now {now})",
            hint="look at it again (`transflow status`, the review page), then approve what you saw",
        )


class Interrupted(TransflowError):
    """The run was stopped by SIGINT or SIGTERM; finished articles are kept (exit 130)."""

    exit_code = 130
