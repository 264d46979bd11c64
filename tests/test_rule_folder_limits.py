"""A rule folder is never trusted blindly (issue 12, items 4 and 6).

Rule folders that ``rules check`` used to call valid crashed or hung the C engine: 60 extra
always-firing rules aborted with ``munmap_chunk(): invalid pointer``, 3,000 rules segfaulted, 500
never-firing rules or one ``in`` of 500 values made creating the ruleset loop for ever (deaf to
Ctrl-C), and a ``facts.json`` linked to /dev/zero grew the process to 7 GB. Other gaps ended in
"This is a bug" or rules that silently never fire. Now each is refused when the folder is loaded
(exit 4), naming the file, the rule and the field; ``rules check`` also compiles and runs the
rules in the engine itself, in a child process with a time limit.

The commands run in child processes with a time limit: before the fix they crashed or hung.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from screener.errors import ExitCode, RulesError
from screener.screening.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
ANSWERS = ROOT / "examples" / "personas" / "older-adult-on-furosemide-with-cramps.json"


def rule_folder(tmp_path: Path, change: Callable[[Path], None] | None = None) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    if change is not None:
        change(folder)
    return folder


def edit(file: str, change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        data = json.loads((folder / file).read_text())
        change(data)
        (folder / file).write_text(json.dumps(data, indent=1))

    return apply


def edit_text(file: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        text = json.dumps(json.loads((folder / file).read_text()))
        assert old in text, old
        (folder / file).write_text(text.replace(old, new, 1))

    return apply


def extra_rules(count: int, step: str, when: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"extra_rule_{n}",
            "step": step,
            "title": "An extra rule",
            "rationale": "Added to try the rules engine's limits.",
            "mechanism": "None: it exists to try the engine.",
            "sources": ["team_judgement"],
            "when": when(n),
            "then": {"warn": "an extra rule fired"},
        }
        for n in range(count)
    ]


def add_rules(count: int, when: Callable[[int], dict[str, Any]], step: str = "urgency") -> Callable[[Path], None]:
    return edit("urgency.json", lambda data: data["rules"].extend(extra_rules(count, step, when)))


def mgk(*args: str, timeout: float = 120, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    def at_most_1_gb() -> None:  # the old reader of a facts.json linked to /dev/zero took 7 GB
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-m", "screener", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
        preexec_fn=at_most_1_gb if limit_memory else None,
    )


def refused(folder: Path, *expected: str, timeout: float = 120, limit_memory: bool = False) -> str:
    """Both ``rules check`` and ``screen`` refuse the folder with exit 4 and a message with ``expected``."""
    messages = []
    for command in (["rules", "check", "--rules", str(folder)], ["screen", str(ANSWERS), "--rules", str(folder)]):
        try:
            done = mgk(*command, timeout=timeout, limit_memory=limit_memory)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`mgk-screen {' '.join(command[:2])}` did not end within {timeout} s (the engine hangs)")
        assert done.returncode == ExitCode.INVALID_RULES, f"exit {done.returncode}: {done.stderr[-2000:]}"
        for part in expected:
            assert part in done.stderr, f"{part!r} not in {done.stderr!r}"
        assert "Traceback" not in done.stderr and "This is a bug" not in done.stderr
        messages.append(done.stderr)
    return messages[0]


# ------------------------------------------------------------- item 4: what crashed or hung the engine


def test_sixty_extra_always_firing_rules_are_refused_not_a_crash(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, add_rules(60, lambda n: {"fact": "age", "gte": -n - 1}))
    refused(folder, "urgency.json", "extra_rule_0", "field 'when'", "in step 'urgency'", "at most 56")


SHIPPED = load_ruleset()
URGENCY_RULES = len(SHIPPED.rules_for_step("urgency"))


def test_three_thousand_rules_are_refused_not_a_segfault(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, add_rules(3000, lambda n: {"fact": "age", "is": 1000 + n}))
    refused(
        folder,
        f"{len(SHIPPED.rules) + 3000} rules (at most 1000)",
        f"step 'urgency' has {URGENCY_RULES + 3000} rules (at most 200 in one step)",
    )


def test_five_hundred_never_firing_rules_are_refused_instead_of_hanging(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, add_rules(500, lambda n: {"fact": "age", "is": 1000 + n}))
    refused(folder, f"step 'urgency' has {URGENCY_RULES + 500} rules (at most 200 in one step)", timeout=60)


def test_one_in_of_five_hundred_values_is_refused_instead_of_hanging(tmp_path: Path) -> None:
    folder = rule_folder(tmp_path, add_rules(1, lambda n: {"fact": "age", "in": list(range(200, 700))}))
    refused(folder, "urgency.json", "rule 'extra_rule_0'", "field 'when.in'", "at most 64 items, got 500", timeout=60)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_facts_file_linked_to_dev_zero_is_not_read(tmp_path: Path) -> None:
    def link(folder: Path) -> None:
        (folder / "facts.json").unlink()
        (folder / "facts.json").symlink_to("/dev/zero")

    refused(rule_folder(tmp_path, link), "facts.json: not a regular file", timeout=60, limit_memory=True)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_rule_file_that_is_a_named_pipe_is_not_waited_for(tmp_path: Path) -> None:
    def pipe(folder: Path) -> None:
        (folder / "levels.json").unlink()
        os.mkfifo(folder / "levels.json")

    refused(rule_folder(tmp_path, pipe), "levels.json: not a regular file", timeout=60)


def test_a_huge_rule_file_is_not_read_whole(tmp_path: Path) -> None:
    def pad(folder: Path) -> None:
        with open(folder / "levels.json", "a") as file:
            file.write(" " * (5 * 1024 * 1024))

    with pytest.raises(RulesError, match=r"levels\.json: 5,2.* bytes, more than a rule file may hold"):
        load_ruleset(rule_folder(tmp_path, pad))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (add_rules(1, lambda n: {"fact": "age", "in": list(range(65))}), ["field 'when.in'", "at most 64 items"]),
        (
            add_rules(1, lambda n: {"all": [{"fact": "age", "gte": k} for k in range(33)]}),
            ["rule 'extra_rule_0', field 'when'", "33 comparisons (at most 32 in one rule)"],
        ),
        (
            add_rules(1, lambda n: {"all": [{"fact": "age", "in": [k, k + 100]} for k in range(11)]}),
            ["rule 'extra_rule_0', field 'when'", "compiles to 13 'all'/'any' groups", "(at most 12"],
        ),
        (add_rules(65, lambda n: {"fact": "age", "gte": 18}), ["65 rules with the very same condition (at most 64)"]),
        (
            add_rules(65, lambda n: {"fact": "age", "is_not": 1000 + n}),
            ["'any' branches joining after one shared test (at most 64)"],
        ),
        (
            add_rules(5, lambda n: {"all": [{"fact": "sex", "is": "male"}, {"fact": "age", "in": list(range(64 * n, 64 * n + 64))}]}),
            ["rules 'extra_rule_0', 'extra_rule_1'", "320 different tests right after one shared test (at most 256)"],
        ),
    ],
    ids=["in-65", "33-comparisons", "13-and-or", "65-identical", "65-is-not", "320-tests-after-one"],
)
def test_every_engine_limit_is_refused_with_the_rule_and_the_field(
    tmp_path: Path, change: Callable[[Path], None], expected: list[str]
) -> None:
    with pytest.raises(RulesError) as raised:
        load_ruleset(rule_folder(tmp_path, change))
    for part in expected:
        assert part in str(raised.value), f"{part!r} not in {raised.value}"


def test_the_shipped_rules_are_well_within_every_limit() -> None:
    from screener.screening import engine_limits

    ruleset = load_ruleset()
    assert engine_limits.ruleset_problems(ruleset, ruleset.engine_patterns) == []


def test_rules_check_compiles_and_runs_the_rules_in_the_engine(tmp_path: Path) -> None:
    done = mgk("rules", "check")
    assert done.returncode == 0, done.stderr
    assert "compiled and run in the rules engine" in done.stdout


def test_rules_check_stops_an_engine_that_hangs_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The model of the engine could be wrong some day: then the engine itself, in a child
    process killed after the time limit, still keeps ``rules check`` from hanging. Here the model
    is told to allow 600 tests after one (the engine loops for ever past 511)."""
    from screener.cli.main import app
    from typer.testing import CliRunner

    from screener.screening import engine_limits

    monkeypatch.setattr(engine_limits, "MAX_TESTS_PER_NODE", 10_000)
    monkeypatch.setattr(engine_limits, "MAX_RULES_PER_STEP", 10_000)
    monkeypatch.setattr(engine_limits, "MAX_RULES", 10_000)  # the shipped rules and 600 more pass 1000
    monkeypatch.setattr(engine_limits, "COMPILE_CHECK_SECONDS", 10.0)
    monkeypatch.setattr(engine_limits.compile_in_child, "__defaults__", (10.0,))
    folder = rule_folder(tmp_path, add_rules(600, lambda n: {"fact": "age", "is": 1000 + n}))
    done = CliRunner().invoke(app, ["rules", "check", "--rules", str(folder)])
    assert done.exit_code == ExitCode.INVALID_RULES, done.output
    assert "the rules engine did not finish compiling these rules within 10 s" in done.output


