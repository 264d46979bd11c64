"""HL7 FHIR in and out: the questionnaire for any form renderer, responses and EHR data in,
risk assessments out.

- ``build_questionnaire(context, "R4" | "R5")``: our questionnaire as an SDC Questionnaire.
- ``response_to_answers`` / ``answers_to_response``: a QuestionnaireResponse to answers and back.
- ``patient_to_answers``: one patient's EHR resources (Patient, medicines, K and Mg results,
  conditions) to answers, on a reference date.
- ``bundle_records``: which resources make one record; ``check_record`` /
  ``screen_record_entry`` / ``record_answers``: validation, screening and the answers of any
  record read from a file (FHIR converted first; the screener itself reads answers only).
- ``risk_assessment`` / ``fhir_output``: a result as a RiskAssessment (an invalid record as an
  OperationOutcome).
- ``fhir_context(ruleset)``: what all of these need from a rule folder (questionnaire, mapping
  ``rules/fhir.json``, medication vocabulary), loaded once.

Nothing here needs the optional ``fhir.resources`` package except ``validate_resource``
(``screener.fhir.models``): install it with pip install '.[fhir]' from the clone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screener.lazy import lazy_exports

if TYPE_CHECKING:
    from screener.fhir.conversion import Conversion
    from screener.fhir.ehr import Located, patient_to_answers
    from screener.fhir.mapping import FhirContext, FhirMapping, fhir_context, load_mapping
    from screener.fhir.models import MissingExtraError, validate_resource
    from screener.fhir.questionnaire import FHIR_VERSIONS, FhirVersion, build_questionnaire
    from screener.fhir.records import (
        FhirResultEntry,
        PatientResources,
        bundle_records,
        check_fhir_record,
        check_record,
        convert,
        is_fhir,
        record_answers,
        screen_fhir_entry,
        screen_fhir_record,
        screen_record,
        screen_record_entry,
    )
    from screener.fhir.response import answers_to_response, response_to_answers
    from screener.fhir.risk import fhir_output, operation_outcome, risk_assessment

__all__ = [
    "FHIR_VERSIONS",
    "Conversion",
    "FhirContext",
    "FhirMapping",
    "FhirResultEntry",
    "FhirVersion",
    "Located",
    "MissingExtraError",
    "PatientResources",
    "answers_to_response",
    "build_questionnaire",
    "bundle_records",
    "check_fhir_record",
    "check_record",
    "convert",
    "fhir_context",
    "fhir_output",
    "is_fhir",
    "load_mapping",
    "operation_outcome",
    "patient_to_answers",
    "record_answers",
    "response_to_answers",
    "risk_assessment",
    "screen_fhir_entry",
    "screen_fhir_record",
    "screen_record",
    "screen_record_entry",
    "validate_resource",
]

# Each name is imported on first use: importing one module of this package (``screener.fhir.records``
# for ``mgk-screen screen``) does not load the others (the questionnaire, RiskAssessments, ...).
_LAZY = {
    "Conversion": "screener.fhir.conversion",
    "FHIR_VERSIONS": "screener.fhir.questionnaire",
    "FhirContext": "screener.fhir.mapping",
    "FhirMapping": "screener.fhir.mapping",
    "FhirResultEntry": "screener.fhir.records",
    "FhirVersion": "screener.fhir.questionnaire",
    "Located": "screener.fhir.ehr",
    "MissingExtraError": "screener.fhir.models",
    "PatientResources": "screener.fhir.records",
    "answers_to_response": "screener.fhir.response",
    "build_questionnaire": "screener.fhir.questionnaire",
    "bundle_records": "screener.fhir.records",
    "check_fhir_record": "screener.fhir.records",
    "check_record": "screener.fhir.records",
    "convert": "screener.fhir.records",
    "fhir_context": "screener.fhir.mapping",
    "fhir_output": "screener.fhir.risk",
    "is_fhir": "screener.fhir.records",
    "load_mapping": "screener.fhir.mapping",
    "operation_outcome": "screener.fhir.risk",
    "patient_to_answers": "screener.fhir.ehr",
    "record_answers": "screener.fhir.records",
    "response_to_answers": "screener.fhir.response",
    "risk_assessment": "screener.fhir.risk",
    "screen_fhir_entry": "screener.fhir.records",
    "screen_fhir_record": "screener.fhir.records",
    "screen_record": "screener.fhir.records",
    "screen_record_entry": "screener.fhir.records",
    "validate_resource": "screener.fhir.models",
}


# Imported on first use (PEP 562): `mgk-screen --help` and a module of the package used alone do not
# load what these names need.
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
