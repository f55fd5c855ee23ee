"""The learner's flow in a real browser: README's `./course lab`, driven by headless Chromium.

A learner's copy of the course (what `backendlab export-student` writes) is served by
`./course lab` on a free loopback port. Chromium then opens the start-here notebook, runs all
its cells and sees the service checks succeed; opens a released exercise, clicks Validate and
sees the failing test; writes an answer, validates again and sees it pass. Screenshots of each
step are kept in `.artifacts/browser/` for a person to look at.

Uses Debian's chromium (installed by `.ci/run`) through playwright, without playwright's own
browser download.
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendlab import instructor
from tests.lab_server import TOKEN, course_lab

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / ".artifacts" / "browser"
CHROMIUM = next((Path(p) for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
                 if Path(p).exists()), None)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--no-first-run"]
EXERCISE = "release/00-orientation/02-redis-warmup.ipynb"
ANSWER = '''def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    if views == 1:
        r.expire(key, window_seconds)
    return int(views)'''

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")


def needs_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package.")
        pytest.skip("Chromium is not installed (Debian: sudo apt-get install chromium).")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`./course lab` serving a learner's copy of the course; yields its base URL."""
    needs_chromium()
    scratch = tmp_path_factory.mktemp("browser")
    course = scratch / "course"
    instructor.export_student_copy(ROOT, course)
    (course / ".venv").symlink_to(ROOT / ".venv")  # the environment `./course` already made
    with course_lab(course, scratch) as base:
        yield base


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


def open_notebook(page: "sync_api.Page", base: str, path: str) -> None:
    page.goto(f"{base}/lab/tree/{path}")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)


def run_menu(page: "sync_api.Page", menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def wait_until_all_cells_ran(page: "sync_api.Page") -> None:
    """No cell is waiting or running ([*]) and every code cell has an execution count."""
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
        return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
    }""", timeout=180_000)


def validate(page: "sync_api.Page", screenshot: str) -> str:
    """Click Validate, return the dialog's text, keep a screenshot, close the dialog."""
    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    text = dialog.inner_text()
    page.screenshot(path=SCREENSHOTS / screenshot)
    dialog.get_by_role("button").last.click()
    dialog.wait_for(state="detached")
    return text


def test_learner_flow_in_a_real_browser(page: "sync_api.Page", lab: str) -> None:
    open_notebook(page, lab, "notebooks/00-start-here.ipynb")
    page.screenshot(path=SCREENSHOTS / "01-start-here-opened.png")

    run_menu(page, "Run", "Run All Cells")
    wait_until_all_cells_ran(page)
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    page.screenshot(path=SCREENSHOTS / "02-start-here-ran.png", full_page=True)
    assert not page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").count()
    assert "True" in outputs, "r.ping() should have answered True"
    assert any("SQLite" in text for text in outputs), "describe(shop) should name the engine"
    assert any("✔" in text for text in outputs), "the doctor's report should show checks passing"

    open_notebook(page, lab, EXERCISE)
    failed = validate(page, "03-validate-fails.png")
    assert "The following cell failed" in failed and "count_view" in failed

    answer = page.locator(".jp-CodeCell", has_text="YOUR CODE HERE").first
    answer.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(ANSWER)
    page.keyboard.press("Control+S")
    page.wait_for_selector(".jp-mod-dirty", state="detached")
    page.screenshot(path=SCREENSHOTS / "04-answer-written.png")

    passed = validate(page, "05-validate-passes.png")
    assert "Success! Your notebook passes all the tests." in passed
