"""The published JSON Schemas of the contract, generated from the pydantic models.

The shipped files in ``screener/schemas`` are what users and ``jsonschema`` validation see; a
test fails when they drift from the models. Regenerate them with::

    python -m screener.contract --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from screener.contract.answers import CONTRACT_CHANGES, Answers
from screener.contract.result import InvalidRecord, ScreeningResult

#: Where the published schemas live (beside the rule-file schemas): ``screener/schemas``.
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


def generated_schemas() -> dict[str, dict[str, Any]]:
    answers = Answers.model_json_schema()
    answers["$comment"] = CONTRACT_CHANGES
    result = ScreeningResult.model_json_schema()
    invalid = InvalidRecord.model_json_schema()
    result["$id"] = "https://mgk-screen.example/schemas/result.schema.json"
    result["description"] = (
        "One screening result; batch output also holds invalid-record entries, described under $defs.InvalidRecord."
    )
    result.setdefault("$defs", {}).update(invalid.pop("$defs", {}))
    result["$defs"]["InvalidRecord"] = invalid
    return {"answers.schema.json": answers, "result.schema.json": result}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m screener.contract --write``: regenerate the published schemas from the models."""
    if (sys.argv[1:] if argv is None else argv) != ["--write"]:
        print("usage: python -m screener.contract --write", file=sys.stderr)
        return 2
    for name, schema in generated_schemas().items():
        (SCHEMA_DIR / name).write_text(render(schema), encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / name}")
    return 0
