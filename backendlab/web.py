"""The web lessons' front door: a private nginx you configure, and the shop app behind it.

    from backendlab import web
    site = web.nginx("02-nginx")               # your own nginx, in your private runtime folder
    site.apply('''
    server {
        listen {listen};                        # the course fills in a private unix socket
        location / { return 200 "hello\\n"; }
    }
    ''')
    response = site.get("/")                   # a real HTTP request to that nginx
    response.status, response.headers["Content-Type"], response.text

What you pass to ``apply`` is what you would put inside ``http { }`` on a real server:
``server`` blocks, ``location``, ``upstream``, ``log_format``, ``map``... The course writes the
rest (pid file, logs, temp folders, MIME types) and fills in these words in your text:

- ``{listen}``: the private unix socket ``site.get`` talks to (every config needs it once);
- ``{port}``:   ``127.0.0.1:<a free port>``, only where a TCP port is the lesson;
- ``{tls}``:    a second private unix socket, for ``listen {tls} ssl;`` (HTTPS: ``site.get(path,
  tls=ssl_context)`` talks to it);
- ``{root}``:   the folder ``site.root``, for static files;
- ``{logs}``:   the log folder (``{logs}/access.log`` is what ``site.access_log()`` reads);
- ``{cache}``:  a folder for ``proxy_cache_path`` (nginx creates it);
- and any word you pass as a keyword: ``site.apply(text, app=app.socket)`` fills ``{app}``.

``apply`` runs ``nginx -t`` first: a configuration nginx refuses raises an error with nginx's own
message, and the server keeps serving the previous one. The server keeps running after the
notebook closes (like the course's Redis); ``site.stop()`` stops it.
"""

import atexit
import http.client
import os
import re
import shutil
import ssl
import subprocess
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._process import process_runs
from .errors import CourseError
from .load import UnixHTTPConnection
from .paths import grading_suffix
from .services import nginx as nginx_service

if TYPE_CHECKING:  # the app's module imports SQLAlchemy: loaded on demand
    from .services import shop_app

DEFAULT_TIMEOUT = 10.0  # seconds a request may take; lessons about 504 pass their own


