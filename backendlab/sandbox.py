"""A sandboxed bash for the Linux unit: run a learner's command where it cannot do harm.

Learners type commands that delete, chmod, loop forever or wait for input that never comes.
So every run gets:

- a fresh scratch folder, which is its working directory *and* its ``HOME``, with the
  exercise's files generated into it (so nothing a learner types runs in the course folder),
- a minimal environment (``PATH``, ``HOME``, a UTF-8 locale, UTC) plus the variables asked for,
- stdin closed (``/dev/null``), a time limit that stops the whole process tree, capped output,
- where bubblewrap (``bwrap``) works: a read-only view of the whole file system with only the
  scratch folder writable, a private ``/tmp`` and its own process-id namespace. Where it does
  not (no ``bwrap``, user namespaces disallowed), a plain process in the scratch folder; the
  learner is told so once, on stdout.

A run returns a :class:`Result` (output, exit code, the files and their modes afterwards) that
test cells inspect with the ``expect_*`` checks below; in a notebook it displays like a
terminal. Nothing here writes to stderr: nbgrader scores a test cell 0 when it does.

    from backendlab import sandbox
    sandbox.run("ls -l", files={"notes.txt": "hello\\n"})
"""

import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Self

import psutil

from .check import fail
from .errors import CourseError

DEFAULT_TIME_LIMIT = 5.0
OUTPUT_LIMIT = 100_000         # bytes kept of each of stdout and stderr
CONTENT_LIMIT = 1_000_000      # bytes kept of each file when the folder is snapshotted
SNAPSHOT_LIMIT = 2_000         # files and folders listed after a run
CONTENT_BUDGET = 10_000_000    # bytes kept of all files together
BACKSTOP_GRACE = 5.0           # seconds after the time limit at which `timeout` kills anyway
FILE_MODE, FOLDER_MODE = 0o644, 0o755   # fixtures' modes unless an exercise says otherwise
SEARCH_PATH = "/usr/local/bin:/usr/bin:/bin"

WEAKER_ISOLATION_NOTE = (
    "Note: bubblewrap (bwrap) is not usable here ({reason}), so your commands run as ordinary "
    "processes in a fresh scratch folder, with a time limit. They start in that folder, but "
    "nothing stops a command from changing files elsewhere: double-check commands like rm. "
    "For a stronger sandbox install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap)."
)
_announced = False


# --- what a run gives back -------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One file, folder or symbolic link in the scratch folder after a run."""

    kind: str            # "file", "folder" or "link"
    mode: int            # permission bits, e.g. 0o644
    content: bytes = b""  # a file's first CONTENT_LIMIT bytes; a link's target
    size: int = 0

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"<{self.kind} {self.permissions} {self.size} bytes>" if self.kind == "file" \
            else f"<{self.kind} {self.permissions}>"

    @property
    def permissions(self) -> str:
        """The mode as ``ls -l`` shows it, e.g. ``-rw-------``."""
        kind_bits = {"file": stat.S_IFREG, "folder": stat.S_IFDIR, "link": stat.S_IFLNK}[self.kind]
        return stat.filemode(kind_bits | self.mode)


@dataclass(frozen=True)
class Result:
    """What happened when a command ran in the sandbox."""

    command: str
    stdout: str
    stderr: str
    exit_code: int          # like the shell's $?: 128 + N when killed by signal N
    timed_out: bool
    time_limit: float
    seconds: float          # for the learner to see; never graded
    files: dict[str, Entry] = field(default_factory=dict)
    isolation: str = "bwrap"  # "bwrap" or "plain"
    output_cut: bool = False

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def note(self) -> str:
        """What the learner must know besides the output: a time-out, a cut output."""
        notes = []
        if self.timed_out:
            notes.append(f"Your command was stopped after {self.time_limit:g} s — is there an "
                         "infinite loop or a command waiting for input?")
        if self.output_cut:
            notes.append(f"The output was cut after {OUTPUT_LIMIT:,} bytes.")
        return " ".join(notes)

    def __str__(self) -> str:
        shown = [f"$ {line}" if number == 0 else f"> {line}"
                 for number, line in enumerate(self.command.strip().splitlines())]
        if self.stdout:
            shown.append(self.stdout.rstrip("\n"))
        if self.stderr:
            shown.append("[stderr]\n" + self.stderr.rstrip("\n"))
        if self.note:
            shown.append(f"[{self.note}]")
        shown.append(f"[exit code {self.exit_code}]")
        return "\n".join(shown)

    def _repr_pretty_(self, printer, cycle) -> None:  # a notebook shows it like a terminal
        printer.text(str(self))


