"""order-select: the draft medicine orders of a hook call (``context.draftOrders``), read as
medicines the person is about to take, which of them were just selected (``context.selections``),
and whether the lab test the card would suggest is already among the orders."""

from __future__ import annotations

from typing import Any

from screener.cds.calls import HookCall
from screener.cds.record import Record, located_in, resources_of
from screener.fhir.ehr import Located, no_fhir_type
from screener.fhir.elements import codings, is_reference_to
from screener.fhir.mapping import FhirContext
from screener.fhir.medicines import named_medicine
from screener.fhir.patient_references import patient_of
from screener.fhir.resource_types import FHIR_RESOURCE_TYPES


def read_orders(call: HookCall, context: FhirContext, record: Record) -> None:
    """The draft medicine orders, read into ``record`` as medicines the person is about to take."""
    assert call.draft_orders is not None
    spec = context.mapping.cds_hooks
    draft = set(spec["draft_order_statuses"])
    current = sorted(context.mapping.current_statuses["MedicationRequest"])[0]
    intent = "order" if "order" in context.mapping.counted_intents else sorted(context.mapping.counted_intents)[0]
    test_codes = {(coding["system"], coding["code"]) for coding in context.mapping.lab_codes_read(spec["suggest_test"]["lab"])}
    for resource, where, full_url in located_in(call.draft_orders, "$.context.draftOrders"):
        kind = resource.get("resourceType")
        if kind == "Medication":
            record.resources.append(Located(resource, where, full_url))
        elif kind not in FHIR_RESOURCE_TYPES:
            # DSTU2's MedicationOrder, which the CDS Hooks sandbox sends when its FHIR server is
            # DSTU2 (its default): named, so that the card does not pass over the order in silence.
            record.notes.append(f"an order being placed ({where}): {no_fhir_type(kind)}: not read")
        elif kind == "ServiceRequest" and _codes(resource.get("code")) & test_codes:
            record.test_ordered = True
        elif kind == "MedicationRequest" and isinstance(resource.get("status"), str) and resource["status"] in draft:
            if patient_of(resource, {}) not in (call.patient_id, None):
                record.notes.append("an order being placed names another patient: left out")
                continue
            if named_medicine(resource, where, (), context) is None:
                # An order still being filled in (the CDS Hooks sandbox calls as soon as the order
                # form opens, before a medicine is chosen): nothing to count yet, and no reason to
                # refuse the screen of the record.
                record.notes.append(f"an order being placed names no medicine yet ({where}): not counted")
                continue
            # The order is not signed yet: what it orders is about to be taken, from today. Read as
            # a current one with no date of its own (so a screen as of an earlier day keeps it).
            # Whatever its intent: a proposal or a plan in draftOrders is the order in hand, which
            # the clinician is about to sign, so it is read as the order it is about to be.
            order = {name: value for name, value in resource.items() if name != "authoredOn"} | {"status": current, "intent": intent}
            located = Located(order, where)
            record.orders.append(located)
            if not call.selections or any(is_reference_to(selection, resource) for selection in call.selections):
                record.selected.append(located)
    orders = [resource for resource, _ in resources_of(call.draft_orders, "$.context.draftOrders")]
    for index, selection in enumerate(call.selections):
        if not any(is_reference_to(selection, resource) for resource in orders):
            record.notes.append(
                f"the selection {selection!r} ($.context.selections[{index}]) is not among the draft orders (context.draftOrders), "
                "so what it changes could not be shown: the screen counts every draft medicine order"
            )


def _codes(concept: Any) -> set[tuple[str, str]]:
    """(system, code) of each coding of a concept that has both as strings (an order's codes can
    be any JSON)."""
    return {(coding["system"], coding["code"]) for coding in codings(concept) if isinstance(coding.get("system"), str)}