def test_a_child_that_fails_to_compile_is_reported(tmp_path: Path) -> None:
    from screener.screening.engine_limits import compile_in_child

    assert compile_in_child(None) is None
    problem = compile_in_child(str(tmp_path / "missing"))
    assert problem is not None and problem.startswith("the rules engine refused these rules:")


# --------------------------------------------------------- item 6: validation gaps in a rule folder


RULE_PROBLEMS = [
    pytest.param(
        edit_text("derived_facts.json", '"gte": 8', '"gte": NaN'), ["derived_facts.json", "NaN is not a number"], id="nan"
    ),
    pytest.param(
        edit_text("derived_facts.json", '"gte": 8', '"gte": 1e999'), ["derived_facts.json", "1e999 is too large"], id="1e999"
    ),
    pytest.param(
        edit_text("derived_facts.json", '"gte": 8', '"gte": 100000000000000000000000000000'),
        ["derived_facts.json", "rule 'heavy_alcohol_by_audit_c', field 'when.gte'", "must be at most 1000000000"],
        id="huge-threshold",
    ),
    pytest.param(
        edit_text("derived_facts.json", '"gte": 8', '"gte": -1e300'),
        ["rule 'heavy_alcohol_by_audit_c', field 'when.gte'", "must be at least -1000000000"],
        id="huge-negative-threshold",
    ),
    pytest.param(
        edit_text(
            "derived_facts.json",
            '"when": {"fact": "alcohol.audit_c.total", "gte": 8}',
            '"when": ' + '{"all": [' * 600 + '{"fact": "age", "gte": 1}' + "]}" * 600,
        ),
        ["derived_facts.json", "rule 'heavy_alcohol_by_audit_c', field 'when'", "nested more than 6 deep"],
        id="600-deep",
    ),
    pytest.param(
        edit_text(
            "derived_facts.json",
            '"when": {"fact": "alcohol.audit_c.total", "gte": 8}',
            '"when": ' + '{"any": [' * 7 + '{"fact": "alcohol.audit_c.total", "gte": 8}' + "]}" * 7,
        ),
        ["rule 'heavy_alcohol_by_audit_c', field 'when'", "nested more than 6 deep"],
        id="7-deep",
    ),
    pytest.param(edit("facts.json", lambda d: d["derived"].update(count={"label": "a count"})), ["'count'", "reserved"], id="count"),
    pytest.param(edit("facts.json", lambda d: d["derived"].update(sid={"label": "a session"})), ["'sid'", "reserved"], id="sid"),
    pytest.param(edit("facts.json", lambda d: d["derived"].update(step={"label": "a step"})), ["'step'", "reserved"], id="step"),
    pytest.param(edit("facts.json", lambda d: d["input"].update({"sid.x": {"label": "a session field", "type": "integer"}})), ["'sid'", "reserved"], id="sid-input"),
    pytest.param(
        edit("facts.json", lambda d: d["derived"].update({"$lt": {"label": "a dollar"}})),
        ["facts.json", "$.derived", "'$lt' does not match"],
        id="dollar",
    ),
    pytest.param(
        edit("facts.json", lambda d: d["derived"].update({"heavy.alcohol": {"label": "with a dot"}})),
        ["facts.json", "$.derived", "'heavy.alcohol' does not match"],
        id="dots",
    ),
    pytest.param(
        edit("facts.json", lambda d: d["derived"].update(age={"label": "named like an answer"})),
        ["the name 'age' is used by facts.json derived facts and facts.json input facts"],
        id="derived-named-like-an-answer",
    ),
    pytest.param(
        edit_text("derived_facts.json", '"title": "Heavy drinking by AUDIT-C score"', '"title": "Heavy \\ud800 drinking"'),
        ["derived_facts.json", "rule 'heavy_alcohol_by_audit_c', field 'title'", "half of a surrogate pair"],
        id="lone-surrogate-in-a-title",
    ),
    pytest.param(
        edit("ruleset.json", lambda d: d["steps"].append(dict(d["steps"][0]))),
        ["ruleset.json, field 'steps'", "the step 'derived_facts' is declared twice"],
        id="duplicate-step",
    ),
    pytest.param(
        edit("derived_facts.json", lambda d: d["rules"][0]["when"].update(fact="sex", **{"is": 1}) or d["rules"][0]["when"].pop("gte")),
        ["rule 'heavy_alcohol_by_audit_c', field 'when'", "'sex' is text, not 1"],
        id="a-number-for-a-text-fact",
    ),
]


