"""Grading kernels: how each one is confined (bubblewrap) and hardened (run first inside it).

Kept apart from ``backendlab.grading.preprocessors`` on purpose: that module imports nbgrader, which takes
seconds to import, and ``harden`` runs at the start of every grading kernel.

A submission is code written by someone else, run by the instructor. When autograding
(``backendlab grade`` / ``nbgrader autograde``), ``backendlab.grading.preprocessors.SandboxedKernelManager``
starts every kernel through :func:`sandbox_command`, a bubblewrap (``bwrap``) sandbox where the
kernel sees:

- the system (``/usr``, ``/etc``, …) and the Python environment, read-only;
- of the course folder only the ``backendlab`` package (read-only) and its own notebook's
  folder (its working directory: files read-only, anything written kept in memory, never in
  the real folder, :func:`_notebook_folder`): no ``source/``, no ``gradebook.db``, no
  ``submitted/``, ``autograded/`` or ``feedback/`` of anybody;
- the course datasets (``<data folder>/datasets``) read-only, and a private, size-limited
  folder for its working copies (``<data folder>/workspaces``);
- its own ``/tmp`` and ``HOME`` (size-limited, in memory), where a private ``redis-server``
  is started when a notebook needs one (``BACKENDLAB_RUNTIME_DIR`` points there);
- of the grader's environment variables only the harmless ones (``KEPT_VARIABLES``), never
  the grader's service URLs (``BACKENDLAB_DATABASE_URL``, ``BACKENDLAB_REDIS_URL``): every
  kernel gets its own redis-server, so no kernel reads or writes another's keys;
- no network (own network namespace with only its own loopback), except PostgreSQL's unix
  socket when ``BACKENDLAB_DATABASE_URL`` names one; nbgrader talks to the kernel over unix
  sockets (ZMQ's ``ipc`` transport) in a private folder bound into the sandbox;
- on PostgreSQL, never the superuser: a login role of its own (no CREATEDB, no CREATEROLE),
  which owns the working copies a broker outside the sandbox makes for it
  (:class:`DatabaseBroker`) and may enter no other database;
- only its own processes (own pid namespace: it cannot signal nbgrader), a cap on their
  number (a fork bomb stops there), its own user namespace (what root can do inside stays
  inside), and it dies with nbgrader.

Where bubblewrap is not usable, grading still works with ordinary kernels, and says so loudly
(nbgrader's log, ``backendlab grade``'s summary, README).
"""

import atexit
import functools
import json
import os
import resource
import select
import socket
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

GRADING_MEMORY_VARIABLE = "BACKENDLAB_GRADING_MEMORY_GB"
PROCESSES_VARIABLE = "BACKENDLAB_GRADING_PROCESSES"   # processes and threads per kernel
TMP_MB_VARIABLE = "BACKENDLAB_GRADING_TMP_MB"         # its /tmp and HOME
WORKSPACE_MB_VARIABLE = "BACKENDLAB_GRADING_WORKSPACE_MB"  # its database working copies
SANDBOX_VARIABLE = "BACKENDLAB_GRADING_SANDBOX"       # set to "bwrap" inside the sandbox
KERNEL_TAG_VARIABLE = "BACKENDLAB_KERNEL_TAG"         # unique per kernel (pids are not, inside)
GRADING_SCALE_VARIABLE = "BACKENDLAB_GRADING_SCALE"   # the dataset grading kernels get
# What a kernel gets of the grader's environment (nothing else: no API tokens or passwords,
# which an answer could print into its output, and so into the feedback its author gets).
KEPT_VARIABLES = {"PATH", "LANG", "LANGUAGE", "TZ", "TERM", "USER", "LOGNAME", "SHELL",
                  "PYTHONPATH", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV",
                  "PLOOMBER_STATS_ENABLED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"}
KEPT_PREFIXES = ("LC_", "BACKENDLAB_", "NBGRADER_", "JPY_SESSION")
HIDDEN_SYSTEM_FILES = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-",
                       "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key",
                       "/etc/ssh/ssh_host_ed25519_key")
SYSTEM_FOLDERS = ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
PIDS_CGROUPS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))

UNSANDBOXED_WARNING = (
    "WARNING: GRADING KERNELS ARE NOT SANDBOXED ({reason}). Submissions run as you, with "
    "your rights: a malicious one can read source/ (the solutions), write the gradebook and "
    "other students' files, and signal your processes. Install bubblewrap (Debian/Ubuntu: "
    "sudo apt-get install bubblewrap) and make sure user namespaces are allowed."
)


