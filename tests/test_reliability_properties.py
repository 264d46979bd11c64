"""Property tests for reliability: what the published schema accepts screens; nothing else raises.

The record strategies are built from the published answers schema itself
(``screener/schemas/answers.schema.json``) by a small generic walker (``from_schema``: types,
enums, consts, bounds, string lengths, ``anyOf``, ``$ref``, ``if``/``then``, a ``oneOf`` of
required fields), so a change to the
schema is picked up here without editing this file. (hypothesis-jsonschema is not used: it
breaks with hypothesis >= 6.170.10.)

- Every record the schema accepts screens. The one exception is by design: a lab value the
  schema allows (any number above 0) can be implausible once converted, which is a validation
  error on ``$.labs.<lab>.value`` (or ``.below``/``.above``, a bound) telling the user to check the unit.
- Arbitrary JSON values (and records with the right field names but wrong values) never raise
  out of ``screen_entry``: each gives a well-formed "screened" or "invalid" entry that the batch
  writers can write.
- The same record screened twice, with other records in between, gives the same entry.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from screener import Screener
from screener.contract.validation import load_schema

SCHEMA = load_schema("answers.schema.json")
VALIDATOR = Draft202012Validator(SCHEMA)
SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
IMPLAUSIBLE_LAB = re.compile(r"^\$\.labs\.(potassium|magnesium)\.(value|below|above)$")

# ----------------------------------------------------------------------------- strategies from the schema


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    assert ref.startswith("#/"), f"only local references are supported, got {ref}"
    target: Any = SCHEMA
    for part in ref[2:].split("/"):
        target = target[part]
    return _resolve(target)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against ``schema`` (a part of the answers schema)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        return st.one_of([from_schema(branch) for branch in schema["anyOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": one}) for one in kind])
    if kind == "object":
        return _objects(schema)
    if kind == "array":
        return st.lists(
            from_schema(schema.get("items", {})),
            max_size=min(4, schema.get("maxItems", 4)),
            unique=schema.get("uniqueItems", False),
        )
    if kind == "string":
        text = st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 40), 40))
        return text.filter(re.compile(schema["pattern"]).search) if "pattern" in schema else text
    if kind == "integer":
        # JSON Schema counts 70.0 as an integer too, and so does the screener.
        whole = st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
        return st.one_of(whole, whole.filter(lambda n: abs(n) < 2**53).map(float))
    if kind == "number":
        return _numbers(schema)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    raise NotImplementedError(f"the answers schema uses something this walker does not know: {schema}")


def _numbers(schema: dict[str, Any]) -> st.SearchStrategy[float | int]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
        allow_nan=False,
        allow_infinity=False,
    )
    integers = st.integers(
        min_value=None if low is None else math.floor(low) + ("exclusiveMinimum" in schema),
        max_value=None if high is None else math.ceil(high) - ("exclusiveMaximum" in schema),
    )
    return floats | integers  # a JSON number may be written without a fraction


def _objects(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    if "oneOf" in schema:
        # Exactly one of some fields (a lab's value, below or above): that one given, not null; the others left out.
        alternatives = [branch["required"] for branch in schema["oneOf"]]
        if not all(set(branch) == {"required"} for branch in schema["oneOf"]) or any(len(names) != 1 for names in alternatives):
            raise NotImplementedError(f"a 'oneOf' this walker does not know: {schema['oneOf']}")
        names = [names[0] for names in alternatives]
        rest = {key: value for key, value in schema.items() if key != "oneOf"}

        def with_only(chosen: str) -> st.SearchStrategy[dict[str, Any]]:
            given = {**schema["properties"][chosen]}
            given = next(branch for branch in given["anyOf"] if branch != {"type": "null"}) if "anyOf" in given else given
            properties = {name: sub for name, sub in schema["properties"].items() if name not in names}
            return _objects({**rest, "properties": {**properties, chosen: given}, "required": [*rest.get("required", ()), chosen]})

        return st.sampled_from(names).flatmap(with_only)
    properties = {name: from_schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = set(schema.get("required", ()))
    objects = st.fixed_dictionaries(
        {name: value for name, value in properties.items() if name in required},
        optional={name: value for name, value in properties.items() if name not in required},
    )
    if "if" in schema and "then" in schema:
        condition = Draft202012Validator({**schema["if"], "$defs": SCHEMA.get("$defs", {})})
        objects = objects.map(lambda value: _apply_then(value, schema["then"]) if condition.is_valid(value) else value)
    return objects


def _apply_then(value: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    """Make an object that meets the ``if`` also meet the ``then`` (as the schema's own ones do)."""
    value = dict(value)
    for name, rule in then.get("properties", {}).items():
        if "const" in rule:
            value[name] = rule["const"]
        elif rule.get("type") == "null":
            value.pop(name, None)
        else:
            raise NotImplementedError(f"a 'then' this walker does not know: {rule}")
    return value


SCHEMA_RECORDS = from_schema(SCHEMA)


def _plausible_labs(screener: Screener) -> st.SearchStrategy[dict[str, Any]]:
    """Schema records whose lab values are moved inside the plausible range of their unit."""
    lab_units = screener.ruleset.lab_units

    def move(record: dict[str, Any], fractions: tuple[float, float]) -> dict[str, Any]:
        labs = record.get("labs")
        if not isinstance(labs, dict):
            return record
        record = {**record, "labs": dict(labs)}
        for (name, lab), fraction in zip(sorted(labs.items()), fractions, strict=False):
            if lab is None:
                continue
            low, high = lab_units[name]["plausible_mmol_per_l"]
            # A potassium may leave its unit out: then it is read as mmol/L when plausible.
            factor = lab_units[name]["to_mmol_per_l"][lab.get("unit") or "mmol/L"]
            low, high = low / factor * 1.001, high / factor * 0.999  # inside, whatever the rounding
            given = next(side for side in ("value", "below", "above") if side in lab)
            record["labs"][name] = {**lab, given: low + fraction * (high - low)}
        return record

    fraction = st.floats(min_value=0, max_value=1)
    return st.builds(move, SCHEMA_RECORDS, st.tuples(fraction, fraction))


# ------------------------------------------------------------------------------- arbitrary JSON values

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**200).flatmap(lambda n: st.sampled_from([n, -n]))
    | st.floats(allow_nan=False)  # JSON cannot hold NaN; a huge exponent (1e400) reads as infinity
    | st.sampled_from([-0.0, 0.0, 1e308, -1e308, 5e-324, 70.0, float("inf"), float("-inf")])
    | st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _answer_like(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Objects with the schema's field names, each holding a valid value, a wrong one, or an answer-like object."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        objects = [_resolve(branch) for branch in schema["anyOf"] if _resolve(branch).get("type") == "object"]
        if objects:
            return st.one_of(from_schema(schema), JSON_VALUES, *[_answer_like(o) for o in objects])
    if schema.get("type") != "object":
        return from_schema(schema) | JSON_VALUES
    fields = {name: _answer_like(sub) for name, sub in schema.get("properties", {}).items()}
    return st.fixed_dictionaries({}, optional=fields) | st.builds(
        lambda known, extra: {**extra, **known},
        st.fixed_dictionaries({}, optional=fields),
        st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=2),
    )


