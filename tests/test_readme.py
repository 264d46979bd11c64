"""README truth: every command output the README shows is produced here, by the command itself.

A README block whose first line is ``$ mgk-screen ...`` (or ``$ echo ... | mgk-screen ...``) is a
transcript: the command is run on the shipped examples and what the block shows must appear in its
output. A line ``...`` stands for lines left out; the lines between two of them must appear
together and in order. The pace in a batch summary (records/s, or the time of a run under a second) is the only thing allowed to differ.
A block that is not a transcript (commands to copy, an answers file) is not checked. A file that a
transcript reads but the README only describes (a FHIR response) is made by ``SETUP``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "TERMINAL_WIDTH": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1"})

#: The replies typed in the README's `ask` transcript (a retired teacher on Lasix with cramps),
#: shown there in part: the rest of the conversation is left out with "...".
ASK_REPLIES = ["0", "72", "female", "yes", "Lasix 40 mg", "yes", "never", "no", "no", "no", "0", "sometimes",
               "3", "3", "0", "", "", ""]  # fmt: skip
RATE = re.compile(r"\((?:\d[\d,]* records/s|in \d+\.\d s)\)")


def _partly_answered_audit_c(folder: Path) -> None:
    """The README's FHIR example: a response whose AUDIT-C has only its first question answered."""
    from screener import Screener
    from screener.fhir import answers_to_response, fhir_context

    given = {"red_flags_now": [], "age": 70, "sex": "female", "alcohol": {"audit_c": {"frequency": 2, "quantity": 1, "binge": 0}}}
    response = answers_to_response(given, fhir_context(Screener().ruleset))
    response["item"] = [item for item in response["item"] if item["linkId"] not in ("alcohol_quantity", "alcohol_binge")]
    (folder / "response.json").write_text(json.dumps(response), encoding="utf-8")


#: Files a transcript's command reads that the README describes but does not ship.
SETUP = {"mgk-screen validate response.json": _partly_answered_audit_c}


def transcripts() -> list[tuple[str, list[str]]]:
    """Every README code block that starts with a ``$`` command: (command, the lines shown)."""
    blocks = re.findall(r"```(?:text|sh|console)\n(.*?)```", README, flags=re.DOTALL)
    found = []
    for block in blocks:
        lines = block.rstrip("\n").split("\n")
        if lines[0].startswith("$ ") and "mgk-screen" in lines[0]:
            found.append((lines[0][2:], lines[1:]))
    return found


def run(command: str, folder: Path) -> str:
    """The command as the README writes it, in a folder where `examples/` is the shipped one."""
    (folder / "examples").symlink_to(ROOT / "examples")
    if command in SETUP:
        SETUP[command](folder)
    stdin = None
    if "|" in command:
        producer, command = (part.strip() for part in command.split("|", 1))
        words = shlex.split(producer)
        assert words[0] == "echo", producer
        stdin = " ".join(words[1:]) + "\n"
    args = shlex.split(command)
    assert args[0] == "mgk-screen", command
    if args[1] == "ask":
        stdin = "".join(reply + "\n" for reply in ASK_REPLIES)
    before = Path.cwd()
    os.chdir(folder)
    try:
        done = runner.invoke(app, args[1:], input=stdin)
    finally:
        os.chdir(before)
    # 3 is the cohort's three deliberately invalid records: reported, the others screened.
    assert done.exit_code in (0, 3), done.output
    return done.stdout + done.stderr


def shown_in(shown: list[str], output: str) -> None:
    """Each run of lines between two "..." lines appears in the output, together and in order; a
    line ending in "..." stands for any line that starts with what comes before it."""
    lines = [line.rstrip() for line in RATE.sub("(N records/s)", output).split("\n")]
    chunks: list[list[str]] = [[]]
    for line in shown:
        if line.strip() == "...":
            chunks.append([])
        else:
            chunks[-1].append(RATE.sub("(N records/s)", line.rstrip()))
    at = 0
    for chunk in (chunk for chunk in chunks if chunk):
        for start in range(at, len(lines) - len(chunk) + 1):
            if all(_same(want, got) for want, got in zip(chunk, lines[start : start + len(chunk)], strict=True)):
                at = start + len(chunk)
                break
        else:
            raise AssertionError("the README shows lines the command does not print (or not in this order):\n" + "\n".join(chunk))


def _same(shown: str, printed: str) -> bool:
    if shown.endswith(" ...") or shown.endswith(": ..."):
        return printed.startswith(shown[:-3].rstrip())
    return shown == printed


def test_the_readme_shows_command_output() -> None:
    commands = [command for command, _ in transcripts()]
    assert any(command.startswith("mgk-screen ask") for command in commands)
    assert any("mgk-screen screen" in command for command in commands)
    assert any(command.startswith("mgk-screen batch examples/cohort.jsonl") for command in commands)


@pytest.mark.parametrize(("command", "shown"), transcripts(), ids=[command for command, _ in transcripts()])
def test_every_transcript_in_the_readme_is_what_the_command_prints(command: str, shown: list[str], tmp_path: Path) -> None:
    shown_in(shown, run(command, tmp_path))


def test_the_batch_summary_in_the_readme_counts_the_bundled_cohort() -> None:
    (_, shown), *_ = [(c, s) for c, s in transcripts() if c.startswith("mgk-screen batch examples/cohort.jsonl")]
    records = [json.loads(line) for line in (ROOT / "examples" / "cohort.jsonl").read_text(encoding="utf-8").splitlines()]
    assert f"mgk-screen: {len(records)} records read" in shown[0]
