"""Exercises done in a real terminal, whose result a check cell then inspects.

Most Linux-unit answers are command strings that :mod:`backendlab.sandbox` runs from a cell.
Some work is better learnt at the raw tool: the learner opens JupyterLab's terminal in a folder
this module prepares, works there, and then pastes the commands they typed into the notebook.
The check cell looks at two things:

- the result file in the real folder, when it exists (only in the learner's own session: the
  check says at once whether what they made is right);
- a *replay*: the pasted commands run by :func:`backendlab.sandbox.run` on a fresh copy of the
  fixtures. That is all nbgrader sees (under grading the terminal's folder does not exist), and
  hidden tests replay the same commands on other fixtures. When the folder's file and the
  replay's disagree, the pasted commands are not what made the file, and the learner is told so.

The fixtures here are rotated nginx access logs (``app.log``, ``app.log.1``, ``app.log.2.gz``,
``app.log.3.gz``) holding the edge cases that separate right from almost right: compressed
files, 4xx answers, byte counts and paths that look like a 5xx status, a blank line, pasted log
lines in a notes file whose name has a space, ties. The expected answer is computed in Python
from the files themselves (:func:`top_clients`), independently of the shell.
"""

import gzip
import random
import re
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import sandbox
from .check import fail
from .errors import CourseError
from .paths import under_nbgrader
from .workfolder import how_to_make_writable, work_dir

LOG_FILES = ("app.log", "app.log.1", "app.log.2.gz", "app.log.3.gz")  # newest first
NOTES_FILE = "outage notes.txt"
REPLAY_TIME_LIMIT = 10.0
REPLAY_HOME = "/nonexistent"  # the Debian name for "no home folder": ~ is not the task folder
FILLER_IPS = tuple(f"10.20.{a}.{b}" for a in (3, 7) for b in (11, 14, 52, 86, 93))
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
PATHS = ("/", "/api/cart", "/api/products?page=2", "/static/app.js", "/api/search?q=lamp")


@dataclass(frozen=True)
class Client:
    """One client of the story: how many answers of each kind it got, where.

    ``errors`` are its 5xx answers in app.log, app.log.1, app.log.2.gz, app.log.3.gz;
    ``client_errors`` its 4xx answers (spread over the files); ``decoys`` its 200 answers that
    look like a 5xx to a careless pattern (a byte count of 500-599, a path ending in /50x);
    ``in_notes`` its 5xx lines pasted into the notes file (not a log)."""

    ip: str
    errors: tuple[int, int, int, int] = (0, 0, 0, 0)
    client_errors: int = 0
    decoys: int = 0
    in_notes: int = 0


# The logs of exercise 13 (1.8). Who leads differs with each mistake a learner can make: the
# plain files alone, the .gz files alone, 4xx counted, the notes file read, a byte count or path
# taken for a status, ties sorted the other way, counts sorted as text.
STORY = (
    Client("203.0.113.41", errors=(2, 3, 5, 4)),
    Client("192.0.2.77", errors=(6, 3, 0, 0), client_errors=2),
    Client("198.51.100.23", errors=(0, 1, 4, 3)),
    Client("198.51.100.27", errors=(1, 0, 4, 3)),
    Client("10.0.4.12", errors=(1, 2, 0, 0), client_errors=12),
    Client("203.0.113.9", errors=(1, 1, 1, 0), decoys=14),
    Client("192.0.2.15", errors=(0, 0, 1, 0), in_notes=9),
    Client("198.51.100.140", errors=(0, 1, 0, 1), client_errors=3),
)
STORY_SEED = 8


def _line(ip: str, when: datetime, method: str, path: str, status: int, size: int,
          latency: float) -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return (f'{ip} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} "-" "{AGENT}" '
            f"{latency:.3f}")


