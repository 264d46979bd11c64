"""A teacher new to mgk-screen, in class: names as people say them, and where to find things.

- A persona named as said aloud or copied from its title ("Runner with cramps only",
  "Runner-With-Cramps-Only") is that persona, not "no persona ... did you mean".
- `mgk-screen --help` says where to start, and where the teaching side is (the personas, the
  traces, the rule catalogue): command summaries cut at 45 characters did not say.
- `explain NAME` explains the persona: after `pip install .` its file is deep in site-packages,
  and the name is what a teacher has. `explain runner` (a name cut short) names the nearest
  persona, instead of only "cannot read file".
- An unknown persona is not said to be missing from a site-packages folder the teacher never
  chose; words of a persona's title ("will not correct") find it, as words of a rule's title find
  the rule ("potassium that will not correct": both rules with that title come first).
- Ctrl-C at "Press Enter to continue" (`demo --step`) stops with exit 130 and ends the line, so
  the shell's prompt does not start after "Press Enter to continue".
- A result given where answers are wanted (`screen`, `explain`, `ask --resume` on a line of the
  `batch` output the README's first command writes) is called a result in one line, with the
  command that shows it, not listed as twenty "unknown field" errors.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

runner = CliRunner()


@pytest.mark.parametrize("said", ["Runner with cramps only", "Runner-With-Cramps-Only", "runner_with_cramps_only"])
def test_a_persona_named_as_a_teacher_says_it_is_shown(said: str) -> None:
    run = runner.invoke(app, ["demo", said, "--plain"])
    assert run.exit_code == 0, run.output
    assert run.stdout.startswith("Demo: A runner with cramps and nothing else\n(persona runner-with-cramps-only)")


def test_a_name_that_is_no_persona_still_gets_the_nearest() -> None:
    run = runner.invoke(app, ["demo", "runner with cramps"])
    assert run.exit_code == 2
    assert "no persona 'runner with cramps'" in run.stderr and "did you mean 'runner-with-cramps-only'" in run.stderr


def test_an_unknown_persona_names_no_installed_folder_and_words_of_a_title_find_it() -> None:
    run = runner.invoke(app, ["demo", "will not correct"])
    assert run.exit_code == 2
    assert run.stderr.startswith("mgk-screen: no persona 'will not correct' (did you mean 'low-potassium-despite-supplements'?)\n")
    assert "site-packages" not in run.stderr and "personas (" not in run.stderr


def test_an_unknown_persona_of_another_folder_names_that_folder(tmp_path: Path) -> None:
    (tmp_path / "rosa.json").write_text("{}", encoding="utf-8")
    run = runner.invoke(app, ["demo", "rosy", "--examples", str(tmp_path)])
    assert run.exit_code == 2
    assert f"no persona 'rosy' in {tmp_path}" in run.stderr


def test_words_of_a_rule_title_suggest_every_rule_with_that_title_first() -> None:
    run = runner.invoke(app, ["rules", "show", "potassium that will not correct"])
    assert run.exit_code == 2
    assert (
        "unknown rule 'potassium that will not correct' (did you mean "
        "'magnesium_likely_refractory_low_potassium' or 'potassium_likely_refractory'"
    ) in run.stderr


def test_the_top_level_help_says_where_to_start_and_where_the_teaching_commands_are() -> None:
    run = runner.invoke(app, ["--help"])
    assert run.exit_code == 0
    shown = {line.strip().split("  ")[0]: line for line in run.stdout.split("\n") if line.startswith("    mgk-screen ")}
    assert list(shown) == [
        "mgk-screen ask",
        "mgk-screen screen FILE",
        "mgk-screen demo --list",
        "mgk-screen explain FILE",
        "mgk-screen compare A B",
        "mgk-screen rules list",
    ]
    assert "Teaching:" in run.stdout
    for command in (["demo", "--list"], ["rules", "list"], ["compare", "runner-with-cramps-only", "teenager-with-stomach-bug"]):
        assert runner.invoke(app, command).exit_code == 0, "each named command runs as written"


def test_explain_with_part_of_a_persona_name_names_the_persona() -> None:
    run = runner.invoke(app, ["explain", "runner"])
    assert run.exit_code == 2
    assert "runner: no such file, nor a persona (did you mean the persona 'runner-with-cramps-only'?)" in run.stderr
    assert "give an answers file or a persona's name; `mgk-screen demo --list` lists the personas" in run.stderr


def test_explain_with_a_name_like_no_persona_points_to_the_list_of_personas() -> None:
    """A teacher types a pupil's name where a persona's belongs: "cannot read file: No such file
    or directory" told her nothing about personas. A name with no file extension is said to be
    neither, with where the personas are listed."""
    run = runner.invoke(app, ["explain", "elenor"])
    assert run.exit_code == 2
    assert "elenor: no such file, nor a persona" in run.stderr
    assert "`mgk-screen demo --list` lists the personas" in run.stderr
    assert "cannot read file" not in run.stderr


def test_explain_with_a_missing_file_that_is_like_no_persona_says_only_that_it_cannot_be_read() -> None:
    run = runner.invoke(app, ["explain", "answrs.json"])
    assert run.exit_code == 2
    assert "answrs.json: cannot read file" in run.stderr and "persona" not in run.stderr


def test_ctrl_c_at_a_demo_pause_stops_and_ends_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    from types import SimpleNamespace

    class CtrlC(io.StringIO):
        def readline(self, *args: object) -> str:
            raise KeyboardInterrupt

    # The pause reads the terminal (sys.stdin), which the test runner replaces with its own.
    monkeypatch.setattr("screener.cli.teaching.sys", SimpleNamespace(stdin=CtrlC()))
    run = runner.invoke(app, ["demo", "runner-with-cramps-only", "--step", "--plain"])
    assert run.exit_code == 130
    assert run.stdout.endswith("Press Enter to continue \n")


@pytest.mark.parametrize("command", [["screen"], ["explain"], ["ask", "--resume"]])
def test_a_result_given_where_answers_are_wanted_is_called_a_result(command: list[str], tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    persona = Path(__file__).resolve().parents[1] / "examples" / "personas" / "runner-with-cramps-only.json"
    assert runner.invoke(app, ["batch", str(persona), "-o", str(results)]).exit_code == 0
    one = tmp_path / "one result.json"
    one.write_text(results.read_text(encoding="utf-8").splitlines()[0], encoding="utf-8")
    run = runner.invoke(app, [*command, str(one)])
    assert run.exit_code == 3
    assert run.stderr.split("\n")[:2] == [
        f"mgk-screen: {one}: holds a screening result (as `batch` and `screen --json` write it), not answers",
        f"  hint: give the answers it came from; `mgk-screen report '{one}' -o result.html` shows this result as a page",
    ]
    assert "unknown field" not in run.stderr