# A slot in a recommendation text ({core_sections_not_answered}) is filled for each person; a
# misspelt one used to pass `rules check` and reach the person as written.
SLOT_PROBLEMS = [
    pytest.param(
        edit_text("recommendation_texts.json", "{core_sections_not_answered}", "{core_section_not_answered}"),
        [
            "recommendation_texts.json: recommendation 'answer_the_core_questions', field 'text': unknown slot "
            "'{core_section_not_answered}' (did you mean '{core_sections_not_answered}'?)"
        ],
        id="misspelt-slot",
    ),
    pytest.param(
        edit_text("recommendation_texts.json", "{core_sections_not_answered}", "{core_sections_not_answered"),
        ["recommendation_texts.json: recommendation 'answer_the_core_questions', field 'text': unbalanced brace: the '{' at character"],
        id="slot-never-closed",
    ),
    pytest.param(
        edit_text("recommendation_texts.json", "Sick-day rules", "Sick-day rules}"),
        ["recommendation_texts.json: recommendation 'sick_day_medicines', field 'text': unbalanced brace: the '}' at character"],
        id="stray-closing-brace",
    ),
    pytest.param(
        edit_text("recommendation_texts.json", "A low magnesium result", "A low {magnesium} result"),
        ["recommendation_texts.json: recommendation 'check_magnesium:low_result', field 'text': unknown slot '{magnesium}'"],
        id="unknown-slot-in-a-variant",
    ),
]