def rotated_logs(clients: Sequence[Client], seed: int, filler: int = 30) -> dict[str, bytes]:
    """The files of a log folder after logrotate ran three times (``compress`` with
    ``delaycompress``: the newest rotated file stays plain), plus a notes file.

    Each file holds the clients' lines, ``filler`` ordinary 2xx/3xx requests from other
    addresses, in time order (app.log.3.gz oldest); app.log.1 also holds a blank line.
    The same clients and seed give the same bytes (gzip without a time stamp)."""
    rng = random.Random(seed)
    texts: dict[str, str] = {}
    for index, name in enumerate(LOG_FILES):
        events: list[tuple[str, str, int, int]] = []  # (ip, path, status, size)
        for client in clients:
            events += [(client.ip, rng.choice(("/api/checkout", "/api/cart")), rng.choice((500, 502, 503, 504)),
                        rng.randint(150, 200)) for _ in range(client.errors[index])]
            share = client.client_errors // len(LOG_FILES) + (index < client.client_errors % len(LOG_FILES))
            events += [(client.ip, "/api/products/9999", rng.choice((404, 429)), rng.randint(150, 200))
                       for _ in range(share)]
            share = client.decoys // len(LOG_FILES) + (index < client.decoys % len(LOG_FILES))
            for number in range(share):  # a byte count, or a path, that reads like a 5xx status
                events.append((client.ip, f"/api/orders/{rng.choice((500, 502, 503))}", 200,
                               rng.randint(1000, 9000)) if number % 2 else
                              (client.ip, rng.choice(PATHS), 200, rng.randint(500, 599)))
        events += [(rng.choice(FILLER_IPS), rng.choice(PATHS), rng.choice((200, 200, 200, 304)),
                    rng.randint(1000, 48000)) for _ in range(filler)]
        rng.shuffle(events)
        day = datetime(2026, 11, 24, 0, 0, tzinfo=UTC) - timedelta(days=index)
        lines = [_line(ip, day + timedelta(seconds=37 * (k + 1)), "GET", path, status, size,
                       round(rng.uniform(0.002, 0.4), 3))
                 for k, (ip, path, status, size) in enumerate(events)]
        if name == "app.log.1":
            lines.insert(len(lines) // 2, "")
        texts[name] = "".join(line + "\n" for line in lines)
    pasted = [_line(client.ip, datetime(2026, 11, 23, 14, 2, tzinfo=UTC) + timedelta(seconds=k),
                    "POST", "/api/checkout", 502, 166, 0.011)
              for client in clients for k in range(client.in_notes)]
    notes = ("Outage 23 Nov, 14:02: payment provider down. Lines copied from the log:\n"
             + "".join(line + "\n" for line in pasted) + "Fixed at 14:20 (see ticket 5031).\n")
    files: dict[str, bytes] = {name: (gzip.compress(text.encode(), mtime=0) if name.endswith(".gz")
                                      else text.encode()) for name, text in texts.items()}
    files[NOTES_FILE] = notes.encode()
    return files


# --- the expected answer, from the files ------------------------------------------------------

def _log_text(name: str, content: bytes) -> str:
    return (gzip.decompress(content) if name.endswith(".gz") else content).decode()


def top_clients(files: Mapping[str, bytes], n: int = 3, *, statuses: range = range(500, 600),
                names: Sequence[str] | None = None, anywhere: bool = False,
                ties_reversed: bool = False) -> list[str]:
    """The ``n`` client IPs with the most answers whose status is in ``statuses``, over the
    log files (every ``app.log*``), most first, ties by IP in text order (C locale, as
    ``sort``). The keyword arguments compute the answers of known mistakes (other files, a
    status found anywhere on the line, ties the other way round) for :func:`diagnose`."""
    chosen = names if names is not None else [name for name in files if name.startswith("app.log")]
    counts: Counter[str] = Counter()
    for name in chosen:
        for line in _log_text(name, files[name]).splitlines():
            fields = line.split()
            if len(fields) < 9:
                continue
            if anywhere:
                hit = any(re.fullmatch(r"5\d\d", field) for field in fields[1:])
            else:
                hit = fields[8].isdigit() and int(fields[8]) in statuses
            counts[fields[0]] += hit
    by_ip = sorted((item for item in counts.items() if item[1] > 0), reverse=ties_reversed)
    ranked = sorted(by_ip, key=lambda item: -item[1])  # stable: equal counts keep the IP order
    return [ip for ip, _ in ranked[:n]]


def diagnose(files: Mapping[str, bytes], lines: list[str]) -> str:
    """What a wrong list of lines most likely came from, as a sentence; "" when unknown."""
    logs = [name for name in files if name.startswith("app.log")]
    plain = [name for name in logs if not name.endswith(".gz")]
    known = (
        (top_clients(files, names=plain),
         "it is the answer for the uncompressed logs only: grep, cut and awk read the bytes of a "
         ".gz file, not the lines inside it (see 'Rotated logs')."),
        (top_clients(files, names=[name for name in logs if name.endswith(".gz")]),
         "it is the answer for the compressed logs only: zcat refuses a plain file unless told "
         "to pass it through (see 'Rotated logs')."),
        (top_clients(files, statuses=range(400, 600)),
         "it counts 4xx answers too: only statuses 500-599 are server errors."),
        (top_clients(files, names=[*logs, NOTES_FILE]),
         f"it counts the lines pasted into {NOTES_FILE!r}: only the app.log files are logs."),
        (top_clients(files, anywhere=True),
         "it counts lines where 5xx digits appear in another field (a byte count, a path): "
         "match the status field itself (1.3: which field is the status)."),
        (top_clients(files, ties_reversed=True),
         "equal counts come in the wrong order: sort -r reverses the whole comparison, the "
         "IPs too (see `man sort`: keys, -k)."),
    )
    if any(len(line.split()) > 1 for line in lines):
        return "each line holds more than the IP (a count?): write the bare IPs, one per line."
    for wrong, why in known:
        if lines == wrong:
            return why
    return ""


# --- the folder the learner works in ----------------------------------------------------------

def prepare(folder_name: str, files: Mapping[str, bytes], unit: str = "01-linux") -> Path | None:
    """Write ``files`` into ``work/<unit>/<folder_name>/`` and print how to open a terminal there.

    Files the learner made there (their result) stay; the fixtures are written afresh, so
    running the cell again repairs a log they damaged. Under nbgrader nothing is written and
    None is returned: grading only replays the pasted commands."""
    if under_nbgrader():
        return None
    folder = work_dir() / unit / folder_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name).write_bytes(content)
    except OSError as error:
        raise CourseError(f"The exercise's folder {folder} cannot be written ({error.strerror or error}).",
                          how_to_make_writable(work_dir()) + ", then run this cell again.") from error
    print(f"The logs are in this folder:\n    {folder}\n"
          "Open a terminal there: in JupyterLab, File > New > Terminal, then type\n"
          f"    cd {shlex.quote(str(folder))}\n"
          "    export LC_ALL=C.UTF-8\n"
          "(the quotes matter: the folder's name has a space; LC_ALL makes sort order text as the\n"
          "check's replay does, whatever language your terminal is set to). Then: ls -l")
    return folder


