"""The sandboxed bash of the Linux unit: fresh folders, time limits, isolation, and messages.

Most tests run twice: under bubblewrap (where it works; in CI it must) and as the plain
fallback, so both paths a learner may get are proven.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from backendlab import sandbox
from backendlab.errors import CourseError
from tests.machine import missing


def require_bwrap() -> None:
    if sandbox.bwrap_problem():
        missing(f"bubblewrap is not usable here: {sandbox.bwrap_problem()}")


@pytest.fixture
def bwrap() -> None:
    """The test is about what only bubblewrap's isolation gives."""
    require_bwrap()


@pytest.fixture(params=["bwrap", "plain"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test under bubblewrap, then again with bubblewrap reported missing."""
    if request.param == "bwrap":
        require_bwrap()
    else:
        monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "it is not installed")
        monkeypatch.setattr(sandbox, "_announced", True)  # the announcement has its own test
    yield request.param


def no_process_runs(marker: str) -> bool:
    """No process on the machine has ``marker`` in its command line (after a short grace)."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        running = [p for p in psutil.process_iter(["cmdline"])
                   if marker in " ".join(p.info["cmdline"] or [])]
        if not running:
            return True
        time.sleep(0.05)
    return False


# --- a fresh folder per run ------------------------------------------------------------------

def test_each_run_gets_a_fresh_folder_as_cwd_and_home(mode: str) -> None:
    first = sandbox.run('pwd; echo "$HOME"; touch left-behind; ls -A')
    second = sandbox.run('pwd; ls -A')
    cwd, home, *listing = first.lines
    assert cwd == home and "backendlab-sandbox-" in cwd
    assert listing == ["left-behind"]
    assert second.lines[0] != cwd and second.lines[1:] == []
    assert not Path(cwd).exists(), "the scratch folder is deleted after the run"
    assert first.isolation == mode


def test_fixture_files_folders_and_modes_are_created(mode: str) -> None:
    result = sandbox.run("stat -c '%a %n' 'a b.txt' deploy.sh notes notes/todo.md; cat 'a b.txt'",
                         files={"a b.txt": "spaces are fine\n", "deploy.sh": "echo hi\n",
                                "notes/": "", "notes/todo.md": b"- bytes too\n"},
                         modes={"deploy.sh": 0o755, "notes": 0o700})
    assert result.lines == ["644 a b.txt", "755 deploy.sh", "700 notes", "644 notes/todo.md",
                            "spaces are fine"]
    assert result.files["notes"].kind == "folder"
    assert result.files["deploy.sh"].permissions == "-rwxr-xr-x"


def test_files_and_modes_after_the_run_are_reported(mode: str) -> None:
    result = sandbox.run("chmod 600 secret; mkdir -p out/deep; echo done > out/deep/x; "
                         "ln -s secret link; rm gone", files={"secret": "s3cret\n", "gone": ""})
    assert list(result.files) == ["link", "out", "out/deep", "out/deep/x", "secret"]
    assert result.files["secret"].mode == 0o600
    assert result.files["secret"].text == "s3cret\n"
    assert result.files["out/deep/x"].text == "done\n"
    assert result.files["link"].kind == "link" and result.files["link"].text == "secret"
    assert repr(result.files["secret"]) == "<file -rw------- 7 bytes>"


def test_a_folder_the_learner_locked_is_still_cleaned_up(mode: str) -> None:
    result = sandbox.run("mkdir -p box/inner && touch box/inner/f && chmod 000 box/inner box; pwd")
    assert result.files["box"].mode == 0
    assert not Path(result.lines[0]).exists()


def test_a_command_may_lock_or_delete_its_own_folder(mode: str) -> None:
    locked = sandbox.run("touch kept; chmod 000 .; pwd")
    assert list(locked.files) == ["kept"]
    assert not Path(locked.lines[0]).exists()
    deleted = sandbox.run('touch x; rm -rf "$PWD"; echo still here')
    assert deleted.stdout == "still here\n"


def test_fixture_names_must_stay_inside_the_folder() -> None:
    for name in ("/etc/passwd", "../escape.txt", "a/../../b"):
        with pytest.raises(CourseError, match="fixture names must be relative paths"):
            sandbox.run("true", files={name: "x"})


def test_a_command_must_be_a_non_empty_string() -> None:
    for command in (None, "", "   "):
        with pytest.raises(CourseError, match="There is no command to run"):
            sandbox.run(command)


# --- environment, stdin, exit codes ----------------------------------------------------------

def test_environment_is_minimal_plus_what_the_exercise_sets(
        mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEARNERS_OWN_SECRET", "do-not-leak")
    result = sandbox.run("env | cut -d= -f1 | sort | tr '\\n' ' '; echo; echo \"$PORT\"",
                         env={"PORT": "9000"})
    names = set(result.lines[0].split())
    assert "LEARNERS_OWN_SECRET" not in names
    assert {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "PORT"} <= names
    assert names <= {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TERM", "SHELL", "USER", "PORT",
                     "PWD", "SHLVL", "_"}
    assert result.lines[1] == "9000"


def test_stdin_is_closed_so_reading_input_does_not_hang(mode: str) -> None:
    result = sandbox.run("cat; read -r answer; echo \"read exit code $?\"", time_limit=3)
    assert not result.timed_out
    assert result.stdout == "read exit code 1\n"


def test_exit_codes_are_the_shells(mode: str) -> None:
    assert sandbox.run("exit 3").exit_code == 3
    assert sandbox.run("kill -TERM $$").exit_code == 128 + signal.SIGTERM
    assert sandbox.run("./script.sh", files={"script.sh": "echo hi\n"}).exit_code == 126


def test_umask_is_the_usual_022_whatever_the_caller_has(mode: str) -> None:
    old = os.umask(0o077)
    try:
        result = sandbox.run("umask; touch new; mkdir newdir", files={"given/deep/file": "x"})
    finally:
        os.umask(old)
    assert result.lines == ["0022"]
    assert result.files["new"].mode == 0o644 and result.files["newdir"].mode == 0o755
    assert result.files["given"].mode == result.files["given/deep"].mode == 0o755


# --- time limit and output cap ---------------------------------------------------------------

def test_an_endless_loop_is_stopped_with_a_clear_message(mode: str) -> None:
    started = time.monotonic()
    result = sandbox.run("while true; do :; done", time_limit=1)
    assert time.monotonic() - started < 4
    assert result.timed_out
    assert result.note == ("Your command was stopped after 1 s — is there an infinite loop or a "
                           "command waiting for input?")
    assert result.note in str(result)


def test_the_whole_process_tree_is_stopped_at_the_time_limit(mode: str) -> None:
    marker = f"{os.getpid() % 1000 + 424000}"
    result = sandbox.run(f"sleep {marker} & (sleep {marker}.5 &) ; sleep {marker}.25",
                         time_limit=1)
    assert result.timed_out
    assert no_process_runs(marker)


def test_background_processes_left_behind_are_stopped(mode: str) -> None:
    marker = f"{os.getpid() % 1000 + 425000}"
    started = time.monotonic()
    result = sandbox.run(f"sleep {marker} & echo started")
    assert result.stdout == "started\n" and not result.timed_out
    assert time.monotonic() - started < 3
    assert no_process_runs(marker)


def test_a_command_outlives_a_dead_kernel_by_a_few_seconds_at_most(mode: str) -> None:
    """If the notebook's kernel is killed mid-run, nobody calls finish(): `timeout` still
    stops the command shortly after its time limit."""
    marker = f"{os.getpid() % 1000 + 426000}"
    plain = mode == "plain"
    kernel = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from backendlab import sandbox
            sandbox.BACKSTOP_GRACE = 0.5
            if {plain}:
                sandbox.bwrap_problem = lambda: "it is not installed"
                sandbox._announced = True
            running = sandbox.start("sleep {marker}", time_limit=0.5)
            print(running.folder, flush=True)
            time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True)
    folder = Path(kernel.stdout.readline().strip())
    kernel.kill()
    kernel.wait()
    kernel.stdout.close()
    assert no_process_runs(marker)
    shutil.rmtree(folder)  # a dead kernel cannot clean up its scratch folder; we do


def test_snapshots_are_bounded(mode: str) -> None:
    many = sandbox.run("mkdir d && cd d && touch $(seq 1 2500)", time_limit=10)
    assert len(many.files) == sandbox.SNAPSHOT_LIMIT
    big = sandbox.run("for i in $(seq 1 12); do head -c 1500000 /dev/zero > big-$i; done",
                      time_limit=10)
    assert all(entry.size == 1_500_000 for entry in big.files.values())
    assert max(len(entry.content) for entry in big.files.values()) == sandbox.CONTENT_LIMIT
    assert sum(len(entry.content) for entry in big.files.values()) == sandbox.CONTENT_BUDGET


def test_output_is_capped(mode: str) -> None:
    result = sandbox.run("yes 'a line of output' | head -c 1000000", time_limit=5)
    assert len(result.stdout) == sandbox.OUTPUT_LIMIT
    assert result.output_cut and "The output was cut" in result.note


def test_endless_output_is_capped_and_stopped(mode: str) -> None:
    result = sandbox.run("yes", time_limit=1)
    assert result.timed_out and result.output_cut
    assert len(result.stdout) == sandbox.OUTPUT_LIMIT


def test_nothing_reaches_the_notebooks_stderr(mode: str, capfd: pytest.CaptureFixture) -> None:
    sandbox.run("echo to-stderr >&2; ls /no/such/file; exit 2")
    sandbox.run("yes >&2", time_limit=0.5)
    with sandbox.start("echo ready; sleep 10") as running:
        running.wait_for("ready")
        running.send(signal.SIGKILL)
        running.finish()
    assert capfd.readouterr().err == ""


# --- isolation: bubblewrap -------------------------------------------------------------------

def test_under_bwrap_writes_outside_the_folder_are_blocked(bwrap: None, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    result = sandbox.run(f"echo x > {outside}; touch {Path.cwd()}/sandbox-was-here; echo done")
    assert not outside.exists() and not (Path.cwd() / "sandbox-was-here").exists()
    assert "Read-only file system" in result.stderr or "No such file" in result.stderr


def test_under_bwrap_tmp_is_private(bwrap: None) -> None:
    name = f"/tmp/backendlab-private-{os.getpid()}"
    result = sandbox.run(f"echo secret > {name} && cat {name}")
    assert result.stdout == "secret\n"
    assert not Path(name).exists()


def test_under_bwrap_only_the_commands_processes_are_visible(bwrap: None) -> None:
    result = sandbox.run("ps -e -o pid= | wc -l")
    assert int(result.stdout) < 8  # bwrap, bash, ps, wc: not the machine's processes


def test_bwrap_problem_says_why_it_is_unusable(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    sandbox.bwrap_problem.cache_clear()
    try:
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
        assert sandbox.bwrap_problem() == "it is not installed"
        sandbox.bwrap_problem.cache_clear()
        fake = tmp_path / "bwrap"
        fake.write_text("#!/bin/sh\n"
                        "echo 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
        fake.chmod(0o755)
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: str(fake))
        assert sandbox.bwrap_problem() == (
            "it failed to start: bwrap: No permissions to create new namespace")
        assert sandbox.isolation() == "plain"
    finally:
        sandbox.bwrap_problem.cache_clear()


def test_the_fallback_is_announced_once_on_stdout(monkeypatch: pytest.MonkeyPatch,
                                                  capfd: pytest.CaptureFixture) -> None:
    monkeypatch.setattr(sandbox, "bwrap_problem", lambda: "it is not installed")
    monkeypatch.setattr(sandbox, "_announced", False)
    first = sandbox.run("echo one")
    sandbox.run("echo two")
    captured = capfd.readouterr()
    assert captured.out.count("bubblewrap (bwrap) is not usable here (it is not installed)") == 1
    assert "sudo apt-get install bubblewrap" in captured.out
    assert captured.err == ""
    assert first.isolation == "plain" and first.stdout == "one\n"


# --- running commands that wait for signals --------------------------------------------------

WORKER = """
trap 'echo "stopping cleanly"; rm -f worker.pid; exit 0' TERM
echo $$ > worker.pid
echo ready
sleep 30 &
wait $!
"""


def test_a_script_is_signalled_after_it_says_ready(mode: str) -> None:
    with sandbox.start("bash worker.sh", files={"worker.sh": WORKER}) as running:
        assert running.wait_for("ready", 3) is not None
        assert (running.folder / "worker.pid").exists()
        assert running.is_running()
        running.send(signal.SIGTERM)
        result = running.finish()
    assert result.lines == ["ready", "stopping cleanly"]
    assert result.exit_code == 0 and not result.timed_out
    assert "worker.pid" not in result.files


def test_ends_within_tells_a_server_from_a_script_that_quits(mode: str) -> None:
    with sandbox.start("echo ready; sleep 30") as running:
        running.wait_for("ready")
        assert not running.ends_within(0.2)
    with sandbox.start("echo ready") as running:
        running.wait_for("ready")
        assert running.ends_within(3)


@pytest.mark.parametrize("busy", ["while :; do :; done", "(while :; do :; done) & wait"])
def test_cpu_time_tells_waiting_from_a_busy_loop(mode: str, busy: str) -> None:
    with sandbox.start("echo ready; sleep 30 & wait") as running:
        running.wait_for("ready", 3)
        assert running.cpu_used_within(1.0, enough=0.05) < 0.05
    with sandbox.start(f"echo ready; {busy}") as running:  # in the shell or in a child
        running.wait_for("ready", 3)
        started = time.monotonic()
        assert running.cpu_used_within(10, enough=0.05) >= 0.05
        assert time.monotonic() - started < 5, "a busy loop is found without waiting it out"
    assert running.cpu_seconds() == 0.0, "nothing is left to measure after the run"


def test_sigkill_gives_no_chance_to_clean_up(mode: str) -> None:
    with sandbox.start("bash worker.sh", files={"worker.sh": WORKER}) as running:
        running.wait_for("ready", 3)
        running.send(signal.SIGKILL)
        result = running.finish()
    assert result.exit_code == 128 + signal.SIGKILL
    assert "worker.pid" in result.files and result.lines == ["ready"]


def test_wait_for_gives_up_when_the_text_never_comes(mode: str) -> None:
    with sandbox.start("echo starting; exit 1") as running:
        assert running.wait_for("ready", 3) is None
        assert running.finish().exit_code == 1
    with sandbox.start("sleep 5") as running:
        assert running.wait_for("ready", 0.2) is None
    assert not running.folder.exists(), "leaving the with block cleans up"


def test_wait_for_measures_when_lines_arrive(mode: str) -> None:
    with sandbox.start("echo first; sleep 0.5; echo second") as running:
        first, second = running.wait_for("first"), running.wait_for("second")
        running.finish()
    assert first is not None and second is not None and second - first >= 0.4


# --- checks for test cells -------------------------------------------------------------------

def test_given_explains_missing_wrong_and_unreadable_answers() -> None:
    with pytest.raises(AssertionError) as raised:
        sandbox.given(None, "cmd")
    assert str(raised.value) == ('`cmd` has no answer yet: in the exercise cell above, replace the '
                                 '`pass` line by cmd = r"""<your bash>""", run that cell, then run '
                                 'this one.')
    with pytest.raises(AssertionError, match=r"`cmd` should be a string holding bash.*int: 42"):
        sandbox.given(42, "cmd")
    with pytest.raises(AssertionError, match="`cmd` is an empty string"):
        sandbox.given("  ", "cmd")
    with pytest.raises(AssertionError) as raised:
        sandbox.given("echo 'unclosed", "cmd")
    assert "bash cannot read `cmd`" in str(raised.value)
    assert "Hint: look for an unclosed quote" in str(raised.value)
    assert sandbox.given("ls | wc -l", "cmd") == "ls | wc -l"


def test_given_does_not_run_the_command(tmp_path: Path) -> None:
    sandbox.given(f"touch {tmp_path}/ran", "cmd")
    assert not (tmp_path / "ran").exists()


def test_expect_output_ignores_padding_and_shows_both_sides() -> None:
    result = sandbox.run("printf '     12 a\\n      3 b\\n\\n'")
    sandbox.expect_output(result, "12 a\n3 b\n", "counts")
    sandbox.expect_output(result, ["12 a", "3 b"], "counts")
    with pytest.raises(AssertionError) as raised:
        sandbox.expect_output(result, "12 a\n4 b", "the counts", hint="count again")
    message = str(raised.value)
    assert message.startswith("the counts: expected this output:\n    12 a\n    4 b\n"
                              "Your command printed:\n         12 a\n          3 b")
    assert "Exit code: 0." in message and message.endswith("Hint: count again")


def test_a_time_out_is_named_in_the_failure_message() -> None:
    result = sandbox.run("sleep 10", time_limit=0.5)
    with pytest.raises(AssertionError, match="Your command was stopped after 0.5 s"):
        sandbox.expect_output(result, "done", "the output")


def test_expect_exit_code_and_number() -> None:
    result = sandbox.run("echo 0.120; echo oops >&2; exit 2")
    sandbox.expect_exit_code(result, 2, "the exit code")
    sandbox.expect_number(result, 0.12, "p95")
    with pytest.raises(AssertionError, match=r"expected exit code 0, but it was 2.(.|\n)*oops"):
        sandbox.expect_exit_code(result, 0, "the exit code")
    with pytest.raises(AssertionError, match="p95: expected 0.5, but your command printed 0.12"):
        sandbox.expect_number(result, 0.5, "p95")
    with pytest.raises(AssertionError, match="p95: expected one number, 0.5"):
        sandbox.expect_number(sandbox.run("echo 0.5 seconds"), 0.5, "p95")


def test_expect_file_and_mode_messages() -> None:
    result = sandbox.run("echo hi > out.txt; chmod 640 out.txt; mkdir dir")
    sandbox.expect_file(result, "out.txt", "the output file", text="hi\n", mode=0o640)
    with pytest.raises(AssertionError, match=r"expected a file 'missing.txt' after the run, but "
                                             r"there is none. The folder holds: dir, out.txt"):
        sandbox.expect_file(result, "missing.txt", "the output file")
    with pytest.raises(AssertionError, match=r"expected 'out.txt' to hold:\n    bye"):
        sandbox.expect_file(result, "out.txt", "the output file", text="bye\n")
    with pytest.raises(AssertionError, match=r"expected 'out.txt' to have mode 600 \(-rw-------\), "
                                             r"but it has 640 \(-rw-r-----\)"):
        sandbox.expect_mode(result, "out.txt", 0o600, "the output file")
    with pytest.raises(AssertionError, match="a file 'dir' after the run, but there is a folder"):
        sandbox.expect_file(result, "dir", "the output")


def test_a_result_shows_like_a_terminal() -> None:
    result = sandbox.run("echo out\necho err >&2\nexit 4")
    assert str(result) == "$ echo out\n> echo err >&2\n> exit 4\nout\n[stderr]\nerr\n[exit code 4]"


def test_a_sandbox_run_is_fast_enough_for_many_checks(mode: str) -> None:
    """Not a performance claim: a guard that a notebook with dozens of runs stays quick."""
    started = time.monotonic()
    for _ in range(10):
        sandbox.run("true")
    assert time.monotonic() - started < 10


def test_the_probe_leaves_nothing_behind() -> None:
    sandbox.bwrap_problem.cache_clear()
    before = set(Path(tempfile.gettempdir()).glob("backendlab-probe-*"))
    sandbox.bwrap_problem()
    after = set(Path(tempfile.gettempdir()).glob("backendlab-probe-*"))
    assert after <= before


# --- the grading kernels' sandbox (backendlab/grading/kernel.py) -----------------------------

PROBE = textwrap.dedent("""
    import json, os, socket, sys
    seen = {}
    def attempt(name, action):
        try:
            seen[name] = action()
        except OSError as error:
            seen[name] = type(error).__name__
    attempt("course", lambda: sorted(os.listdir(sys.argv[1])))
    attempt("source", lambda: open(os.path.join(sys.argv[1], "source", "answer.txt")).read())
    attempt("gradebook", lambda: open(os.path.join(sys.argv[1], "gradebook.db")).read())
    attempt("gradebook-write", lambda: open(os.path.join(sys.argv[1], "gradebook.db"), "w").write("x"))
    attempt("notebook", lambda: open("notebook.ipynb").read())
    attempt("write-cwd", lambda: open("new.txt", "w").write("x"))
    attempt("overwrite-notebook", lambda: open("notebook.ipynb", "w").write("x"))
    attempt("replace-notebook", lambda: (open("n.tmp", "w").write("[]"), os.replace("n.tmp", "notebook.ipynb"),
                                         open("notebook.ipynb").read())[-1])
    attempt("write-tmp", lambda: open("/tmp/new.txt", "w").write("x"))
    attempt("write-home", lambda: open(os.path.expanduser("~/new.txt"), "w").write("x"))
    attempt("network", lambda: socket.create_connection(("127.0.0.1", int(sys.argv[2])), 2) and "connected")
    attempt("parent", lambda: os.getppid())
    attempt("token", lambda: os.environ.get("GITHUB_TOKEN", "none"))
    attempt("shadow", lambda: open("/etc/shadow").read() if os.path.exists("/etc/shadow") else "")
    print(json.dumps(seen))
""")


def run_in_grading_sandbox(course: Path, code: str, *arguments: str,
                           cgroup: Path | None = None) -> subprocess.CompletedProcess:
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415
    from backendlab.paths import data_dir  # noqa: PLC0415

    notebook_folder = course / "autograded" / "alice" / "unit"
    private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
    try:
        command = grading_kernel.sandbox_command(
            [sys.executable, "-c", code, *arguments], cwd=notebook_folder, private=private,
            course=course, data=data_dir(), tag="test", cgroup=cgroup)
        return subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(private, ignore_errors=True)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course folder with solutions, a gradebook and one student's notebook."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "answer.txt").write_text("42")
    (tmp_path / "gradebook.db").write_text("grades")
    (tmp_path / "nbgrader_config.py").write_text("")
    (tmp_path / "autograded" / "alice" / "unit").mkdir(parents=True)
    (tmp_path / "autograded" / "alice" / "unit" / "notebook.ipynb").write_text("{}")
    return tmp_path


def grading_kernel_command(course: Path) -> list[str]:
    """The command that would start alice's grading kernel (``true``) in its sandbox."""
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415
    from backendlab.paths import data_dir  # noqa: PLC0415

    private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
    try:
        return grading_kernel.sandbox_command(
            ["true"], cwd=course / "autograded" / "alice" / "unit", private=private,
            course=course, data=data_dir(), tag="test", cgroup=None)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def test_a_grading_kernel_sees_only_its_notebooks_folder(bwrap: None, course: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No course folder, no solutions, no gradebook, no network, no parent to signal, no
    secrets from the grader's environment; its notebook read-only, and what it writes beside
    it kept in the sandbox; its own /tmp and HOME."""
    import json  # noqa: PLC0415
    import socket  # noqa: PLC0415

    monkeypatch.setenv("GITHUB_TOKEN", "s3cret")

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        done = run_in_grading_sandbox(course, PROBE, str(course), str(port))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["course"] == ["autograded"]  # only the path down to its own folder
    assert seen["source"] == seen["gradebook"] == "FileNotFoundError"
    assert seen["notebook"] == "{}"
    assert seen["write-cwd"] == 1  # a notebook may save a file beside itself (5.1's baseline)
    assert seen["overwrite-notebook"] == "OSError"  # read-only file system
    assert seen["replace-notebook"] == "[]"  # replaced in the sandbox only
    assert seen["write-tmp"] == seen["write-home"] == 1
    assert seen["network"] != "connected"
    assert seen["parent"] == 1  # the sandbox's own init: nbgrader is not visible
    assert seen["token"] == "none"
    assert "root:" not in seen["shadow"]  # password hashes hidden (root could read them)
    assert (course / "gradebook.db").read_text() == "grades"
    assert not (course / "autograded" / "alice" / "unit" / "new.txt").exists()
    assert (course / "autograded" / "alice" / "unit" / "notebook.ipynb").read_text() == "{}"


def test_the_python_folders_never_include_the_course(course: Path) -> None:
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415

    folders = grading_kernel.python_folders(course)
    assert not any(course == folder or course in folder.parents or folder in course.parents
                   for folder in folders)
    assert not any((folder / "nbgrader_config.py").exists() for folder in folders)
    assert Path(sys.prefix).resolve() in folders


def test_a_grading_kernel_can_still_use_the_shell_sandbox(bwrap: None, course: Path) -> None:
    """Unit 1's notebooks run bubblewrap inside the grading kernel's bubblewrap."""
    done = run_in_grading_sandbox(course, "from backendlab import sandbox\n"
                                          "r = sandbox.run('echo hi > f; cat f')\n"
                                          "print(r.isolation, r.stdout.strip())")
    assert done.stdout.split() == ["bwrap", "hi"], done.stdout + done.stderr


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "unix:///run/redis/redis.sock"])
def test_a_grading_kernel_never_gets_the_graders_redis(course: Path, url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Each kernel starts its own redis-server: the grader's Redis (shared by every kernel, and
    on a TCP port one that would need the network) is neither passed on nor a reason to keep
    the network."""
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415

    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKENDLAB_REDIS_URL", url)
    assert grading_kernel.needs_network() == ""
    command = grading_kernel_command(course)
    assert "--unshare-net" in command
    assert "BACKENDLAB_REDIS_URL" not in command
    assert url not in command


@pytest.mark.parametrize(("grading", "expected"), [(None, "small"), ("full", "full")])
def test_a_grading_kernel_gets_the_grading_scale_not_the_graders(
        course: Path, grading: str | None, expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels grade on the scale the suite proves exercises on (small) unless the instructor
    chooses full: the instructor's own BACKENDLAB_SCALE (their lab's dataset) does not decide."""
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415

    monkeypatch.setenv("BACKENDLAB_SCALE", "full" if expected == "small" else "small")
    if grading is None:
        monkeypatch.delenv(grading_kernel.GRADING_SCALE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(grading_kernel.GRADING_SCALE_VARIABLE, grading)
    command = grading_kernel_command(course)
    settings = {command[i + 1]: command[i + 2] for i, word in enumerate(command) if word == "--setenv"}
    assert settings["BACKENDLAB_SCALE"] == expected


def test_a_grading_scale_that_does_not_exist_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    from backendlab.errors import CourseError  # noqa: PLC0415
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415

    monkeypatch.setenv(grading_kernel.GRADING_SCALE_VARIABLE, "huge")
    with pytest.raises(CourseError, match=r"(?s)'huge'.*How to fix it.*small.*full"):
        grading_kernel.grading_scale()


def test_a_fork_bomb_in_a_grading_kernel_stops_at_the_process_limit(
        bwrap: None, course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415

    monkeypatch.setenv(grading_kernel.PROCESSES_VARIABLE, "40")
    cgroup = grading_kernel.pids_cgroup("test-fork")
    if cgroup is None and os.getuid() == 0:
        missing("no pids cgroup can be made here, and root ignores RLIMIT_NPROC")
    bomb = textwrap.dedent("""
        import os, time
        from backendlab.grading import kernel as grading_kernel
        grading_kernel.harden()
        forked = 0
        try:
            for _ in range(1000):  # bounded, in case the limit does not hold
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
                forked += 1
        except OSError:
            pass
        print(forked)
    """)
    try:
        done = run_in_grading_sandbox(course, bomb, cgroup=cgroup)
    finally:
        if cgroup is not None:
            for _ in range(40):
                try:
                    cgroup.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)
    assert 0 < int(done.stdout.split()[-1]) < 40, done.stdout + done.stderr


def test_a_grading_kernels_disk_is_limited(bwrap: None, course: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_GRADING_TMP_MB", "16")
    done = run_in_grading_sandbox(course, textwrap.dedent("""
        written = 0
        try:
            with open('/tmp/filler', 'wb') as filler:
                for _ in range(100):  # bounded: 1 GB
                    filler.write(bytes(10**7))
                    written += 1
        except OSError as error:
            print(error.strerror, written)
    """))
    assert done.stdout.split()[-1] == "1", done.stdout + done.stderr


def test_a_bwrap_that_cannot_run_the_grading_sandbox_means_the_announced_fallback(
        bwrap: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An old bubblewrap (no --size) passes the shell's probe but not the grading sandbox's:
    grading then says why it is not sandboxed instead of failing every kernel."""
    from backendlab.grading import instructor, kernel as grading_kernel  # noqa: PLC0415

    fake = tmp_path / "bwrap"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *--size*) echo "bwrap: Unknown option --size" >&2; '
                    f'exit 1;; esac\nexec {shutil.which("bwrap")} "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    sandbox.bwrap_problem.cache_clear()
    grading_kernel._probe.cache_clear()
    try:
        assert sandbox.bwrap_problem() == ""
        assert grading_kernel.grading_sandbox_problem() == (
            "it cannot run the grading sandbox: bwrap: Unknown option --size")
        assert "GRADING KERNELS ARE NOT SANDBOXED (it cannot run the grading sandbox" in \
            instructor.sandbox_status(grading_kernel.grading_sandbox_problem())
    finally:
        sandbox.bwrap_problem.cache_clear()
        grading_kernel._probe.cache_clear()
