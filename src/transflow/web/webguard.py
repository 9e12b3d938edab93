"""`serve`'s guard against idle and slow clients: a header read timeout and a per-client cap.

uvicorn times out idle keep-alive connections but not a request whose headers never finish:
205 sockets that sent half a request line held every slot of ``limit_concurrency`` for as long
as they stayed, and editors got 503 (issue 29). Here a connection that has not sent a whole
request head within ``HEADER_TIMEOUT`` is closed, and one client (address) keeps at most
``WAITING_PER_CLIENT`` such connections: a new one closes its oldest, so an editor's request
always finds room.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0  # seconds for a request head to arrive (a browser sends it at once)
WAITING_PER_CLIENT = 16  # a browser opens at most 6 connections to a host


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on request heads and a cap on waiting connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._seen: object = None  # the request cycle last counted as started

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._wait()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._check_started()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._wait()  # keep-alive: the next request's head is timed too
            self._check_started()  # a pipelined request may already be running

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _waiting(self) -> dict[GuardedH11Protocol, None]:
        """This client's waiting connections, oldest first (kept on the server's shared state)."""
        table: dict[str, dict[GuardedH11Protocol, None]] = self.server_state.__dict__.setdefault(
            "transflow_waiting", {}
        )
        return table.setdefault(self.client[0] if self.client else "", {})

    def _wait(self) -> None:
        self._stop_waiting()
        self._deadline = self.loop.call_later(HEADER_TIMEOUT, self._drop)
        waiting = self._waiting()
        waiting[self] = None
        while len(waiting) > WAITING_PER_CLIENT:
            next(iter(waiting))._drop()

    def _check_started(self) -> None:
        if self.cycle is not None and self.cycle is not self._seen:
            self._seen = self.cycle
            self._stop_waiting()

    def _stop_waiting(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._waiting().pop(self, None)

    def _drop(self) -> None:
        """Close a connection that is still waiting for its request head."""
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.close()