# --- the check ---------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    """A result file's lines, spaces around each and trailing empty lines dropped."""
    lines = [line.strip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def without_cd(commands: str) -> str:
    """The pasted commands without the leading ``cd`` into the task folder (the replay starts
    in its own copy of the folder; a cd there would leave it)."""
    lines = commands.strip().splitlines()
    while lines and re.match(r"\s*cd(\s|$)", lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def replay(commands: str, files: Mapping[str, bytes]) -> sandbox.Result:
    """Run the pasted commands in a fresh sandbox holding ``files``.

    ``HOME`` is not the sandbox's folder there (it is by default): in the learner's terminal
    ``~`` is their home, not the task folder, so ``> ~/top-ips.txt`` must not pass the replay
    when it left the folder without the file."""
    runnable = without_cd(commands)
    if not runnable.strip():
        fail("`terminal_commands` holds only a cd: paste the commands you typed after it too.")
    return sandbox.run(runnable, files=files, env={"HOME": REPLAY_HOME}, time_limit=REPLAY_TIME_LIMIT)


def _shown(lines: list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines) or "    (nothing)"


def check_result(commands: str, files: Mapping[str, bytes], folder: Path | None, result: str,
                 expected: list[str], what: str, hint: str = "") -> None:
    """The learner's terminal work: ``result`` in ``folder`` (when it exists) and in the replay
    of ``commands`` on ``files`` must hold the lines ``expected``; and they must agree."""
    mine = folder / result if folder is not None else None
    made = _lines(mine.read_text(errors="replace")) if mine is not None and mine.is_file() else None
    if mine is not None and made is None:
        print(f"There is no {result} in {folder} yet: this check only replays your commands.")
    if made is not None:
        if made != expected:
            why = diagnose(files, made)
            fail(f"{what}: the {result} you made in the terminal is not right yet: it holds\n"
                 f"{_shown(made)}\nbut should hold\n{_shown(expected)}"
                 + (f"\nMost likely {why}" if why else ""), hint)
        print(f"The {result} you made in the terminal is right. Now the replay of your commands:")
    replayed = replay(commands, files)
    entry = replayed.files.get(result)
    if entry is None or entry.kind != "file":
        fail(f"{what}: your pasted commands, replayed on a fresh copy of the logs, made no file "
             f"{result!r}.\n{sandbox.what_came_out(replayed)}\nThe replay runs them in a copy of "
             f"the task folder, as if just after your cd: name the files as `ls` there shows them "
             f"({result}, not ~/{result} or a path to your work area).",
             hint or f"write the result into {result} (the > redirection of 1.2).")
    got = _lines(entry.text)
    if made is not None and got != made:
        fail(f"{what}: the commands you pasted do not make the file you made: paste exactly "
             f"what you typed. Replayed, they wrote\n{_shown(got)}\nbut your {result} holds\n"
             f"{_shown(made)}", "copy the commands from the terminal (the up arrow, or `history`).")
    if got != expected:
        why = diagnose(files, got)
        fail(f"{what}: your commands, replayed, wrote into {result}\n{_shown(got)}\nbut it "
             f"should hold\n{_shown(expected)}" + (f"\nMost likely {why}" if why else "")
             + f"\n{sandbox.what_came_out(replayed)}", hint)
