"""The learner's work folder: their own copies of the student notebooks, outside the course's files.

``release/<unit>/`` belongs to the course: git tracks it, ``git pull`` updates it and
``./course release`` regenerates it. A learner who typed answers there would block the next
``git pull`` (or lose the work to it). So the learner works in ``work/<unit>/`` inside the course
folder instead: git ignores it (``.gitignore``), JupyterLab's file browser shows it, and it
survives ``git pull``. ``$BACKENDLAB_WORK_DIR`` moves it (the tests use that). The start-here
notebook is copied too (``work/00-start-here.ipynb``, which ``./course lab`` opens): running it
changes its outputs, and a changed course file is what makes ``git pull`` refuse.

The rules, in :func:`prepare`:

- a notebook the learner does not have yet is copied from ``release/<unit>/``;
- a notebook the learner changed is **never** overwritten. When the course changed it since it
  was copied, the new version goes beside it as ``<name>.course-update-<date>.ipynb``, with a
  one-line notice. ``.course-versions.json`` remembers the version of each notebook the learner
  was given, so an update is offered once;
- a notebook still exactly as the course gave it (the learner never saved it) holds nothing of
  theirs: a course update replaces it, with a notice, as :func:`restore` replaces it.

Binder sessions are temporary, so :func:`archive` packs the work folder into one ``.zip`` to
download, and :func:`restore` unpacks it in a later session, again without overwriting a
notebook the learner has already changed there.
"""

import datetime
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import CourseError
from .paths import course_root

VERSIONS = ".course-versions.json"  # {"<unit>/<file>": sha256 of the course version given}
UPDATE_MARK = ".course-update-"
START_HERE = "00-start-here.ipynb"  # notebooks/ holds it; the learner runs their copy in work/
RESTORED_MARK = ".from-archive-"
# progress's results, per notebook content and machine: never archived (another session's
# would collide with this one's on restore, and it is remade on demand).
PROGRESS_CACHE = ".progress.json"


def release_dir() -> Path:
    """The course's student notebooks, one folder per unit."""
    return course_root() / "release"


def work_dir() -> Path:
    """The learner's folder: ``$BACKENDLAB_WORK_DIR``, else ``work/`` in the course folder."""
    explicit = os.environ.get("BACKENDLAB_WORK_DIR")
    return Path(explicit) if explicit else course_root() / "work"


def units(release: Path | None = None) -> list[str]:
    """The course's units, in order (``00-orientation``, ``01-linux``, ...)."""
    release = release or release_dir()
    return sorted(p.name for p in release.iterdir() if p.is_dir() and not p.name.startswith("."))


def content_hash(path: Path) -> str:
    """The sha256 of a file's bytes: which version of a notebook this is (here and in progress)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_versions(work: Path) -> dict[str, str]:
    try:
        return json.loads((work / VERSIONS).read_text())
    except (OSError, ValueError):
        return {}


def _write_versions(work: Path, versions: dict[str, str]) -> None:
    (work / VERSIONS).write_text(json.dumps(versions, indent=1, sort_keys=True) + "\n")


def _beside(path: Path, mark: str) -> Path:
    """A free name next to ``path``: ``<stem><mark><date>[-n]<suffix>``."""
    stem = f"{path.stem}{mark}{datetime.date.today().isoformat()}"
    candidate, n = path.with_name(stem + path.suffix), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{stem}-{n}{path.suffix}"), n + 1
    return candidate


@dataclass
class Prepared:
    """What :func:`prepare` did: files copied, untouched copies replaced by the course's new
    version, updates put beside the learner's changed ones, notices."""

    copied: list[Path] = field(default_factory=list)
    replaced: list[Path] = field(default_factory=list)
    updates: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def how_to_make_writable(folder: Path) -> str:
    """The fix for a work folder the learner cannot write (here and in the doctor)."""
    return (f"make it yours: `chown -R $USER {folder}`, or set BACKENDLAB_WORK_DIR to a folder "
            "you can write (before starting JupyterLab)")


