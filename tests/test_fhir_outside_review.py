"""FHIR that an outside reviewer wrote (2026-11-30): semantics of the data the screen must honour,
not only its shape. A proposal or a plan is not a medicine taken; a deleted or superseded
version of a result is not a result; a diagnosis the record marks unconfirmed is named."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from screener.fhir.records import screen_record_entry
from screener.screening.pipeline import Screener

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
OURS = "https://mgk-screen.example/fhir/CodeSystem/answers"
PATIENT = {"reference": "Patient/p1"}


@pytest.fixture(scope="module")
def on_the_day(screener: Any) -> Screener:
    return Screener(screener.ruleset, as_of=date(2026, 11, 30))


def patient() -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1950-03-04"}


def request(identity: str, name: str, intent: str | None, **more: Any) -> dict[str, Any]:
    resource = {
        "resourceType": "MedicationRequest",
        "id": identity,
        "status": "active",
        "subject": PATIENT,
        "medicationCodeableConcept": {"text": name},
        **more,
    }
    if intent is not None:
        resource["intent"] = intent
    return resource


def potassium(identity: str, value: float, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": identity,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "2823-3"}]},
        "subject": PATIENT,
        "effectiveDateTime": "2026-11-28",
        "valueQuantity": {"value": value, "unit": "mmol/L", "system": UCUM, "code": "mmol/L"},
        **more,
    }


def kidney_disease(verification: str | None) -> dict[str, Any]:
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "id": "ckd",
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
        "code": {"coding": [{"system": SNOMED, "code": "709044004", "display": "Chronic kidney disease"}]},
        "subject": PATIENT,
    }
    if verification is not None:
        condition["verificationStatus"] = {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": verification}]
        }
    return condition


def bundle(*entries: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": list(entries)}


def entry(resource: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    return {**({"resource": resource} if resource is not None else {}), **more}


def screened(on_the_day: Screener, value: dict[str, Any]) -> dict[str, Any]:
    result = screen_record_entry(on_the_day, value)
    assert result["status"] == "screened", result
    return result


def named(result: dict[str, Any], *words: str) -> list[str]:
    return [warning for warning in result["warnings"] if all(word in warning for word in words)]


# -- 1. MedicationRequest intent -----------------------------------------------------------------


def test_a_woman_whose_record_proposes_furosemide_and_plans_hydrochlorothiazide_is_not_screened_as_taking_both(
    on_the_day: Screener,
) -> None:
    """A CDS suggestion (proposal) and a plan are not orders: nobody is taking either medicine,
    so the strongest drug cause (a loop and a thiazide together) must not fire."""
    result = screened(on_the_day, bundle(
        entry(patient()),
        entry(request("r1", "furosemide 40 mg tablet", "proposal")),
        entry(request("r2", "hydrochlorothiazide 25 mg tablet", "plan")),
    ))
    assert "dual_diuretic" not in {finding["rule"] for finding in result.get("findings", [])}
    assert result["urgency"] != "soon"
    assert len(named(result, "MedicationRequest/r1", "'proposal'", "not an order", "$.entry[1].resource.intent", "not counted")) == 1
    assert len(named(result, "MedicationRequest/r2", "'plan'", "not an order", "not counted")) == 1


def test_a_woman_with_the_same_two_medicines_ordered_is_screened_as_taking_both(on_the_day: Screener) -> None:
    for intent in ("order", "original-order", "reflex-order", "filler-order", "instance-order"):
        result = screened(on_the_day, bundle(
            entry(patient()),
            entry(request("r1", "furosemide 40 mg tablet", intent)),
            entry(request("r2", "hydrochlorothiazide 25 mg tablet", "order")),
        ))
        assert result["urgency"] == "soon", intent
        assert not named(result, "not an order")


def test_a_medicine_she_reports_taking_recorded_as_a_plan_counts_as_us_core_records_it(on_the_day: Screener) -> None:
    """US Core's example MedicationRequest 'self-tylenol' is intent plan with reportedBoolean:
    a medicine the patient reports taking. That still counts; an unreported plan does not."""
    reported = screened(on_the_day, bundle(
        entry(patient()),
        entry(request("r1", "furosemide 40 mg tablet", "order")),
        entry(request("r2", "hydrochlorothiazide 25 mg tablet", "plan", reportedBoolean=True)),
    ))
    assert reported["urgency"] == "soon" and not named(reported, "not an order")
    option = screened(on_the_day, bundle(entry(patient()), entry(request("r2", "hydrochlorothiazide 25 mg tablet", "option", reportedBoolean=True))))
    assert named(option, "'option'", "not an order")


def test_a_record_holding_only_proposals_leaves_the_medicine_question_open_rather_than_none(on_the_day: Screener) -> None:
    from screener.fhir.ehr import Located
    from screener.fhir.mapping import fhir_context
    from screener.fhir.records import PatientResources, convert

    record = PatientResources("p1", (Located(patient(), "$"), Located(request("r1", "furosemide 40 mg tablet", "proposal"), "$.x")))
    assert fhir_context(on_the_day.ruleset)
    assert "medications" not in convert(record, on_the_day).answers


def test_which_intents_count_is_data_in_the_fhir_mapping() -> None:
    import json
    from importlib import resources

    data = json.loads(resources.files("screener.rules").joinpath("fhir.json").read_text("utf-8"))
    assert data["medication_request_intents"]["counted"] == ["order", "original-order", "reflex-order", "filler-order", "instance-order"]
    assert data["condition_verification_named"]["codes"] == ["unconfirmed", "provisional", "differential"]


# -- 2. history, transaction and batch Bundles ---------------------------------------------------


def test_a_deleted_potassium_of_2_4_in_a_history_bundle_gives_no_emergency(on_the_day: Screener) -> None:
    result = screened(on_the_day, bundle(
        entry(patient(), fullUrl="urn:uuid:Patient-p1"),
        entry(potassium("k1", 2.4), fullUrl="urn:uuid:Observation-k1", request={"method": "DELETE", "url": "Observation/k1"}),
        kind="history",
    ))
    assert result["urgency"] != "emergency"
    assert result["potassium_depletion"] != "likely"
    assert len(named(result, "1 entry of this Bundle deletes its resource", "DELETE", "$.entry[1]", "not read")) == 1


@pytest.mark.parametrize("kind", ["transaction", "batch"])
def test_a_delete_in_a_transaction_or_batch_is_not_read(on_the_day: Screener, kind: str) -> None:
    result = screened(on_the_day, bundle(
        entry(patient(), request={"method": "PUT", "url": "Patient/p1"}),
        entry(potassium("k1", 2.4), request={"method": "DELETE", "url": "Observation/k1"}),
        kind=kind,
    ))
    assert result["urgency"] != "emergency" and named(result, "DELETE", "not read")


def test_a_history_whose_latest_version_of_a_result_is_its_deletion_reads_no_older_version(on_the_day: Screener) -> None:
    """Newest first, as the FHIR spec sorts a history: the deletion (no resource) names the
    result by its request URL, and the older version of 2.4 is not read."""
    result = screened(on_the_day, bundle(
        entry(patient()),
        entry(request={"method": "DELETE", "url": "Observation/k1"}, response={"status": "204", "etag": 'W/"2"'}),
        entry(potassium("k1", 2.4, meta={"versionId": "1"}), request={"method": "PUT", "url": "Observation/k1"}),
        kind="history",
    ))
    assert result["urgency"] != "emergency"
    assert named(result, "1 older version", "only the latest version of each resource counts")


def test_only_the_latest_version_of_a_corrected_result_counts_by_version_id_whatever_the_order(on_the_day: Screener) -> None:
    """A potassium first entered as 2.4, corrected to 4.2 (version 2). Listed oldest first here,
    against the spec's order: meta.versionId decides."""
    first = potassium("k1", 2.4, meta={"versionId": "1", "lastUpdated": "2026-11-28T10:00:00Z"})
    second = potassium("k1", 4.2, meta={"versionId": "2", "lastUpdated": "2026-11-28T11:00:00Z"})
    for entries in ([first, second], [second, first]):
        result = screened(on_the_day, bundle(entry(patient()), *(entry(copy.deepcopy(one), request={"method": "PUT", "url": "Observation/k1"}) for one in entries), kind="history"))
        assert result["urgency"] != "emergency"
        assert result["labs_used"][0]["value"] == 4.2
    by_time = [potassium("k1", 2.4, meta={"lastUpdated": "2026-11-28T10:00:00Z"}), potassium("k1", 4.2, meta={"lastUpdated": "2026-11-28T11:00:00+00:00"})]
    result = screened(on_the_day, bundle(entry(patient()), *(entry(one) for one in by_time), kind="history"))
    assert result["labs_used"][0]["value"] == 4.2