# --- isolation: bubblewrap when it works -----------------------------------------------------

def _bwrap_command(folder: Path) -> list[str]:
    """bubblewrap's arguments: everything read-only but ``folder``; private /tmp, /dev, /proc;
    own pid namespace (so stopping bwrap stops everything started inside); own session (a
    command cannot type into the terminal of the process that started it)."""
    return [shutil.which("bwrap") or "bwrap", "--ro-bind", "/", "/", "--dev", "/dev",
            "--proc", "/proc", "--tmpfs", "/tmp", "--bind", str(folder), str(folder),
            "--chdir", str(folder),
            "--unshare-pid", "--die-with-parent", "--new-session", "--"]


@cache
def bwrap_problem() -> str:
    """Why bubblewrap cannot be used here, or "" when it works. Found out once, by trying:
    ``bwrap`` may be installed and still fail (user namespaces disallowed in a container)."""
    if shutil.which("bwrap") is None:
        return "it is not installed"
    folder = Path(tempfile.mkdtemp(prefix="backendlab-probe-"))
    try:
        probe = subprocess.run([*_bwrap_command(folder), "bash", "-c", "touch probe"],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=10,
                               check=False)
        if probe.returncode != 0 or not (folder / "probe").exists():
            said = probe.stderr.decode(errors="replace").strip().splitlines()
            return f"it failed to start: {said[-1] if said else f'exit code {probe.returncode}'}"
        return ""
    except (OSError, subprocess.SubprocessError) as error:
        return f"it failed to start: {error}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def isolation() -> str:
    """``"bwrap"`` where bubblewrap works, else ``"plain"``."""
    return "plain" if bwrap_problem() else "bwrap"


def _announce_weaker_isolation() -> None:
    global _announced
    if not _announced:
        _announced = True
        print(WEAKER_ISOLATION_NOTE.format(reason=bwrap_problem()))


# --- the scratch folder ----------------------------------------------------------------------

def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a relative name that stays inside ``folder``."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise CourseError(f"The sandbox cannot create the file {name!r}: fixture names must be "
                          "relative paths inside the scratch folder.",
                          "use a name like 'logs/app.log' (no leading / and no ..).")
    return folder / relative


def _write_fixtures(folder: Path, files: Mapping[str, str | bytes],
                    modes: Mapping[str, int]) -> None:
    """Create the exercise's files (a name ending in "/" is an empty folder), then set modes,
    deepest first, so that a read-only folder does not stop us writing what is inside it."""
    for name, content in files.items():
        path = _inside(folder, name)
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        path.chmod(FILE_MODE)
    for path in folder.rglob("*"):  # mkdir followed the notebook's umask, not the usual 022
        if path.is_dir():
            path.chmod(FOLDER_MODE)
    for name in sorted(modes, key=lambda n: len(PurePosixPath(n).parts), reverse=True):
        _inside(folder, name).chmod(modes[name])


def _snapshot(folder: Path) -> dict[str, Entry]:
    """Every file, folder and link under ``folder`` (never following links), by relative path.
    Files' contents are kept up to CONTENT_LIMIT each and CONTENT_BUDGET in all."""
    found: dict[str, Entry] = {}
    budget = CONTENT_BUDGET
    pending = [folder]
    while pending and len(found) < SNAPSHOT_LIMIT:
        try:
            children = sorted(os.scandir(pending.pop()), key=lambda e: e.path)
        except OSError:  # a folder the learner made unreadable: listed, not entered
            continue
        for child in children[:SNAPSHOT_LIMIT - len(found)]:
            try:
                info = child.stat(follow_symlinks=False)
                name = Path(child.path).relative_to(folder).as_posix()
                mode = stat.S_IMODE(info.st_mode)
                if stat.S_ISLNK(info.st_mode):
                    found[name] = Entry("link", mode, os.readlink(child.path).encode())
                elif stat.S_ISDIR(info.st_mode):
                    found[name] = Entry("folder", mode)
                    pending.append(Path(child.path))
                elif stat.S_ISREG(info.st_mode):
                    content = _head(Path(child.path), min(CONTENT_LIMIT, budget))
                    budget -= len(content)
                    found[name] = Entry("file", mode, content, info.st_size)
            except OSError:  # gone meanwhile (a straggler outside bubblewrap deleted it)
                continue
    return dict(sorted(found.items()))


