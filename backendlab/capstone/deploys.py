"""Traffic that keeps flowing while a deploy happens (notebook 5.6).

A deploy is graded by what clients saw while it ran: a real client sends requests through nginx
in a loop the whole time (``Steady``), and the seeded replay runs with the deploy started as its
second round begins — so every way of deploying is tried against real competing requests, not
against one hooked call.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .app import Naive, request
from .project import Project
from .traffic import Report, count_failed, workload


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
        return count_failed(self.statuses)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.statuses[request(self.socket, "GET", self.path, timeout=10)[0]] += 1
            except (OSError, http.client.HTTPException):
                self.statuses[0] += 1

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


HELD = 13  # the product whose request the old version holds while a deploy happens


def holding(code: type[Naive]) -> type[Naive]:
    """``code`` with one request held in flight: a read of product HELD waits until released.
    An nginx worker waiting for it stays alive after a reload, as one finishing a slow request
    does — so a deploy that stops the old version before its workers are gone is seen, always."""
    release = threading.Event()

    class Holding(code):  # type: ignore[valid-type, misc]
        def product(self, db: Any, product_id: int) -> Any:
            if product_id == HELD:
                Holding.arrived.set()
                release.wait(60)
            return super().product(db, product_id)

    Holding.arrived = threading.Event()
    Holding.release = release
    Holding.__name__ = code.__name__
    return Holding


def during_replay(project: Project, old: Any, site: Any, deploy: Callable[[], Any],
                  reads: int = 40, margin: float = 0.3) -> tuple[Report, Any, Steady, int]:
    """Replay two rounds of traffic through ``site`` while ``deploy()`` runs, started as the
    second round begins, with a steady client alongside and, when ``old`` serves a ``holding``
    class, one request held in flight on it until ``margin`` seconds after the new version has
    answered. Return (the replay's report, what ``deploy()`` returned, the steady client, the
    held request's status)."""
    result: dict[str, Any] = {}
    code = type(old.code)
    held: dict[str, int] = {}

    def run() -> None:
        try:
            result["value"] = deploy()
        except BaseException as error:  # noqa: BLE001 - raised in the caller's thread below
            result["error"] = error

    def ask_held() -> None:
        try:
            held["status"] = request(site.socket, "GET", f"/products/{HELD}", timeout=60)[0]
        except (OSError, http.client.HTTPException):
            held["status"] = 0

    thread = threading.Thread(target=run, name="deploy")
    asker = threading.Thread(target=ask_held, name="held-request")
    holds = hasattr(code, "release")

    def release_after_the_switch() -> None:
        while thread.is_alive() or not result:
            if any(app.served for app in project.apps if app is not old):
                break
            time.sleep(0.005)
        time.sleep(margin)
        code.release.set()

    releaser = threading.Thread(target=release_after_the_switch, name="release-held")

    def begin(number: int) -> None:
        if number == 1:
            thread.start()
            if holds:
                releaser.start()

    if holds:
        asker.start()
        code.arrived.wait(10)
    traffic = workload(project.engine, rounds=2, reads=reads, seed=56)
    with Steady(site.socket) as steady:
        report = project.replay(old, traffic, via=site, on_round=begin)
        thread.join(60)
    if holds:
        code.release.set()
        releaser.join(10)
        asker.join(10)
    if "error" in result:
        raise result["error"]
    return report, result.get("value"), steady, held.get("status", 200)


def upstream_errors(lines: list[str], most: int = 2) -> str:
    """nginx's error-log lines about reaching the app (what a failed request met: "connect()
    ... failed (2: No such file or directory)" is an app already stopped), at most ``most``."""
    found = [line.split("] ", 1)[-1] for line in lines if "upstream" in line]
    if not found:
        return "nothing about the app"
    more = f" (and {len(found) - most} more)" if len(found) > most else ""
    return " | ".join(found[:most]) + more
