"""A JupyterLab server run for a test, until the block ends: `./course lab` as a learner starts
it (on a free loopback port), or any `jupyter lab` command (on a unix socket)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from backendlab.load import UnixHTTPConnection

TOKEN = "backendlab-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(command: list[str], scratch: Path, ready: Callable[[], bool], *,
            cwd: Path | None = None, env: dict[str, str] | None = None) -> Iterator[None]:
    """Run the server ``command`` until the block ends, once ``ready()`` says it answers.
    Runtime files, saved layouts and user settings go to ``scratch``, not the user's home."""
    log_path = scratch / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {}), "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
                 "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
                 "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings")})
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if ready():
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"`{' '.join(command[:2])}` did not start:\n"
                                + log_path.read_text()[-3000:])
                time.sleep(0.5)
            yield
        finally:
            if server.poll() is None:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)


@contextmanager
def course_lab(course: Path, scratch: Path) -> Iterator[str]:
    """Run `<course>/course lab` until the block ends; yield its base URL (token: TOKEN)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5):
            return True

    with running([str(course / "course"), "lab", "--no-browser", f"--ServerApp.port={port}",
                  "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}"],
                 scratch, ready):
        yield base


def unix_get(sock: Path, url: str, token: str | None = TOKEN) -> tuple[int, str, str]:
    """(status, Location header, body) of a GET over the server's unix socket, logged in with
    ``token`` (None: not logged in)."""
    connection = UnixHTTPConnection(sock, timeout=30)
    connection.request("GET", url, headers={"Authorization": f"token {token}"} if token else {})
    response = connection.getresponse()
    return response.status, response.getheader("Location") or "", response.read().decode()


@contextmanager
def socket_lab(lab: list[str], cwd: Path, env: dict[str, str]) -> Iterator[Path]:
    """Run ``lab`` (a `jupyter lab` command) headless on a unix socket (no port another user
    of the machine could reach) until the block ends; yield the socket (token: TOKEN)."""
    scratch = Path(tempfile.mkdtemp(prefix="lab-", dir="/tmp"))  # short: socket paths
    sock = scratch / "lab.sock"
    root = ["--allow-root"] if os.getuid() == 0 else []
    try:
        with running([*lab, "--no-browser", *root, f"--ServerApp.sock={sock}",
                      f"--IdentityProvider.token={TOKEN}"], scratch,
                     lambda: unix_get(sock, "/api/status")[0] == 200, cwd=cwd, env=env):
            yield sock
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
