"""A lab result given only as a bound ("<2.5 mmol/L"): the answers carry it as ``below``/``above``,
never as the value; the rules read a bound at or past a limit as a result past that limit, with the
thresholds of the value rules, and a bound that places the result nowhere is not used, with a
warning. And a magnesium test is not advised, nor offered as an order, when a current magnesium
result is in the record."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cds_support import ELEANOR, PRIYA, cds_client, hook_request, of_patient, prefetch_for, searchset
from screener.cli.main import app
from typer.testing import CliRunner

RULES = Path(__file__).resolve().parent.parent / "rules"
MAGNESIUM_TEST = "for a magnesium blood test"  # "Consider asking your clinician ...", or "Ask ..." beside a PPI


def screened(screener: Any, **labs: dict[str, Any]) -> dict[str, Any]:
    """A 72-year-old man on furosemide with these results."""
    entry: dict[str, Any] = screener.screen_entry({"age": 72, "sex": "male", "medications": ["furosemide 40 mg"], "labs": labs})
    return entry


def texts(entry: dict[str, Any]) -> str:
    return " ".join(item["text"] for item in entry["recommendations"])


# -- bounds in the answers and the rules ---------------------------------------------------------


def test_man_on_furosemide_whose_potassium_is_below_2_5_is_an_emergency_with_a_likely_potassium_depletion(screener: Any) -> None:
    entry = screened(screener, potassium={"below": 2.5, "unit": "mmol/L", "taken": "last_7_days"})
    assert (entry["potassium_depletion"], entry["urgency"]) == ("likely", "emergency")
    assert {"low_k_lab_from_bound", "potassium_bound_extreme_recent"} <= {finding["rule"] for finding in entry["findings"]}
    assert entry["labs_used"] == [
        {"lab": "potassium", "below": 2.5, "unit": "mmol/L", "taken": "last_7_days", "mmol_per_l": 2.5, "used": True}
    ]


def test_man_on_furosemide_whose_potassium_is_below_4_0_is_not_read_as_a_normal_4_0_that_caps_his_levels(screener: Any) -> None:
    entry = screened(screener, potassium={"below": 4.0, "unit": "mmol/L", "taken": "last_7_days"})
    normal = screened(screener, potassium={"value": 4.0, "unit": "mmol/L", "taken": "last_7_days"})
    assert normal["potassium_depletion"] == "unlikely"  # a normal value caps it
    assert entry["potassium_depletion"] != "unlikely"
    assert entry["labs_used"][0]["used"] is False
    assert entry["warnings"] == [
        "The potassium result was given only as below or above a number that does not tell whether it is low, normal or "
        "high, so it was not used: ask the lab or your clinician for the value."
    ]


def test_magnesium_below_1_2_mg_per_dl_is_converted_as_a_value_is_and_read_as_severely_low(screener: Any) -> None:
    entry = screened(screener, magnesium={"below": 1.2, "unit": "mg/dL", "taken": "last_7_days"})
    assert entry["labs_used"][0]["mmol_per_l"] == 0.49
    assert entry["magnesium_depletion"] == "likely"
    assert entry["urgency"] == "urgent"  # severely low magnesium: a clinician today
    assert {"low_mg_lab_from_bound", "severe_low_mg_lab_from_bound"} <= {finding["rule"] for finding in entry["findings"]}


def test_potassium_above_6_5_meq_per_l_is_an_emergency_and_a_reason_against_potassium_supplements(screener: Any) -> None:
    entry = screened(screener, potassium={"above": 6.5, "unit": "mEq/L"})
    assert entry["urgency"] == "emergency"
    assert "high_k_lab_from_bound" in {finding["rule"] for finding in entry["findings"]}


def test_man_on_furosemide_whose_potassium_was_below_3_0_months_ago_is_asked_to_recheck_within_days(screener: Any) -> None:
    entry = screened(screener, potassium={"below": 3.0, "unit": "mmol/L", "taken": "older"})
    assert entry["urgency"] == "soon"
    assert {"older_result_below_range", "soon_older_result_markedly_low"} <= {finding["rule"] for finding in entry["findings"]}
    assert "low_k_lab_from_bound" not in {finding["rule"] for finding in entry["findings"]}  # not used for the levels


def test_a_batch_file_with_a_bound_screens_it_and_refuses_a_lab_with_two_numbers(tmp_path: Path) -> None:
    records = tmp_path / "people.jsonl"
    records.write_text(
        json.dumps({"id": "wanda", "labs": {"potassium": {"below": 2.5, "unit": "mmol/L", "taken": "last_7_days"}}}) + "\n"
        + json.dumps({"id": "both", "labs": {"potassium": {"below": 2.5, "value": 2.4, "unit": "mmol/L"}}}) + "\n",
        "utf-8",
    )
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(records), "-o", str(out)])
    wanda, both = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert (wanda["status"], wanda["urgency"]) == ("screened", "emergency")
    assert both["status"] == "invalid"
    assert both["errors"][0]["path"] == "$.labs.potassium"
    assert "give exactly one of value, below" in both["errors"][0]["message"]
    assert done.exit_code != 0  # one invalid record


def leaves(condition: dict[str, Any]) -> list[dict[str, Any]]:
    for key in ("all", "any"):
        if key in condition:
            return [leaf for part in condition[key] for leaf in leaves(part)]
    return [condition]


def thresholds(rule: dict[str, Any], fact_part: str) -> list[float]:
    return sorted(
        next(value for op, value in leaf.items() if op in ("lt", "lte", "gt", "gte"))
        for leaf in leaves(rule["when"])
        if fact_part in leaf.get("fact", "") and any(op in leaf for op in ("lt", "lte", "gt", "gte"))
    )


@pytest.mark.parametrize(
    ("bound_rule", "value_rule", "file"),
    [
        ("low_k_lab_from_bound", "low_k_lab", "derived_facts"),
        ("low_k_on_digoxin_from_bound", "low_k_on_digoxin", "derived_facts"),
        ("high_k_lab_from_bound", "high_k_lab", "derived_facts"),
        ("low_mg_lab_from_bound", "low_mg_lab", "derived_facts"),
        ("severe_low_mg_lab_from_bound", "severe_low_mg_lab", "derived_facts"),
        ("high_mg_lab_from_bound", "high_mg_lab", "derived_facts"),
        ("potassium_bound_extreme_recent", "potassium_extreme_recent", "urgency"),
        ("magnesium_bound_extreme_recent", "magnesium_extreme_recent", "urgency"),
        ("magnesium_bound_very_high", "magnesium_very_high", "urgency"),
        ("potassium_bound_high_repeat_within_days", "potassium_high_repeat_within_days", "urgency"),
        ("potassium_bound_mildly_high_recheck", "potassium_mildly_high_recheck", "urgency"),
    ],
)
def test_each_bound_rule_uses_a_threshold_of_the_value_rule_it_stands_beside(bound_rule: str, value_rule: str, file: str) -> None:
    rules = {rule["id"]: rule for rule in json.loads((RULES / f"{file}.json").read_text("utf-8"))["rules"]}
    bound = rules[bound_rule]
    value = rules[value_rule]
    # The bound's numbers are among the value rule's limits, and its "taken" test is the value rule's.
    assert set(thresholds(bound, "_mmol_per_l")) <= set(thresholds(value, ".mmol_per_l"))
    taken = [leaf for leaf in leaves(bound["when"]) if leaf.get("fact", "").endswith(".taken")]
    assert taken == [leaf for leaf in leaves(value["when"]) if leaf.get("fact", "").endswith(".taken")]


# -- no magnesium test advised when a current result is in the record ------------------------------


def test_woman_with_a_normal_magnesium_this_week_is_not_advised_to_ask_for_a_magnesium_test(screener: Any) -> None:
    answers = {"age": 70, "sex": "female", "medications": ["omeprazole", "furosemide"], "ppi_over_3_months": "yes",
               "labs": {"magnesium": {"value": 2.0, "unit": "mg/dL", "taken": "last_7_days"}}}
    entry = screener.screen_entry(answers)
    assert entry["magnesium_depletion"] in ("possible", "likely")
    assert MAGNESIUM_TEST not in texts(entry)
    answers["labs"]["magnesium"]["taken"] = "older"  # a result of months ago is not used: the test is advised
    assert MAGNESIUM_TEST in texts(screener.screen_entry(answers))


# -- CDS Hooks ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Any:
    return cds_client()


def priya_with(client: Any, change: dict[str, Any], code: str = "2823-3") -> dict[str, Any]:
    """Priya's record with Eleanor's potassium result, changed, as her most recent one."""
    prefetch = prefetch_for(PRIYA)
    result = copy.deepcopy(next(r for r in of_patient(ELEANOR) if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "2823-3"))
    result.update(id="lab-1", subject={"reference": f"Patient/{PRIYA}"}, effectiveDateTime="2025-06-28T08:00:00+00:00")
    result["code"] = {"coding": [{"system": "http://loinc.org", "code": code}]}
    result["valueQuantity"].update(change)
    prefetch["labResults"] = searchset([result])
    response = client.post("/cds-services/patient-view", json=hook_request("patient-view", PRIYA, prefetch))
    assert response.status_code == 200, response.text
    [card] = response.json()["cards"]
    card_: dict[str, Any] = card
    return card_


def test_priya_with_a_potassium_below_2_5_gets_a_critical_card_that_counts_the_result_as_in_the_record(client: Any) -> None:
    card = priya_with(client, {"comparator": "<", "value": 2.5})
    assert card["indicator"] == "critical"
    assert "urgency emergency" in card["summary"]
    assert "blood test results" not in card["detail"]


def test_priya_with_a_low_magnesium_two_days_ago_is_not_offered_an_order_for_another_magnesium_test(client: Any) -> None:
    card = priya_with(client, {"value": 1.5, "unit": "mg/dL", "code": "mg/dL"}, code="19123-9")
    assert "magnesium depletion likely" in card["detail"]
    assert "suggestions" not in card
    assert MAGNESIUM_TEST not in card["detail"]
