"""backendlab.terminal_task: the rotated-log fixtures, the expected answer, and the check that
compares the learner's terminal file with a replay of their pasted commands."""

import gzip
from pathlib import Path

import pytest

from backendlab import terminal_task
from backendlab.errors import CourseError
from backendlab.terminal_task import STORY, STORY_SEED, Client

SOLUTION = ("zcat -f app.log* | awk '$9 >= 500 && $9 <= 599 {print $1}' | sort | uniq -c "
            "| sort -k1,1nr -k2,2 | head -n 3 | awk '{print $2}' > top-ips.txt")
EXPECTED = ["203.0.113.41", "192.0.2.77", "198.51.100.23"]


@pytest.fixture
def logs() -> dict[str, bytes]:
    return terminal_task.rotated_logs(STORY, seed=STORY_SEED)


def test_the_fixtures_are_rotated_logs_with_a_blank_line_and_a_notes_file(logs) -> None:
    assert list(logs) == [*terminal_task.LOG_FILES, terminal_task.NOTES_FILE]
    assert gzip.decompress(logs["app.log.2.gz"]).decode().count("\n") > 10
    assert "\n\n" in logs["app.log.1"].decode()
    assert terminal_task.rotated_logs(STORY, seed=STORY_SEED) == logs  # the same bytes each time


def test_each_known_mistake_gives_another_top_three(logs) -> None:
    """The story is built so that every mistake changes the answer (and is diagnosed)."""
    assert terminal_task.top_clients(logs) == EXPECTED
    plain = ["app.log", "app.log.1"]
    wrong = [terminal_task.top_clients(logs, names=plain),
             terminal_task.top_clients(logs, names=["app.log.2.gz", "app.log.3.gz"]),
             terminal_task.top_clients(logs, statuses=range(400, 600)),
             terminal_task.top_clients(logs, names=[*terminal_task.LOG_FILES, terminal_task.NOTES_FILE]),
             terminal_task.top_clients(logs, anywhere=True),
             terminal_task.top_clients(logs, ties_reversed=True)]
    assert all(answer != EXPECTED for answer in wrong)
    assert len({tuple(answer) for answer in wrong}) == len(wrong)
    assert all(terminal_task.diagnose(logs, answer) for answer in wrong)
    assert "count" in terminal_task.diagnose(logs, ["14 203.0.113.41"])


def test_fewer_clients_than_asked_and_ties_in_text_order() -> None:
    files = terminal_task.rotated_logs([Client("10.1.2.8", errors=(0, 1, 1, 0)),
                                        Client("10.1.2.5", errors=(0, 0, 1, 1))], seed=1)
    assert terminal_task.top_clients(files) == ["10.1.2.5", "10.1.2.8"]
    assert terminal_task.top_clients(files, ties_reversed=True) == ["10.1.2.8", "10.1.2.5"]


def test_a_leading_cd_is_dropped_from_the_replay() -> None:
    assert terminal_task.without_cd("cd '/x/ex13 rotated logs'\ncd .\nls\n") == "ls"
    assert terminal_task.without_cd("ls\ncd x") == "ls\ncd x"


def test_prepare_writes_the_folder_and_keeps_the_learners_file(tmp_path, monkeypatch, logs, capsys) -> None:
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", str(tmp_path))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    folder = terminal_task.prepare("ex13 rotated logs", logs)
    assert folder == tmp_path / "01-linux" / "ex13 rotated logs"
    assert "cd '" in capsys.readouterr().out
    (folder / "top-ips.txt").write_text("mine\n")
    (folder / "app.log").write_text("damaged\n")
    terminal_task.prepare("ex13 rotated logs", logs)
    assert (folder / "top-ips.txt").read_text() == "mine\n"
    assert (folder / "app.log").read_bytes() == logs["app.log"]


def test_prepare_writes_nothing_under_nbgrader(tmp_path, monkeypatch, logs) -> None:
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", str(tmp_path))
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert terminal_task.prepare("ex13 rotated logs", logs) is None
    assert not any(tmp_path.iterdir())


def _check(commands: str, logs: dict[str, bytes], folder: Path | None) -> None:
    terminal_task.check_result(commands, logs, folder, "top-ips.txt", EXPECTED, "top clients")


def test_the_check_passes_a_right_replay_with_or_without_the_folder(tmp_path, logs, capsys) -> None:
    _check(f"cd '{tmp_path}'\n{SOLUTION}", logs, None)
    _check(SOLUTION, logs, tmp_path)
    assert "no top-ips.txt" in capsys.readouterr().out
    (tmp_path / "top-ips.txt").write_text("\n".join(EXPECTED) + "\n")
    _check(SOLUTION, logs, tmp_path)
    assert "is right" in capsys.readouterr().out


def test_the_check_says_when_the_folder_file_is_wrong(tmp_path, logs) -> None:
    (tmp_path / "top-ips.txt").write_text("192.0.2.77\n203.0.113.41\n10.0.4.12\n")
    with pytest.raises(AssertionError, match="(?s)you made in the terminal is not right.*uncompressed"):
        _check(SOLUTION, logs, tmp_path)


def test_the_check_says_when_the_pasted_commands_do_not_make_the_file(tmp_path, logs) -> None:
    (tmp_path / "top-ips.txt").write_text("\n".join(EXPECTED) + "\n")
    with pytest.raises(AssertionError, match="do not make the file you made"):
        _check(SOLUTION.replace("zcat -f", "cat"), logs, tmp_path)


@pytest.mark.parametrize(("commands", "said"), [
    (SOLUTION.replace("zcat -f", "zcat"), "compressed logs only"),
    (SOLUTION.replace("$9 >= 500", "$9 >= 400"), "4xx"),
    (SOLUTION.replace("app.log*", "*"), "pasted into"),
    (SOLUTION.replace("-k1,1nr -k2,2", "-rn"), "wrong order"),
    (SOLUTION.replace(" | awk '{print $2}'", ""), "more than the IP"),
    (SOLUTION.replace(" > top-ips.txt", ""), "made no file"),
])
def test_the_check_names_the_mistake(logs, commands, said) -> None:
    with pytest.raises(AssertionError, match=said):
        _check(commands, logs, None)


def test_the_replay_home_is_not_the_task_folder(logs) -> None:
    """In the learner's terminal ~ is their home: a file written there is not in the folder."""
    assert terminal_task.replay("echo ~; pwd", logs).stdout.split()[0] == terminal_task.REPLAY_HOME
    with pytest.raises(AssertionError, match=r"(?s)made no file.*not ~/top-ips\.txt"):
        _check(SOLUTION.replace("> top-ips.txt", "> ~/top-ips.txt"), logs, None)


def test_prepare_says_how_to_fix_a_work_folder_it_cannot_write(tmp_path, monkeypatch, logs) -> None:
    blocked = tmp_path / "work"
    blocked.write_text("a file where the work folder should be\n")
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", str(blocked))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(CourseError, match="cannot be written"):
        terminal_task.prepare("ex13 rotated logs", logs)