def test_a_collection_bundle_keeps_reading_every_entry(on_the_day: Screener) -> None:
    """Versions are only told apart in a history Bundle: elsewhere two results are two results."""
    result = screened(on_the_day, bundle(entry(patient()), entry(potassium("k1", 2.4)), kind="collection"))
    assert result["urgency"] == "emergency"


# -- 3. Condition verification status --------------------------------------------------------------


@pytest.mark.parametrize("status", ["provisional", "differential", "unconfirmed"])
def test_a_woman_with_kidney_disease_marked_unconfirmed_keeps_the_kidney_caution_and_is_told_why(on_the_day: Screener, status: str) -> None:
    result = screened(on_the_day, bundle(entry(patient()), entry(kidney_disease(status))))
    confirmed = screened(on_the_day, bundle(entry(patient()), entry(kidney_disease("confirmed"))))
    assert result["recommendations"] == confirmed["recommendations"]
    said = named(result, "Condition/ckd", "chronic kidney disease", "counted although the record marks it", status, "verificationStatus")
    assert len(said) == 1
    assert not named(confirmed, "counted although")


@pytest.mark.parametrize("status", ["refuted", "entered-in-error"])
def test_kidney_disease_ruled_out_still_does_not_count(on_the_day: Screener, status: str) -> None:
    result = screened(on_the_day, bundle(entry(patient()), entry(kidney_disease(status))))
    confirmed = screened(on_the_day, bundle(entry(patient()), entry(kidney_disease(None))))
    assert result["recommendations"] != confirmed["recommendations"]
    assert not named(result, "counted although")


