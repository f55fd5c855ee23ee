"""Traffic that keeps flowing while a deploy happens (notebook 5.6).

A deploy is graded by what clients saw while it ran: a real client sends requests through nginx
in a loop the whole time (``Steady``), and the seeded replay runs with the deploy started as its
second round begins — so every way of deploying is tried against real competing requests, not
against one hooked call.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..load import UnixHTTPConnection
from .project import Project
from .traffic import Report, workload


class Steady:
    """A client that sends ``GET path`` to ``socket`` back to back until the block ends, and
    counts what came back (status 0: no answer at all — nothing was listening)."""

    def __init__(self, socket: Path, path: str = "/health") -> None:
        self.socket, self.path = socket, path
        self.statuses: Counter[int] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="steady-client")

    @property
    def failed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status == 0 or status >= 500)

    def _run(self) -> None:
        while not self._stop.is_set():
            connection = UnixHTTPConnection(self.socket, timeout=10)
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                self.statuses[response.status] += 1
            except (OSError, http.client.HTTPException):
                self.statuses[0] += 1
            finally:
                connection.close()

    def __enter__(self) -> Steady:
        self._thread.start()
        while not self.statuses:  # at least one answer before the block runs
            if not self._thread.is_alive():
                break
            self._stop.wait(0.005)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._stop.set()
        self._thread.join(10)

    def __repr__(self) -> str:
        return f"<steady client: {sum(self.statuses.values())} requests, statuses {dict(self.statuses)}>"


def during_replay(project: Project, old: Any, site: Any, deploy: Callable[[], Any],
                  reads: int = 40) -> tuple[Report, Any, Steady]:
    """Replay two rounds of traffic through ``site`` while ``deploy()`` runs, started as the
    second round begins, with a steady client alongside; return (the replay's report, what
    ``deploy()`` returned, the steady client)."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = deploy()
        except BaseException as error:  # noqa: BLE001 - raised in the caller's thread below
            result["error"] = error

    thread = threading.Thread(target=run, name="deploy")

    def begin(number: int) -> None:
        if number == 1:
            thread.start()

    traffic = workload(project.engine, rounds=2, reads=reads, seed=56)
    with Steady(site.socket) as steady:
        report = project.replay(old, traffic, via=site, on_round=begin)
        thread.join(60)
    if "error" in result:
        raise result["error"]
    return report, result.get("value"), steady