def _can_write(folder: Path) -> bool:
    """A real write that leaves nothing behind: root passes every permission check, but not a
    read-only file system, so asking for permissions would not do."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _writable(work: Path) -> None:
    """Create the work folder if needed; a CourseError with the fix when it cannot be written."""
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # told below
    if not _can_write(work):
        raise CourseError(f"The work folder {work} cannot be written to.",
                          how_to_make_writable(work) + ", then try again.")


def prepare(unit: str | None = None, *, release: Path | None = None,
            work: Path | None = None) -> Prepared:
    """Give the learner their copy of ``unit`` (every unit when None), never overwriting what
    they changed."""
    release, work = release or release_dir(), work or work_dir()
    names = units(release)
    if unit is not None and unit not in names:
        raise CourseError(f"There is no unit called {unit!r}.",
                          f"use one of: {', '.join(names)}.")
    _writable(work)
    files = [(source, source.relative_to(release).as_posix())
             for name in ([unit] if unit else names)
             for source in sorted((release / name).rglob("*"))
             if source.is_file() and ".ipynb_checkpoints" not in source.parts]
    start_here = release.parent / "notebooks" / START_HERE
    if unit is None and start_here.is_file():  # run from here, it never dirties git's copy
        files.insert(0, (start_here, START_HERE))
    versions, done = _read_versions(work), Prepared()
    for source, relative in files:
        target, course_version = work / relative, content_hash(source)
        given = versions.get(relative)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            done.copied.append(target)
        elif given not in (None, course_version):  # the course changed it since it was given
            mine = content_hash(target)
            if mine == given:  # untouched since: nothing of the learner's to keep
                target.write_bytes(source.read_bytes())
                done.replaced.append(target)
                done.notices.append(f"The course updated {relative}: you had not changed it, "
                                    "so it is the new version now.")
            elif mine != course_version:  # changed by the learner too: theirs stays
                update = _beside(target, UPDATE_MARK)
                update.write_bytes(source.read_bytes())
                done.updates.append(update)
                done.notices.append(f"The course updated {relative}: your notebook is "
                                    f"unchanged; the new version is beside it as {update.name}.")
        versions[relative] = course_version
    _write_versions(work, versions)
    return done


def _shown(path: Path) -> str:
    """``path`` as the learner sees it in JupyterLab's file browser (relative to the course)."""
    return str(path.relative_to(course_root()) if path.is_relative_to(course_root()) else path)


