"""`./course lab` as a learner starts it, on a free loopback port, for tests to talk to."""

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

TOKEN = "backendlab-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def course_lab(course: Path, scratch: Path) -> Iterator[str]:
    """Run `<course>/course lab` until the block ends; yield its base URL (token: TOKEN).
    Runtime files, saved layouts and user settings go to ``scratch``, not the user's home."""
    port = free_port()
    log_path = scratch / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(course / "course"), "lab", "--no-browser", f"--ServerApp.port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
                 "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
                 "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings")})
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5):
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        pytest.fail("`./course lab` did not start:\n" + log_path.read_text()[-3000:])
                    time.sleep(0.5)
            yield base
        finally:
            if server.poll() is None:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
