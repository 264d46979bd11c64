"""README truth: every command output the README shows is produced here, by the command itself.

A README block whose first line is ``$ mgk-screen ...`` (or ``$ echo ... | mgk-screen ...``) is a
transcript: the command is run on the shipped examples and what the block shows must appear in its
output. A line ``...`` stands for lines left out; the lines between two of them must appear
together and in order. The pace in a batch summary (its time, and for a long run its records/s) is the only thing allowed to differ.
The ``mgk-screen`` lines of a ``sh`` block (commands to copy) are run as a reader runs them, one
after another in one folder, with stand-ins for the reader's own files; they must succeed and
write what they name with ``-o`` (``serve`` and ``ask`` are run by their own tests). A file that a
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
RATE = re.compile(r"\(in [\d,]+\.\d s(?:, \d[\d,]* records/s)?\)")


def _partly_answered_audit_c(folder: Path) -> None:
    """The README's FHIR example: a response whose AUDIT-C has only its first question answered."""
    from screener import Screener
    from screener.fhir import answers_to_response, fhir_context

    given = {"red_flags_now": [], "age": 70, "sex": "female", "alcohol": {"audit_c": {"frequency": 2, "quantity": 1, "binge": 0}}}
    response = answers_to_response(given, fhir_context(Screener().ruleset))
    response["item"] = [item for item in response["item"] if item["linkId"] not in ("alcohol_quantity", "alcohol_binge")]
    (folder / "response.json").write_text(json.dumps(response), encoding="utf-8")


def _redcap_export(folder: Path) -> None:
    """The README's REDCap export: a survey instrument named "screening", as REDCap writes it."""
    (folder / "redcap.csv").write_text(
        "record_id,redcap_survey_identifier,screening_timestamp,age,sex,medications,symptoms,screening_complete\n"
        '1001,,2026-11-30 09:14:03,72,female,"Lasix 40 mg",muscle_cramps,2\n',
        encoding="utf-8",
    )


#: Files a transcript's command reads that the README describes but does not ship.
SETUP = {"mgk-screen validate response.json": _partly_answered_audit_c, "mgk-screen batch redcap.csv -o results.jsonl": _redcap_export}


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


# -- commands to copy -----------------------------------------------------------------------------

#: Files the README's commands to copy name as the reader's own: answers saved by `ask`, an EHR's
#: Bundle and bulk export, an edited rule folder. Stand-ins from the shipped examples and test data.
READERS_FILES = {
    "rita.json": ROOT / "examples" / "personas" / "older-adult-on-furosemide-with-cramps.json",
    "patient-bundle.json": ROOT / "tests" / "fhir" / "real" / "synthea" / "jess-braun.json",
    "export": ROOT / "tests" / "fhir" / "real" / "bulk-export",
    "my-rules": ROOT / "rules",
}
#: Long-running or interactive: `serve` is run by the web and CDS Hooks tests, `ask` by its transcript.
NOT_RUN_HERE = ("serve", "ask")


def commands_to_copy() -> list[tuple[int, list[str]]]:
    """The ``mgk-screen`` lines of the README's ``sh`` blocks, each block's lines in order, run in one
    folder as a reader runs them one after another: (block number, lines)."""
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    found = []
    for number, block in enumerate(blocks):
        lines = [line for line in block.splitlines() if line.startswith("mgk-screen ")]
        if lines and not any(shlex.split(line, comments=True)[1] in NOT_RUN_HERE for line in lines):
            found.append((number, lines))
    return found


def _fill_in_the_sheet(folder: Path) -> None:
    """What the template block's comment asks ("fill it in, one row per person"): the README's sheet."""
    (sheet,) = [block for block in re.findall(r"```text\n(.*?)```", README, flags=re.DOTALL) if block.startswith("id,")]
    (folder / "clinic.csv").write_text(sheet, encoding="utf-8")


def run_as_typed(line: str, folder: Path) -> None:
    """One line as a shell runs it: commands joined by ``&&``, ``> FILE`` writing stdout there."""
    commands: list[list[str]] = [[]]
    for word in shlex.split(line, comments=True):
        if word == "&&":
            commands.append([])
        else:
            commands[-1].append(word)
    for words in commands:
        command = shlex.join(words)
        out = words[words.index(">") + 1] if ">" in words else None
        args = words[1 : words.index(">")] if out else words[1:]
        for name, source in READERS_FILES.items():
            if (name in args or f"{name}/" in args) and not (folder / name).exists():
                (folder / name).symlink_to(source)
        before = Path.cwd()
        os.chdir(folder)
        try:
            done = runner.invoke(app, args, input="\n" * 40)
        finally:
            os.chdir(before)
        # 3 is the cohort's three deliberately invalid records, and the bulk export's deceased patient.
        assert done.exit_code in (0, 3), f"{command}\n{done.output}"
        assert "Traceback" not in done.output, command
        if out:
            (folder / out).write_text(done.stdout, encoding="utf-8")
        if args[:2] == ["template", "csv"]:
            _fill_in_the_sheet(folder)


@pytest.mark.parametrize("lines", [lines for _, lines in commands_to_copy()], ids=[f"sh block {n}" for n, _ in commands_to_copy()])
def test_every_command_to_copy_in_the_readme_runs_as_written(lines: list[str], tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for line in lines:
        run_as_typed(line, tmp_path)
        for output in re.findall(r"-o (\S+)", line):
            assert (tmp_path / output).is_file(), f"{line}: wrote no {output}"