def _notebook_count(work: Path) -> int:
    return sum(1 for p in work.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def prepare_and_tell(unit: str | None = None) -> None:
    """:func:`prepare`, then one line for the learner (used by ``./course lab``, Binder, start-here)."""
    done = prepare(unit)
    work = work_dir()
    where = _shown(work)
    copied = f"{len(done.copied)} copied from the course just now" if done.copied else \
        "nothing new from the course"
    print(f"Your work folder is {where}/ ({_notebook_count(work)} notebooks; "
          f"{copied}). Work there: the course never overwrites what you change.")
    for notice in done.notices:
        print(notice)


# --- one archive to carry the work folder between (Binder) sessions ---------------------------

def archive(destination: Path | None = None, *, work: Path | None = None) -> Path:
    """Pack the work folder into one ``.zip`` (default: ``work/backendlab-work-<date>.zip``, which
    the file browser shows: right-click it, Download). Earlier archives are not packed again,
    nor this one (nor its partial file), nor progress's cache (:data:`PROGRESS_CACHE`)."""
    work = work or work_dir()
    if not work.is_dir():
        raise CourseError(f"There is no work folder at {work} yet.",
                          "open a unit first: run the start-here notebook, or `./course lab`.")
    destination = Path(destination) if destination else \
        work / f"backendlab-work-{datetime.date.today().isoformat()}.zip"
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    skipped = {partial.resolve(), destination.resolve()}
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as packed:
        for path in sorted(work.rglob("*")):
            relative = path.relative_to(work)
            if (path.is_file() and ".ipynb_checkpoints" not in relative.parts
                    and relative.as_posix() != PROGRESS_CACHE and path.resolve() not in skipped
                    and not (len(relative.parts) == 1 and path.suffix in (".zip", ".part"))):
                packed.write(path, relative.as_posix())
    partial.replace(destination)
    return destination


@dataclass
class Restored:
    """What :func:`restore` did."""

    written: list[Path] = field(default_factory=list)
    beside: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def restore(source: Path, *, work: Path | None = None) -> Restored:
    """Unpack an archive made by :func:`archive` into the work folder. A file the learner does
    not have, or still has exactly as the course gave it, is replaced by the archive's; a file
    they changed here is kept, and the archive's goes beside it (with a notice)."""
    source, work = Path(source), work or work_dir()
    if not source.exists() and (work / source).exists():  # uploaded into the work folder
        source = work / source
    try:
        packed = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise CourseError(f"{source} is not a work-folder archive ({error}).",
                          "upload the .zip that the archive cell (or `python -m backendlab work "
                          "archive`) made, then give its name here.") from error
    _writable(work)
    versions, done = _read_versions(work), Restored()
    with packed:
        members = [m for m in packed.infolist() if not m.is_dir()]
        for member in members:
            parts = PurePosixPath(member.filename).parts
            if member.filename.startswith("/") or ".." in parts or not parts:
                raise CourseError(f"{source} holds a path outside the work folder: "
                                  f"{member.filename!r}.", "use an archive made by "
                                  "`python -m backendlab work archive`; nothing was unpacked.")
        try:
            archived_versions = json.loads(packed.read(VERSIONS)) \
                if VERSIONS in packed.namelist() else {}
            if not isinstance(archived_versions, dict):
                raise ValueError("not a JSON object")
        except (ValueError, zipfile.BadZipFile) as error:
            raise CourseError(f"{source} holds a damaged {VERSIONS} ({error}).",
                              "use an archive made by `python -m backendlab work archive`; "
                              "nothing was unpacked.") from error
        try:
            for member in members:
                if member.filename in (VERSIONS, PROGRESS_CACHE):  # older archives carry the cache
                    continue
                in_place = _restore_member(packed, member, work, versions, done)
                if in_place and member.filename in archived_versions:
                    versions[member.filename] = archived_versions[member.filename]
        except (OSError, zipfile.BadZipFile) as error:
            raise CourseError(f"Restoring {source} stopped at {member.filename} "
                              f"({getattr(error, 'strerror', None) or error}); the "
                              f"{len(done.written)} files before it were restored.",
                              "a file of yours may stand where the archive has a folder (or the "
                              "other way round): rename it, then restore again (nothing you "
                              "changed is overwritten).") from error
        finally:
            _write_versions(work, versions)
    return done


def _restore_member(packed: zipfile.ZipFile, member: zipfile.ZipInfo, work: Path,
                    versions: dict[str, str], done: Restored) -> bool:
    """One file of the archive into the work folder: written when the learner lacks it or
    still has it as the course gave it, beside theirs when they changed it, skipped when equal.
    True when the archive's file now stands in its own place."""
    data, target = packed.read(member), work.joinpath(*PurePosixPath(member.filename).parts)
    in_place = True
    if target.exists():
        mine = content_hash(target)
        if mine == hashlib.sha256(data).hexdigest():
            return False
        if mine != versions.get(member.filename):  # changed here: keep it
            target, in_place = _beside(target, RESTORED_MARK), False
            done.beside.append(target)
            done.notices.append(f"{member.filename} changed here too: kept yours; the "
                                f"archive's is beside it as {target.name}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    done.written.append(target)
    return in_place


def archive_and_tell(destination: Path | None = None) -> None:
    """:func:`archive` (to ``destination`` when given, as ``work archive FILE`` does), then
    where the archive is and, when JupyterLab's file browser shows it, how to download it
    (start-here's cell, the CLI)."""
    packed = archive(destination).resolve()
    if not packed.is_relative_to(course_root()):  # the file browser cannot reach it
        print(f"Your work folder is packed into {packed}.")
        return
    print(f"Your work folder is packed into {_shown(packed)}: in the file browser, open "
          f"{_shown(packed.parent)}/, right-click {packed.name}, Download.")


def restore_and_tell(source: Path | str) -> None:
    """:func:`restore`, then what it did, in a line or two (the CLI and start-here use it)."""
    done = restore(Path(source))
    print(f"Restored {len(done.written)} files from {Path(source).name} into "
          f"{_shown(work_dir())}/.")
    for notice in done.notices:
        print(notice)


def status() -> tuple[Path, bool, str]:
    """(work folder, writable?, what it holds) for the doctor; creates nothing that stays."""
    work = work_dir()
    existing = work if work.exists() else next((p for p in work.parents if p.exists()), work)
    writable = _can_write(existing)
    if not work.exists():
        return work, writable, "not created yet (the start-here notebook or `./course lab` does)"
    return work, writable, f"{_notebook_count(work)} notebooks"
