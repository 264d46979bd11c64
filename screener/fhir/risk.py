"""Results as FHIR: one RiskAssessment per screened person, one OperationOutcome per record not screened.

A RiskAssessment says what the screen says, in screening terms: the prediction's outcome is
"combined magnesium and potassium depletion" (and its two components), its ``qualitativeRisk``
the level (likely / possible / unlikely, coded as high / moderate / low on HL7's risk-probability
scale), ``mitigation`` the recommendations, the notes the red flags, the urgency, the risk
factors, what was not answered, every warning (a medicine not recognised, a lab result not used)
and the disclaimer, ``method`` the ruleset (name, version and SHA-256), ``occurrenceDateTime``
the date the screen stands at (the ``--as-of`` reference date when one was given, else the day
of the run), and ``basis`` the resources the answers were read from when the input was FHIR.

Its ``id`` names this assessment, not the person (``subject`` names the person; one patient may
be in several inputs): a UUID made from where the record was read (source and position), its
record id, the ruleset and the date, so that a run's output is the same byte for byte whatever
the number of workers, and running it again the same day gives the same ids.

Built from a batch entry (plain JSON data), so writing them costs no validation; tests validate
them against the R4 (R4B) and R5 models.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from screener.fhir.ehr import DECEASED
from screener.fhir.mapping import LEVEL_FIELDS, FhirContext


def fhir_output(
    entry: Mapping[str, Any], context: FhirContext, *, as_of: date | None = None, run_date: date | None = None
) -> dict[str, Any]:
    """The FHIR resource for one batch entry: a RiskAssessment, or an OperationOutcome when it was
    not screened. ``as_of``: the reference date the EHR data were read on, when one was given;
    ``run_date``: the day of the run (today when not given; a batch fixes it once per run)."""
    if entry.get("status") == "invalid":
        return operation_outcome(entry)
    return risk_assessment(entry, context, as_of=as_of, run_date=run_date)


def risk_assessment(
    entry: Mapping[str, Any], context: FhirContext, *, as_of: date | None = None, run_date: date | None = None
) -> dict[str, Any]:
    """A RiskAssessment (R4, valid in R5 too) for one screened entry."""
    mapping = context.mapping
    spec = mapping.risk_assessment
    record_id = str(entry["id"])
    assessed_on = (as_of or run_date or date.today()).isoformat()
    identifier = {"system": mapping.record_id_system, "value": record_id}
    resource: dict[str, Any] = {"resourceType": "RiskAssessment"}
    resource["id"] = assessment_id(entry, mapping.canonical_base, assessed_on)
    resource["identifier"] = [identifier]
    resource["status"] = "final"
    resource["code"] = {"text": "mgk-screen screen for combined magnesium and potassium depletion"}
    subject = getattr(entry, "subject", None)
    resource["subject"] = subject if subject else {"identifier": identifier, "display": f"respondent {record_id}"}
    resource["occurrenceDateTime"] = assessed_on
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
    resource["note"] = _notes(entry, as_of)
    return resource


def assessment_id(entry: Mapping[str, Any], canonical_base: str, assessed_on: str) -> str:
    """The RiskAssessment's id: the same for the same record (where it was read and its id),
    screened with the same rules at the same date; different for every other entry of a run."""
    ruleset = entry.get("ruleset") or {}
    name = "\n".join(
        str(part) for part in (entry.get("source"), entry.get("position"), entry.get("id"), ruleset.get("sha256"), assessed_on)
    )
    return str(uuid.uuid5(_namespace(canonical_base), name))


@functools.cache
def _namespace(canonical_base: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{canonical_base}/RiskAssessment")


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


def _notes(entry: Mapping[str, Any], as_of: date | None) -> list[dict[str, str]]:
    """Red flags first, then urgency, then why and what is missing, every warning, the disclaimer last."""
    texts = []
    red_flags = entry.get("red_flags") or []
    if red_flags:
        texts.append("Red flags: " + _readable(red_flags))
    urgency_text = entry.get("urgency_text")  # "see a clinician within days": a phrase, not a sentence
    texts.append(f"Urgency: {entry['urgency']} ({urgency_text})." if urgency_text else f"Urgency: {entry['urgency']}.")
    risk_factors = entry.get("risk_factors") or []
    if risk_factors:
        texts.append("Risk factors: " + _readable(risk_factors) + ".")
    coverage = entry.get("coverage")
    if coverage is not None:
        texts.append(f"Coverage of the screen's core sections: {coverage}.")
    unanswered = entry.get("unanswered_sections") or []
    if unanswered:
        texts.append("Not answered: " + _readable(unanswered) + ".")
    if as_of is not None:
        texts.append(f"Reference date: {as_of.isoformat()} (given with --as-of; from EHR data, ages and how recent each result is are worked out as on that day).")
    texts += [f"Warning: {_sentence(str(warning))}" for warning in entry.get("warnings") or []]
    texts.append(str(entry["disclaimer"]))
    return [{"text": text} for text in texts]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _readable(codes: Any) -> str:
    return ", ".join(str(code).replace("_", " ") for code in codes)


def operation_outcome(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An OperationOutcome for a record that was not screened: every error, with where it is. A
    patient recorded as deceased is an issue of severity "information" (not screened by a rule of
    the screener, the data are not wrong); anything else is an error in the input."""
    where = f"{entry.get('source') or 'input'} record {entry.get('position')} (id {entry.get('id')})"
    return {
        "resourceType": "OperationOutcome",
        "issue": [_issue(where, error) for error in entry.get("errors") or [{"path": "$", "message": "not screened"}]],
    }


def _issue(where: str, error: Mapping[str, Any]) -> dict[str, Any]:
    diagnostics = f"{where}: {error['path']}: {error['message']}"
    if _is_deceased(error):
        return {
            "severity": "information",
            "code": "business-rule",
            "details": {"text": "Not screened: the patient is recorded as deceased."},
            "diagnostics": diagnostics,
        }
    return {"severity": "error", "code": "invalid", "diagnostics": diagnostics}


def _is_deceased(error: Mapping[str, Any]) -> bool:
    """The problem ``screener.fhir.ehr`` gives a patient recorded as deceased (not screened on
    purpose: said as such, not as an error in the data)."""
    return error.get("message") == DECEASED
