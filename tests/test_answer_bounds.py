"""Numbers no person could truly give are refused in every door, as `ask` refuses them: a file,
a sheet or an API call is held to the questionnaire's own limits, and the message names the path.

The limits live twice, on purpose: in the questionnaire (what `ask` and the web page accept) and
in the published answers schema (what files are checked against). These tests keep them equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from screener.cli.main import app as cli
from typer.testing import CliRunner

from screener.contract.validation import load_schema
from screener.interview import Questionnaire

SCHEMA = load_schema("answers.schema.json")


def _schema_at(path: str) -> dict[str, Any]:
    """The schema of the (non-null) value at a dotted answers path."""
    node: dict[str, Any] = SCHEMA
    for name in path.split("."):
        node = _resolved(node)["properties"][name]
    return _resolved(node)


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    while True:
        if "$ref" in node:
            node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            node = next(option for option in node["anyOf"] if option.get("type") != "null")
        else:
            return node


BOUNDED_ITEMS = [item for item in Questionnaire.load().items if item.maximum is not None]


def test_every_numeric_question_has_a_maximum_the_schema_shares() -> None:
    assert {item.field for item in BOUNDED_ITEMS} >= {
        "age",
        "alcohol.drinks_per_week",
        "diarrhea.days",
        "diarrhea.stools_per_day",
        "vomiting.days",
        "vomiting.episodes_per_day",
        "diet.fruit_veg_servings",
    }


@pytest.mark.parametrize("item", BOUNDED_ITEMS, ids=lambda item: item.field)
def test_the_questionnaire_and_the_published_schema_agree_on_each_limit(item: Any) -> None:
    schema = _schema_at(item.field)
    assert schema.get("maximum") == item.maximum
    assert schema.get("minimum") == item.minimum


def test_a_file_with_impossible_numbers_is_refused_naming_each_path(tmp_path: Path) -> None:
    # 1e35 drinks a week, diarrhea for 274 years, a million stools a day: typing slips, which
    # used to be screened as a record-breaking loss ("possible, see a clinician soon").
    source = tmp_path / "slips.json"
    source.write_text(
        json.dumps({"id": "slips", "alcohol": {"drinks_per_week": 1e35}, "diarrhea": {"present": True, "days": 100000, "stools_per_day": 999999}}),
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["validate", str(source)])
    assert run.exit_code == 3, run.output
    for line in (
        "$.alcohol.drinks_per_week: must be at most 500, got 1e+35",
        "$.diarrhea.days: must be at most 3650, got 100000",
        "$.diarrhea.stools_per_day: must be at most 100, got 999999",
    ):
        assert line in run.output


def test_the_largest_answer_ask_accepts_is_still_valid_in_a_file(tmp_path: Path) -> None:
    source = tmp_path / "limits.json"
    source.write_text(
        json.dumps({"alcohol": {"drinks_per_week": 500}, "vomiting": {"present": True, "days": 3650, "episodes_per_day": 100}}),
        encoding="utf-8",
    )
    run = CliRunner().invoke(cli, ["validate", str(source)])
    assert run.exit_code == 0, run.output
