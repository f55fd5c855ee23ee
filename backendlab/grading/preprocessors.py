"""nbgrader plumbing: how grading kernels run, what feedback shows, what grading reports, and
running a notebook and reading its test results (``backendlab progress``, tests).

Grading kernels: :class:`ResilientExecute` (nbgrader's Execute for autograding) starts every
kernel through :class:`SandboxedKernelManager`, in the bubblewrap sandbox that
``backendlab/grading/kernel.py`` describes, and a kernel that dies or stops answering costs
only the cell that caused it (the kernel is restarted, the cells before replayed).

Feedback must tell a learner *which* check failed and why, without showing the hidden tests.
nbgrader's feedback shows the autograded notebook, hidden tests included, and tracebacks
quote the failing line. So feedback runs two extra steps: ``ClearHiddenTests`` removes the
hidden block from each test cell, and ``KeepOnlyErrorMessages`` replaces each graded cell's
traceback by its last line ("AssertionError: <the check's message>").

Autograde restores every locked cell (test cells, read-only instructions) from the gradebook.
nbgrader's ``OverwriteCells`` warns "checksum has changed" for each one whose source differs
from the gradebook's, which is every test cell with hidden tests even in an honest submission
(the gradebook keeps the source version, students get it without the hidden block).
:class:`RestoreLockedCells` restores those silently and names, in one line each, only the cells
the student really edited or deleted: ``backendlab grade`` reports them per student.

``nbgrader export`` writes its CSV without quoting, so a student id with a comma shifts the
columns; :class:`QuotedCsvExport` writes the same columns with Python's ``csv`` module.
"""

import asyncio
import copy
import csv
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from jupyter_client.manager import AsyncKernelManager
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, Execute, OverwriteCells
from traitlets import Bool

from . import kernel as grading_kernel


def is_graded_test(cell: NotebookNode) -> bool:
    """A cell nbgrader grades automatically: code, ``grade`` set, not an answer cell."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def cell_failed(cell: NotebookNode) -> bool:
    """nbgrader's rule: a test cell fails when it raised or wrote anything to stderr."""
    return any(out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr")
               for out in cell.get("outputs", []))


