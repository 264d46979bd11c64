"""A FHIR bulk-data export made from a patient Bundle: one NDJSON file per kind of resource, each
resource naming its patient and medicine by type and id, as a bulk export names them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_bulk_export(bundle: dict[str, Any], folder: Path) -> dict[str, list[str]]:
    """The Bundle's resources written to ``folder/<kind>.ndjson``; the lines of each kind."""
    folder.mkdir(parents=True, exist_ok=True)
    by_type: dict[str, list[str]] = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for key in ("subject", "medicationReference"):
            if isinstance(resource.get(key), dict):  # bulk data names resources by type and id
                kind = "Patient/" if key == "subject" else "Medication/"
                resource = {**resource, key: {"reference": resource[key]["reference"].replace("urn:uuid:", kind)}}
        by_type.setdefault(resource["resourceType"], []).append(json.dumps(resource))
    for kind, lines in by_type.items():
        (folder / f"{kind}.ndjson").write_text("\n".join(lines) + "\n", "utf-8")
    return by_type
