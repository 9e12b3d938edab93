"""`serve` against idle and slow clients (issue 29, finding 6): loopback only, bounded in time."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from transflow.web.webguard import HEADER_TIMEOUT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serving(project: Path) -> Iterator[int]:
    """`transflow serve` in its own process on 127.0.0.1; its port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "transflow", "serve", "--port", str(port), "--project", str(project)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            assert proc.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def editor(port: int) -> tuple[int, float]:
    """An editor opening the index: the status and the seconds it took."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Host": f"127.0.0.1:{port}"})
        return conn.getresponse().status, time.monotonic() - started
    finally:
        conn.close()


def test_an_editor_is_answered_while_250_idle_sockets_wait(serving: int) -> None:
    idle = []
    try:
        for _ in range(250):  # half a request line each, then nothing
            sock = socket.create_connection(("127.0.0.1", serving), timeout=5)
            sock.sendall(b"GET / HT")
            idle.append(sock)
        status, seconds = editor(serving)
        print(f"editor answered in {seconds:.3f} s with 250 idle sockets open")
        assert status == 200 and seconds < 2  # the old server: 503 for as long as the sockets stayed
    finally:
        for sock in idle:
            sock.close()


def test_a_request_head_that_never_ends_is_closed(serving: int) -> None:
    with socket.create_connection(("127.0.0.1", serving), timeout=HEADER_TIMEOUT + 10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        assert sock.recv(1024) == b""  # closed by the server, not by our timeout (that raises)
        assert time.monotonic() - started < HEADER_TIMEOUT + 5
