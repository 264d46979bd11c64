"""Reading a hook call: ``read_call(service, body)`` gives the call checked (``HookCall``), or a
``HookError`` (400) naming every problem with its JSON path. A prefetched Patient, or an access
token restricted to a patient (``fhirAuthorization.patient``), that is not the call's patient is
refused: screening another person's record is the worst mistake a screen can make.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.cds.errors import HookError
from screener.cds.services import ORDER_SELECT, PATIENT_TOKEN, Service
from screener.contract.validation import Problem
from screener.fhir.client import base_url_problem

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


@dataclass(frozen=True)
class HookCall:
    """A hook request, checked."""

    service: Service
    hook_instance: str
    patient_id: str
    prefetch: Mapping[str, Any]
    fhir_server: str | None = None
    access_token: str | None = None
    draft_orders: Mapping[str, Any] | None = None
    selections: tuple[str, ...] = ()

    def query(self, key: str) -> str:
        """A prefetch template of this service with its token filled in (the id is a checked FHIR id)."""
        return self.service.prefetch[key].replace(PATIENT_TOKEN, self.patient_id)


def read_call(service: Service, body: Any) -> HookCall:
    """The hook call a request body makes, or a ``HookError`` (400) naming every problem."""
    if not isinstance(body, dict):
        raise HookError(400, "invalid_request", "a CDS Hooks request is a JSON object", [Problem("$", "expected an object")])
    problems: list[Problem] = []

    def text(value: Any, path: str) -> str | None:
        if isinstance(value, str) and value:
            return value
        problems.append(Problem(path, "required: a non-empty string" if value is None else "expected a non-empty string"))
        return None

    hook = text(body.get("hook"), "$.hook")
    if hook is not None and hook != service.hook:
        problems.append(Problem("$.hook", f"this service ({service.id}) answers the {service.hook} hook, not {hook!r}"))
    hook_instance = text(body.get("hookInstance"), "$.hookInstance")
    context = body.get("context")
    patient_id = None
    if not isinstance(context, dict):
        problems.append(Problem("$.context", "required: an object"))
        context = {}
    else:
        patient_id = text(context.get("patientId"), "$.context.patientId")
        if patient_id is not None and not _FHIR_ID.match(patient_id):
            problems.append(Problem("$.context.patientId", "not a FHIR id (1 to 64 letters, digits, '-' and '.')"))
    prefetch = _prefetch(body.get("prefetch"), service, problems)
    _same_patient(prefetch, patient_id, problems)
    server, token = _server(body, problems)
    _token_patient(body.get("fhirAuthorization"), patient_id, problems)
    orders, selections = _orders(context, service, problems)
    if problems:
        raise HookError(400, "invalid_request", f"the request to {service.id} is not a valid CDS Hooks call", problems)
    assert hook_instance is not None and patient_id is not None
    return HookCall(service, hook_instance, patient_id, prefetch, server, token, orders, selections)


def _prefetch(value: Any, service: Service, problems: list[Problem]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem("$.prefetch", "expected an object: the prefetch keys of the service and their resources"))
        return {}
    for key, item in value.items():
        if key in service.prefetch and item is not None and not (isinstance(item, dict) and isinstance(item.get("resourceType"), str)):
            problems.append(Problem(f"$.prefetch.{key}", "expected a FHIR resource (an object with a resourceType) or null"))
    return {key: item for key, item in value.items() if key in service.prefetch}


def _same_patient(prefetch: Mapping[str, Any], patient_id: str | None, problems: list[Problem]) -> None:
    """A prefetched Patient must be the patient of the call: screening another person's record
    would put their result on this chart."""
    patient = prefetch.get("patient")
    if patient_id is None or not isinstance(patient, dict) or patient.get("resourceType") != "Patient":
        return
    if patient.get("id") != patient_id:
        problems.append(
            Problem("$.prefetch.patient.id", f"the prefetched Patient is {patient.get('id')!r}, not the patient of the call ({patient_id!r}): not screened")
        )


def _server(body: Mapping[str, Any], problems: list[Problem]) -> tuple[str | None, str | None]:
    server = body.get("fhirServer")
    authorization = body.get("fhirAuthorization")
    if server is not None:
        problem = base_url_problem(server) if isinstance(server, str) else "expected a URL"
        if problem:
            problems.append(Problem("$.fhirServer", problem))
            server = None
    if authorization is None:
        return server, None
    if body.get("fhirServer") is None:
        problems.append(Problem("$.fhirServer", "required when fhirAuthorization is given"))
    if not isinstance(authorization, dict):
        problems.append(Problem("$.fhirAuthorization", "expected an object with an access_token"))
        return server, None
    token = authorization.get("access_token")
    if not isinstance(token, str) or not token:
        problems.append(Problem("$.fhirAuthorization.access_token", "required: a non-empty string"))
        token = None
    kind = authorization.get("token_type")
    if not isinstance(kind, str) or kind.lower() != "bearer":
        problems.append(Problem("$.fhirAuthorization.token_type", "expected 'Bearer'"))
    return server, token


def _token_patient(authorization: Any, patient_id: str | None, problems: list[Problem]) -> None:
    """An access token restricted to one patient (``fhirAuthorization.patient``, for SMART patient
    scopes) must be for the patient of the call: the record read with it would be another
    person's, or nothing at all."""
    patient = authorization.get("patient") if isinstance(authorization, dict) else None
    if patient is None or patient_id is None:
        return
    if patient != patient_id:
        problems.append(
            Problem("$.fhirAuthorization.patient", f"the access token is for patient {patient!r}, not the patient of the call ({patient_id!r}): not screened")
        )


def _orders(context: Mapping[str, Any], service: Service, problems: list[Problem]) -> tuple[Mapping[str, Any] | None, tuple[str, ...]]:
    if service.hook != ORDER_SELECT:
        return None, ()
    orders = context.get("draftOrders")
    if not (isinstance(orders, dict) and orders.get("resourceType") == "Bundle"):
        problems.append(Problem("$.context.draftOrders", "required for order-select: a Bundle of the orders being placed"))
        orders = None
    selections = context.get("selections", [])
    if not isinstance(selections, list) or not all(isinstance(one, str) and one for one in selections):
        problems.append(Problem("$.context.selections", "expected an array of references to draft orders ('MedicationRequest/123')"))
        selections = []
    return orders, tuple(selections)
