"""A teacher new to mgk-screen, in class: names as people say them, and where to find things.

- A persona named as said aloud or copied from its title ("Runner with cramps only",
  "Runner-With-Cramps-Only") is that persona, not "no persona ... did you mean".
- `mgk-screen --help` says where to start, and where the teaching side is (the personas, the
  traces, the rule catalogue): command summaries cut at 45 characters did not say.
- `explain runner` (a persona's name cut short, where a file is wanted) names the nearest persona
  and how to walk it, instead of only "cannot read file".
- Ctrl-C at "Press Enter to continue" (`demo --step`) stops with exit 130 and ends the line, so
  the shell's prompt does not start after "Press Enter to continue".
"""

from __future__ import annotations

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


def test_the_top_level_help_says_where_to_start_and_where_the_teaching_commands_are() -> None:
    run = runner.invoke(app, ["--help"])
    assert run.exit_code == 0
    shown = {line.strip().split("  ")[0]: line for line in run.stdout.split("\n") if line.startswith("    mgk-screen ")}
    assert list(shown) == [
        "mgk-screen ask",
        "mgk-screen screen FILE",
        "mgk-screen demo --list",
        "mgk-screen explain FILE",
        "mgk-screen rules list",
    ]
    assert "Teaching:" in run.stdout
    for command in (["demo", "--list"], ["rules", "list"]):
        assert runner.invoke(app, command).exit_code == 0, "each named command runs as written"


def test_explain_with_part_of_a_persona_name_names_the_persona() -> None:
    run = runner.invoke(app, ["explain", "runner"])
    assert run.exit_code == 2
    assert "runner: no such file, nor a persona (did you mean the persona 'runner-with-cramps-only'?)" in run.stderr
    assert "`mgk-screen demo NAME` walks one" in run.stderr


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