def _head(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:  # mode 000 (as a non-root user): the mode is still recorded
        return b""


def _unlock(folder: Path) -> None:
    """Give the scratch folder itself back its mode 700, in case the command ran ``chmod 000 .``
    (or deleted it: then there is nothing to unlock)."""
    try:
        folder.chmod(0o700)
    except OSError:
        pass


def _remove(folder: Path) -> None:
    """Delete the scratch folder, even where the learner removed our permissions."""
    _unlock(folder)
    for root, folders, _ in os.walk(folder):
        for name in folders:
            path = Path(root) / name
            if not path.is_symlink():
                path.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _environment(folder: Path, extra: Mapping[str, str]) -> dict[str, str]:
    """A small, predictable environment: the learner's own variables would make results differ
    between machines (locale changes `sort`; a TZ changes `date`)."""
    base = {"PATH": SEARCH_PATH, "HOME": str(folder), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "TZ": "UTC", "TERM": "dumb", "SHELL": "/bin/bash",
            "USER": psutil.Process().username()}
    return {**base, **{name: str(value) for name, value in extra.items()}}


# --- running ---------------------------------------------------------------------------------

class _Capture:
    """Reads one output pipe on a thread, keeping the first OUTPUT_LIMIT bytes (the rest is
    read and dropped, so a command printing forever is not blocked by a full pipe)."""

    def __init__(self, pipe, changed: threading.Condition) -> None:
        self.data = bytearray()
        self.cut = False
        self.closed = False
        self._pipe = pipe
        self._changed = changed
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while chunk := os.read(self._pipe.fileno(), 65536):
                with self._changed:
                    room = OUTPUT_LIMIT - len(self.data)
                    self.data += chunk[:max(room, 0)]
                    self.cut = self.cut or len(chunk) > room
                    self._changed.notify_all()
        except (OSError, ValueError):  # never a traceback on the notebook's stderr
            pass
        finally:
            with self._changed:
                self.closed = True
                self._changed.notify_all()

    def text(self) -> str:
        return bytes(self.data).decode("utf-8", errors="replace")

    def join(self, seconds: float) -> None:
        self._thread.join(seconds)
        self._pipe.close()


class Running:
    """A command started in the sandbox and not finished yet: wait for what it prints, send
    it signals, then :meth:`finish`. Use it in a ``with`` block so it is always cleaned up."""

    def __init__(self, command: str, folder: Path, environment: dict[str, str],
                 time_limit: float) -> None:
        self.command = command
        self.folder = folder
        self.time_limit = time_limit
        self.isolation = isolation()
        if self.isolation == "plain":
            _announce_weaker_isolation()
        # `timeout` is a backstop that needs no Python: should the notebook's kernel die while
        # a command runs, the command is still killed a little after its time limit.
        backstop = ["timeout", "--signal=KILL", f"{time_limit + BACKSTOP_GRACE:g}"]
        isolating = _bwrap_command(folder) if self.isolation == "bwrap" else []
        self._wrappers = 3 if isolating else 1  # timeout (→ bwrap → bwrap as init) → bash
        self._changed = threading.Condition()
        self.started = time.monotonic()
        self._process = subprocess.Popen(
            [*backstop, *isolating, "bash", "-c", command], cwd=folder, env=environment,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, umask=0o022)
        self._stdout = _Capture(self._process.stdout, self._changed)
        self._stderr = _Capture(self._process.stderr, self._changed)
        self._result: Result | None = None

    @property
    def deadline(self) -> float:
        return self.started + self.time_limit

    def wait_for(self, text: str, seconds: float | None = None) -> float | None:
        """Wait until the command has printed ``text`` on stdout; return how many seconds after
        the start it appeared, or None if it did not (the command ended, or time ran out)."""
        until = self.deadline if seconds is None else min(self.deadline, time.monotonic() + seconds)
        with self._changed:
            while text not in self._stdout.text():
                left = until - time.monotonic()
                if left <= 0 or self._stdout.closed:
                    return None
                self._changed.wait(left)
        return time.monotonic() - self.started

    def is_running(self) -> bool:
        return not self._exited()

    def send(self, signal_number: int) -> None:
        """Send a signal to the command's shell (as ``kill -TERM <pid>`` would); not to bwrap."""
        target = self._main_process()
        if target is not None:
            try:
                target.send_signal(signal_number)
            except psutil.Error:
                pass  # it ended meanwhile: finish() will tell

    def _main_process(self) -> psutil.Process | None:
        """The learner's bash, below our wrappers: ``timeout``, and under bubblewrap two bwrap
        processes (the outer one and the namespace's init)."""
        try:
            process = psutil.Process(self._process.pid)
            for _ in range(self._wrappers):
                children = process.children()
                if not children:
                    return None
                process = children[0]
            return process
        except psutil.Error:
            return None

    def _exited(self) -> bool:
        """Has the main process ended? Checked without reaping it, so that its process group
        id cannot be reused before we have stopped the group."""
        try:
            return os.waitid(os.P_PID, self._process.pid,
                             os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
        except ChildProcessError:
            return True

    def _stop_everything(self) -> None:
        """SIGKILL the whole process tree: the group we started, and (outside bubblewrap) any
        descendant that left it. Under bubblewrap, killing bwrap ends its pid namespace."""
        try:
            descendants = psutil.Process(self._process.pid).children(recursive=True)
        except psutil.Error:
            descendants = []
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except OSError:
            pass
        for process in descendants:
            try:
                process.kill()
            except psutil.Error:
                pass

    def ends_within(self, seconds: float) -> bool:
        """Does the command end within ``seconds``? For checking that a server keeps running;
        to synchronise with a command, wait for what it prints (:meth:`wait_for`)."""
        until = min(self.deadline, time.monotonic() + seconds)
        while not self._exited():
            if time.monotonic() >= until:
                return False
            time.sleep(0.005)
        return True

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the command has used so far: every process it started that
        still runs, plus those that ended and were waited for. Grade "waits without using the
        CPU" on this counter, never on wall-clock time."""
        try:
            processes = psutil.Process(self._process.pid).children(recursive=True)
        except psutil.Error:
            return 0.0
        total = 0.0
        for process in processes:  # a live child is not yet in its parent's children_* times
            try:
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
            except psutil.Error:
                continue
        return total

    def cpu_used_within(self, seconds: float, enough: float) -> float:
        """The CPU time the command uses over the next ``seconds``, watched every 20 ms; stops
        watching as soon as it has used ``enough`` (a busy loop is found fast)."""
        before = self.cpu_seconds()
        until = min(self.deadline, time.monotonic() + seconds)
        used = 0.0
        while time.monotonic() < until and used < enough and not self._exited():
            time.sleep(0.02)
            used = self.cpu_seconds() - before
        return used

    def finish(self) -> Result:
        """Wait for the command to end (stopping it at the time limit), then collect the
        output and the files, and delete the scratch folder."""
        if self._result is not None:
            return self._result
        timed_out = not self.ends_within(self.time_limit)
        seconds = time.monotonic() - self.started
        self._stop_everything()  # stragglers too: a `sleep 100 &` left behind
        code = self._process.wait()
        self._stdout.join(2)
        self._stderr.join(2)
        _unlock(self.folder)
        self._result = Result(
            command=self.command, stdout=self._stdout.text(), stderr=self._stderr.text(),
            exit_code=code if code >= 0 else 128 - code, timed_out=timed_out,
            time_limit=self.time_limit, seconds=seconds, files=_snapshot(self.folder),
            isolation=self.isolation, output_cut=self._stdout.cut or self._stderr.cut)
        _remove(self.folder)
        return self._result

    def close(self) -> None:
        """Stop the command if it still runs and delete the scratch folder."""
        if self._result is None:
            self._stop_everything()
            self._process.wait()
            self._stdout.join(2)
            self._stderr.join(2)
            _remove(self.folder)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def start(command: str, files: Mapping[str, str | bytes] | None = None,
          modes: Mapping[str, int] | None = None, env: Mapping[str, str] | None = None,
          time_limit: float = DEFAULT_TIME_LIMIT) -> Running:
    """Start ``command`` with ``bash -c`` in a fresh scratch folder holding ``files``
    (name → content; a name ending in "/" is an empty folder; modes 644 unless ``modes`` says
    otherwise), with the variables in ``env`` set. Returns at once: see :class:`Running`."""
    if not isinstance(command, str) or not command.strip():
        raise CourseError(f"There is no command to run (got {command!r}).",
                          "pass the bash command as a string, e.g. sandbox.run(\"ls -l\").")
    folder = Path(tempfile.mkdtemp(prefix="backendlab-sandbox-"))
    try:
        _write_fixtures(folder, files or {}, modes or {})
        return Running(command, folder, _environment(folder, env or {}), time_limit)
    except BaseException:
        _remove(folder)
        raise


def run(command: str, files: Mapping[str, str | bytes] | None = None,
        modes: Mapping[str, int] | None = None, env: Mapping[str, str] | None = None,
        time_limit: float = DEFAULT_TIME_LIMIT) -> Result:
    """Run ``command`` in a fresh sandbox (see :func:`start`) and return what happened.
    In a notebook, the result shows like a terminal: output, errors, exit code."""
    with start(command, files, modes, env, time_limit) as running:
        return running.finish()


# --- checks for test cells -------------------------------------------------------------------

def _indented(text: str, lines: int = 15) -> str:
    shown = text.rstrip("\n").splitlines()
    more = [f"… ({len(shown) - lines} more lines)"] if len(shown) > lines else []
    return "\n".join("    " + line for line in shown[:lines] + more) or "    (nothing)"


def what_came_out(result: Result) -> str:
    """The output, errors and exit code of a run, for a failure message."""
    parts = [f"Your command printed:\n{_indented(result.stdout)}"]
    if result.stderr.strip():
        parts.append(f"and on stderr:\n{_indented(result.stderr, 6)}")
    parts.append(f"Exit code: {result.exit_code}.")
    if result.note:
        parts.append(result.note)
    return "\n".join(parts)


def given(answer: object, name: str, hint: str = "") -> str:
    """The learner's command or script, or a clear failure: no answer yet, not a string,
    or text that bash cannot parse (checked with ``bash -n``, which runs nothing)."""
    if answer is None or answer is Ellipsis:
        fail(f"`{name}` has no answer yet: in the exercise cell above, replace the `pass` line "
              f'by {name} = r"""<your bash>""", run that cell, then run this one.', hint)
    if not isinstance(answer, str):
        fail(f"`{name}` should be a string holding bash, like r\"\"\"ls -l\"\"\", but it is "
              f"a {type(answer).__name__}: {answer!r}.", hint)
    if not answer.strip():
        fail(f"`{name}` is an empty string: write your command between the quotes.", hint)
    parsed = subprocess.run(["bash", "-n", "-c", answer], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=10, check=False)
    if parsed.returncode != 0:
        fail(f"bash cannot read `{name}`:\n{_indented(parsed.stderr)}",
              hint or "look for an unclosed quote, bracket or `do`/`done`, `if`/`fi` pair.")
    return answer


def _words(text: str) -> list[str]:
    """Lines with runs of spaces and tabs collapsed, and no trailing empty lines."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def expect_output(result: Result, expected: str | list[str], what: str, hint: str = "") -> None:
    """stdout must be ``expected`` line by line (extra spaces and tabs, and trailing empty
    lines, do not matter: ``uniq -c`` pads its counts)."""
    wanted = _words(expected if isinstance(expected, str) else "\n".join(expected))
    if _words(result.stdout) != wanted:
        fail(f"{what}: expected this output:\n{_indented(chr(10).join(wanted))}\n"
              f"{what_came_out(result)}", hint)


def expect_exit_code(result: Result, code: int, what: str, hint: str = "") -> None:
    if result.exit_code != code:
        fail(f"{what}: expected exit code {code}, but it was {result.exit_code}.\n"
              f"{what_came_out(result)}", hint)


def expect_file(result: Result, name: str, what: str, text: str | None = None,
                mode: int | None = None, hint: str = "") -> None:
    """After the run, ``name`` must be a file (with this text, this mode, when given)."""
    entry = result.files.get(name)
    if entry is None or entry.kind != "file":
        listing = ", ".join(result.files) or "(empty)"
        fail(f"{what}: expected a file {name!r} after the run, but there is "
              f"{'a ' + entry.kind if entry else 'none'}. The folder holds: {listing}.\n"
              f"{what_came_out(result)}", hint)
    if text is not None and entry.text != text:
        fail(f"{what}: expected {name!r} to hold:\n{_indented(text)}\nbut it holds:\n"
              f"{_indented(entry.text)}", hint)
    if mode is not None and entry.mode != mode:
        expect_mode(result, name, mode, what, hint)


def expect_mode(result: Result, name: str, mode: int, what: str, hint: str = "") -> None:
    """After the run, ``name`` must exist with permission bits ``mode`` (e.g. 0o600)."""
    entry = result.files.get(name)
    if entry is None:
        fail(f"{what}: {name!r} should exist after the run, but it does not.\n"
              f"{what_came_out(result)}", hint)
    if entry.mode != mode:
        wanted = Entry(entry.kind, mode).permissions
        fail(f"{what}: expected {name!r} to have mode {mode:o} ({wanted}), but it has "
              f"{entry.mode:o} ({entry.permissions}).", hint)


def expect_number(result: Result, expected: float, what: str, tolerance: float = 0.0005,
                  hint: str = "") -> None:
    """stdout must be one number, equal to ``expected`` (within ``tolerance``: 0.120 and 0.12
    are the same latency)."""
    try:
        number = float(result.stdout.strip())
    except ValueError:
        fail(f"{what}: expected one number, {expected:g}.\n{what_came_out(result)}", hint)
    if abs(number - expected) > tolerance:
        fail(f"{what}: expected {expected:g}, but your command printed {number:g}.\n"
              f"{what_came_out(result)}", hint)
