"""A potassium measured on a blood-gas analyser (venous or arterial whole blood, as in an emergency
department) is the same measurement as a laboratory's serum potassium for screening: LOINC groups
them together and notes good agreement between arterial, venous and serum results (LOINC group
LG7931-1). So these codes are read from EHR data too (``also_read`` in rules/fhir.json), while the
questionnaire and a suggested test keep the laboratory's own codes. A finger-prick (capillary)
potassium is not read: such samples are often falsely high from haemolysis, which would reassure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from screener.cds.services import prefetch_templates
from screener.errors import RulesError
from screener.fhir import Located, fhir_context, patient_to_answers
from screener.fhir.conversion import Conversion
from screener.fhir.mapping import mapping_from_data
from screener.fhir.questionnaire import build_questionnaire
from screener.fhir.records import screen_record_entry
from screener.screening.pipeline import Screener

AS_OF = date(2025, 3, 14)
LOINC = "http://loinc.org"
PATIENT = {"reference": "Patient/ed1"}
RULES = Path(__file__).resolve().parent.parent / "rules"


def potassium(ident: str, code: str, display: str, value: float, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": ident,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "subject": PATIENT,
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"},
    }


VENOUS = ("39789-3", "Potassium [Moles/volume] in Venous blood")
ARTERIAL = ("32713-0", "Potassium [Moles/volume] in Arterial blood")
ANY_SAMPLE = ("77142-8", "Potassium [Moles/volume] in Serum, Plasma or Blood")
SERUM = ("2823-3", "Potassium [Moles/volume] in Serum or Plasma")
CAPILLARY = ("39790-1", "Potassium [Moles/volume] in Capillary blood")


@pytest.fixture(scope="module")
def context(screener: Any) -> Any:
    return fhir_context(screener.ruleset)


def read(context: Any, *resources: dict[str, Any]) -> Conversion:
    located = [Located(resource, f"$.entry[{index}].resource") for index, resource in enumerate(resources)]
    out = patient_to_answers(located, context, AS_OF, "ed1")
    assert out.problems == []
    return out


@pytest.mark.parametrize("code", [VENOUS, ARTERIAL, ANY_SAMPLE], ids=["venous", "arterial", "serum-plasma-or-blood"])
def test_a_blood_gas_potassium_is_read_as_the_potassium_result(context: Any, code: tuple[str, str]) -> None:
    out = read(context, potassium("k1", *code, 2.6, "2025-03-13T22:40:00Z"))
    assert out.answers["labs"]["potassium"] == {"value": 2.6, "unit": "mmol/L", "taken": "last_7_days"}


def test_a_vomiting_man_on_furosemide_whose_only_potassium_is_a_venous_blood_gas_of_2_6_is_urgent(screener: Any) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": resource}
            for resource in (
                {"resourceType": "Patient", "id": "ed1", "gender": "male", "birthDate": "1958-06-02"},
                {"resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order", "subject": PATIENT,
                 "medicationCodeableConcept": {"text": "furosemide 40 mg tablet"}},
                potassium("vbg", *VENOUS, 2.6, "2025-03-13T22:40:00Z"),
            )
        ],
    }
    entry = screen_record_entry(Screener(screener.ruleset, as_of=AS_OF), bundle)
    assert entry["status"] == "screened"
    assert entry["labs_used"][0]["mmol_per_l"] == 2.6 and entry["labs_used"][0]["used"] is True
    assert entry["potassium_depletion"] == "likely"
    assert entry["urgency"] in ("urgent", "emergency")


def test_the_newer_of_a_serum_and_a_venous_potassium_is_used(context: Any) -> None:
    out = read(
        context,
        potassium("lab", *SERUM, 4.1, "2025-03-10T08:00:00Z"),
        potassium("vbg", *VENOUS, 2.9, "2025-03-13T22:40:00Z"),
    )
    assert out.answers["labs"]["potassium"]["value"] == 2.9


def test_a_finger_prick_potassium_is_not_read(context: Any) -> None:
    out = read(context, potassium("cap", *CAPILLARY, 5.8, "2025-03-13T22:40:00Z"))
    assert "labs" not in out.answers


def test_the_questionnaire_item_keeps_the_laboratory_codes_only(screener: Any) -> None:
    def items(within: dict[str, Any]) -> Any:
        for item in within.get("item", []):
            yield item
            yield from items(item)

    questionnaire = build_questionnaire(fhir_context(screener.ruleset), "R4")
    asked = next(item for item in items(questionnaire) if item["linkId"] == "lab_potassium")
    assert [coding["code"] for coding in asked["code"]] == ["2823-3", "6298-4"]


def test_the_cds_hooks_lab_search_asks_for_every_code_read(context: Any) -> None:
    search = prefetch_templates(context)["labResults"]
    for code in ("2823-3", "6298-4", "77142-8", "39789-3", "32713-0", "2601-3", "19123-9"):
        assert f"{LOINC}|{code}" in search
    assert "39790-1" not in search


def test_a_code_listed_under_two_labs_is_refused_when_the_mapping_loads(context: Any) -> None:
    data = json.loads((RULES / "fhir.json").read_text("utf-8"))
    data["labs"]["magnesium"]["also_read"] = [{"system": LOINC, "code": "39789-3", "display": "Potassium [Moles/volume] in Venous blood"}]
    with pytest.raises(RulesError, match=r"labs\.magnesium\.also_read\[0\]: http://loinc\.org\|39789-3 is listed already, under labs\.potassium"):
        mapping_from_data(data, context.questionnaire, "rules/fhir.json")
