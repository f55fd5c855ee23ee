"""nbgrader plumbing: what feedback shows, and reading results of executed notebooks.

Feedback must tell a learner *which* check failed and why, without showing the hidden tests.
nbgrader's feedback shows the autograded notebook, hidden tests included, and tracebacks
quote the failing line. So feedback runs two extra steps: ``ClearHiddenTests`` removes the
hidden block from each test cell, and ``KeepOnlyErrorMessages`` replaces each graded cell's
traceback by its last line ("AssertionError: <the check's message>").
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool


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


def execute(path: Path, timeout: int = 120) -> NotebookNode:
    """Run a notebook top to bottom like "Restart and Run All", keeping going after errors
    (as nbgrader does), and return it with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return notebook


def graded_cell_results(notebook: NotebookNode) -> dict[str, bool]:
    """For each graded test cell (by grade id): did it pass?"""
    return {cell.metadata.nbgrader.grade_id: not cell_failed(cell)
            for cell in notebook.cells if is_graded_test(cell)}
