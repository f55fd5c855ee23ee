"""The ``backendlab`` command (also ``python -m backendlab``).

    backendlab doctor                    is this machine ready? what to fix?
    backendlab postgres start|stop|url   the private PostgreSQL (optional)
    backendlab redis start|stop          the private redis-server
    backendlab data build [--scale S]    build the shop dataset ahead of time
    backendlab data clean                delete the notebooks' SQLite working copies not in use
    backendlab grade UNIT [--student ID] [--jobs N]
                                         (instructors) autograde a unit's submissions
    backendlab export-student FOLDER     (instructors) a copy for learners: no solutions
    backendlab progress [UNIT]           which exercises of your work folder pass their tests
    backendlab work prepare [UNIT]       copy the course's notebooks you lack into work/
    backendlab work archive [FILE]       your work folder as one .zip (Binder: keep your work)
    backendlab work restore FILE         ... and back

Problems the learner can fix are printed as a message with the fix, never as a traceback.
"""

import argparse
import importlib
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from .errors import CourseError


def _doctor(args: argparse.Namespace) -> int:
    from . import doctor  # noqa: PLC0415

    results = doctor.checks()
    print(doctor.report(results))
    return 0 if doctor.ready(results) else 1


def _postgres(args: argparse.Namespace) -> int:
    from .services import postgres_server  # noqa: PLC0415

    if args.action == "start":
        # Only the URL goes to stdout, so that  URL=$(backendlab postgres start)  works;
        # the progress message and the hint go to stderr, which the terminal shows too.
        with redirect_stdout(sys.stderr):
            url = postgres_server.ensure_running()
        print(url)
        print("To work on it, start JupyterLab from a shell where you ran:\n"
              f"  export BACKENDLAB_DATABASE_URL='{url}'", file=sys.stderr)
    elif args.action == "stop":
        stopped = postgres_server.stop()
        print("Stopped the private PostgreSQL." if stopped
              else "The private PostgreSQL was not running.")
    else:  # url
        print(postgres_server.url())
        if not postgres_server.is_running():
            print("(not running yet: start it with `python -m backendlab postgres start`)",
                  file=sys.stderr)
    return 0


def _redis(args: argparse.Namespace) -> int:
    from .services import redis_server  # noqa: PLC0415

    if args.action == "start":
        socket = redis_server.ensure_running()
        print(f"The private redis-server answers on unix socket {socket}\n"
              f"Try it from a terminal: redis-cli -s {socket} ping")
    else:
        stopped = redis_server.stop()
        print("Stopped the private redis-server." if stopped
              else "The private redis-server was not running.")
    return 0


def _data(args: argparse.Namespace) -> int:
    if args.action == "clean":
        files, freed, kept = importlib.import_module("backendlab.sql").clean_workspaces()
        print(f"Deleted {files} working copies ({freed / 1e6:.0f} MB). Each notebook makes a "
              "fresh one the next time you run its setup cell.")
        if kept:
            print(f"Kept {len(kept)} working {'copy' if len(kept) == 1 else 'copies'} in use by a "
                  f"running kernel or grading run: {', '.join(kept)}. Shut those kernels down (or "
                  "let the grading finish), then run this again to delete them.")
        return 0
    datasets = importlib.import_module("backendlab.datasets")
    scale = args.scale or datasets.default_scale()
    if scale not in datasets.SCALES:
        raise CourseError(f"There is no dataset scale called {scale!r}.",
                          f"use --scale {' or --scale '.join(datasets.SCALES)}.")
    started = time.monotonic()
    path = datasets.shop_sqlite(scale)
    megabytes = path.stat().st_size / 1e6
    print(f"The {scale} shop dataset is ready: {path} ({megabytes:.1f} MB, "
          f"{time.monotonic() - started:.1f} s).")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from .grading import instructor  # noqa: PLC0415

    course = Path.cwd()
    if not (course / "nbgrader_config.py").exists():
        raise CourseError(f"{course} is not the course folder (it has no nbgrader_config.py).",
                          "run this command from the course folder.")
    results = instructor.grade_unit(course, args.unit, args.student or None, args.jobs)
    print(instructor.summary(results))
    return 1 if any(result.problem for result in results) else 0


