"""The learner's flow in a real browser: README's `./course lab`, driven by headless Chromium.

A learner's copy of the course (what `backendlab export-student` writes, as a git clone) is
served by `./course lab` on a free loopback port. Chromium then opens the start-here notebook
(the learner's copy in the work folder), runs all its cells and sees the service checks
succeed; opens an exercise in the work folder, clicks Validate and sees the failing test;
cannot delete a test cell; writes an answer, validates again and sees it pass. The answer is
saved in the work folder, and `git status` of the course stays clean. Screenshots of each step are kept in `.artifacts/browser/` for a person to look at.

Uses Debian's chromium (installed by `.ci/run`) through playwright, without playwright's own
browser download.
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendlab.grading import student_copy
from tests.lab_server import TOKEN, course_lab
from tests.machine import missing

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / ".artifacts" / "browser"
CHROMIUM = next((Path(p) for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
                 if Path(p).exists()), None)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--no-first-run"]
EXERCISE = "work/00-orientation/02-redis-warmup.ipynb"
ANSWER = '''def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    if views == 1:
        r.expire(key, window_seconds)
    return int(views)'''

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")


def git(course: Path, *command: str) -> str:
    return subprocess.run(["git", "-c", "user.name=learner", "-c", "user.email=learner@localhost",
                           *command], cwd=course, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A learner's copy of the course, committed to git as a clone would be."""
    course = tmp_path_factory.mktemp("browser") / "course"
    student_copy.export_student_copy(ROOT, course)
    # The copy uses the environment `./course` already made here. `./course` reinstalls when
    # pyproject.toml is newer than the environment; that would point our environment at the
    # copy, so the copy's pyproject.toml is dated before the last install.
    installed = ROOT / ".venv" / ".installed"
    assert installed.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime, \
        "the environment is older than pyproject.toml: run ./course test"
    (course / ".venv").symlink_to(ROOT / ".venv")
    before = installed.stat().st_mtime - 1
    os.utime(course / "pyproject.toml", (before, before))
    git(course, "init", "--quiet")
    git(course, "add", "--all")
    git(course, "commit", "--quiet", "-m", "the course")
    return course


@pytest.fixture(scope="module")
def lab(course: Path) -> Iterator[str]:
    """`./course lab` serving the learner's copy of the course; yields its base URL."""
    if CHROMIUM is None:
        missing("Chromium is not installed (Debian: sudo apt-get install chromium)")
    moved = os.environ.pop("BACKENDLAB_WORK_DIR", None)  # the learner's: work/ in the course
    try:
        with course_lab(course, course.parent) as base:
            yield base
    finally:
        if moved is not None:
            os.environ["BACKENDLAB_WORK_DIR"] = moved


@pytest.fixture(scope="module")
def page(lab: str) -> Iterator["sync_api.Page"]:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.set_default_timeout(60_000)
        tab.goto(f"{lab}/lab?token={TOKEN}")  # logs in; later pages need no token
        tab.wait_for_selector(".jp-LabShell")
        yield tab
        browser.close()


def open_notebook(page: "sync_api.Page", base: str, path: str) -> "sync_api.Locator":
    """Open ``path`` in JupyterLab; return its notebook panel once its kernel is idle. (Other
    notebooks stay open in hidden tabs, so everything after this looks inside the panel.)"""
    page.goto(f"{base}/lab/tree/{path}")
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current")
    sync_api.expect(tab).to_have_attribute("title", re.compile(f"Path: {re.escape(path)}"))
    panel = page.locator("#jp-main-dock-panel .jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        state="attached", timeout=120_000)
    # The indicator above is "idle" before a kernel exists too: wait for the status bar to
    # name the kernel and call it idle (on a busy machine the kernel starts seconds later).
    status = page.locator("#jp-main-statusbar")
    sync_api.expect(status).not_to_contain_text("No Kernel", timeout=120_000)
    sync_api.expect(status).to_contain_text("| Idle", timeout=120_000)
    return panel


def run_menu(page: "sync_api.Page", menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page: "sync_api.Page", panel: "sync_api.Locator") -> None:
    """Run ▸ Run All Cells, wait until nothing is queued or running, and check every code cell
    ran (JupyterLab stops at the first error, leaving the cells after it without a number)."""
    run_menu(page, "Run", "Run All Cells")
    prompts = panel.locator(".jp-CodeCell .jp-InputArea-prompt")
    sync_api.expect(prompts.filter(has_text="*")).to_have_count(0, timeout=180_000)
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(state="attached")
    numbers = prompts.all_text_contents()
    errors = panel.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert all(re.search(r"\[\d+\]", number) for number in numbers), \
        f"not every cell ran: {numbers}; errors: {errors.all_text_contents()}"


def validate(page: "sync_api.Page", panel: "sync_api.Locator", screenshot: str) -> str:
    """Click Validate, return the dialog's text, keep a screenshot, close the dialog."""
    panel.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    text = dialog.inner_text()
    page.screenshot(path=SCREENSHOTS / screenshot)
    dialog.get_by_role("button").last.click()
    dialog.wait_for(state="detached")
    return text


def test_learner_flow_in_a_real_browser(page: "sync_api.Page", lab: str, course: Path) -> None:
    start_here = open_notebook(page, lab, "work/00-start-here.ipynb")
    page.screenshot(path=SCREENSHOTS / "01-start-here-opened.png")

    run_all_cells(page, start_here)
    outputs = start_here.locator(".jp-OutputArea-output").all_text_contents()
    page.screenshot(path=SCREENSHOTS / "02-start-here-ran.png")
    assert "True" in outputs, "r.ping() should have answered True"
    assert any("SQLite" in text for text in outputs), "describe(shop) should name the engine"
    assert any("Ready: every required check passes." in text for text in outputs), \
        "the doctor should find everything the course needs"

    exercise = open_notebook(page, lab, EXERCISE)
    failed = validate(page, exercise, "03-validate-fails.png")
    assert "The following cell failed" in failed and "count_view" in failed

    cells = exercise.locator(".jp-Cell")
    count = cells.count()
    exercise.locator(".jp-CodeCell", has_text="backendlab.check.passed").last \
        .locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    page.keyboard.press("d")  # the delete-cell shortcut; graded cells are marked undeletable
    assert cells.count() == count, "a graded cell could be deleted"

    answer = exercise.locator(".jp-CodeCell", has_text="YOUR CODE HERE").first
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(ANSWER)
    page.keyboard.press("Control+S")
    sync_api.expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current")) \
        .not_to_have_class(re.compile("jp-mod-dirty"))
    page.screenshot(path=SCREENSHOTS / "04-answer-written.png")

    passed = validate(page, exercise, "05-validate-passes.png")
    assert "Success! Your notebook passes all the tests." in passed
    assert "r.incr(key)" in (course / EXERCISE).read_text()  # saved in the work folder
    assert git(course, "status", "--porcelain") == ""  # `git pull` can update the course
