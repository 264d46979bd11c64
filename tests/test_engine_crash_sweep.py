"""The whole shipped ruleset over thousands of generated records, and rule folders at the
documented limits of the engine, in a subprocess.

The C engine can crash the process (a segfault is not an exception), so the sweep runs in a
child process: a crash shows up as a negative return code and fails this test instead of
taking the test run down, or passing silently.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from screener.errors import RulesError
from screener.screening.ruleset import load_ruleset

SWEEP = textwrap.dedent(
    """
    import sys
    from screener import Screener
    from screener.synthetic import cohort

    screener = Screener()
    screened = invalid = 0
    for seed in (11, 12):
        for answers in cohort(int(sys.argv[1]) // 2, seed=seed):
            entry = screener.screen_record(answers)
            if entry.status == "screened":
                screened += 1
            else:
                invalid += 1
                print("invalid:", answers, entry.errors, file=sys.stderr)
    print(screened, invalid)
    """
)


def test_ten_thousand_generated_records_screen_without_crashing_the_engine() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SWEEP, "10000"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"the sweep died with return code {done.returncode}:\n{done.stderr[-3000:]}"
    screened, invalid = map(int, done.stdout.split())
    # The generator only makes valid records, so every one must be screened.
    assert (screened, invalid) == (10000, 0), done.stderr[-3000:]


# -- rule folders at the engine limits ---------------------------------------------------------
#
# Every rule folder that loads must also run: the limits the loader enforces
# (screener/screening/engine_limits.py) keep a margin below the engine's. Each shape below adds
# rules to a copy of the shipped rules, as many as the loader still accepts (found by bisection),
# and the folders are then screened over generated records in a child process: a crash (the
# engine's 303 stack overflow ends in one) or a hang fails the test.

RULES = Path(__file__).resolve().parent.parent / "rules"
Condition = Callable[[int], dict[str, Any]]


def _random_condition(seed: int) -> Condition:
    """Random comparisons over a few answers facts, nested up to 2 deep: the n-th rule is always
    the same for a seed (so that more rules only ever add to fewer)."""

    def nth(n: int) -> dict[str, Any]:
        rng = random.Random(seed * 100_003 + n)
        choices: list[tuple[str, Callable[[], Any]]] = [
            ("age", lambda: rng.randint(-5, 125)),
            ("sex", lambda: rng.choice(["female", "male", "other"])),
            ("diarrhea.days", lambda: rng.randint(0, 30)),
            ("diuretic_use", lambda: rng.choice(["yes", "no", "unsure"])),
        ]

        def leaf() -> dict[str, Any]:
            if rng.random() < 0.2:
                flag = rng.choice(["symptoms.fatigue", "medication_class.loop_diuretic"])
                return {"fact": flag, rng.choice(["is", "is_not", "present"]): True}
            name, value = rng.choice(choices)
            numeric = name in ("age", "diarrhea.days")
            operator = rng.choice(["is", "is_not", "in", "not_in", *(["lt", "gte"] if numeric else [])])
            if operator in ("in", "not_in"):
                return {"fact": name, operator: sorted({value() for _ in range(rng.randint(1, 6))}, key=str)}
            return {"fact": name, operator: value()}

        def condition(depth: int) -> dict[str, Any]:  # small enough for the per-rule limits
            if depth >= 2 or rng.random() < 0.4:
                return leaf()
            return {rng.choice(["all", "any"]): [condition(depth + 1) for _ in range(2)]}

        return condition(0)

    return nth


SHAPES: dict[str, tuple[str, Condition, int]] = {
    # name: (step, condition of the n-th extra rule, most rules tried)
    # In a step with room under the waiting bound (urgency's own rules now fill most of it).
    "always-true, all different": ("level_caps", lambda n: {"fact": "age", "gte": -n - 1}, 80),
    "never true, one step full": ("lab_facts", lambda n: {"fact": "age", "is": 1000 + n}, 260),
    "the very same condition": ("levels", lambda n: {"fact": "age", "gte": 0}, 90),
    "is_not, all different": ("headline", lambda n: {"fact": "age", "is_not": 1000 + n}, 90),
    "in of 64 values": ("urgency", lambda n: {"fact": "age", "in": list(range(64 * n, 64 * n + 64))}, 12),
    "nested 6 deep": (
        "medicine_urgency",
        lambda n: {"all": [{"any": [{"all": [{"any": [{"all": [{"any": [{"fact": "age", "gte": n}, {"fact": "sex", "is": "male"}]}]}]}]}]}]},
        80,
    ),
}


def _folder_with(tmp_path: Path, name: str, step: str, condition: Condition, count: int) -> Path:
    folder = tmp_path / name.replace(" ", "-").replace(",", "")
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    extra = [
        {
            "id": f"extra_{n}",
            "step": step,
            "title": "An extra rule",
            "rationale": "Added to run the engine at its limits.",
            "mechanism": "None: it exists to try the engine.",
            "sources": ["team_judgement"],
            "when": condition(n),
            "then": {"warn": "an extra rule fired"},
        }
        for n in range(count)
    ]
    data = json.loads((folder / "urgency.json").read_text())
    data["rules"].extend(extra)
    (folder / "urgency.json").write_text(json.dumps(data))
    return folder


def _most_accepted(tmp_path: Path, name: str, step: str, condition: Condition, most: int) -> tuple[Path, int]:
    """The folder with as many extra rules as the loader accepts (it accepts 0: the shipped rules)."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        try:
            load_ruleset(_folder_with(tmp_path, name, step, condition, middle))
            low = middle
        except RulesError:
            high = middle - 1
    return _folder_with(tmp_path, name, step, condition, low), low


RUN_FOLDERS = textwrap.dedent(
    """
    import sys
    from screener import Screener
    from screener.screening.ruleset import load_ruleset
    from screener.synthetic import cohort

    records = list(cohort(500, seed=31)) + [{"age": age, "sex": "male", "symptoms": ["fatigue"]} for age in (0, 30, 63, 64, 120)]
    for folder in sys.argv[1:]:
        print("running", folder, flush=True)
        screener = Screener(load_ruleset(folder))
        for record in records:
            screener.screen_entry(record)
    print("done")
    """
)


def test_rule_folders_at_the_documented_limits_run_without_crashing_the_engine(tmp_path: Path) -> None:
    folders: list[str] = []
    added: dict[str, int] = {}
    for name, (step, condition, most) in SHAPES.items():
        folder, count = _most_accepted(tmp_path, name, step, condition, most)
        folders.append(str(folder))
        added[name] = count
    # Steps with room under the waiting bound: the shipped urgency, recommendations and
    # medicine_advice rules fill most of theirs: `mgk-screen rules check` shows each step's room.
    for seed, step in ((1, "levels"), (2, "headline"), (3, "level_caps")):
        folder, count = _most_accepted(tmp_path, f"random {seed}", step, _random_condition(seed), 200)
        folders.append(str(folder))
        added[f"random {seed}"] = count
    # The limits bind where they should (the shapes are not trivially small).
    assert added["never true, one step full"] == 200 - len(load_ruleset().rules_for_step("lab_facts"))
    assert added["the very same condition"] >= 60
    assert added["always-true, all different"] >= 10
    assert min(added[f"random {seed}"] for seed in (1, 2, 3)) >= 5
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", RUN_FOLDERS, *folders],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"return code {done.returncode} ({added}):\n{done.stdout[-500:]}\n{done.stderr[-3000:]}"
    assert done.stdout.endswith("done\n")


@pytest.mark.parametrize("name", list(SHAPES))
def test_one_rule_more_than_the_loader_accepts_is_refused(tmp_path: Path, name: str) -> None:
    step, condition, most = SHAPES[name]
    _, count = _most_accepted(tmp_path, name, step, condition, most)
    if count == most:
        pytest.skip(f"{most} rules of this shape are all accepted")
    with pytest.raises(RulesError):
        load_ruleset(_folder_with(tmp_path, name, step, condition, count + 1))
