"""`mgk-screen ask` in a real pseudo-terminal: what a person at a keyboard sees.

pexpect reads the stream of output; tmux (when installed) holds a real terminal of a given size,
so a test can look at the screen as it is left at the end: at 120x40 and at 60x20 the headline and
the first recommendation must be on the last screen, without scrolling.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from typing import Any

from screener.cli.main import app
from typer.testing import CliRunner

COMMAND = Path(sys.executable).with_name("mgk-screen")


def spawn(*args: str) -> pexpect.spawn:
    program, argv = (str(COMMAND), list(args)) if COMMAND.exists() else (sys.executable, ["-m", "screener", *args])
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "100", "LINES": "40"}
    return pexpect.spawn(
        program, argv, env=env, encoding="utf-8", timeout=30, dimensions=(40, 100), preexec_fn=as_at_a_terminal
    )


def as_at_a_terminal() -> None:
    """Ctrl-C as a person at a terminal has it. A test run started in the background by a
    non-interactive shell (``nohup ... &``) ignores SIGINT, and a child inherits that: without this
    the Ctrl-C tests would wait for an interrupt that can never arrive."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def expect_words(child: pexpect.spawn, text: str) -> None:
    """Wait for ``text``, wherever the terminal wrapped it."""
    child.expect(r"\s+".join(re.escape(word) for word in text.split()))


def answer(child: pexpect.spawn, question: str, reply: str) -> None:
    expect_words(child, question)
    child.expect_exact("> ")
    child.sendline(reply)


def interrupt(child: pexpect.spawn, until: str) -> None:
    """Ctrl-C, pressed again as a person would when it is lost, until ``until`` shows. One that
    lands just as ``input()`` starts is lost: CPython's handler runs before the read begins, and
    the read then waits for a line (a rare race, seen once in CI)."""
    shown = r"\s+".join(re.escape(word) for word in until.split())
    for _ in range(3):
        child.sendintr()
        if child.expect([shown, pexpect.TIMEOUT], timeout=10) == 0:
            return
    raise AssertionError(f"{until!r} never came after Ctrl-C")