ANYTHING = JSON_VALUES | _answer_like(SCHEMA)

# ------------------------------------------------------------------------------------------- checks


def assert_well_formed(entry: dict[str, Any]) -> None:
    """An entry the batch writers can write, saying what it is (and what is wrong, when invalid)."""
    json.dumps(entry, ensure_ascii=False, allow_nan=False).encode("utf-8")  # what the writers do
    assert entry["status"] in ("screened", "invalid"), entry
    assert isinstance(entry["id"], str) and entry["id"], entry
    if entry["status"] == "invalid":
        assert entry["errors"], entry
        for error in entry["errors"]:
            assert set(error) == {"path", "message"}, error
            assert isinstance(error["path"], str) and error["path"].startswith("$"), error
            assert isinstance(error["message"], str) and error["message"].strip(), error
    else:
        assert entry["combined_depletion"] in ("likely", "possible", "unlikely"), entry
        assert entry["urgency"] in ("emergency", "urgent", "soon", "routine", "none"), entry


@pytest.fixture(scope="module")
def plausible_records(screener: Screener) -> st.SearchStrategy[dict[str, Any]]:
    return _plausible_labs(screener)


def test_the_strategies_make_what_the_schema_accepts() -> None:
    """The walker is right about the schema: a wrong walker would make these tests meaningless."""

    @given(SCHEMA_RECORDS)
    @settings(max_examples=100, deadline=None)
    def check(record: dict[str, Any]) -> None:
        assert VALIDATOR.is_valid(record), list(VALIDATOR.iter_errors(record))

    check()


@SETTINGS
@given(record=SCHEMA_RECORDS)
def test_every_record_the_schema_accepts_screens(screener: Screener, record: dict[str, Any]) -> None:
    entry = screener.screen_entry(record)
    assert_well_formed(entry)
    if entry["status"] == "invalid":
        # By design: a lab value the schema allows but that is implausible once converted.
        problems = [error for error in entry["errors"] if not IMPLAUSIBLE_LAB.match(error["path"])]
        assert problems == [], f"{record} is valid against the published schema but was refused: {problems}"
        assert all("check the unit" in error["message"] for error in entry["errors"]), entry["errors"]


@pytest.mark.parametrize("record", [{"age": 70.0}, {"diarrhea": {"present": True, "days": 3.0}}])
def test_a_whole_number_written_with_a_fraction_is_accepted_as_the_schema_says(
    screener: Screener, record: dict[str, Any]
) -> None:
    assert VALIDATOR.is_valid(record)
    assert screener.screen_entry(record)["status"] == "screened"


@SETTINGS
@given(data=st.data())
def test_every_record_with_plausible_labs_screens(
    screener: Screener, plausible_records: st.SearchStrategy[dict[str, Any]], data: st.DataObject
) -> None:
    record = data.draw(plausible_records)
    entry = screener.screen_entry(record)
    assert entry["status"] == "screened", (record, entry.get("errors"))
    assert_well_formed(entry)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=ANYTHING)
@example(value={"id": "x" * 200, "age": True, "sex": None, "labs": {"potassium": {"value": 1e400, "unit": "mmol/L"}}})
@example(
    value={
        "alcohol": {"audit_c": {"frequency": 0, "quantity": 4, "binge": 4}},
        "diarrhea": {"present": False, "days": -1},
    }
)
@example(value={"medications": ["\x00", "Lasix\u202e"], "id": 2**64})
@example(value=[{"age": 70}])
def test_arbitrary_json_values_never_raise_past_the_error_handling(screener: Screener, value: Any) -> None:
    entry = screener.screen_entry(value, source="fuzz.jsonl", position=7)
    assert_well_formed(entry)
    assert (entry["source"], entry["position"]) == ("fuzz.jsonl", 7)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=SCHEMA_RECORDS | ANYTHING, between=st.lists(SCHEMA_RECORDS, min_size=1, max_size=3))
def test_results_are_deterministic(screener: Screener, first: Any, between: list[dict[str, Any]]) -> None:
    before = screener.screen_entry(first)
    for other in between:  # an engine session that kept state would show here
        screener.screen_entry(other)
    assert screener.screen_entry(first) == before
    assert Screener(screener.ruleset).screen_entry(first) == before
