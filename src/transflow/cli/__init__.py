"""The `transflow` command: parses arguments, shows progress, maps errors to exit codes.

All work happens in library functions; each command calls one and formats its result.
`app.py` holds the Typer apps, shared options and the error mapping; `work.py` the daily
commands (translate, review, approve, status, publish); `manage.py` models, glossary,
memory and CAT-tool interchange.
"""

from transflow.cli import manage, serve, work  # noqa: F401 - importing registers their commands
from transflow.cli.app import app, main, run

__all__ = ["app", "main", "run"]