# A person on furosemide and omeprazole for a long time, with three days of diarrhea, cramps and
# weakness, and a low potassium result from this week.
JOURNEY = [
    ("Question 1, about 18 to go", "0"),
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
        expect_words(child, "Press Enter to finish, or type d for the full reasoning:")
        child.sendline("")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before

    answers = json.loads(path.read_text(encoding="utf-8"))
    assert answers == {
        "id": "answers",
        "red_flags_now": [],
        "age": 68,
        "sex": "male",
        "diuretic_use": "yes",
        "medications": ["Lasix 40 mg", "omeprazole 20 mg"],
        "ppi_over_3_months": "yes",
        "alcohol": {"audit_c": {"frequency": 2, "quantity": 0, "binge": 0}, "units_per_week": 6},  # UK units kept as given
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
        answer(child, "Question 1, about 18 to go", "0")
        answer(child, "How old are you?", "50")
        expect_words(child, "What is your sex?")
        child.expect_exact("> ")
        interrupt(child, "Save your answers so far in")
        child.expect_exact("> ")
        child.sendline("yes")
        expect_words(child, "Carry on later with: mgk-screen ask --resume")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert json.loads(path.read_text(encoding="utf-8")) == {"id": "partial", "red_flags_now": [], "age": 50}


def test_back_offers_the_earlier_answer_and_enter_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    child = spawn("ask", "--save", str(path), "--plain")
    try:
        answer(child, "Question 1, about 18 to go", "0")
        answer(child, "How old are you?", "68")
        answer(child, "What is your sex?", "back")
        expect_words(child, "How old are you?")
        expect_words(child, "Press Enter to keep your earlier answer: 68")
        child.expect_exact("> ")
        child.sendline("")
        answer(child, "What is your sex?", "2")
        expect_words(child, "Do you take a water pill")
        interrupt(child, "Save your answers so far in")
        child.expect_exact("> ")
        child.sendline("yes")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert json.loads(path.read_text(encoding="utf-8")) == {"id": "answers", "red_flags_now": [], "age": 68, "sex": "male"}


def test_a_save_file_that_cannot_be_written_is_refused_before_the_first_question(tmp_path: Path) -> None:
    child = spawn("ask", "--save", str(tmp_path / "no such folder" / "answers.json"), "--plain")
    try:
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close()
    assert child.exitstatus == 2, output
    assert "cannot save the answers in" in output and "does not exist" in output
    assert "Question 1" not in output


def test_the_ctrl_c_hint_quotes_a_path_with_spaces(tmp_path: Path) -> None:
    path = tmp_path / "my answers.json"
    child = spawn("ask", "--save", str(path), "--plain")
    try:
        answer(child, "Question 1, about 18 to go", "0")
        expect_words(child, "How old are you?")
        child.expect_exact("> ")
        interrupt(child, "Save your answers so far in")
        child.expect_exact("> ")
        child.sendline("yes")
        child.expect(pexpect.EOF)
        output = child.before
    finally:
        child.close()
    assert f"mgk-screen ask --resume {shlex.quote(str(path))}" in " ".join(output.split())


# -- the screen a person is left with (tmux) ---------------------------------------------------

tmux_needed = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Screen:
    """A program in a tmux terminal of a fixed size, on a private tmux server."""

    def __init__(self, width: int, height: int, command: list[str], cwd: Path) -> None:
        self.socket = f"mgk-test-{uuid.uuid4().hex[:8]}"
        # The terminal's own size must decide the width: no COLUMNS or LINES from the test run.
        unset = ["-u", "COLUMNS", "-u", "LINES", "-u", "TERMINAL_WIDTH", "-u", "_TYPER_FORCE_DISABLE_TERMINAL"]
        program = shlex.join(["env", *unset, "PAGER=cat", *command])
        shell = f"cd {shlex.quote(str(cwd))} && {program}; echo MGK-EXIT=$?; sleep 60"
        self._tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "ask", shell)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=30)
        return done.stdout

    def text(self) -> str:
        """What the screen shows now, one string per line."""
        return self._tmux("capture-pane", "-p", "-t", "ask")

    def history(self) -> str:
        """Everything printed so far, scrolled away or not, as words."""
        return " ".join(self._tmux("capture-pane", "-p", "-S", "-", "-t", "ask").split())

    _seen = 0

    def wait_for(self, text: str, seconds: float = 30) -> None:
        """Wait until ``text`` is printed after what was waited for last (wherever it wrapped)."""
        wanted = " ".join(text.split())
        deadline = time.monotonic() + seconds
        while (found := self.history().find(wanted, self._seen)) < 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.text()}")
            time.sleep(0.05)
        self._seen = found + len(wanted)

    def type(self, reply: str) -> None:
        if reply:
            self._tmux("send-keys", "-t", "ask", "-l", reply)
        self._tmux("send-keys", "-t", "ask", "Enter")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def screen_of_size() -> Iterator[Any]:
    opened: list[Screen] = []

    def open_screen(width: int, height: int, *args: str, cwd: Path) -> Screen:
        program = [str(COMMAND)] if COMMAND.exists() else [sys.executable, "-m", "screener"]
        opened.append(Screen(width, height, [*program, *args], cwd))
        return opened[-1]

    yield open_screen
    for screen in opened:
        screen.close()


@tmux_needed
@pytest.mark.parametrize(("width", "height"), [(120, 40), (60, 20)])
def test_after_a_whole_questionnaire_the_headline_and_first_recommendation_are_on_the_last_screen(
    width: int, height: int, tmp_path: Path, screen_of_size: Any
) -> None:
    screen = screen_of_size(width, height, "ask", "--save", "rita.json", cwd=tmp_path)
    for question, reply in [*JOURNEY, ("press Enter to see your result", "")]:
        screen.wait_for(question)
        screen.type(reply)
    screen.wait_for("Press Enter to finish, or type d for the full reasoning:")
    last = screen.text()
    lines = last.rstrip("\n").split("\n")
    assert len(lines) <= height
    assert all(len(line) <= width for line in lines), "a line wider than the terminal"
    words = " ".join(last.split())
    assert "Combined magnesium and potassium depletion: LIKELY" in words
    assert "1. Contact a clinician today (your doctor, an urgent care line" in words
    assert "This is a screening and education tool, not a diagnosis." in words
    assert "Why (rules that fired" not in words, "the full reasoning is shown only on request"
    screen.type("d")  # the full reasoning on request (PAGER=cat here), then the short result again
    screen.wait_for("Why (rules that fired, red flags first)")
    screen.wait_for("Combined magnesium and potassium depletion: LIKELY")
    screen.wait_for("Press Enter to finish, or type d for the full reasoning:")
    screen.type("")
    screen.wait_for("MGK-EXIT=0")
    assert json.loads((tmp_path / "rita.json").read_text(encoding="utf-8"))["age"] == 68


