"""Results as FHIR: one RiskAssessment per screened person, one OperationOutcome per invalid record.

A RiskAssessment says what the screen says, in screening terms: the prediction's outcome is
"combined magnesium and potassium depletion" (and its two components), its ``qualitativeRisk``
the level (likely / possible / unlikely, coded as high / moderate / low on HL7's risk-probability
scale), ``mitigation`` the recommendations, the notes the urgency, the red flags and the
disclaimer, ``method`` the ruleset (name, version and SHA-256), and ``basis`` the resources the
answers were read from when the input was FHIR. Built from a batch entry (plain JSON data), so
writing them costs no validation; tests validate them against the R4 model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screener.fhir.mapping import LEVEL_FIELDS, FhirContext

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def fhir_output(entry: Mapping[str, Any], context: FhirContext) -> dict[str, Any]:
    """The FHIR resource for one batch entry: a RiskAssessment, or an OperationOutcome when invalid."""
    if entry.get("status") == "invalid":
        return operation_outcome(entry)
    return risk_assessment(entry, context)


def risk_assessment(entry: Mapping[str, Any], context: FhirContext) -> dict[str, Any]:
    """A RiskAssessment (R4) for one screened entry."""
    mapping = context.mapping
    spec = mapping.risk_assessment
    record_id = str(entry["id"])
    identifier = {"system": mapping.record_id_system, "value": record_id}
    resource: dict[str, Any] = {"resourceType": "RiskAssessment"}
    if _FHIR_ID.match(record_id):
        resource["id"] = record_id
    resource["identifier"] = [identifier]
    resource["status"] = "final"
    resource["code"] = {"text": "mgk-screen screen for combined magnesium and potassium depletion"}
    subject = getattr(entry, "subject", None)
    resource["subject"] = subject if subject else {"identifier": identifier, "display": f"respondent {record_id}"}
    ruleset = entry["ruleset"]
    resource["method"] = {
        "coding": [
            {
                "system": mapping.ruleset_system,
                "version": ruleset["version"],
                "code": ruleset["name"],
                "display": f"{ruleset['name']} {ruleset['version']}",
            }
        ],
        "text": f"mgk-screen rules '{ruleset['name']}' version {ruleset['version']}, SHA-256 {ruleset['sha256']}",
    }
    basis = getattr(entry, "basis", None)
    if basis:
        resource["basis"] = list(basis)
    resource["prediction"] = [_prediction(name, entry[name], spec, mapping.answer_system) for name in LEVEL_FIELDS]
    recommendations = entry.get("recommendations") or []
    if recommendations:
        resource["mitigation"] = "\n".join(f"- {item['text']}" for item in recommendations)
    resource["note"] = _notes(entry)
    return resource


def _prediction(name: str, level: str, spec: Mapping[str, Any], answer_system: str) -> dict[str, Any]:
    outcome_spec = spec["outcomes"][name]
    outcome: dict[str, Any] = {"coding": [{"system": answer_system, "code": name, "display": outcome_spec["text"]}]}
    if "code" in outcome_spec:
        outcome["coding"].append(
            {"system": outcome_spec["system"], "code": outcome_spec["code"], "display": outcome_spec.get("display", outcome_spec["text"])}
        )
    outcome["text"] = outcome_spec["text"]
    risk: dict[str, Any] = {"coding": [], "text": level}
    if level in spec["levels"]:
        risk["coding"].append({"system": spec["probability_system"], "code": spec["levels"][level]})
    risk["coding"].append({"system": answer_system, "code": level, "display": level})
    return {"outcome": outcome, "qualitativeRisk": risk}


def _notes(entry: Mapping[str, Any]) -> list[dict[str, str]]:
    notes = []
    red_flags = entry.get("red_flags") or []
    if red_flags:
        notes.append({"text": "Red flags: " + ", ".join(str(flag).replace("_", " ") for flag in red_flags)})
    urgency_text = entry.get("urgency_text")  # "see a clinician within days": a phrase, not a sentence
    notes.append({"text": f"Urgency: {entry['urgency']} ({urgency_text})." if urgency_text else f"Urgency: {entry['urgency']}."})
    coverage = entry.get("coverage")
    unanswered = entry.get("unanswered_sections") or []
    if coverage is not None:
        notes.append({"text": f"Coverage of the screen's core sections: {coverage}."})
    if unanswered:
        notes.append({"text": "Not answered: " + ", ".join(str(name).replace("_", " ") for name in unanswered) + "."})
    notes.append({"text": str(entry["disclaimer"])})
    return notes


def operation_outcome(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An OperationOutcome for a record that could not be screened: every error, with where it is."""
    where = f"{entry.get('source') or 'input'} record {entry.get('position')} (id {entry.get('id')})"
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "invalid",
                "diagnostics": f"{where}: {error['path']}: {error['message']}",
            }
            for error in entry.get("errors") or [{"path": "$", "message": "not screened"}]
        ],
    }
