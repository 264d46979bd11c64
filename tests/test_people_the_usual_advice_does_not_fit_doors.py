"""The advice for people the usual advice does not fit reaches them by every door: the terminal,
the printable report (which is also the web page's result), the web's JSON API and the CDS card
a clinician sees in the EHR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from result_support import flat
from screener.cli.main import app as cli
from typer.testing import CliRunner
from web_support import new_client

from screener.cds.calls import HookCall
from screener.cds.cards import CardWriter
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.fhir import fhir_context
from screener.interview import Questionnaire
from screener.reports.words import Words

#: Each person, and words of the advice written for them (as the terminal wraps nothing in --plain).
PEOPLE = {
    "young_woman_with_anorexia": (
        {"age": 19, "sex": "female", "conditions": ["eating_disorder"], "medications": ["none"], "symptoms": ["muscle_weakness"]},
        "especially phosphate in the blood can fall fast",
    ),
    "five_year_old_vomiting": (
        {"age": 5, "vomiting": {"present": True, "days": 2, "episodes_per_day": 6, "cannot_keep_fluids_down": False}},
        "your GP or NHS 111",
    ),
    "woman_with_kidney_disease_on_maalox": (
        {
            "age": 79,
            "sex": "female",
            "conditions": ["chronic_kidney_disease"],
            "medications": ["Maalox 10ml four times a day", "Milk of Magnesia 30ml at night"],
            "labs": {"magnesium": {"value": 1.6, "unit": "mmol/L", "taken": "last_7_days"}},
        },
        "some phosphate binders contain magnesium",
    ),
}


def answers_file(tmp_path: Path, person: str) -> Path:
    path = tmp_path / f"{person}.json"
    path.write_text(json.dumps({"id": person, **PEOPLE[person][0]}), "utf-8")
    return path


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_the_terminal_shows_the_advice(person: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["screen", str(answers_file(tmp_path, person)), "--plain"])
    assert result.exit_code == 0, result.output
    assert PEOPLE[person][1] in flat(result.output)


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_the_report_and_so_the_web_result_page_shows_the_advice(person: str, tmp_path: Path) -> None:
    out = tmp_path / f"{person}.html"
    result = CliRunner().invoke(cli, ["report", str(answers_file(tmp_path, person)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert PEOPLE[person][1] in flat(out.read_text("utf-8"))


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_the_web_api_gives_the_advice(person: str) -> None:
    response = new_client().post("/api/v1/screen", json=PEOPLE[person][0])
    assert response.status_code == 200
    assert any(PEOPLE[person][1] in advice["text"] for advice in response.json()["recommendations"])


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_the_cds_card_shows_the_clinician_the_advice_given(person: str, screener: Any) -> None:
    writer = CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))
    answers = PEOPLE[person][0]
    call = HookCall(services(writer.context)["patient-view"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened(answers, screener.screen_entry(answers)))
    assert PEOPLE[person][1] in flat(card["detail"])
