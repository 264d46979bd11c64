"""``ask --resume FILE`` saves the answers back to FILE, so FILE must be one file holding one
answers object (issue 12, item 13). A folder used to be read (its first file) and then failed to
save; an array holding one record was carried on from and then overwritten by an object."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from screener.errors import ExitCode

runner = CliRunner()


def ask(*args: str, replies: str = "") -> object:
    from screener.cli.main import app

    return runner.invoke(app, ["ask", *args, "--plain"], input=replies)


def test_a_folder_given_to_resume_is_refused_before_any_question(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"age": 40}))
    for saving in ([], ["--save", str(tmp_path / "new.json")]):
        run = ask(*saving, "--resume", str(folder), replies="0\n")
        assert run.exit_code == ExitCode.USAGE, run.output  # type: ignore[attr-defined]
        assert "folder" in run.output  # type: ignore[attr-defined]
        assert "Question" not in run.output  # type: ignore[attr-defined]
    assert f"{folder}: a folder; --resume takes one answers file" in run.output  # type: ignore[attr-defined]
    assert json.loads((folder / "a.json").read_text()) == {"age": 40}
    assert not (tmp_path / "new.json").exists()


def test_an_array_of_one_record_given_to_resume_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps([{"age": 40}]))
    run = ask("--resume", str(path))
    assert run.exit_code == ExitCode.INVALID_RECORDS, run.output  # type: ignore[attr-defined]
    assert "expected one answers object to carry on from, not an array" in run.output  # type: ignore[attr-defined]
    assert json.loads(path.read_text()) == [{"age": 40}]


def test_one_answers_object_is_still_carried_on_from(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("\ufeff" + json.dumps({"age": 40}))
    run = ask("--resume", str(path))
    assert "Carrying on from" in run.output  # type: ignore[attr-defined]
    assert run.exit_code == ExitCode.USAGE  # the input ended before the end: saved back, as before


def test_a_truncated_file_is_an_invalid_answers_file_with_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"age": 40, "sex": "fe')
    run = ask("--resume", str(path))
    assert run.exit_code == ExitCode.INVALID_RECORDS, run.output  # type: ignore[attr-defined]
    assert f"{path}: not a valid answers file: truncated JSON at line 1, column 20" in run.output  # type: ignore[attr-defined]
    assert "Question" not in run.output  # type: ignore[attr-defined]


def test_a_broken_array_is_not_valid_json_rather_than_several_records(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("[1,2")
    for command in (["ask", "--plain", "--resume"], ["screen"]):
        from screener.cli.main import app

        run = runner.invoke(app, [*command, str(path)])
        assert "more than one record" not in run.output, command
        assert "truncated JSON at line 1, column 5: the array is not closed" in run.output, command
    assert ask("--resume", str(path)).exit_code == ExitCode.INVALID_RECORDS  # type: ignore[attr-defined]


def test_an_empty_file_or_two_records_given_to_resume_are_not_an_answers_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    two = tmp_path / "two.jsonl"
    two.write_text('{"age": 40}\n{"age": 50}\n')
    for path in (empty, two):
        run = ask("--resume", str(path))
        assert run.exit_code == ExitCode.INVALID_RECORDS, run.output  # type: ignore[attr-defined]
        assert f"{path}: not a valid answers file: " in run.output  # type: ignore[attr-defined]