@tmux_needed
def test_wrapped_lines_never_split_a_word_at_sixty_columns(tmp_path: Path, screen_of_size: Any) -> None:
    screen = screen_of_size(60, 40, "ask", "--plain", cwd=tmp_path)
    screen.wait_for("Question 1, about 18 to go")
    screen.wait_for("Type the numbers of all that apply")
    text = screen.text()
    lines = [line for line in text.split("\n") if line.strip()]
    assert all(len(line) <= 60 for line in lines)
    words = set(re.findall(r"[A-Za-z]+", open_text := " ".join(text.split())))
    assert "This short questionnaire asks about things that can lower magnesium and potassium in the body." in open_text
    assert words <= set(re.findall(r"[A-Za-z]+", _questionnaire_words())), "a word was split by the wrapping"
    # a choice too long for one line goes on under its own text (a hanging indent), not under its number
    assert "   3. Severe weakness, or being unable to move an arm or a\n      leg\n" in text


def _questionnaire_words() -> str:
    from screener.interview import Questionnaire

    questionnaire = Questionnaire.load()
    parts = [questionnaire.intro]
    for item in questionnaire.items:
        parts += [item.text, *(choice.label for choice in item.choices)]
        parts += [item.none_choice.label] if item.none_choice else []
    return " ".join(parts) + " Question about to go Type the numbers of all that apply for example or none why we ask"


@tmux_needed
def test_a_person_who_stops_after_a_red_flag_sees_it_and_the_thin_coverage_on_a_small_screen(
    tmp_path: Path, screen_of_size: Any
) -> None:
    screen = screen_of_size(60, 20, "ask", cwd=tmp_path)
    screen.wait_for("Question 1, about 18 to go")
    screen.type("1")
    screen.wait_for("Do you want to carry on with the questions?")
    screen.type("no")
    screen.wait_for("Press Enter to finish, or type d for the full reasoning:")
    words = " ".join(screen.text().split())
    for shown in (
        "RED FLAG: chest pain",
        "Not enough answers to screen",
        "Combined magnesium and potassium depletion: NOT SCREENED (too few answers)",
        "magnesium: not screened, potassium: not screened",
        "How soon: emergency - seek emergency care now",
        "1. Seek emergency care now",
        "not a diagnosis",
    ):
        assert shown in words, shown
    screen.type("")
    screen.wait_for("MGK-EXIT=0")


@tmux_needed
def test_at_sixty_columns_ctrl_c_wraps_the_offer_and_gives_the_command_a_line_of_its_own(
    tmp_path: Path, screen_of_size: Any
) -> None:
    screen = screen_of_size(60, 20, "ask", "--save", "my answers.json", cwd=tmp_path)
    screen.wait_for("Question 1, about 18 to go")
    screen.type("0")
    screen.wait_for("How old are you?")
    screen._tmux("send-keys", "-t", "ask", "C-c")
    screen.wait_for("so that you can carry on later? (yes or no)")
    screen.type("yes")
    screen.wait_for("MGK-EXIT=130")
    text = screen.text()
    lines = text[text.index("Stopped.") : text.index("MGK-EXIT")].rstrip("\n").split("\n")
    assert all(len(line) <= 60 for line in lines), lines
    assert "  mgk-screen ask --resume 'my answers.json'" in lines
    assert [line for line in lines if line.startswith(" ")] == ["  mgk-screen ask --resume 'my answers.json'"]
    assert json.loads((tmp_path / "my answers.json").read_text(encoding="utf-8")) == {"id": "my answers", "red_flags_now": []}
