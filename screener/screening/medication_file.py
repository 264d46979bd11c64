"""The medication vocabulary file as data: parsed, and checked against its schema.

Every fault is reported with the JSON path and the name of the entry it is in (the name a
pharmacist searches the file for), all of them at once, so that one edit fixes them all. Turning
the checked data into the matcher is ``medication_names`` (the word trie) and ``medications``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from typing import Any

import jsonschema

from screener.contract.data_files import parse_data
from screener.contract.validation import load_schema
from screener.errors import RulesError, did_you_mean

#: The vocabulary's schema, in ``screener/schemas``.
VOCABULARY_SCHEMA = "medications.schema.json"
_HINT = "fix the entry named above in the medication vocabulary (its fields are described in the schema)"


def parse_vocabulary(raw: bytes, source: str, *, text_checked: bool = False) -> Any:
    """A vocabulary file's bytes parsed, refusing an entry that gives one field twice
    (``text_checked``: see ``parse_data``)."""
    return parse_data(raw, source, object_pairs_hook=functools.partial(reject_repeated_keys, source), text_checked=text_checked)


def check_vocabulary_shape(data: Any, source: str) -> None:
    """A ``RulesError`` listing every schema violation of vocabulary data, in file order."""
    raise_problems([problem for error in _schema_errors(data) for problem in _describe(data, error)], source)


def entry_label(item: Any) -> str:
    """The " (entry 'furosemide')" part of a message: the name a pharmacist searches the file for."""
    if not isinstance(item, Mapping):
        return ""
    for field in ("generic", "name"):
        if isinstance(item.get(field), str):
            return f" (entry '{item[field]}')"
    names = item.get("names")
    if isinstance(names, list) and names and isinstance(names[0], str):
        return f" (entry '{names[0]}')"
    return ""


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(VOCABULARY_SCHEMA))


def _schema_errors(data: Any) -> list[jsonschema.ValidationError]:
    """Every schema violation, in file order, so that one run lists all there is to fix."""
    return sorted(
        _validator().iter_errors(data),
        key=lambda error: [(isinstance(step, str), step) for step in error.absolute_path],
    )


def _describe(data: Any, error: jsonschema.ValidationError) -> list[str]:
    """'drugs[3].brands (entry 'furosemide'): ...': the JSON path, the entry's name and the fault."""
    where, node, label = "", data, ""
    for step in error.absolute_path:
        where += f"[{step}]" if isinstance(step, int) else (f".{step}" if where else step)
        node = node[step]
        label = entry_label(node) or label
    where = where or "(top level)"
    if error.validator == "required":
        missing = [field for field in error.validator_value if field not in error.instance]
        return [f"{where}{label}: missing field '{missing[0]}'"]
    if error.validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        return [
            f"{where}{label}: unknown field '{field}'{did_you_mean(field, known)}"
            for field in sorted(set(error.instance) - set(known))
        ]
    return [f"{where}{label}: {error.message}"]


def raise_problems(problems: list[str], source: str) -> None:
    """One error listing every problem, each line naming the file, so one edit can fix them all."""
    if problems:
        raise RulesError("\n".join(f"{source}: {problem}" for problem in problems), hint=_HINT)


def reject_repeated_keys(source: str, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON keeps only the last of two equal keys; in a vocabulary that silently drops names."""
    item = dict(pairs)
    for key, count in Counter(key for key, _ in pairs).items():
        if count > 1:
            raise RulesError(f"{source}: field '{key}' given {count} times in one entry{entry_label(item)}", hint=_HINT)
    return item
