"""A rule's "engine_order": the order in which the rules engine tests the parts of its "all".

The engine refuses a step where more than 56 tests may wait on one assert (``engine_limits``):
roughly, the different tests the step's rules start with, plus the deepest chain of tests below
one of them. A rule that starts, for the engine, with tests other rules of its step start with
shares them, and its other tests wait below them. "engine_order" says which part the engine tests
first without changing the rule as people read it: what it decides, its evidence and the
catalogue follow "when" as written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from screener.errors import RulesError
from screener.screening import engine_limits
from screener.screening.pipeline import Screener
from screener.screening.ruleset import load_ruleset
from screener.synthetic import cohort, diverse_cohort

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
RULE_FILES = ("derived_facts.json", "risk_factors.json", "levels.json", "urgency.json", "recommendations.json")


def _folder(tmp_path: Path, change: Any) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    for name in RULE_FILES:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        for rule in data["rules"]:
            change(rule)
        (folder / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def _as_written(rule: dict[str, Any]) -> None:
    rule.pop("engine_order", None)


def _room(ruleset: Any) -> dict[str, int]:
    return {step: waiting for step, _, waiting in engine_limits.step_headroom(ruleset)}


@pytest.fixture(scope="module")
def as_written(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return load_ruleset(_folder(tmp_path_factory.mktemp("as-written"), _as_written))


def test_the_engine_tests_the_parts_in_engine_order_and_people_read_them_as_written() -> None:
    ruleset = load_ruleset()
    rule = ruleset.rule("low_potassium_and_magnesium_with_a_usual_cause")
    assert rule.engine_order == (2, 0, 1)
    # As written: both low results, then the list of usual causes.
    assert [part.get("fact", "any") for part in rule.when["all"]] == ["low_k_lab", "low_mg_lab", "any"]
    first, then_k, then_mg = ruleset.engine_patterns[rule.id]["$and"][1]["$and"]
    assert "$or" in first and then_k == {"low_k_lab": True} and then_mg == {"low_mg_lab": True}


def test_a_woman_on_furosemide_with_low_potassium_and_magnesium_results_reads_her_evidence_as_written() -> None:
    result = Screener().screen(
        {
            "age": 58,
            "sex": "female",
            "medications": ["furosemide 40 mg"],
            "labs": {
                "potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"},
                "magnesium": {"value": 0.6, "unit": "mmol/L", "taken": "last_7_days"},
            },
        }
    )
    finding = next(f for f in result.findings if f.rule == "low_potassium_and_magnesium_with_a_usual_cause")
    assert [item.fact for item in finding.evidence] == ["low_k_lab", "low_mg_lab", "recognised_diuretic"]


def test_engine_order_frees_room_in_the_steps_that_were_full(as_written: Any) -> None:
    before, after = _room(as_written), _room(load_ruleset())
    assert before["risk_factors"] - after["risk_factors"] >= 10
    assert before["dependent_facts"] - after["dependent_facts"] >= 4
    assert before["medicine_advice"] - after["medicine_advice"] >= 2
    assert all(after[step] <= before[step] for step in before), (before, after)


def test_engine_order_changes_no_result(as_written: Any) -> None:
    """The same people screened with the rules as written and with their engine order: the
    same entries, but for the ruleset's hash."""
    ordered, written = Screener(), Screener(as_written)
    people = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "examples" / "personas").glob("*.json"))]
    people += [json.loads(line) for line in (ROOT / "examples" / "cohort.jsonl").read_text(encoding="utf-8").splitlines() if line]
    people += list(cohort(400, seed=5)) + list(diverse_cohort(400, seed=6))
    for person in people:
        assert _entry(ordered, person) == _entry(written, person), person.get("id")


def _entry(screener: Screener, person: dict[str, Any]) -> dict[str, Any]:
    entry = screener.screen_entry(person)
    entry.get("ruleset", {}).pop("sha256", None)
    entry.get("ruleset", {}).pop("custom_folder", None)  # the rules as written are a copy in a folder of their own
    return entry


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ([1, 2], "field 'engine_order': [1, 2] must give each position of the 2 parts of 'all' once (0 to 1)"),
        ([2, 0, 1], "field 'engine_order': [2, 0, 1] must give each position of the 2 parts of 'all' once (0 to 1)"),
    ],
    ids=["a-position-past-the-end", "three-positions-for-two-parts"],
)
def test_an_engine_order_that_is_not_the_parts_positions_is_refused(tmp_path: Path, order: list[int], expected: str) -> None:
    def change(rule: dict[str, Any]) -> None:
        if rule["id"] == "child_with_gi_losses":
            rule["engine_order"] = order

    with pytest.raises(RulesError) as raised:
        load_ruleset(_folder(tmp_path, change))
    assert "derived_facts.json: rule 'child_with_gi_losses', field 'engine_order'" in str(raised.value)
    assert expected in str(raised.value)


def test_an_engine_order_on_a_rule_without_all_is_refused(tmp_path: Path) -> None:
    def change(rule: dict[str, Any]) -> None:
        if rule["id"] == "rf_dual_diuretic":
            rule["engine_order"] = [1, 0]

    with pytest.raises(RulesError) as raised:
        load_ruleset(_folder(tmp_path, change))
    assert (
        "risk_factors.json: rule 'rf_dual_diuretic', field 'engine_order': only a rule whose 'when' is an 'all' can give "
        "the order of its parts"
    ) in str(raised.value)
