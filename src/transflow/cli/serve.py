"""`transflow serve`: the review pages in the browser, editable."""

from __future__ import annotations

import contextlib
import errno
import secrets
import socket
from pathlib import Path
from typing import Annotated

import typer

from transflow.cli.app import ProjectOption, app, console, project_at
from transflow.errors import ConfigError


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but 127.0.0.1 requires a token.")
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the index in the browser.")] = False,
    token: Annotated[
        str | None,
        typer.Option(help="Token every request must carry (default: a random one when --host is not local)."),
    ] = None,
    project: ProjectOption = Path("."),
) -> None:
    """Review, correct and approve articles in the browser.

    A sentence saved in the browser is kept exactly as if you had corrected draft.en.md:
    it is remembered for later articles and the earlier wording stays in the history. If a
    colleague changed the same sentence since you opened the page, your save is refused and
    both texts are shown, so nothing is overwritten unseen.

    \b
    Example: transflow serve --open

    Example: transflow serve --host 0.0.0.0 --port 9000     (prints a URL with a token)
    """
    import uvicorn

    from transflow.web.server import ServerConfig, create_app, needs_token
    from transflow.web.webguard import GuardedH11Protocol

    proj = project_at(project)
    proj.source_files()  # not a project folder: one error line with a hint
    if token is None and needs_token(host):
        token = secrets.token_urlsafe(24)
    sock = bind(host, port)
    shown = "localhost" if host == "127.0.0.1" else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console().print(f"serving {proj.root} at {url}  (Ctrl-C stops)", markup=False, soft_wrap=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(
        create_app(ServerConfig(proj, host, port, token)),
        log_level="warning",
        server_header=False,
        limit_concurrency=200,
        http=GuardedH11Protocol,  # a deadline on request heads and a cap per client (webguard)
    )
    # uvicorn shuts down cleanly first (open saves finish), then passes the Ctrl-C on: for a
    # server it is the normal way to stop, not an interrupted translation.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    console().print("stopped serving; every save is written to the drafts", markup=False)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or one `error:` line (exit 2) when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"port {port} on {host} is already in use", hint="stop the other server or pass --port"
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