def _export_student(args: argparse.Namespace) -> int:
    from .grading import student_copy  # noqa: PLC0415

    copied = student_copy.export_student_copy(Path.cwd(), Path(args.folder))
    print(f"Wrote {', '.join(copied)} to {args.folder}: no source/, tests/, gradebooks or "
          "submissions.")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from . import progress  # noqa: PLC0415

    print("Running each notebook you changed in a fresh kernel, as Validate does...",
          file=sys.stderr)
    results = progress.unit_progress(args.unit)
    print(progress.table(results))
    if args.chart:
        progress.chart(results).savefig(args.chart)
        print(f"Chart saved to {args.chart}.")
    return 0


def _work(args: argparse.Namespace) -> int:
    from . import workfolder  # noqa: PLC0415

    if args.action == "prepare":
        workfolder.prepare_and_tell(args.unit)
    elif args.action == "archive":
        workfolder.archive_and_tell(Path(args.file) if args.file else None)
    elif not args.file:  # the learner is told where the archive comes from, not argparse's usage
        raise CourseError("`work restore` needs the archive to unpack.",
                          "upload it (drag it into JupyterLab's file browser), then run "
                          "`python -m backendlab work restore <its name>.zip`.")
    else:
        workfolder.restore_and_tell(args.file)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="backendlab",
        description="Backend Lab: check this machine, run the course's services, see your "
                    "progress and keep your work; instructors grade and export the course.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    doctor = commands.add_parser("doctor", help="check this machine and say how to fix it")
    doctor.set_defaults(run=_doctor)

    postgres = commands.add_parser("postgres", help="the private PostgreSQL (optional)")
    postgres.add_argument("action", choices=["start", "stop", "url"],
                          help="start it (and print its URL), stop it, or print its URL")
    postgres.set_defaults(run=_postgres)

    redis = commands.add_parser("redis", help="the private redis-server")
    redis.add_argument("action", choices=["start", "stop"])
    redis.set_defaults(run=_redis)

    data = commands.add_parser("data", help="the shop dataset")
    data.add_argument("action", choices=["build", "clean"],
                      help="build (and cache) the SQLite shop dataset now, or delete the "
                           "notebooks' working copies of it")
    data.add_argument("--scale", help="small or full (default: $BACKENDLAB_SCALE, else full)")
    data.set_defaults(run=_data)

    grade = commands.add_parser("grade", help="(instructors) autograde a unit's submissions")
    grade.add_argument("unit", help="the unit (nbgrader assignment), e.g. 00-orientation")
    grade.add_argument("--student", action="append",
                       help="grade only this student (repeat for several; an id starting with "
                            "'-' as --student=-id); default: everyone")
    grade.add_argument("--jobs", type=int, help="students graded at once (default: three per core)")
    grade.set_defaults(run=_grade)

    export = commands.add_parser("export-student",
                                 help="(instructors) copy the course for learners, without solutions")
    export.add_argument("folder", help="a new, empty folder")
    export.set_defaults(run=_export_student)

    progress = commands.add_parser(
        "progress", help="which exercises of your work folder pass their visible tests")
    progress.add_argument("unit", nargs="?", help="one unit, e.g. 00-orientation (default: all)")
    progress.add_argument("--chart", metavar="PNG", help="also save the chart to this file")
    progress.set_defaults(run=_progress)

    work = commands.add_parser("work", help="your work folder as one .zip, to keep it (Binder)")
    actions = work.add_subparsers(dest="action", metavar="ACTION", required=True)
    prepare = actions.add_parser("prepare", help="copy the course's notebooks you do not have "
                                                 "yet into it (yours are never overwritten)")
    prepare.add_argument("unit", nargs="?", help="one unit, e.g. 00-orientation (default: all)")
    archive = actions.add_parser("archive", help="pack it into a .zip to download")
    archive.add_argument("file", nargs="?",
                         help="the .zip to write (default: work/backendlab-work-<date>.zip)")
    restore = actions.add_parser("restore", help="unpack a .zip you uploaded into it")
    restore.add_argument("file", nargs="?", help="the .zip to unpack")
    work.set_defaults(run=_work)
    return top


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if not getattr(args, "run", None):
        top.print_help()
        return 2
    try:
        return args.run(args)
    except CourseError as error:
        print(f"backendlab: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("backendlab: interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