class KeepOnlyErrorMessages(Preprocessor):
    """Replace the traceback of every graded test cell by the error's one-line message."""

    enabled = Bool(True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        if is_graded_test(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


# What nbgrader's Validate button sets in the kernel's environment (notebooks run smaller there).
VALIDATE_ENV = {"NBGRADER_VALIDATING": "1", "NBGRADER_EXECUTION": "validate"}


def execute(path: Path, timeout: int = 120, env: Mapping[str, str] | None = None) -> NotebookNode:
    """Run a notebook top to bottom like "Restart and Run All", keeping going after errors
    (as nbgrader does), and return it with its outputs. ``env``: variables the kernel gets
    besides ours (``VALIDATE_ENV``: run it as Validate does). The kernel process's own log
    (a warning about TCP) is dropped: it would land in a cell as stderr."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, **(env or {})}, stderr=subprocess.DEVNULL)
    return notebook


def graded_cell_results(notebook: NotebookNode) -> dict[str, bool]:
    """For each graded test cell (by grade id): did it pass?"""
    return {cell.metadata.nbgrader.grade_id: not cell_failed(cell)
            for cell in notebook.cells if is_graded_test(cell)}


KERNEL_DIED = ("The kernel died while running this cell (os._exit, a crash, or the memory "
               "limit). The rest of the notebook was graded in a fresh kernel.")


class SandboxedKernelManager(AsyncKernelManager):
    """Starts each kernel inside a bubblewrap sandbox (``backendlab/grading/kernel.py`` says
    what it sees), talking to it over ZMQ's ``ipc`` transport (unix sockets in a private
    folder bound into the sandbox), since the kernel has no network. Where bubblewrap is not
    usable: an ordinary kernel, and a loud warning in nbgrader's log."""

    _private: Path | None = None
    _cgroup: Path | None = None

    async def _async_pre_start_kernel(self, **kw):
        problem = grading_kernel.grading_sandbox_problem()
        if problem:
            self.log.warning(grading_kernel.UNSANDBOXED_WARNING.format(reason=problem))
            kw["env"] = {**(kw.get("env") or os.environ),
                         "BACKENDLAB_SCALE": grading_kernel.grading_scale()}
            return await super()._async_pre_start_kernel(**kw)
        from ..datasets import shop_sqlite  # noqa: PLC0415 - heavy, and only for sandboxes

        shop_sqlite(grading_kernel.grading_scale())  # it cannot build it: read-only there
        self._private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
        self.transport = "ipc"
        self.connection_file = str(self._private / "kernel.json")
        self.ip = str(self._private / "zmq")
        self.kernel_spec.interrupt_mode = "message"  # a SIGINT to bwrap would not reach it
        kernel, kw = await super()._async_pre_start_kernel(**kw)
        from ..paths import data_dir  # noqa: PLC0415

        tag = uuid.uuid4().hex[:8]
        self._cgroup = grading_kernel.pids_cgroup(tag)
        cwd = Path(kw.get("cwd") or os.getcwd()).resolve()
        # nbgrader runs in the course folder, and grades in <course>/autograded/<student>/<unit>
        course = next((folder for folder in cwd.parents
                       if (folder / "nbgrader_config.py").exists()), Path(os.getcwd()))
        command = grading_kernel.sandbox_command(
            kernel, cwd=cwd, private=self._private, course=course, data=data_dir(),
            tag=tag, cgroup=self._cgroup, bwrap=shutil.which("bwrap") or "bwrap")
        return command, kw

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """A sandboxed kernel is killed, not asked to exit: everything it started or wrote
        (servers, working copies, files beside the notebook) lives in its sandbox's namespaces
        and in-memory folders, and goes with it; a polite shutdown only waited (0.5-0.7 s per
        notebook on a busy machine) for its exit handlers to tidy up what goes anyway. Its
        PostgreSQL copies and role are dropped by its broker once the private folder is gone,
        as after a crash. An unsandboxed kernel is still asked: its servers would outlive it."""
        await super()._async_shutdown_kernel(now=now or self._private is not None, restart=restart)

    shutdown_kernel = _async_shutdown_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        # jupyter_client calls this twice per shutdown: the second call finds nothing to do.
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None
        if self._cgroup is not None:
            for _ in range(40):  # its processes are being killed with the sandbox: wait for them
                try:
                    self._cgroup.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            self._cgroup = None

    cleanup_resources = _async_cleanup_resources


KERNEL_STUCK = ("The kernel stopped answering while running this cell (too many processes, or "
                "the machine too busy). The rest of the notebook was graded in a fresh kernel.")


class ResilientExecute(Execute):
    """nbgrader's Execute (used for autograding), with two changes.

    - Every kernel runs in a sandbox (:class:`SandboxedKernelManager`).
    - A kernel death (or a kernel that stops answering) costs only the cell that caused it. nbgrader stops a notebook at a dead
      kernel, so every later exercise scores 0. Here the kernel is restarted, the cells before
      the crash are replayed (except graded tests, whose outputs are kept) to rebuild the
      state, and grading goes on with the next cell.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        """A notebook with no code cell (a reflection: written answers, graded by hand) is not
        executed: nothing in it would run, and a sandboxed kernel costs 1.5-2 s to start per
        student. Its manual grades still reach the gradebook (SaveAutoGrades reads the cells)."""
        if not any(cell.cell_type == "code" for cell in nb.cells):
            return nb, resources
        return super().preprocess(nb, resources, km)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except (DeadKernelError, CellTimeoutError) as error:
            # CellTimeoutError: the kernel answered the interrupt but its output never came
            # (a fork bomb, a swamped machine); nbgrader would drop the whole notebook
            message = KERNEL_DIED if isinstance(error, DeadKernelError) else KERNEL_STUCK
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=type(error).__name__, evalue=message, traceback=[message]))
            await self._restart_and_replay(cell_index)
            return cell

    execute_cell = run_sync(async_execute_cell)  # nbconvert calls the synchronous twin

    async def _fresh_kernel(self) -> None:
        """Replace the dead kernel by a new one (new process, new ports, new client)."""
        await self._async_cleanup_kernel()
        self.km = self.create_kernel_manager()
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()

    async def _restart_and_replay(self, crashed_index: int) -> None:
        await self._fresh_kernel()
        for index, earlier in enumerate(self.nb.cells[:crashed_index]):
            if earlier.cell_type == "code" and not is_graded_test(earlier):
                replay = copy.deepcopy(earlier)  # replayed outputs are thrown away
                try:
                    await super().async_execute_cell(replay, index, store_history=False)
                except (DeadKernelError, CellTimeoutError):
                    await self._fresh_kernel()


# Start of the one log line RestoreLockedCells writes per restored cell (instructor.py reads it).
RESTORED = "backendlab: restored a locked cell the submission changed:"


def released_source(preprocessor: Preprocessor, cell: NotebookNode, source: str) -> str:
    """What students were given for a locked cell whose gradebook (source) version is
    ``source``: the hidden tests and the mark scheme cleared, as generate_assignment does."""
    released = copy.deepcopy(cell)
    released.source = source
    ClearHiddenTests(parent=preprocessor)._remove_hidden_test_region(released)
    ClearMarkScheme(parent=preprocessor)._remove_mark_scheme_region(released)
    return released.source


class RestoreLockedCells(OverwriteCells):
    """nbgrader's OverwriteCells, quiet about honest submissions, explicit about tampering.

    A locked cell whose source is exactly what the release gave the student is put back to
    the gradebook's version without a warning; one that differs (edited) or is missing
    (deleted, put back by ``add_missing_cells``) is logged as ``RESTORED <notebook>:<cell>
    (edited|deleted)``. Everything else (cell types, points, locks) is checked as before."""

    def preprocess(self, nb, resources):
        before = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        notebook = resources["nbgrader"]["notebook"]
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in before:
                self.log.warning("%s %s:%s (deleted)", RESTORED, notebook, grade_id)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            try:
                source_cell = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None
            if source_cell is not None and source_cell.locked:
                if cell.source == released_source(self, cell, source_cell.source):
                    cell.source = source_cell.source  # as released: nothing to report
                else:
                    self.log.warning("%s %s:%s (edited)", RESTORED, self.notebook_id, grade_id)
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr != "checksum":  # edits are reported above, once, in words
            super().report_change(name, attr, old, new)


class QuotedCsvExport(CsvExportPlugin):
    """``nbgrader export`` to grades.csv, the same columns as nbgrader's, properly quoted."""

    def export(self, gradebook: Gradebook) -> None:
        keys = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                "email", "raw_score", "late_submission_penalty", "score", "max_score"]
        dest = self.to or "grades.csv"
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(keys)
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in map(str, self.assignment):
                    continue
                for student in gradebook.students:
                    if self.student and student.id not in map(str, self.student):
                        continue
                    row = {"assignment": assignment.name, "duedate": assignment.duedate,
                           "student_id": student.id, "last_name": student.last_name,
                           "first_name": student.first_name, "email": student.email,
                           "max_score": assignment.max_score, "timestamp": "",
                           "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0}
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        pass
                    else:
                        penalty = submission.late_submission_penalty
                        row.update(timestamp=submission.timestamp, raw_score=submission.score,
                                   late_submission_penalty=penalty,
                                   score=max(0.0, submission.score - penalty))
                    writer.writerow(["" if row[key] is None else str(row[key]) for key in keys])
