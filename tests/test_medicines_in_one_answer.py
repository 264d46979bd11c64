"""Verify-6 F3: one medicine answer that lists several medicines ("Water Tablet, ramipril", as a
form's free-text answer or a pasted list writes them) is read as each of them, through every door,
and no part of it is dropped without a word: a kind of medicine answers its question, an unknown
name is named in a warning and counted as a medicine not read, as each would be written alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from screener import Screener
from screener.headline import Headline

# Verify-6 probe g2: 71, cramps, potassium 4.3 this week, the water pill question left blank.
GRAHAM = {
    "id": "graham", "age": 71, "sex": "male", "medications": ["Water Tablet, ramipril"],
    "symptoms": ["muscle_cramps"], "diarrhea": {"present": False}, "vomiting": {"present": False},
    "laxative_use": "none", "labs": {"potassium": {"value": 4.3, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def _levels(result: Any) -> tuple[str, ...]:
    return (result.magnesium_depletion, result.potassium_depletion, result.combined_depletion, result.urgency)


def test_graham_s_water_tablet_typed_beside_ramipril_counts_as_if_listed_on_its_own(screener: Screener) -> None:
    one_answer = screener.screen(GRAHAM)
    two_entries = screener.screen(GRAHAM | {"medications": ["Water Tablet", "ramipril"]})
    assert _levels(one_answer) == _levels(two_entries)
    assert one_answer.magnesium_depletion == "possible" and one_answer.urgency == "routine"
    (said,) = [w for w in one_answer.warnings if "names no medicine, only a kind of one" in w]
    assert said.startswith("medication 'Water Tablet' names no medicine")


@pytest.mark.parametrize(
    "written",
    ["Water Tablet, ramipril", "ramipril; water tablet", "ramipril and a water tablet", "ramipril + water pill",
     "ramipril\nwater tablet", "ramipril/water tablet", "ramipril 5mg od, water tablet in the morning"],
)  # fmt: skip
def test_graham_s_water_tablet_is_read_whatever_separates_it_from_ramipril(screener: Screener, written: str) -> None:
    result = screener.screen(GRAHAM | {"medications": [written]})
    assert result.magnesium_depletion == "possible" and result.urgency == "routine"
    assert any("names no medicine, only a kind of one" in w for w in result.warnings)


def test_an_unknown_name_typed_beside_ramipril_is_named_as_if_listed_on_its_own(screener: Screener) -> None:
    one_answer = screener.screen(GRAHAM | {"medications": ["Zoravex 20mg, ramipril"]})
    two_entries = screener.screen(GRAHAM | {"medications": ["Zoravex 20mg", "ramipril"]})
    assert _levels(one_answer) == _levels(two_entries)
    assert Headline.of(one_answer).text() == Headline.of(two_entries).text()
    assert [entry.input for entry in one_answer.medications_recognised] == ["Zoravex 20mg", "ramipril"]
    assert any("Zoravex" in w and "not recognised" in w for w in one_answer.warnings)


@pytest.mark.parametrize(
    ("written", "drugs"),
    [("co-amilofruse 5/40", {"amiloride", "furosemide"}), ("losartan/HCTZ", {"losartan", "hydrochlorothiazide"}),
     ("water tablet (furosemide)", {"furosemide"}), ("Lasix 40mg, twice a day", {"furosemide"})],
)  # fmt: skip
def test_a_combination_product_or_a_name_with_its_dose_stays_one_medicine(
    screener: Screener, written: str, drugs: set[str]
) -> None:
    result = screener.screen(GRAHAM | {"medications": [written, "ramipril"]})
    listed = [entry for entry in result.medications_recognised if entry.input == written]
    assert len(listed) == 1 and {drug.generic for drug in listed[0].matches} == drugs
    assert not any("only a kind of one" in w or "not recognised" in w for w in result.warnings)


def test_a_part_of_dose_or_form_words_stays_with_the_medicine_before_it(screener: Screener) -> None:
    vocabulary = screener.ruleset.vocabulary
    assert vocabulary.items("Zoravex 20/40mg; ramipril") == ("Zoravex 20/40mg", "ramipril")
    assert vocabulary.items("co-amilofruse 5/40") == ("co-amilofruse 5/40",)
    assert vocabulary.items("Water Tablet, ramipril and Zoravex") == ("Water Tablet", "ramipril", "Zoravex")


def test_graham_s_form_export_cell_is_read_as_two_medicines(tmp_path: Path) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    sheet = tmp_path / "form.csv"
    sheet.write_text(
        "id,age,sex,medications,symptoms,diarrhea.present,vomiting.present,laxative_use,"
        "labs.potassium.value,labs.potassium.unit,labs.potassium.taken\n"
        'graham,71,male,"Water Tablet, ramipril",muscle_cramps,no,no,none,4.3,mmol/L,last_7_days\n',
        "utf-8",
    )
    out = tmp_path / "out.jsonl"
    run = CliRunner().invoke(app, ["batch", str(sheet), "-o", str(out), "--detail", "full"])
    assert run.exit_code == 0, run.output
    (graham,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert graham["magnesium_depletion"] == "possible" and graham["urgency"] == "routine"
    assert any("'Water Tablet' names no medicine" in w for w in graham["warnings"])


def test_graham_s_record_with_one_medication_text_naming_two_is_read_as_two(tmp_path: Path) -> None:
    from screener.cli.main import app
    from typer.testing import CliRunner

    patient = {"resourceType": "Patient", "id": "graham", "gender": "male", "birthDate": "1955-03-01"}
    statement = {
        "resourceType": "MedicationStatement", "id": "ms1", "status": "active", "subject": {"reference": "Patient/graham"},
        "medicationCodeableConcept": {"text": "Zoravex 20mg, ramipril"},
    }  # fmt: skip
    record = tmp_path / "graham.json"
    record.write_text(
        json.dumps(
            {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": patient}, {"resource": statement}]}
        )
    )
    out = tmp_path / "out.jsonl"
    run = CliRunner().invoke(app, ["batch", str(record), "-o", str(out), "--detail", "full"])
    assert run.exit_code == 0, run.output
    (graham,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [entry["input"] for entry in graham["medications_recognised"]] == ["Zoravex 20mg", "ramipril"]
    assert any("Zoravex" in w for w in graham["warnings"])