# -- 5 and 6. QuestionnaireResponses from other form engines ---------------------------------------

ANSWERS = {
    "id": "qr1",
    "red_flags_now": [],
    "age": 72,
    "sex": "female",
    "medications": ["Lasix 40mg"],
    "labs": {"potassium": {"value": 3.1, "unit": "mmol/L"}, "magnesium": {"value": 1.5, "unit": "mg/dL"}},
}


def response(on_the_day: Screener) -> dict[str, Any]:
    from screener.fhir.mapping import fhir_context
    from screener.fhir.response import answers_to_response

    return answers_to_response({key: value for key, value in ANSWERS.items() if key != "id"}, fhir_context(on_the_day.ruleset)) | {"id": "qr1"}


def item(found: dict[str, Any], link_id: str) -> dict[str, Any]:
    return next(one for one in found["item"] if one["linkId"] == link_id)


def test_a_response_whose_questions_a_form_engine_wrapped_in_groups_screens_as_the_flat_one(on_the_day: Screener) -> None:
    flat = response(on_the_day)
    grouped = {**flat, "item": [{"linkId": "page1", "text": "About you", "item": flat["item"][:3]}, {"linkId": "group2", "item": [{"linkId": "inner", "item": flat["item"][3:]}]}]}
    expected = screened(on_the_day, flat)
    assert screened(on_the_day, grouped) == expected


def test_a_group_with_an_answer_of_its_own_is_still_an_unknown_question(on_the_day: Screener) -> None:
    flat = response(on_the_day)
    odd = {**flat, "item": [*flat["item"], {"linkId": "group1", "answer": [{"valueString": "x"}], "item": [{"linkId": "inner"}]}]}
    result = screen_record_entry(on_the_day, odd)
    assert result["status"] == "invalid"
    assert any("unknown question 'group1'" in error["message"] for error in result["errors"])


def test_age_sent_as_the_decimal_72_0_is_read_as_72_and_72_5_is_refused_clearly(on_the_day: Screener) -> None:
    flat = response(on_the_day)
    decimal = copy.deepcopy(flat)
    item(decimal, "age")["answer"] = [{"valueDecimal": 72.0}]
    assert screened(on_the_day, decimal) == screened(on_the_day, flat)
    item(decimal, "age")["answer"] = [{"valueDecimal": 72.5}]
    result = screen_record_entry(on_the_day, decimal)
    assert result["status"] == "invalid"
    assert any("expects a whole number: a valueInteger; got valueDecimal 72.5" in error["message"] for error in result["errors"])


