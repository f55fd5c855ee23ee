"""Where backendlab keeps things on the learner's machine.

Data (datasets, working copies, PostgreSQL's cluster) lives in a per-user data folder so that
every notebook and every kernel restart finds it again. Sockets and pid files live in a short
per-user runtime folder, because a unix socket path must stay under ~100 characters.
Both can be moved with environment variables, which is how the tests isolate themselves.
"""

import os
from pathlib import Path


def data_dir() -> Path:
    """Datasets and databases: ``$BACKENDLAB_DATA_DIR``, else ``$XDG_DATA_HOME/backendlab``."""
    explicit = os.environ.get("BACKENDLAB_DATA_DIR")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "backendlab"
    path.mkdir(parents=True, exist_ok=True)
    return path


def runtime_dir() -> Path:
    """Sockets and pid files: ``$BACKENDLAB_RUNTIME_DIR``, else a private folder under /tmp.

    Only the owner may enter it (mode 700): a unix socket there is as private as a password.
    """
    explicit = os.environ.get("BACKENDLAB_RUNTIME_DIR")
    if explicit:
        path = Path(explicit)
    else:
        base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
        path = Path(base) / f"backendlab-{os.getuid()}"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def course_root() -> Path:
    """The repository folder (the one holding ``nbgrader_config.py``)."""
    return Path(__file__).resolve().parent.parent


def under_nbgrader() -> bool:
    """True while nbgrader validates or autogrades (it sets ``NBGRADER_EXECUTION``): the one
    place that reads it. Timings, charts and sweeps then do the least that grades the same
    (nobody reads them, and a class of 60 would pay every repetition 60 times), and each
    grading kernel gets its own data (:func:`grading_suffix`)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def grading_suffix() -> str:
    """A suffix that keeps concurrent grading kernels out of each other's way.

    nbgrader sets ``NBGRADER_EXECUTION`` while it validates or autogrades. Two students graded
    at the same time must not share a database copy or a Redis key space, so each grading
    kernel gets its own (named after its process id). A learner's kernel gets no suffix, so
    re-running a notebook reuses (and resets) the same working copy. In the grading sandbox
    every kernel has the same process id (its own pid namespace): there it gets a tag.
    """
    if not under_nbgrader():
        return ""
    return f"-g{os.environ.get('BACKENDLAB_KERNEL_TAG') or os.getpid()}"
