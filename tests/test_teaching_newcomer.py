"""A teacher new to mgk-screen, in class: names as people say them, and where to find things.

- A persona named as said aloud or copied from its title ("Runner with cramps only",
  "Runner-With-Cramps-Only") is that persona, not "no persona ... did you mean".
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