def test_a_choice_coded_with_only_a_display_names_the_question_and_the_missing_code(on_the_day: Screener) -> None:
    """Read by code only (a display is for people): the message says so, and which code the
    display belongs to, never a garbled 'has no answer |None'."""
    found = copy.deepcopy(response(on_the_day))
    item(found, "red_flags_now")["answer"] = [{"valueCoding": {"display": "None of these"}}]
    result = screen_record_entry(on_the_day, found)
    assert result["status"] == "invalid"
    (message,) = [error["message"] for error in result["errors"] if "red_flags_now" in error["message"]]
    assert "None" not in message.replace("'None of these'", "")
    assert "the valueCoding has no code (only the display 'None of these')" in message
    assert "'None of these' is the display of code 'none'" in message and "chest_pain" in message
    item(found, "red_flags_now")["answer"] = [{"valueCoding": {"display": "Something else"}}]
    (message,) = [error["message"] for error in screen_record_entry(on_the_day, found)["errors"] if "red_flags_now" in error["message"]]
    assert "has no code (only the display 'Something else')" in message and "is the display of" not in message


# -- 7. a bulk-data export's log ---------------------------------------------------------------------

EXPORT_LOG_LINES = [
    {"exportId": "export-100", "timestamp": "2024-08-06T14:11:57.560606-04:00", "eventId": "kickoff",
     "eventDetail": {"exportUrl": "https://example.com/fhir/Group/sample-100/$export"}},
    {"exportId": "export-100", "timestamp": "2024-08-06T14:12:57.779320-04:00", "eventId": "status_complete",
     "eventDetail": {"transactionTime": "2024-08-06T18:12:57Z"}},
    {"exportId": "export-100", "timestamp": "2024-08-06T14:12:58.124336-04:00", "eventId": "export_complete",
     "eventDetail": {"files": 0, "resources": 0, "bytes": 0, "attachments": None, "duration": 563}},
]


def test_an_export_folder_with_its_log_screens_its_patients_and_names_the_log_once(tmp_path: Any) -> None:
    """The SMART bulk-data client writes log.ndjson beside every export: it is named in one line
    as an export log, not patient data, never as answers with four unknown fields a line. Like
    any other file that holds no records (FHIR XML), it makes the exit status 3; the export's
    patients are screened."""
    import json

    from screener.cli.main import app
    from typer.testing import CliRunner

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "log.ndjson").write_text("\n".join(json.dumps(line) for line in EXPORT_LOG_LINES) + "\n", "utf-8")
    (folder / "Patient.000.ndjson").write_text(json.dumps(patient()) + "\n", "utf-8")
    (folder / "Observation.000.ndjson").write_text(json.dumps(potassium("k1", 3.1)) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(folder), "--as-of", "2026-11-30", "-o", str(out)])
    assert done.exit_code == 3, done.output
    assert "unknown field" not in done.output
    assert len([line for line in done.output.splitlines() if "log.ndjson" in line]) == 1
    assert "a bulk-data export log" in done.output and "not patient data: not read" in done.output
    (entry,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert entry["status"] == "screened" and entry["id"] == "p1"
    (folder / "log.ndjson").unlink()
    assert CliRunner().invoke(app, ["batch", str(folder), "--as-of", "2026-11-30", "-o", str(out)]).exit_code == 0


def test_an_export_whose_server_could_not_export_everything_says_so_once_and_screens_the_rest(tmp_path: Any) -> None:
    """A bulk-data export lists an error file of OperationOutcome lines when the server could not
    export everything (an Observation file it failed to write): the patients' screens may then lack
    their results, so the file is named once, with what its first outcome says, and not passed over
    as a resource kind we do not read. The export's patients are still screened (exit 3, as for the
    log). A single OperationOutcome given alone is named the same way, not as "an empty array"."""
    import json

    from screener.cli.main import app
    from typer.testing import CliRunner

    outcome = {"resourceType": "OperationOutcome",
               "issue": [{"severity": "error", "code": "processing", "diagnostics": "Observation export failed: timeout"}]}
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "OperationOutcome.000.ndjson").write_text((json.dumps(outcome) + "\n") * 2, "utf-8")
    (folder / "Patient.000.ndjson").write_text(json.dumps(patient()) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    done = CliRunner().invoke(app, ["batch", str(folder), "--as-of", "2026-11-30", "-o", str(out)])
    assert done.exit_code == 3, done.output
    named = [line for line in done.output.splitlines() if "OperationOutcome.000.ndjson" in line]
    assert len(named) == 1 and "'Observation export failed: timeout'" in named[0]
    assert "could not export everything" in named[0] and "not patient data" in named[0]
    (entry,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert entry["status"] == "screened" and entry["id"] == "p1"
    alone = tmp_path / "outcome.json"
    alone.write_text(json.dumps(outcome), "utf-8")
    said = CliRunner().invoke(app, ["validate", str(alone)])
    assert "an OperationOutcome, a FHIR server's report of a problem" in said.output
    assert "empty array" not in said.output
