"""`mgk-screen ask` in a real pseudo-terminal (pexpect): what a person at a keyboard sees."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from screener.cli.main import app
from typer.testing import CliRunner

COMMAND = Path(sys.executable).with_name("mgk-screen")


def spawn(*args: str) -> pexpect.spawn:
    program, argv = (str(COMMAND), list(args)) if COMMAND.exists() else (sys.executable, ["-m", "screener", *args])
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    return pexpect.spawn(program, argv, env=env, encoding="utf-8", timeout=30, dimensions=(40, 100))


def expect_words(child: pexpect.spawn, text: str) -> None:
    """Wait for ``text``, wherever the terminal wrapped it."""
    child.expect(r"\s+".join(re.escape(word) for word in text.split()))


def answer(child: pexpect.spawn, question: str, reply: str) -> None:
    expect_words(child, question)
    child.expect_exact("> ")
    child.sendline(reply)


# A person on furosemide and omeprazole for a long time, with three days of diarrhea, cramps and
# weakness, and a low potassium result from this week.
JOURNEY = [
    ("Question 1 of 19", "0"),
    ("How old are you?", "68"),
    ("What is your sex?", "2"),
    ("Do you take a water pill", "yes"),
    ("Which medicines do you take", "Lasix 40 mg, omeprazole 20 mg"),
    ("Lasix — that is furosemide, a loop diuretic", "yes"),
    ("omeprazole — that is a stomach-acid medicine", "yes"),
    ("for more than 3 months?", "yes"),
    ("How often do you have a drink containing alcohol?", "3"),
    ("on a typical day when you are drinking?", "2"),
    ("six or more drinks on one occasion?", "never"),
    ("in a usual week?", "6 units"),
    ("have you had diarrhea", "yes"),
    ("For how many days have you had diarrhea so far?", "3"),
    ("how many loose stools", "5"),
    ("have you been vomiting", "no"),
    ("Do you take laxatives", "no"),
    ("Do you have any of these conditions?", "6"),
    ("processed food or fast food?", "sometimes"),
    ("servings of fruit and vegetables", "2"),
    ("In the past two weeks", "2, 3"),
    ("Do you take any of these at the moment?", "0"),
    ("most recent potassium blood result?", "3.1 mmol/L"),
    ("When was that potassium blood test taken?", "1"),
    ("most recent magnesium blood result?", ""),
]


def test_a_whole_questionnaire_in_a_terminal_saves_a_file_batch_screens_the_same(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    child = spawn("ask", "--save", str(path), "--plain")
    try:
        for question, reply in JOURNEY:
            answer(child, question, reply)
        answer(child, "press Enter to see your result", "")
        child.expect(r"Combined magnesium and potassium depletion: (\w+)")
        headline = child.match.group(1)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before

    answers = json.loads(path.read_text(encoding="utf-8"))
    assert answers == {
        "red_flags_now": [],
        "age": 68,
        "sex": "male",
        "diuretic_use": "yes",
        "medications": ["Lasix 40 mg", "omeprazole 20 mg"],
        "ppi_over_3_months": "yes",
        "alcohol": {"audit_c": {"frequency": 2, "quantity": 0, "binge": 0}, "drinks_per_week": 3.43},
        "diarrhea": {"present": True, "days": 3, "stools_per_day": 5},
        "vomiting": {"present": False},
        "laxative_use": "none",
        "conditions": ["high_blood_pressure"],
        "diet": {"processed_food": "sometimes", "fruit_veg_servings": 2},
        "symptoms": ["muscle_weakness", "muscle_cramps"],
        "supplements": [],
        "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
    }
    run = CliRunner().invoke(app, ["batch", str(path), "--quiet"])
    (entry,) = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert entry["combined_depletion"].upper() == headline


def test_ctrl_c_in_a_terminal_offers_to_save(tmp_path: Path) -> None:
    path = tmp_path / "partial.json"
    child = spawn("ask", "--save", str(path), "--plain")
    try:
        answer(child, "Question 1 of 19", "0")
        answer(child, "How old are you?", "50")
        expect_words(child, "What is your sex?")
        child.expect_exact("> ")
        child.sendintr()
        answer(child, "Save your answers so far in", "yes")
        expect_words(child, "Carry on later with: mgk-screen ask --resume")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert json.loads(path.read_text(encoding="utf-8")) == {"red_flags_now": [], "age": 50}