@pytest.mark.parametrize(("change", "expected"), SLOT_PROBLEMS)
def test_a_recommendation_text_with_an_unknown_slot_or_a_stray_brace_is_refused_on_one_line(
    tmp_path: Path, change: Callable[[Path], None], expected: list[str]
) -> None:
    folder = rule_folder(tmp_path, change)
    message = refused(folder, *expected, "a text may hold these slots, filled for each person: {core_sections_not_answered}")
    assert message.splitlines()[0].startswith(f"mgk-screen: {folder}/recommendation_texts.json: recommendation '")
    assert expected[0] in message.splitlines()[0]


def test_every_slot_of_a_recommendation_text_is_one_the_screen_fills() -> None:
    from screener.contract.coverage import RECOMMENDATION_SLOTS, with_sections_not_answered

    for slot in RECOMMENDATION_SLOTS:
        filled = with_sections_not_answered(f"Nothing was said about {{{slot}}}.", ["alcohol", "symptoms"])
        assert "{" not in filled and "}" not in filled
    assert with_sections_not_answered("About {core_sections_not_answered}.", ["alcohol", "symptoms"]) == "About alcohol and symptoms."


@pytest.mark.parametrize(("change", "expected"), RULE_PROBLEMS)
def test_a_rule_folder_gap_is_a_clear_rules_error_with_exit_4(
    tmp_path: Path, change: Callable[[Path], None], expected: list[str]
) -> None:
    refused(rule_folder(tmp_path, change), *expected)