def grading_scale() -> str:
    """The shop dataset's scale in grading kernels: ``$BACKENDLAB_GRADING_SCALE``, else "small".

    Small because it is the scale the course's test suite proves every exercise on (the model
    answer gets full marks, the stub zero, each catalogued mistake loses points, each
    alternative gets full marks), and every check is on behaviour (results, plans, statement
    counts), which needs no million rows; a class is graded several times faster (README,
    "For instructors"). "full" grades on the learners' dataset: slower, and proven only by the
    model answers a grading benchmark runs."""
    scale = os.environ.get(GRADING_SCALE_VARIABLE) or "small"
    if scale not in ("small", "full"):
        from ..errors import CourseError  # noqa: PLC0415 - kept out of every kernel's start

        raise CourseError(f"{GRADING_SCALE_VARIABLE} is {scale!r}, which is not a dataset scale.",
                          "set it to small (the default) or full, or unset it.")
    return scale


def _setting(name: str, default: int) -> int:
    return int(float(os.environ.get(name, default)))


def harden() -> None:
    """Make one submission unable to hurt the grading of others.

    - A memory limit (``$BACKENDLAB_GRADING_MEMORY_GB``, default 4): an answer that allocates
      without end gets a MemoryError in its own cell instead of taking the machine (and every
      other student's grading) down with it.
    - Inside the sandbox, a limit on processes (``$BACKENDLAB_GRADING_PROCESSES``, default 256)
      for a non-root user (for root the sandbox's cgroup does it; see ``sandbox_command``).
    - Standard error goes to standard output: nbgrader gives 0 points to a test cell that wrote
      *anything* to stderr, so a correct answer that prints a warning would lose its points.
      Failures are still failures: they are raised errors, not stderr text.
    """
    limit = int(float(os.environ.get(GRADING_MEMORY_VARIABLE, "4")) * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if os.environ.get(SANDBOX_VARIABLE) == "bwrap" and os.getuid() != 0:
        # Counted per user namespace (Linux ≥ 5.14): this kernel's processes, not the user's.
        processes = _setting(PROCESSES_VARIABLE, 256)
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    sys.stdout.flush()
    os.dup2(1, 2)  # C libraries and subprocesses write to file descriptor 2
    sys.stderr = sys.stdout


# --- the sandbox ------------------------------------------------------------------------------

def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _ancestors_or_self(path: Path, folders: list[Path]) -> bool:
    """Would binding ``path`` expose one of ``folders`` (it is one of them, or holds one)?"""
    return any(_inside(folder, path) for folder in folders)


def python_folders(course: Path) -> list[Path]:
    """What the kernel's Python needs, read-only: the environment, the base interpreter, the
    folders on ``sys.path`` — but never a folder holding the course: of that, only the
    ``backendlab`` package."""
    import backendlab  # noqa: PLC0415 - the package the kernel will import

    package = Path(backendlab.__file__).resolve().parent
    candidates = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent.parent,
                  package, *(Path(entry) for entry in sys.path if entry)]
    # Installed editable (./course, Binder), the package's parent is a checkout, maybe the
    # course folder itself: keep it out. Installed normally, it is site-packages: needed.
    checkout = package.parent if (package.parent / "pyproject.toml").exists() else None
    protected = [course, *([checkout] if checkout else [])]
    folders: list[Path] = []
    for candidate in candidates:
        try:
            path = candidate.resolve()
        except OSError:
            continue
        if not path.is_dir() or path == Path("/") or _ancestors_or_self(path, protected) \
                or (path / "nbgrader_config.py").exists():  # another course folder
            continue
        if any(_inside(path, kept) for kept in folders):
            continue
        folders = [kept for kept in folders if not _inside(kept, path)] + [path]
    return folders if any(_inside(package, kept) for kept in folders) else [*folders, package]


def _postgres_sockets() -> list[Path]:
    """PostgreSQL's unix sockets named by ``$BACKENDLAB_DATABASE_URL`` (``?host=<folder>``)."""
    url = os.environ.get("BACKENDLAB_DATABASE_URL", "")
    if not url:
        return []
    parts = urlsplit(url)
    hosts = parse_qs(parts.query).get("host", []) + ([parts.hostname] if parts.hostname else [])
    sockets = []
    for host in hosts:
        if host.startswith("/"):
            sockets += [path for path in Path(host).glob(".s.PGSQL.*") if not path.name.endswith(".lock")]
    return sockets