class Headers:
    """HTTP headers as nginx sent them: looked up without regard to case, repeated headers
    (``Set-Cookie``, ``Vary``...) kept in order."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = list(pairs)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of header ``name``, or ``default``."""
        values = self.get_all(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str]:
        """Every value of header ``name``, in the order they came."""
        wanted = name.lower()
        return [value for key, value in self._pairs if key.lower() == wanted]

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(f"no {name!r} header in this response (headers: "
                           f"{', '.join(self.keys()) or 'none'})")
        return values[0]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def keys(self) -> list[str]:
        return [key for key, _ in self._pairs]

    def items(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return "Headers(" + ", ".join(f"{key}: {value}" for key, value in self._pairs) + ")"


@dataclass
class Response:
    """One HTTP response: what a browser or curl would have received."""

    status: int
    reason: str
    headers: Headers
    body: bytes

    @property
    def text(self) -> str:
        """The body as text (UTF-8; undecodable bytes shown as �)."""
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        preview = self.text[:60].replace("\n", "\\n")
        more = "…" if len(self.body) > 60 else ""
        return f"<Response {self.status} {self.reason}: {preview!r}{more}>"


class _TLSConnection(UnixHTTPConnection):
    """The course's unix-socket client (``load.UnixHTTPConnection``) in TLS: ``server_name``
    is the Host header, the SNI and the name the certificate must match, as a browser going
    to https://<server_name>/ would send and check."""

    def __init__(self, path: Path, timeout: float, tls: ssl.SSLContext,
                 server_name: str = "localhost") -> None:
        super().__init__(path, timeout=timeout, host=server_name)
        self._tls = tls
        self._server_name = server_name

    def connect(self) -> None:
        super().connect()
        try:
            self.sock = self._tls.wrap_socket(self.sock, server_hostname=self._server_name)
        except BaseException:
            self.sock.close()
            self.sock = None
            raise


def send(target: Path | tuple[str, int], method: str, path: str,
         headers: dict[str, str] | None = None, body: bytes | str | None = None,
         timeout: float = DEFAULT_TIMEOUT, tls: ssl.SSLContext | None = None,
         server_name: str = "localhost") -> Response:
    """One HTTP/1.1 request on a new connection to ``target`` (a unix socket path, or a
    ``(host, port)`` pair), the answer read in full. With ``tls`` (an ``ssl.SSLContext``) the
    request goes in TLS to ``server_name`` over the unix socket ``target`` (a site's
    ``tls_socket``); a failed handshake raises the ``ssl.SSLError`` (e.g.
    ``ssl.SSLCertVerificationError``) a real client would get."""
    connection: http.client.HTTPConnection
    if isinstance(target, tuple):
        if tls is not None:
            raise CourseError(f"TLS to {target} (a TCP address) is not supported here.",
                              "listen with `listen {tls} ssl;` and send to site.tls_socket "
                              "(site.get(path, tls=context) does).")
        connection = http.client.HTTPConnection(*target, timeout=timeout)
    elif tls is not None:
        connection = _TLSConnection(target, timeout, tls, server_name)
    else:
        connection = UnixHTTPConnection(target, timeout=timeout)
    if isinstance(body, str):
        body = body.encode()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        data = reply.read()
        return Response(reply.status, reply.reason, Headers(reply.getheaders()), data)
    except FileNotFoundError:
        raise CourseError(f"Nothing listens on {target}: the server is not running.",
                          "start it first: site.apply(...) starts nginx, web.app(...) starts "
                          "the app.") from None
    except (ConnectionError, TimeoutError, http.client.HTTPException) as error:
        raise CourseError(f"{method} {path} to {target} failed: {type(error).__name__}: {error}",
                          "look at site.error_log() for what nginx said.") from None
    finally:
        connection.close()


class Site:
    """A private nginx of your own: configure it with ``apply``, talk to it with ``get``."""

    def __init__(self, name: str, workers: int = 1) -> None:
        self.name = name
        self.workers = workers
        self.files = nginx_service.files(name)

    # --- where things are ---

    @property
    def root(self) -> Path:
        """A folder for static files, ``{root}`` in the configuration."""
        return self.files.root

    @property
    def socket(self) -> Path:
        """The unix socket ``{listen}`` stands for."""
        return self.files.socket

    @property
    def tls_socket(self) -> Path:
        """The unix socket ``{tls}`` stands for (``listen {tls} ssl;``)."""
        return self.files.tls_socket

    @property
    def port(self) -> int:
        """The TCP port ``{port}`` stands for (chosen once, then kept)."""
        return nginx_service.port(self.name)

    @property
    def config(self) -> str:
        """Your text as last given to ``apply`` (before the course filled in its words). A
        ``reload()`` after editing ``config_file`` by hand serves that file, not this text."""
        source = self.files.source
        return source.read_text() if source.exists() else ""

    @property
    def pid(self) -> int | None:
        """The master process's pid, None when nginx is not running."""
        return nginx_service.master_pid(self.name)

    def worker_pids(self, finishing: bool = False) -> list[int]:
        """The pids of the worker processes serving requests; ``finishing=True``: the old ones
        still finishing what they started before a reload (they accept no new connections)."""
        return nginx_service.worker_pids(self.name, finishing)

    @property
    def config_file(self) -> Path:
        """The file nginx reads your text from (its ``include``), placeholders filled in: on a
        real server, /etc/nginx/conf.d/shop.conf. Editing it changes nothing until a reload."""
        return self.files.site

    # --- configuring ---

    def fill(self, config: str, **values: object) -> str:
        """``config`` with the course's words filled in, as ``apply`` would write it."""
        return self._filled(config, values)

    def run(self, *options: str) -> subprocess.CompletedProcess:
        """Run this instance's nginx program as you would on a server: ``site.run("-t")`` is
        ``nginx -t``, ``site.run("-s", "reload")`` is ``nginx -s reload``. The course adds
        ``-p``, ``-c`` and ``-e`` so that nginx finds this instance's files. Like any nginx, it
        reports on stderr: ``.returncode`` says whether it worked."""
        binary = nginx_service.require_binary()
        return nginx_service._nginx(binary, self.files, *options)

    def _filled(self, config: str, values: dict[str, object]) -> str:
        if "{listen}" not in config and "{port}" not in config and "{tls}" not in config:
            raise CourseError(
                "This configuration has no `listen {listen};` (nor `listen {port};`), so the "
                "course cannot reach your server.",
                "put `listen {listen};` in your server block: the course replaces {listen} "
                "with a private unix socket.")
        return nginx_service.fill(self.name, config, values)

    def test(self, config: str, **values: object) -> str:
        """``nginx -t`` on ``config`` without applying it: nginx's output when the test passes,
        a CourseError with nginx's message when it fails."""
        return nginx_service.check(self.name, self._filled(config, values), self.workers)

    def apply(self, config: str, **values: object) -> None:
        """Serve ``config`` (http-context text): ``nginx -t``, then start nginx, or reload it
        (SIGHUP) when it already runs. Refused configurations change nothing. The first
        start in a kernel says which nginx it is; later (re)starts of the same one are quiet."""
        started = self.pid is None
        nginx_service.ensure_running(self.name, self._filled(config, values), self.workers,
                                     source=config)
        if started and self.name not in _ANNOUNCED:
            _ANNOUNCED.add(self.name)
            binary = nginx_service.require_binary()
            print(f"Started a private nginx {nginx_service.version(binary)} ({binary}) for "
                  f"{self.name!r}: master pid {self.pid}, {self.workers} worker(s).")

    def reload(self) -> None:
        """Re-read the configuration on disk (``nginx -t``, then SIGHUP to the master)."""
        nginx_service.reload(self.name)

    def stop(self) -> bool:
        """Stop this nginx; True when it was running."""
        return nginx_service.stop(self.name)

    # --- talking to it ---

    def _target(self) -> Path | tuple[str, int]:
        if "{listen}" not in self.config and "{port}" in self.config:
            return ("127.0.0.1", self.port)
        return self.socket

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes | str | None = None, timeout: float = DEFAULT_TIMEOUT,
                tls: ssl.SSLContext | None = None, server_name: str = "localhost") -> Response:
        """Send one request to your server (a new connection each time) and read the answer.
        With ``tls`` (an ``ssl.SSLContext``): HTTPS to ``{tls}``, ``server_name`` sent as SNI
        and Host, the certificate checked as ``tls`` says."""
        if not path.startswith("/"):
            raise CourseError(f"{path!r} is not a request path.",
                              "paths start with a slash, e.g. site.get('/index.html').")
        if tls is not None:
            return send(self.tls_socket, method, path, headers, body, timeout, tls,
                        server_name)
        return send(self._target(), method, path, headers, body, timeout)

    def get(self, path: str, headers: dict[str, str] | None = None,
            timeout: float = DEFAULT_TIMEOUT, tls: ssl.SSLContext | None = None,
            server_name: str = "localhost") -> Response:
        """``GET path``: ``site.get("/")``, ``site.get("/", headers={"Host": "shop.test"})``,
        ``site.get("/", tls=ssl.create_default_context(cafile=ca))`` (HTTPS)."""
        return self.request("GET", path, headers, timeout=timeout, tls=tls,
                            server_name=server_name)

    # --- what it wrote ---

    def access_log(self, file: str = "access.log") -> list[str]:
        """The lines of ``{logs}/<file>`` (the access log unless your config names another),
        including the lines of every request answered so far."""
        nginx_service.settle(self.name, [self.files.logs / file])
        return _lines(self.files.logs / file)

    def error_log(self) -> list[str]:
        """The lines of nginx's error log (notices included: starts, reloads, signals)."""
        nginx_service.settle(self.name, [self.files.error_log])
        return _lines(self.files.error_log)

    def clear_logs(self) -> None:
        """Empty the log files (nginx keeps writing to them: it appends)."""
        for log in self.files.logs.glob("*.log"):
            log.write_bytes(b"")

    def __repr__(self) -> str:
        state = f"running, master pid {self.pid}" if self.pid else "stopped"
        return f"<Site {self.name!r}: nginx {state}, listening on {self.socket}>"


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []


