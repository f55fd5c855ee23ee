"""The learner's work folder: copied once, never overwritten once changed, course updates put
beside (or in place of an untouched copy), archived."""

import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from backendlab import workfolder
from backendlab.__main__ import main
from backendlab.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
UNIT = "00-orientation"


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    """(release, work): a copy of one released unit, and an empty work folder."""
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / UNIT, release / UNIT)
    return release, tmp_path / "work"


def write_answer(path: Path, text: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    answer = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = text
    nbformat.write(notebook, path)


def test_opening_a_unit_twice_never_overwrites_a_changed_notebook(course) -> None:
    release, work = course
    first = workfolder.prepare(UNIT, release=release, work=work)
    names = sorted(p.name for p in (release / UNIT).iterdir())
    assert sorted(p.name for p in first.copied) == names
    mine = work / UNIT / "02-redis-warmup.ipynb"
    write_answer(mine, "def count_view(r, prefix, page, window_seconds):\n    return 1")
    changed = mine.read_bytes()
    (work / UNIT / "01-sql-warmup.ipynb").unlink()  # deleted: the course gives it back

    second = workfolder.prepare(UNIT, release=release, work=work)
    assert [p.name for p in second.copied] == ["01-sql-warmup.ipynb"]
    assert second.updates == [] and second.notices == []
    assert mine.read_bytes() == changed
    assert sorted(p.name for p in (work / UNIT).iterdir()) == names


def test_a_course_update_goes_beside_the_learners_notebook(course) -> None:
    release, work = course
    workfolder.prepare(UNIT, release=release, work=work)
    mine = work / UNIT / "02-redis-warmup.ipynb"
    write_answer(mine, "def count_view(r, prefix, page, window_seconds):\n    return 1")
    changed = mine.read_bytes()
    course_version = release / UNIT / "02-redis-warmup.ipynb"
    notebook = nbformat.read(course_version, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new paragraph from the course."))
    nbformat.write(notebook, course_version)
    (release / UNIT / "04-new.ipynb").write_bytes(course_version.read_bytes())

    update = workfolder.prepare(UNIT, release=release, work=work)
    assert mine.read_bytes() == changed
    assert [p.name for p in update.copied] == ["04-new.ipynb"]
    [beside] = update.updates
    assert beside.parent == mine.parent and beside.name.startswith(
        "02-redis-warmup.course-update-") and beside.suffix == ".ipynb"
    assert beside.read_bytes() == course_version.read_bytes()
    [notice] = update.notices
    assert "02-redis-warmup.ipynb" in notice and beside.name in notice and "\n" not in notice
    # offered once: the next opening changes nothing
    again = workfolder.prepare(UNIT, release=release, work=work)
    assert again.copied == again.updates == again.notices == []


def test_a_course_update_replaces_a_notebook_the_learner_never_changed(course) -> None:
    release, work = course
    workfolder.prepare(UNIT, release=release, work=work)
    untouched = work / UNIT / "01-sql-warmup.ipynb"
    course_version = release / UNIT / "01-sql-warmup.ipynb"
    notebook = nbformat.read(course_version, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new paragraph from the course."))
    nbformat.write(notebook, course_version)

    update = workfolder.prepare(UNIT, release=release, work=work)
    assert untouched.read_bytes() == course_version.read_bytes()
    assert update.replaced == [untouched] and update.copied == update.updates == []
    [notice] = update.notices
    assert "01-sql-warmup.ipynb" in notice and "new version" in notice
    again = workfolder.prepare(UNIT, release=release, work=work)
    assert again.replaced == again.updates == again.notices == []


def test_an_unwritable_work_folder_is_a_course_error_with_the_doctors_fix(course) -> None:
    release, _ = course
    nobody_writes_here = Path("/proc/backendlab-work")
    with pytest.raises(CourseError, match="cannot be written to") as raised:
        workfolder.prepare(UNIT, release=release, work=nobody_writes_here)
    assert workfolder.how_to_make_writable(nobody_writes_here) in str(raised.value)


def test_an_unknown_unit_is_a_course_error(course) -> None:
    release, work = course
    with pytest.raises(CourseError, match="00-orientation"):
        workfolder.prepare("99-nothing", release=release, work=work)


def test_the_archive_round_trips(course, tmp_path: Path) -> None:
    release, work = course
    workfolder.prepare(UNIT, release=release, work=work)
    mine = work / UNIT / "02-redis-warmup.ipynb"
    write_answer(mine, "def count_view(r, prefix, page, window_seconds):\n    return 2")
    (work / UNIT / "notes.txt").write_text("my notes")
    packed = workfolder.archive(work=work)
    assert packed.parent == work and packed.suffix == ".zip"
    assert workfolder.archive(work=work) == packed  # an archive never packs an older one
    assert not any(name.endswith(".zip") for name in zipfile.ZipFile(packed).namelist())

    # a new Binder session: a fresh copy of the course, the archive uploaded
    fresh = tmp_path / "fresh-work"
    workfolder.prepare(UNIT, release=release, work=fresh)
    done = workfolder.restore(packed, work=fresh)
    assert done.beside == [] and done.notices == []
    for path in work.rglob("*"):
        if path.is_file() and path.suffix != ".zip":
            assert (fresh / path.relative_to(work)).read_bytes() == path.read_bytes(), path
    # the restored folder still knows which course version each notebook came from
    assert workfolder.prepare(UNIT, release=release, work=fresh).updates == []


def test_an_archive_leaves_out_itself_and_the_progress_cache(course, tmp_path: Path) -> None:
    release, work = course
    workfolder.prepare(UNIT, release=release, work=work)
    (work / workfolder.PROGRESS_CACHE).write_text("{}")  # this session's results, not the next's
    packed = workfolder.archive(work / UNIT / "saved.zip", work=work)  # not at the top: still left out
    names = zipfile.ZipFile(packed).namelist()
    assert f"{UNIT}/01-sql-warmup.ipynb" in names
    assert workfolder.PROGRESS_CACHE not in names
    assert not any(name.endswith((".zip", ".part")) for name in names)

    older = tmp_path / "older.zip"  # an archive made before the cache was left out
    with zipfile.ZipFile(older, "w") as archive:
        archive.writestr(workfolder.PROGRESS_CACHE, '{"from": "another session"}')
    workfolder.restore(older, work=work)
    assert (work / workfolder.PROGRESS_CACHE).read_text() == "{}"


def test_restore_keeps_a_notebook_changed_here(course, tmp_path: Path) -> None:
    release, work = course
    workfolder.prepare(UNIT, release=release, work=work)
    write_answer(work / UNIT / "02-redis-warmup.ipynb", "# from the archive")
    packed = workfolder.archive(tmp_path / "saved.zip", work=work)
    write_answer(work / UNIT / "02-redis-warmup.ipynb", "# changed since")
    done = workfolder.restore(packed, work=work)
    [beside] = done.beside
    assert "# changed since" in (work / UNIT / "02-redis-warmup.ipynb").read_text()
    assert "# from the archive" in beside.read_text() and len(done.notices) == 1


def test_restore_refuses_paths_outside_the_work_folder(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as packed:
        packed.writestr("../outside.txt", "no")
    with pytest.raises(CourseError, match="outside the work folder"):
        workfolder.restore(evil, work=tmp_path / "work")
    assert not (tmp_path / "outside.txt").exists()
    (tmp_path / "not.zip").write_text("hello")
    with pytest.raises(CourseError, match="not a work-folder archive"):
        workfolder.restore(tmp_path / "not.zip", work=tmp_path / "work")


def test_a_damaged_archive_or_a_file_in_the_way_is_a_course_error(tmp_path: Path) -> None:
    work = tmp_path / "work"
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as packed:
        packed.writestr(workfolder.VERSIONS, "{not json")
        packed.writestr(f"{UNIT}/notes.txt", "mine")
    with pytest.raises(CourseError, match="damaged .course-versions.json"):
        workfolder.restore(damaged, work=work)
    assert not (work / UNIT).exists()  # nothing was unpacked

    in_the_way = tmp_path / "in-the-way.zip"
    with zipfile.ZipFile(in_the_way, "w") as packed:
        packed.writestr("a.txt", "first")
        packed.writestr(f"{UNIT}/notes.txt", "mine")
    work.mkdir(exist_ok=True)
    (work / UNIT).write_text("a file where the archive has a folder")
    with pytest.raises(CourseError, match=f"stopped at {UNIT}/notes.txt") as raised:
        workfolder.restore(in_the_way, work=work)
    assert "How to fix it" in str(raised.value) and (work / "a.txt").read_text() == "first"


def test_archiving_says_how_to_download_when_the_file_browser_shows_it(
        tmp_path: Path, monkeypatch, capsys) -> None:
    work = ROOT / "work"  # only JupyterLab's file browser (the course folder) can download
    monkeypatch.setattr(workfolder, "archive", lambda destination=None: Path(
        destination or work / "backendlab-work-2026-01-31.zip"))
    workfolder.archive_and_tell()
    assert capsys.readouterr().out == (
        "Your work folder is packed into work/backendlab-work-2026-01-31.zip: in the file "
        "browser, open work/, right-click backendlab-work-2026-01-31.zip, Download.\n")
    workfolder.archive_and_tell(tmp_path / "saved.zip")  # elsewhere: where it is, nothing more
    assert capsys.readouterr().out == f"Your work folder is packed into {tmp_path / 'saved.zip'}.\n"


def test_the_work_command(course, tmp_path: Path, monkeypatch, capsys) -> None:
    release, work = course
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", str(work))
    workfolder.prepare(UNIT, release=release, work=work)
    assert main(["work", "archive", str(tmp_path / "saved.zip")]) == 0
    assert "saved.zip" in capsys.readouterr().out
    shutil.rmtree(work)
    assert main(["work", "restore", str(tmp_path / "saved.zip")]) == 0
    assert (work / UNIT / "02-redis-warmup.ipynb").exists()
    assert main(["work", "restore", str(tmp_path / "missing.zip")]) == 1
    assert "How to fix it" in capsys.readouterr().err


def test_the_learner_runs_their_own_copy_of_start_here(course, tmp_path: Path) -> None:
    """Running start-here changes its outputs: in git's copy that would block `git pull`."""
    release, work = course
    (tmp_path / "notebooks").mkdir()
    shutil.copy2(ROOT / "notebooks" / "00-start-here.ipynb", tmp_path / "notebooks")
    done = workfolder.prepare(release=release, work=work)
    assert work / "00-start-here.ipynb" in done.copied
    assert workfolder.prepare(UNIT, release=release, work=work).copied == []