def _reach_postgres(private: Path, arguments: list[str]) -> Path | None:
    """Make PostgreSQL's unix sockets reachable in the sandbox; return the folder the kernel
    must find them in when it is not their own (None: nothing to change).

    As root the sockets sit in a folder only the ``postgres`` user may enter, which root in
    the sandbox's user namespace may not: the sockets are hard-linked into the kernel's
    private folder instead (a socket is found by its inode, whatever its name). Elsewhere
    (a user's own runtime folder) they are bound read-only where they are."""
    sockets = _postgres_sockets()
    if not sockets:
        return None
    linked = private / "pg"
    linked.mkdir(exist_ok=True)
    try:
        for socket_path in sockets:
            os.link(socket_path, linked / socket_path.name)
    except OSError:  # another file system: bind them where they are
        for socket_path in sockets:
            arguments += ["--ro-bind", str(socket_path), str(socket_path)]
        return None
    return linked


BROKER_SOCKET = "database-broker.sock"
_BROKERS: set["DatabaseBroker"] = set()


class DatabaseBroker(threading.Thread):
    """Makes a grading kernel's PostgreSQL working copies, outside its sandbox.

    A working copy is ``CREATE DATABASE … TEMPLATE``, which needs rights a submission must not
    have. So the grader makes the kernel a role of its own (``sql.create_kernel_role``) and
    this thread, in the grader's process, listens on a unix socket in the kernel's private
    folder (bound into the sandbox: only that kernel reaches it). The kernel's
    ``backendlab.database()`` asks it for a copy; the broker makes it, owned by the kernel's
    role, named with the kernel's tag (``sql.serve_copy``). When nbgrader removes the private
    folder (the kernel ended, or died and was replaced), the broker drops the kernel's copies
    and its role; whatever is left when the grading process exits goes then.
    """

    def __init__(self, server_url: str, private: Path, tag: str) -> None:
        super().__init__(daemon=True, name=f"backendlab-database-broker-{tag}")
        from .. import sql  # noqa: PLC0415 - the grader's process only

        self.server, self.private, self.tag = sql._psycopg_url(server_url), private, tag
        with sql._admin_connection(self.server) as admin:
            self.role, self.password = sql.create_kernel_role(admin, tag)
        self.socket_path = private / BROKER_SOCKET
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._listener.bind(str(self.socket_path))
            self._listener.listen(4)
        except OSError:  # no broker, no kernel: its role must not outlive it
            self._listener.close()
            with sql._admin_connection(self.server) as admin:
                sql.drop_kernel_role(admin, self.role)
            raise
        self._released = threading.Lock()
        self._done = False
        _BROKERS.add(self)
        self.start()

    def kernel_url(self, sockets: Path | None) -> str:
        """The URL the kernel gets: its role and password, no password file, its sockets."""
        url = self.server.set(username=self.role, password=self.password, database="postgres")
        url = url.difference_update_query(["passfile"])
        if sockets is not None:
            url = url.set(host=None).update_query_dict({"host": str(sockets)})
        return url.render_as_string(hide_password=False)

    def run(self) -> None:
        try:
            while self.private.is_dir() and not self._done:
                ready, _, _ = select.select([self._listener], [], [], 0.5)
                if ready:
                    connection, _ = self._listener.accept()
                    with connection:
                        self._answer(connection)
        except (OSError, ValueError):
            pass  # the listener was closed: released already
        finally:
            self.release()

    def _answer(self, connection: socket.socket) -> None:
        from .. import sql  # noqa: PLC0415

        connection.settimeout(10)  # a kernel that connects and says nothing blocks only itself
        try:
            request = json.loads(connection.makefile("rb").readline(4096) or b"null")
        except (OSError, ValueError):
            request = None
        answer = sql.serve_copy(self.server, self.role, self.tag, request)
        try:
            connection.sendall(json.dumps(answer).encode() + b"\n")
        except OSError:
            pass

    def release(self) -> None:
        """Drop the kernel's copies and its role (once; errors only printed: the grading of
        the next notebook must go on)."""
        from .. import sql  # noqa: PLC0415

        # It stays in _BROKERS until the role is gone: the exit handler, finding it there,
        # waits on the lock for a release the broker's own thread has begun (a daemon thread
        # is killed at exit, and a role dropped half-way was left behind).
        with self._released:
            if self not in _BROKERS:
                return
            self._done = True
            self._listener.close()
            try:
                with sql._admin_connection(self.server) as admin:
                    sql.drop_kernel_role(admin, self.role)
            except Exception as error:  # noqa: BLE001
                print(f"backendlab: could not drop PostgreSQL role {self.role}: {error}",
                      file=sys.stderr)
            finally:
                _BROKERS.discard(self)


