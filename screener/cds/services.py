"""The CDS Services we offer, as discovery describes them: ``patient-view`` and ``order-select``,
each with its prefetch templates (the codes and statuses asked for come from ``rules/fhir.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.fhir.mapping import FhirContext

PATIENT_VIEW = "patient-view"
ORDER_SELECT = "order-select"
#: The token of a prefetch template that the EHR (or ``HookCall.query``) fills with the patient's id.
PATIENT_TOKEN = "{{context.patientId}}"


@dataclass(frozen=True)
class Service:
    """One CDS Service as discovery describes it."""

    id: str
    hook: str
    title: str
    description: str
    prefetch: Mapping[str, str]

    def discovery(self) -> dict[str, Any]:
        return {"hook": self.hook, "title": self.title, "description": self.description, "id": self.id, "prefetch": dict(self.prefetch)}


#: A prefetch key added after the first services were published: an EHR registered with the
#: services before it may not send it, and its absence, with no fhirServer to read it from, is
#: said on the card rather than refused (412), since the screen stands without it (the pregnancy
#: question is then named as not answered).
OPTIONAL_KEYS = ("pregnancyStatus",)


def prefetch_templates(context: FhirContext) -> dict[str, str]:
    """What every service asks the EHR to prefetch: the patient, their current medicines, their
    potassium and magnesium results (every LOINC code the mapping reads), their conditions and
    their pregnancy status Observations (the codes of ``pregnancy`` in the mapping; a Condition of
    pregnancy comes with the conditions)."""
    mapping = context.mapping
    labs = ",".join(f"{coding['system']}|{coding['code']}" for lab in mapping.labs for coding in mapping.lab_codes_read(lab))
    pregnancy = ",".join(f"{coding['system']}|{coding['code']}" for coding in mapping.pregnancy["codes"])
    current = {kind: ",".join(sorted(statuses)) for kind, statuses in mapping.current_statuses.items()}
    return {
        "patient": f"Patient/{PATIENT_TOKEN}",
        "medicationRequests": f"MedicationRequest?patient={PATIENT_TOKEN}&status={current['MedicationRequest']}",
        "medicationStatements": f"MedicationStatement?patient={PATIENT_TOKEN}&status={current['MedicationStatement']}",
        # Newest first, so that a search cut short (too many pages) keeps the recent results; a
        # server that ignores _sort is read the same way (the most recent result is still chosen by date).
        "labResults": f"Observation?patient={PATIENT_TOKEN}&code={labs}&_sort=-date",
        "conditions": f"Condition?patient={PATIENT_TOKEN}",
        # Newest first too: the newest pregnancy status decides.
        "pregnancyStatus": f"Observation?patient={PATIENT_TOKEN}&code={pregnancy}&_sort=-date",
    }


def services(context: FhirContext) -> dict[str, Service]:
    """The CDS Services of this server, by id."""
    templates = prefetch_templates(context)
    described = (
        Service(
            PATIENT_VIEW,
            PATIENT_VIEW,
            "Magnesium and potassium depletion screen",
            "When a patient's chart is opened: screens the record (age, sex, current medicines, potassium and magnesium "
            "results, conditions, pregnancy status) for combined magnesium and potassium depletion, says how soon to act and why, and "
            "suggests a magnesium test when the rules find magnesium depletion possible or likely. A screen, not a diagnosis.",
            templates,
        ),
        Service(
            ORDER_SELECT,
            ORDER_SELECT,
            "Magnesium and potassium depletion screen for the orders being placed",
            "When medicines are ordered: screens the record with the medicines being ordered counted as taken, so a new "
            "diuretic or a medicine that affects the heart's rhythm can raise the screen, and says what the order changes. "
            "A screen, not a diagnosis.",
            templates,
        ),
    )
    return {service.id: service for service in described}

