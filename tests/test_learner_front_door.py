"""The learner's way in: `./course lab` serves the course, and the start-here notebook runs."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from backendlab.grading import cell_failed, execute

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_course_lab_serves_the_start_here_notebook(tmp_path: Path) -> None:
    port, token = free_port(), "backendlab-test"
    server = subprocess.Popen(
        [str(ROOT / "course"), "lab", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
        stdout=subprocess.DEVNULL, stderr=open(tmp_path / "lab.log", "w"),
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/00-start-here.ipynb?token={token}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not serve the notebook:\n"
                                + (tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}") as page:
            assert b"JupyterLab" in page.read()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_ungraded_notebooks_run_without_errors_or_warnings(notebook: Path) -> None:
    executed = execute(notebook)
    broken = [cell.source[:80] for cell in executed.cells if cell.cell_type == "code" and cell_failed(cell)]
    assert broken == []