@atexit.register
def _release_brokers() -> None:
    for broker in list(_BROKERS):
        broker.release()


def _postgres_for_kernel(private: Path, tag: str, arguments: list[str]) -> dict[str, str]:
    """The environment a kernel needs for PostgreSQL, when ``BACKENDLAB_DATABASE_URL`` is set:
    its own role's URL and its broker's socket (never the grader's URL)."""
    url = os.environ.get("BACKENDLAB_DATABASE_URL", "")
    if not url:
        return {}
    from .. import sql  # noqa: PLC0415

    sockets = _reach_postgres(private, arguments)
    broker = DatabaseBroker(url, private, tag)
    return {"BACKENDLAB_DATABASE_URL": broker.kernel_url(sockets),
            sql.BROKER_VARIABLE: str(broker.socket_path)}


def needs_network() -> str:
    """Why the kernel must share the machine's network, or "" (a PostgreSQL on a TCP port).
    Not Redis: a kernel never gets the grader's ``BACKENDLAB_REDIS_URL`` (it starts its own
    redis-server in its private runtime folder)."""
    reasons = []
    for variable in ("BACKENDLAB_DATABASE_URL",):
        url = os.environ.get(variable, "")
        if not url:
            continue
        parts = urlsplit(url)
        socket_only = (parts.scheme == "unix" or (not parts.hostname and (
            parse_qs(parts.query).get("host", [""])[0].startswith("/"))))
        if not socket_only:
            reasons.append(f"{variable} is a network address")
    return ", ".join(reasons)


def pids_cgroup(tag: str) -> Path | None:
    """A fresh cgroup limiting the kernel's number of processes, where we may make one
    (root, or a delegated cgroup); None elsewhere (then RLIMIT_NPROC does it, see ``harden``)."""
    limit = str(_setting(PROCESSES_VARIABLE, 256))
    for root in PIDS_CGROUPS:
        if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
            continue
        if root == Path("/sys/fs/cgroup") and "pids" not in _read(root / "cgroup.subtree_control"):
            continue
        group = root / f"backendlab-grading-{tag}"
        try:
            group.mkdir(exist_ok=True)
            (group / "pids.max").write_text(limit)
            return group
        except OSError:
            try:
                group.rmdir()
            except OSError:
                pass
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def grading_sandbox_problem() -> str:
    """Why grading kernels cannot be sandboxed here, or "" when they can: bubblewrap must be
    usable at all (``sandbox.bwrap_problem``) and run this module's sandbox (an old bwrap
    lacks options such as ``--size``; some systems forbid user namespaces)."""
    from .. import sandbox  # noqa: PLC0415 - not needed inside kernels

    return sandbox.bwrap_problem() or _probe()


@functools.cache
def _probe() -> str:
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from ..paths import data_dir  # noqa: PLC0415

    private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
    try:
        command = sandbox_command(["true"], cwd=private, private=private, course=Path.cwd(),
                                  data=data_dir(), tag="probe", cgroup=None,
                                  bwrap=shutil.which("bwrap") or "bwrap", postgres=False)
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=30, check=False)
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            return ("it cannot run the grading sandbox: "
                    f"{said[-1] if said else f'exit code {done.returncode}'}")
        return ""
    except (OSError, subprocess.SubprocessError) as error:
        return f"it cannot run the grading sandbox: {error}"
    finally:
        shutil.rmtree(private, ignore_errors=True)


SUBMISSION_FOLDER = "/tmp/.submission"  # the notebook's real folder, read-only, inside
MOST_ENTRIES_LINKED = 200