def nginx(name: str, workers: int = 1) -> Site:
    """Your private nginx called ``name`` (one per notebook is plenty). Nothing starts until
    you ``apply`` a configuration; after a kernel restart the running one is reused.
    While grading, each grading kernel gets an instance of its own."""
    suffix = grading_suffix()
    site = Site(f"{name}{suffix}", workers)  # checks the name first
    if suffix:
        _forget_finished_grading()
        if site.name not in _STOP_AT_EXIT:  # a grading kernel's nginx ends with it
            _STOP_AT_EXIT.add(site.name)
            atexit.register(_stop_and_remove, site.name)
    _STARTED_HERE["nginx"].add(site.name)
    return site


_STOP_AT_EXIT: set[str] = set()
_ANNOUNCED: set[str] = set()  # instances whose start this kernel has printed once
_STARTED_HERE: dict[str, set[str]] = {"nginx": set(), "app": set()}  # by this kernel


def stop_all() -> list[str]:
    """Stop every nginx and shop app this kernel asked for (the end of a notebook: on Binder's
    2 GB each idle nginx costs about 10 MB and each app about 90 MB); return what was running."""
    from .services import shop_app  # noqa: PLC0415

    stopped = [f"nginx {name}" for name in sorted(_STARTED_HERE["nginx"])
               if nginx_service.stop(name)]
    stopped += [f"app {name}" for name in sorted(_STARTED_HERE["app"]) if shop_app.stop(name)]
    return stopped


