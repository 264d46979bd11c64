"""The durable-rules adapter: its sharp edges are contained, and the rule language compiles
to patterns the C engine reads the same way as the Python reading used for explanations."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from screener.errors import EngineError
from screener.screening.conditions import evaluate, to_durable
from screener.screening.engine import RulesEngine

ROOT = Path(__file__).resolve().parents[1]


def _engine(conditions: dict[str, dict]) -> RulesEngine:  # type: ignore[type-arg]
    return RulesEngine(
        {rule_id: {"$and": [{"step": "s"}, to_durable(when)]} for rule_id, when in conditions.items()},
        steps=["s", "other"],
    )


def test_only_the_adapter_imports_durable() -> None:
    importers = []
    for path in [*ROOT.joinpath("screener").rglob("*.py"), *ROOT.joinpath("cli").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(name.split(".")[0] in ("durable", "durable_rules_engine") for name in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["screener/screening/engine.py"]


def test_a_fact_no_rule_matches_fires_nothing_and_the_session_is_deleted_safely() -> None:
    # Deleting a session after an unhandled assert corrupts the C heap; the catch-all prevents it.
    engine = _engine({"high": {"fact": "k", "gt": 5}})
    for _ in range(1100):
        with engine.session() as session:
            assert session.fire({"step": "s", "k": 4}) == []


def test_a_fact_for_an_unknown_step_is_refused_before_it_reaches_the_engine() -> None:
    engine = _engine({"high": {"fact": "k", "gt": 5}})
    with engine.session() as session, pytest.raises(EngineError, match="unknown step"):
        session.fire({"step": "elsewhere", "k": 9})


def test_every_matching_rule_fires_once() -> None:
    engine = _engine({"a": {"fact": "k", "gt": 1}, "b": {"fact": "k", "lt": 9}, "c": {"fact": "k", "gt": 8}})
    with engine.session() as session:
        assert sorted(session.fire({"step": "s", "k": 4})) == ["a", "b"]


def test_the_same_fact_twice_in_one_session_is_a_reported_bug_not_a_silent_skip() -> None:
    engine = _engine({"a": {"fact": "k", "gt": 1}})
    with engine.session() as session:
        session.fire({"step": "s", "k": 4})
        with pytest.raises(EngineError, match="asserted twice"):
            session.fire({"step": "s", "k": 4})


def test_sessions_are_deleted_so_more_than_1024_respondents_can_be_screened() -> None:
    engine = _engine({"a": {"fact": "k", "gt": 1}})
    for number in range(1500):
        with engine.session() as session:
            assert session.fire({"step": "s", "k": number + 2}) == ["a"]


def test_a_session_is_deleted_even_when_the_caller_fails() -> None:
    engine = _engine({"a": {"fact": "k", "gt": 1}})
    for _ in range(1100):
        with pytest.raises(RuntimeError), engine.session() as session:
            session.fire({"step": "s", "k": 3})
            raise RuntimeError("caller failed")


def test_a_fact_of_another_step_does_not_fire_this_steps_rules() -> None:
    engine = _engine({"a": {"fact": "k", "gt": 1}})
    with engine.session() as session:
        assert session.fire({"step": "other", "k": 3}) == []


# Each condition is checked against facts that satisfy it and facts that do not, including a
# missing field: the engine and the Python reading must agree on every one.
CONDITIONS = {
    "is_true": {"fact": "flag", "is": True},
    "is_text": {"fact": "sex", "is": "male"},
    "is_not_text": {"fact": "sex", "is_not": "male"},
    "in_texts": {"fact": "sex", "in": ["female", "other"]},
    "not_in_texts": {"fact": "sex", "not_in": ["female", "other"]},
    "lt": {"fact": "k", "lt": 3.5},
    "lte": {"fact": "k", "lte": 3.5},
    "gt": {"fact": "k", "gt": 5.0},
    "gte": {"fact": "k", "gte": 5.0},
    "present": {"fact": "k", "present": True},
    "absent": {"fact": "k", "present": False},
    "nested_path": {"fact": "labs.potassium.mmol_per_l", "lt": 3.5},
    "all_any": {"all": [{"fact": "flag", "is": True}, {"any": [{"fact": "k", "lt": 2.5}, {"fact": "k", "gte": 6.5}]}]},
    "any_all": {"any": [{"all": [{"fact": "k", "gte": 2.5}, {"fact": "k", "lt": 3.0}]}, {"all": [{"fact": "sex", "is_not": "male"}, {"fact": "flag", "is_not": True}]}]},
}
FACTS = [
    {},
    {"flag": True},
    {"flag": False},
    {"sex": "male"},
    {"sex": "female", "flag": True},
    {"sex": "other", "k": 2.4},
    {"k": 2.5},
    {"k": 2.9, "flag": True},
    {"k": 3.5},
    {"k": 3.49},
    {"k": 5.0, "sex": "male"},
    {"k": 6.5, "flag": True},
    {"k": 7.0},
    {"labs": {"potassium": {"mmol_per_l": 3.4}}},
    {"labs": {"potassium": {"mmol_per_l": 3.5}}},
    {"labs": {}},
]


@pytest.mark.parametrize("facts", FACTS, ids=[str(f) for f in FACTS])
def test_engine_and_python_reading_agree(facts: dict) -> None:  # type: ignore[type-arg]
    engine = _engine(CONDITIONS)
    with engine.session() as session:
        fired = set(session.fire({**facts, "step": "s"}))
    expected = {rule_id for rule_id, when in CONDITIONS.items() if evaluate(when, facts)}
    assert fired == expected