def _notebook_folder(cwd: Path, size: int) -> list[str]:
    """The notebook's folder as the kernel sees it: writable (a notebook may save a file beside
    itself, as the capstone's ``baseline.json``), yet nothing written reaches the real folder
    (where nbgrader keeps this student's graded notebooks). An in-memory folder at the same
    path holds a link to each file of the real one, which is bound read-only elsewhere: the
    kernel reads every file, and replacing one (write a new file, rename it over the link)
    only replaces the link. A folder with very many entries is bound read-only as it is."""
    entries = sorted(path.name for path in cwd.iterdir())
    if len(entries) > MOST_ENTRIES_LINKED:
        return ["--ro-bind", str(cwd), str(cwd)]
    arguments = ["--ro-bind", str(cwd), SUBMISSION_FOLDER, "--size", str(size), "--tmpfs", str(cwd)]
    for name in entries:
        arguments += ["--symlink", f"{SUBMISSION_FOLDER}/{name}", str(cwd / name)]
    return arguments


def sandbox_command(kernel: list[str], *, cwd: Path, private: Path, course: Path, data: Path,
                    tag: str, cgroup: Path | None, bwrap: str = "bwrap",
                    postgres: bool = True) -> list[str]:
    """The command that runs ``kernel`` (its argv) confined as the module docstring says.

    ``private`` is the kernel's own folder outside (connection file, ZMQ sockets), ``course``
    the course folder, ``data`` the data folder (datasets, working copies), ``tag`` a short
    id unique to this kernel, ``cgroup`` its pids cgroup (or None). With ``postgres`` (and
    ``BACKENDLAB_DATABASE_URL`` set) it also makes the kernel's role and starts its
    :class:`DatabaseBroker`; without, the kernel gets no database URL at all."""
    tmp_bytes = _setting(TMP_MB_VARIABLE, 512) * 1024**2
    workspace_bytes = _setting(WORKSPACE_MB_VARIABLE, 2048) * 1024**2
    home = "/tmp/home"
    arguments = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent", "--hostname", "grading"]
    if not needs_network():
        arguments.append("--unshare-net")
    for name in SYSTEM_FOLDERS:
        path = Path("/") / name
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    for secret in HIDDEN_SYSTEM_FILES:  # readable by root (CI): an answer could print them
        if Path(secret).exists():
            arguments += ["--ro-bind", "/dev/null", secret]
    arguments += ["--proc", "/proc", "--dev", "/dev",
                  "--size", str(tmp_bytes), "--tmpfs", "/tmp", "--dir", home,
                  "--dir", "/tmp/backendlab-runtime"]
    for folder in python_folders(course):
        arguments += ["--ro-bind", str(folder), str(folder)]
    datasets = data / "datasets"
    if datasets.is_dir():
        arguments += ["--ro-bind", str(datasets), str(datasets)]
    arguments += ["--size", str(workspace_bytes), "--tmpfs", str(data / "workspaces")]
    database = _postgres_for_kernel(private, tag, arguments) if postgres else {}
    if _ancestors_or_self(cwd.resolve(), [course.resolve()]):  # never the whole course folder
        cwd = Path(home)
    else:
        arguments += _notebook_folder(cwd, tmp_bytes)
    arguments += ["--bind", str(private), str(private), "--chdir", str(cwd),
                  "--remount-ro", "/"]  # the folders bwrap made to hold the binds: read-only
    passed = {name: value for name, value in os.environ.items()
              if name in KEPT_VARIABLES or name.startswith(KEPT_PREFIXES)}
    # The grader's database URL is the superuser's; its Redis is shared by every kernel (and
    # a TCP one would need the network): never passed on.
    for name in ("BACKENDLAB_DATABASE_URL", "BACKENDLAB_DATABASE_BROKER", "BACKENDLAB_REDIS_URL"):
        passed.pop(name, None)
    passed.update(database)
    environment = {**passed, "HOME": home, "TMPDIR": "/tmp", "BACKENDLAB_DATA_DIR": str(data),
                   "BACKENDLAB_SCALE": grading_scale(),
                   "BACKENDLAB_RUNTIME_DIR": "/tmp/backendlab-runtime", SANDBOX_VARIABLE: "bwrap",
                   KERNEL_TAG_VARIABLE: tag, "IPYTHONDIR": f"{home}/.ipython",
                   "MPLCONFIGDIR": f"{home}/.matplotlib",
                   # its real parent is hidden: pid 1 tells ipykernel not to watch for it
                   # (bwrap's --die-with-parent does) and not to print console notes
                   "JPY_PARENT_PID": "1"}
    arguments.append("--clearenv")  # no tokens or passwords from the instructor's environment
    for name, value in environment.items():
        arguments += ["--setenv", name, value]
    arguments += ["--", *kernel]
    if cgroup is not None:  # join the cgroup first: everything started later is counted in it
        arguments = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(cgroup),
                     *arguments]
    return arguments