def _stop_and_remove(name: str) -> None:
    nginx_service.stop(name)
    shutil.rmtree(nginx_service.files(name).prefix, ignore_errors=True)


def _forget_finished_grading() -> None:
    """Stop and remove the instances of grading kernels that have ended (named ``-g<pid>``:
    Validate in JupyterLab; the grading sandbox ends its own with its process namespace)."""
    if os.environ.get("BACKENDLAB_KERNEL_TAG"):
        # In the grading sandbox the runtime folder is the kernel's own, and instances are
        # named after a hex tag, not a pid: one made only of digits (2% of them) would be
        # mistaken for a finished kernel's pid and removed under the notebook's feet.
        return
    for name in nginx_service.instances():
        tag = re.search(r"-g(\d+)$", name)
        if tag and not process_runs(int(tag.group(1)), "python"):
            _stop_and_remove(name)


def wait_until(condition: Callable[[], object], timeout: float = 10.0) -> bool:
    """Poll ``condition()`` every 30 ms until it is true (return True) or ``timeout`` seconds
    have passed (return False). What to do instead of "sleep a bit and hope": a reload is
    asynchronous, so wait for what proves it happened (new workers, a new answer). Not more
    often: each check (a request, a look at /proc) costs CPU that grading a class pays once
    per student (at 10 ms, a tenth of a web notebook's kernel CPU) for nothing a person
    would notice."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.03)
    return True


def app(name: str = "shop", kind: str = "fastapi", **options: object) -> "shop_app.App":
    """The shop's web app on a private unix socket (started, or reused when it runs):
    ``kind`` is "fastapi" (the shop API on uvicorn), "blocking" (a sync-worker app where
    queueing, 502 and 504 are the lesson) or "stdlib" (a tiny http.server app).
    In an nginx config: ``upstream shop { server unix:{app}; }`` with ``site.apply(text,
    app=shop.socket)``."""
    from .services import shop_app  # noqa: PLC0415 - the app's dependencies load on demand

    started = shop_app.start(name, kind, **options)
    _STARTED_HERE["app"].add(name)
    return started
