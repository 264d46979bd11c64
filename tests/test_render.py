"""A result as a person reads it in a terminal: wrapped to the width, never inside a word, and the
short form (the end of `ask`) fitting the screen with what matters most."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from screener.headline import Headline, listed_advice
from screener.render import render_result, render_short_result, wrap

PERSONAS = sorted((Path(__file__).resolve().parents[1] / "examples" / "personas").glob("*.json"))


def rendered(draw: Any, result: Any, width: int, **options: Any) -> list[str]:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False, force_terminal=False)
    draw(result, console, **options)
    return out.getvalue().rstrip("\n").split("\n")


def test_wrap_breaks_between_words_with_a_hanging_indent() -> None:
    text = "1. Ask for magnesium to be checked whenever potassium is low or being replaced."
    assert wrap(text, 30, indent=2, hang=3).split("\n") == [
        "  1. Ask for magnesium to be",
        "     checked whenever",
        "     potassium is low or being",
        "     replaced.",
    ]
    assert wrap("see combined_likely_both_loss_with_specific_symptoms now", 20) == (
        "see\ncombined_likely_both_loss_with_specific_symptoms\nnow"
    ), "a word longer than the line stays whole"


@pytest.mark.parametrize("path", PERSONAS, ids=[p.stem for p in PERSONAS])
@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_line_of_a_full_result_fits_the_width_and_no_word_is_split(screener: Any, path: Path, width: int) -> None:
    result = screener.screen(json.loads(path.read_text(encoding="utf-8")))
    lines = rendered(render_result, result, width, plain=True)
    long_words = {word for word in re.findall(r"\S+", " ".join(lines)) if len(word) > width - 8}
    assert all(len(line) <= width for line in lines if not any(word in line for word in long_words))
    narrow = " ".join(" ".join(lines).split())
    wide = " ".join(" ".join(rendered(render_result, result, 400, plain=True)).split())
    assert narrow == wide, "wrapping changed the words"


@pytest.mark.parametrize("path", PERSONAS, ids=[p.stem for p in PERSONAS])
@pytest.mark.parametrize(("width", "height"), [(60, 20), (80, 24), (120, 40)])
@pytest.mark.parametrize("plain", [True, False])
def test_the_short_result_fits_the_screen_with_red_flags_headline_and_first_recommendation(
    screener: Any, path: Path, width: int, height: int, plain: bool
) -> None:
    result = screener.screen(json.loads(path.read_text(encoding="utf-8")))
    room = height - 2
    lines = rendered(render_short_result, result, width, plain=plain, max_lines=room, more="type d below")
    assert len(lines) <= room, "\n".join(lines)
    assert all(len(line) <= width for line in lines)
    text = " ".join(" ".join(lines).replace("│", " ").split())
    assert Headline.of(result).text(not_answered=False, brief=True) in text
    listed = listed_advice(result.recommendations)  # the recent normal results are said at the top instead
    assert " ".join(f"1. {listed[0].text}".split()) in text
    assert " ".join(result.disclaimer.split()) in text
    for flag in result.red_flags:
        assert flag.replace("_", " ") in text
    if result.coverage == "none":
        assert "Not enough answers to screen" in text
    left_out = len(listed) - len(re.findall(r"(?:^| )\d+\. ", text))
    if left_out:
        assert f"+{left_out} more recommendation" in text


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize(
    "command",
    [
        ["rules", "list"],
        ["rules", "list", "--long"],
        ["rules", "graph"],
        ["rules", "show", "rf_loop_diuretic"],
        ["explain", "examples/personas/heavy-drinker-with-diarrhea-and-palpitations.json", "--plain"],
        ["explain", "examples/personas/heavy-drinker-with-diarrhea-and-palpitations.json"],
        ["screen", "examples/personas/diuretic-and-vomiting-with-fainting-now.json"],
        ["screen", "examples/personas/diuretic-and-vomiting-with-fainting-now.json", "--plain"],
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_commands_wrap_to_the_terminal_width_between_words(command: list[str], width: int, monkeypatch: Any) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    env = {"NO_COLOR": "1", "COLUMNS": str(width), "TERMINAL_WIDTH": str(width), "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    run = CliRunner(env=env).invoke(app, command)
    assert run.exit_code == 0, run.output
    guides = str.maketrans("", "", "|`│├└─╭╮╰╯")
    for line in run.stdout.split("\n"):
        if len(line) > width:
            # only a single word longer than the room left (a long rule id) may stick out, whole
            assert len(line.translate(guides).replace("--", "").split()) == 1, line
    wide = CliRunner(env={**env, "COLUMNS": "400", "TERMINAL_WIDTH": "400"}).invoke(app, command)
    assert run.stdout.translate(guides).split() == wide.stdout.translate(guides).split(), "wrapping changed the words"
