"""The questionnaire as an SDC Questionnaire: generated from the data, valid FHIR R4 (R4B models)
and R5, with the codes, units, limits, help and skip logic a form renderer needs."""

from __future__ import annotations

import copy
import json
import re
import sys
from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner

from screener.errors import RulesError
from screener.extras import install_command
from screener.fhir import FhirContext, build_questionnaire, fhir_context, validate_resource
from screener.fhir.expressions import medicine_class_pattern, names_of_class
from screener.fhir.mapping import ENABLE_WHEN_EXPRESSION, ITEM_CONTROL, OPTION_EXCLUSIVE, UNIT_OPTION, mapping_from_data
from screener.screening.ruleset import Ruleset

LOINC = "http://loinc.org"


@pytest.fixture(scope="module")
def context(screener: Any) -> FhirContext:
    ruleset: Ruleset = screener.ruleset
    return fhir_context(ruleset)


@pytest.fixture(scope="module")
def r4(context: FhirContext) -> dict[str, Any]:
    return build_questionnaire(context, "R4")


def item(questionnaire: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(entry for entry in questionnaire["item"] if entry["linkId"] == link_id)


def extension(entry: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [ext for ext in entry.get("extension", []) if ext["url"] == url]


@pytest.mark.parametrize("version", ["R4", "R5"])
def test_the_exported_questionnaire_validates_against_the_fhir_models(context: FhirContext, version: str) -> None:
    validate_resource(build_questionnaire(context, version), version)  # type: ignore[arg-type]


#: The questions each version of the questionnaire asks, as a digest of its exported items. A form
#: server keeps Questionnaires by version: one version must always mean the same questions.
QUESTIONS_OF_VERSION = {"2": "790e13dcf5adadde", "3": "6bed9e2b5593591a", "4": "8e87178ce64b2df5", "5": "633fe477bff6c805", "6": "c09b3bf4c1ff2b71", "7": "c09b3bf4c1ff2b71"}


def questions_of(items: list[dict[str, Any]]) -> list[Any]:
    """What makes the questions: ids, wording, types, answer codes and skip logic (not the
    medicine names of an enableWhenExpression, which grow with the vocabulary)."""
    return [
        [
            item["linkId"], item.get("text"), item["type"], item.get("repeats"),
            [(option.get("valueCoding") or option).get("code") for option in item.get("answerOption", [])],
            item.get("enableWhen"), questions_of(item.get("item", [])),
        ]
        for item in items
    ]


def test_a_questionnaire_version_always_means_the_same_questions(r4: dict[str, Any]) -> None:
    """When the questions change (a question, its wording, a choice, a skip rule), the version in
    rules/questionnaire.json changes with them: bump it and pin the new digest here."""
    import hashlib

    digest = hashlib.sha256(json.dumps(questions_of(r4["item"]), sort_keys=True).encode()).hexdigest()[:16]
    assert QUESTIONS_OF_VERSION.get(r4["version"]) == digest, (
        f"the questions changed (digest {digest}) but the questionnaire's version is still {r4['version']!r}: "
        "bump 'version' in rules/questionnaire.json and pin the new digest in QUESTIONS_OF_VERSION"
    )


def test_every_question_is_an_item_whose_link_id_is_its_id_in_the_questionnaire(context: FhirContext, r4: dict[str, Any]) -> None:
    questions = [entry["linkId"] for entry in r4["item"] if entry["type"] != "display"]
    assert questions == [question.id for question in context.questionnaire.items]


def test_r4_uses_choice_types_and_r5_codings_with_an_answer_constraint(context: FhirContext, r4: dict[str, Any]) -> None:
    r5 = build_questionnaire(context, "R5")
    assert item(r4, "sex")["type"] == "choice" and item(r4, "medications")["type"] == "open-choice"
    assert {entry["type"] for entry in r5["item"]} <= {"coding", "integer", "decimal", "quantity", "display"}
    assert item(r5, "sex")["answerConstraint"] == "optionsOnly"
    assert item(r5, "medications")["answerConstraint"] == "optionsOrString"


def test_a_multiple_choice_repeats_and_its_none_of_these_is_exclusive(r4: dict[str, Any]) -> None:
    symptoms = item(r4, "symptoms")
    assert symptoms["repeats"] is True
    none = symptoms["answerOption"][-1]
    assert none["valueCoding"]["code"] == "none" and none["valueCoding"]["display"] == "None of these"
    assert extension(none, OPTION_EXCLUSIVE) == [{"url": OPTION_EXCLUSIVE, "valueBoolean": True}]
    assert all(not extension(option, OPTION_EXCLUSIVE) for option in symptoms["answerOption"][:-1])


def test_the_audit_c_questions_and_answers_carry_their_loinc_codes_and_scores(r4: dict[str, Any]) -> None:
    expected = {
        "alcohol_frequency": ("68518-0", ["LA6270-8", "LA18926-8", "LA18927-6", "LA18928-4", "LA18929-2"]),
        "alcohol_quantity": ("68519-8", ["LA15694-5", "LA15695-2", "LA18930-0", "LA18931-8", "LA18932-6"]),
        "alcohol_binge": ("68520-6", ["LA6270-8", "LA18933-4", "LA18876-5", "LA18891-4", "LA18934-2"]),
    }
    for link_id, (code, answers) in expected.items():
        entry = item(r4, link_id)
        assert entry["code"][0]["system"] == LOINC and entry["code"][0]["code"] == code
        assert [option["valueCoding"]["code"] for option in entry["answerOption"]] == answers
        assert [option["extension"][0]["valueDecimal"] for option in entry["answerOption"]] == [0, 1, 2, 3, 4]


def test_lab_results_carry_loinc_codes_and_offer_ucum_units(r4: dict[str, Any]) -> None:
    potassium, magnesium = item(r4, "lab_potassium"), item(r4, "lab_magnesium")
    assert potassium["type"] == "quantity" and [c["code"] for c in potassium["code"]] == ["2823-3", "6298-4"]
    assert [c["code"] for c in magnesium["code"]] == ["2601-3", "19123-9"]
    units = [ext["valueCoding"] for ext in extension(magnesium, UNIT_OPTION)]
    assert [(u["system"], u["code"]) for u in units] == [("http://unitsofmeasure.org", c) for c in ("mmol/L", "meq/L", "mg/dL")]


def test_numbers_carry_their_limits_and_an_example_as_placeholder(r4: dict[str, Any]) -> None:
    age = item(r4, "age")
    assert {ext["url"].rsplit("/", 1)[1]: ext.get("valueInteger", ext.get("valueString")) for ext in age["extension"]} == {
        "minValue": 0,
        "maxValue": 120,
        "entryFormat": "e.g. 45",
    }


def test_every_question_has_its_help_text_as_a_help_display_item(context: FhirContext, r4: dict[str, Any]) -> None:
    for question in context.questionnaire.items:
        (help_item,) = item(r4, question.id)["item"]
        assert help_item["type"] == "display" and help_item["text"] == (question.form_help or question.help)
        assert extension(help_item, ITEM_CONTROL)[0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_not_equals_needs_an_answer_in_fhir_too_so_it_adds_exists_with_behavior_all(r4: dict[str, Any]) -> None:
    quantity = item(r4, "alcohol_quantity")
    assert quantity["enableBehavior"] == "all"
    assert [(c["operator"], c.get("answerBoolean", c.get("answerCoding", {}).get("code"))) for c in quantity["enableWhen"]] == [
        ("exists", True),
        ("!=", "LA6270-8"),
    ]


def test_a_choice_among_values_is_any_of_them(r4: dict[str, Any]) -> None:
    laxative_type = item(r4, "laxative_type")
    assert laxative_type["enableBehavior"] == "any"
    assert [c["answerCoding"]["code"] for c in laxative_type["enableWhen"]] == ["occasional", "regular"]


def test_a_medicine_class_condition_is_an_enable_when_expression_instead_of_enable_when(r4: dict[str, Any]) -> None:
    ppi = item(r4, "ppi_over_3_months")
    assert "enableWhen" not in ppi
    (expression,) = extension(ppi, ENABLE_WHEN_EXPRESSION)
    text = expression["valueExpression"]["expression"]
    assert expression["valueExpression"]["language"] == "text/fhirpath"
    assert "linkId='medications'" in text and "omeprazole" in text and "nexium" in text
    low_k = item(r4, "low_potassium_despite_supplements")
    assert "enableWhen" not in low_k
    assert " or " in extension(low_k, ENABLE_WHEN_EXPRESSION)[0]["valueExpression"]["expression"]


def test_the_emergency_advice_shows_as_soon_as_any_red_flag_is_ticked(context: FhirContext, r4: dict[str, Any]) -> None:
    advice = item(r4, "red_flags_now-emergency")
    assert advice["type"] == "display" and advice["text"] == context.questionnaire.emergency_advice
    assert advice["enableBehavior"] == "any" and len(advice["enableWhen"]) == 6


@pytest.mark.parametrize("drug_class", ["proton_pump_inhibitor", "potassium_supplement", "loop_diuretic", "thiazide_diuretic"])
def test_the_medicine_class_pattern_agrees_with_the_matcher_on_every_name_in_the_vocabulary(
    context: FhirContext, drug_class: str
) -> None:
    pattern = re.compile(medicine_class_pattern(context, drug_class))
    data = context.vocabulary_data
    every_name = [n for d in data["drugs"] for n in (d["generic"], *d.get("brands", ()), *d.get("other_names", ()))]
    every_name += [n for product in data["combinations"] for n in product["names"]]
    disagreements = [
        name
        for name in every_name
        if bool(pattern.search(name.lower())) != (drug_class in context.vocabulary.match(name).classes)
    ]
    assert disagreements == []
    assert names_of_class(context, drug_class)


@pytest.mark.parametrize(
    ("entry", "takes_potassium"),
    [
        ("Klor-Con 20 mEq twice daily", True),
        ("potassium", True),
        ("Lasix 40 mg, potassium", True),
        ("losartan potassium 50 mg", False),
        ("potassium chloride 20 mEq", True),
        ("hydrochlorothiazide 25 mg", False),
    ],
)
def test_potassium_after_a_drug_name_is_its_salt_not_a_supplement_in_the_form_too(
    context: FhirContext, entry: str, takes_potassium: bool
) -> None:
    pattern = re.compile(medicine_class_pattern(context, "potassium_supplement"))
    assert bool(pattern.search(entry.lower())) is takes_potassium
    assert ("potassium_supplement" in context.vocabulary.match(entry).classes) is takes_potassium


def test_a_mapping_naming_an_unknown_condition_is_refused_with_the_nearest_name(context: FhirContext) -> None:
    from importlib import resources

    data = json.loads(resources.files("screener.rules").joinpath("fhir.json").read_text("utf-8"))
    broken = copy.deepcopy(data)
    broken["conditions"]["kidney_disease"] = broken["conditions"].pop("chronic_kidney_disease")
    broken["item_codes"]["alcohol_frequncy"] = broken["item_codes"].pop("alcohol_frequency")
    with pytest.raises(RulesError) as raised:
        mapping_from_data(broken, context.questionnaire, "rules/fhir.json")
    message = str(raised.value)
    assert "rules/fhir.json: conditions: 'kidney_disease' is not a condition" in message
    assert "did you mean 'chronic_kidney_disease'?" in message
    assert "unknown item 'alcohol_frequncy' (did you mean 'alcohol_frequency'?)" in message


def test_the_command_writes_the_questionnaire_to_a_file(tmp_path: Any) -> None:
    out = tmp_path / "questionnaire.json"
    done = CliRunner().invoke(app, ["fhir", "questionnaire", "-o", str(out), "--version", "R5"])
    assert done.exit_code == 0, done.output
    written = json.loads(out.read_text("utf-8"))
    assert written["resourceType"] == "Questionnaire" and item(written, "sex")["type"] == "coding"


def test_without_the_fhir_extra_the_command_says_how_to_install_it_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.questionnaire", None)
    done = CliRunner().invoke(app, ["fhir", "questionnaire"])
    assert done.exit_code == 2
    assert done.output.strip() == (
        "mgk-screen: exporting the FHIR R4 Questionnaire (mgk-screen fhir questionnaire) needs the optional 'fhir' extra "
        f"(fhir.resources is not installed): {install_command('fhir')}"
    )
