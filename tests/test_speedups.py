"""The fast paths of batch screening give exactly what the plain paths give.

Each speed-up has a slow, obvious twin it must agree with:

- validation: a strict pydantic check decides valid records; the JSON Schema (and the lax model)
  only runs for the others. Whatever the strict check accepts, the schema and the lax model must
  accept too, with the same answers, on generated and mutated records;
- the Python reading of conditions, compiled to closures, against ``Condition.holds`` and
  ``Condition.satisfied``;
- explanations remembered per combination of values, against explanations worked out afresh;
- the engine adapter: facts remembered per step, sessions reused, numbers in exponent form,
  against a plain engine and fresh sessions;
- medicine suggestions, with the names that cannot be close set aside by counting shared letters
  for all names at once, against difflib given every name.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.contract.answers import Answers
from screener.screening import engine as engine_module
from screener.screening.conditions import evaluate, is_missing, lookup, satisfied_leaves, to_durable
from screener.screening.engine import RulesEngine, engine_json
from screener.screening.normalise import normalise
from screener.screening.pipeline import Screener
from screener.screening.ruleset import load_ruleset
from screener.synthetic import cohort, diverse_cohort, record

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that are wrong, or nearly right, for some field somewhere (no NaN: JSON has none).
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=130),
    st.sampled_from([0, 1, 4, 5, 120, 121, 2**63, 10**20, -1, 10**400]),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 5.0, 4.0, 120.0, 1e-7, 1e20, 3.5, 1e308]),
    st.floats(min_value=-10, max_value=200, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "5", "5.0", "true", "yes", "no", "unsure", "mmol/L", "mg/dL", "older", "x" * 129, "x" * 201]),
    st.text(max_size=5),
    st.sampled_from([[], {}, ["x"], [1], ["fatigue", "fatigue"], {"present": True}, {"value": 1, "unit": "mmol/L"}]),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated_records(draw: st.DrawFn) -> Any:
    """A valid synthetic record with a few of its values replaced, removed or added to."""
    value: Any = record(random.Random(draw(st.integers(0, 10**6))), 1)
    for _ in range(draw(st.integers(0, 3))):
        paths = _paths(value)
        how = draw(st.sampled_from(["replace", "replace", "remove", "add", "whole"]))
        if how == "whole" or not paths:
            value = copy.deepcopy(draw(st.one_of(ODD_VALUES, st.just({}))))
            continue
        path = draw(st.sampled_from(paths))
        parent = value
        for part in path[:-1]:
            parent = parent[part]
        odd = copy.deepcopy(draw(ODD_VALUES))  # sampled values are shared: never mutate them
        if how == "replace":
            parent[path[-1]] = odd
        elif how == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["unknown", "ages", "present", "days", "taken", "id"]))] = odd
        else:
            parent.append(odd)
    return value


def _typed(value: Any) -> str:
    """A model's answers with their types (5 and 5.0 differ), for comparing two validations."""
    return repr(value.model_dump()) if value is not None else "None"


def _outcome(check: Any, value: Any) -> Any:
    """What a validation gives: (answers with their types, problems), or the error it raises
    (a lab value near 1e308 still ends in decimal.InvalidOperation: tests/test_bad_inputs.py)."""
    try:
        answers, problems = check(copy.deepcopy(value))
    except Exception as error:
        return type(error).__name__
    return _typed(answers), problems


@SETTINGS
@given(mutated_records())
def test_the_strict_check_accepts_only_what_the_schema_and_the_lax_model_accept(screener: Screener, value: Any) -> None:
    assert _outcome(screener.check, value) == _outcome(screener._check_thoroughly, value)
    try:
        strict = Answers.model_validate(copy.deepcopy(value), strict=True)
    except Exception:
        return
    # Accepted by the strict check: the schema has nothing to say, and the lax model agrees.
    from screener.contract.validation import schema_problems, validator_for

    assert schema_problems(validator_for("answers.schema.json"), value) == []
    assert _typed(Answers.model_validate(copy.deepcopy(value))) == _typed(strict)


def test_strict_and_full_validation_agree_on_ten_thousand_mutated_records(screener: Screener) -> None:
    rng = random.Random(3)
    odd = [None, True, False, 0, -1, 1.5, 5.0, 121, 10**20, 1e-7, "", "5", "x" * 129, [], {}, ["x"], {"a": 1}]
    checked = accepted = 0
    for value in cohort(5000, seed=21):
        for variant in (value, _mutate(value, rng, odd)):
            fast = _outcome(screener.check, variant)
            assert fast == _outcome(screener._check_thoroughly, variant), variant
            checked += 1
            accepted += isinstance(fast, tuple) and fast[0] != "None"
    assert checked == 10000 and 5000 <= accepted < 10000


def _mutate(value: dict[str, Any], rng: random.Random, odd: list[Any]) -> Any:
    value = copy.deepcopy(value)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(value)
        if not paths:
            break
        path = rng.choice(paths)
        parent: Any = value
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and rng.random() < 0.2:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(odd))
    return value


# -- the Python reading, compiled ---------------------------------------------------------------


def _seen_by(screener: Screener, answers: Any) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The final facts, and the facts each fired rule was tested against (a copy taken when its
    evidence is read, as the rules ran)."""
    from screener.screening.normalise import normalise

    seen: dict[str, dict[str, Any]] = {}
    reading = screener.findings.reading

    def keeping(rule_id: str) -> Any:
        def keep(facts: dict[str, Any]) -> Any:
            seen[rule_id] = copy.deepcopy(facts)
            return reading[rule_id](facts)

        return keep

    screener.findings.reading = {rule_id: keeping(rule_id) for rule_id in reading}
    try:
        facts, _conclusions, _trace = screener._infer(normalise(answers, screener.ruleset), explain=True)
    finally:
        screener.findings.reading = reading
    return facts, seen


def _profiles(screener: Screener, count: int) -> list[dict[str, Any]]:
    """Facts as the rules see them at each step: real ones, and some with values shaken up."""
    rng = random.Random(5)
    profiles = []
    for value in cohort(count, seed=31):
        answers, _ = screener.check(value)
        if answers is None:
            continue
        facts, seen_by = _seen_by(screener, answers)
        profiles.append(facts)
        profiles.extend(list(seen_by.values())[:2])
        shaken = dict(facts)
        for name in rng.sample(sorted(shaken), min(3, len(shaken))):
            shaken[name] = rng.choice([None, True, False, 0, 1, 2.5, "yes", "likely", "urgent", {}, {"x": True}])
        profiles.append(shaken)
    return profiles


@pytest.mark.parametrize(
    "condition",
    [
        {"any": [{"all": [{"fact": "a", "is": True}, {"fact": "b", "is": True}]}, {"fact": "c", "is": True}]},
        {"all": [{"fact": "a", "is": True}, {"any": [{"fact": "b", "is": True}, {"fact": "c", "gte": 1}]}]},
        {"any": [{"fact": "n", "gte": 1}, {"all": [{"fact": "n", "lt": 5}, {"fact": "g.b", "present": True}]}]},
        {"any": [{"fact": "g.b", "in": [1, "x", True]}, {"fact": "g.c", "not_in": ["y"]}, {"fact": "a.b.c", "is_not": 2}]},
    ],
)
def test_compiled_evidence_shows_the_leaves_the_plain_reading_shows(condition: dict[str, Any]) -> None:
    # Conditions shaped unlike any shipped rule (an "all" inside an "any", a fact tested twice),
    # against every mix of values: a leaf shows only when it and every "all" around it hold.
    from screener.screening.conditions import compile_condition
    from screener.screening.evidence_reading import compile_reading

    compiled = compile_condition(condition)
    facts = {leaf.fact for leaf in compiled.leaves()}
    reading = compile_reading(compiled, dict.fromkeys(facts, "not answered"))
    values = [None, True, False, 0, 1, 3.5, 7, "x", "y", {"b": True}, {"b": 1, "c": "y"}]
    for a in values:
        for b in values:
            profile = {"a": a, "b": b, "c": b, "n": a, "g": b}
            if not evaluate(compiled, profile):
                continue
            shown: list[dict[str, Any]] = []
            for leaf in satisfied_leaves(compiled, profile):
                if all(item["fact"] != leaf.fact for item in shown):
                    value = lookup(profile, leaf.fact)
                    shown.append({"fact": leaf.fact, "value": "not answered" if is_missing(value) else value})
            assert _as_json(reading(profile)) == _as_json(shown), profile


# -- remembered explanations --------------------------------------------------------------------


def _reference_finding(screener: Screener, rule_id: str, known: dict[str, Any]) -> dict[str, Any]:
    """A finding as the screener first built it: every leaf of the rule read afresh."""
    ruleset = screener.ruleset
    rule = ruleset.rule(rule_id)
    evidence, seen = [], set()
    for leaf in satisfied_leaves(rule.condition, known):
        if leaf.fact in seen:
            continue
        seen.add(leaf.fact)
        fact = ruleset.facts[leaf.fact]
        value = lookup(known, leaf.fact)
        if is_missing(value):
            value = "not answered" if fact.origin == "answers" and fact.type != "boolean" else False
        evidence.append({"fact": leaf.fact, "label": fact.label, "value": value})
    return {
        "rule": rule.id,
        "step": rule.step,
        "title": rule.title,
        "explanation": rule.rationale,
        "mechanism": rule.mechanism,
        "conclusion": screener.describe_conclusion(rule),
        "sources": [ruleset.sources[source] for source in rule.sources],
        "red_flag": rule.is_red_flag,
        "evidence": evidence,
    }


def _as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_remembered_explanations_are_the_ones_worked_out_afresh(screener: Screener) -> None:
    compared = 0
    findings = screener.findings
    for value in cohort(1500, seed=41):
        answers, _ = screener.check(value)
        assert answers is not None
        _facts, seen_by = _seen_by(screener, answers)
        for rule_id, known in seen_by.items():
            # Twice: worked out, then remembered (for the rules whose evidence depends on values).
            for _ in range(2):
                found = findings.full(rule_id, findings.evidence(rule_id, known))
                assert _as_json(found) == _as_json(_reference_finding(screener, rule_id, known))
            compared += 1
    assert compared > 10000


def test_the_compiled_evidence_of_every_rule_is_the_plain_reading_of_it(screener: Screener) -> None:
    # Real facts at each step and facts with odd values (true for a number, a text for a level,
    # an object for a flag...): wherever a rule holds, its compiled evidence is what the plain
    # reading of its condition shows.
    findings = screener.findings
    compared = 0
    for profile in _profiles(screener, 300):
        for rule in screener.ruleset.rules:
            if evaluate(rule.condition, profile):
                reference = _reference_finding(screener, rule.id, profile)["evidence"]
                expected = [{"fact": item["fact"], "value": item["value"]} for item in reference]
                assert _as_json(findings.evidence(rule.id, profile)) == _as_json(expected), rule.id
                compared += 1
    assert compared > 5000


def test_a_lean_finding_made_full_again_is_the_full_finding(screener: Screener) -> None:
    for value in cohort(300, seed=42):
        full = screener.screen_entry(value, detail="full")
        lean = screener.screen_entry(value, detail="lean")
        assert screener.findings.hydrate(lean) == full


def test_an_explanation_shows_this_records_value_not_an_equal_one_seen_before() -> None:
    screener = Screener()
    shown = []
    for servings in (0, 0.0, -0.0, 0.0):
        entry = screener.screen_entry({"diet": {"fruit_veg_servings": servings}})
        values = [e["value"] for f in entry["findings"] for e in f["evidence"] if e["fact"] == "diet.fruit_veg_servings"]
        shown.append(_as_json(values))
    assert shown[0] != "[]", "no rule shows fruit_veg_servings any more: pick another fact for this test"
    assert shown == ["[0.0]", "[0.0]", "[-0.0]", "[0.0]"]  # the model makes the 0 a float


def test_findings_are_fresh_objects_each_time(screener: Screener) -> None:
    value = next(cohort(1, seed=5))
    first = screener.screen_entry(value)
    for finding in first["findings"]:
        finding["evidence"].clear()
        finding["sources"].append("changed")
        finding["title"] = "changed"
    again = screener.screen_entry(value)
    assert all(f["title"] != "changed" and "changed" not in f["sources"] for f in again["findings"])
    assert any(f["evidence"] for f in again["findings"])


# -- the engine adapter -------------------------------------------------------------------------


def test_remembered_facts_and_reused_sessions_give_the_results_of_a_plain_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = Screener(load_ruleset())
    plain_rules = load_ruleset()
    # The plain engine: nothing remembered, and (below) a fresh session for every respondent.
    plain_rules.__dict__["engine"] = _plain_engine(plain_rules)  # what the cached property would hold
    plain = Screener(plain_rules)
    recycle = engine_module.RECYCLE_AFTER
    values = [*cohort(1500, seed=51), *cohort(1500, seed=51)]  # the second half repeats the first
    values += [{"alcohol": {"drinks_per_week": v}, "diet": {"fruit_veg_servings": v}} for v in (1e-7, 1e20, 0.0, -0.0, 14, 14.0)]
    for value in values:
        monkeypatch.setattr(engine_module, "RECYCLE_AFTER", 1)  # the plain one: deleted after each respondent
        expected = _as_json(plain.screen_entry(value))
        monkeypatch.setattr(engine_module, "RECYCLE_AFTER", recycle)
        assert _as_json(fast.screen_entry(value)) == expected


def _plain_engine(ruleset: Any) -> RulesEngine:
    return RulesEngine(
        {rule.id: {"$and": [{"step": rule.step}, rule.condition.to_durable()]} for rule in ruleset.rules},
        steps=ruleset.step_ids,
        remember=False,
    )


def test_a_session_is_reused_and_the_same_answers_from_the_next_respondent_fire_again(screener: Screener) -> None:
    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"k": 1}]}}, steps=["s"], remember=False)
    sids = set()
    for _ in range(3):
        with engine.session() as session:
            assert session.fire({"step": "s", "k": 1}) == ["a"]  # the same fact again: no "observed"
            sids.add(session.sid)
    assert len(sids) == 1
    import durable_rules_engine

    # Each respondent's fact stays, told apart by its id (the respondent's number, then the
    # fact's), until the state goes.
    kept = json.loads(durable_rules_engine.get_facts(engine._handles["s"], sids.pop()))
    assert sorted(fact["id"] for fact in kept) == ["0.0", "1.0", "2.0"]


# Two different facts whose hashes collide in the engine's index (found by brute force): with the
# respondent number and session id the adapter once gave them, and the id the engine made from
# their content, the engine refuses the second as "message observed".
_COLLIDING_K = (53931, 199625)
_COLLIDING_SID = 10**9


def test_the_engine_takes_two_different_facts_for_one_when_their_hashes_collide() -> None:
    import durable_rules_engine

    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"$gte": {"k": 0}}]}}, steps=["s"], remember=False)
    codes = []
    for k in _COLLIDING_K:
        message = f'{{"step":"s","k":{k},"_r":0,"sid":"{_COLLIDING_SID}"}}'
        code, state = durable_rules_engine.assert_fact(engine._handles["s"], message)
        codes.append(code)
        if code == 0:  # its action taken, as the adapter does (a state is never left with one pending)
            action = durable_rules_engine.start_action_for_state(engine._handles["s"], state)
            while action:
                action = durable_rules_engine.complete_and_start_action(engine._handles["s"], state)
    durable_rules_engine.delete_state(engine._handles["s"], str(_COLLIDING_SID))
    assert codes == [0, 2]  # 2: "observed", though the second fact is not the first


def test_a_fact_whose_hash_collides_with_another_still_fires_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"$gte": {"k": 0}}]}}, steps=["s"], remember=False)
    monkeypatch.setattr(engine_module, "_session_ids", itertools.count(_COLLIDING_SID))
    with engine.session() as session:
        assert session.sid == str(_COLLIDING_SID) and session.uses == 0
        assert [session.fire({"step": "s", "k": k}) for k in _COLLIDING_K] == [["a"], ["a"]]


def _engine_hash_collision() -> tuple[str, str]:
    """Two fact ids with the same hash by the adapter's reading of the engine's hash."""
    seen: dict[int, str] = {}
    for number in itertools.count():
        ident = f"x{number}"
        other = seen.setdefault(engine_module._fnv1a_32(ident), ident)
        if other != ident:
            return other, ident
    raise AssertionError("unreachable")


def test_the_adapter_reads_the_engine_hash_of_fact_ids_as_the_engine_does() -> None:
    import durable_rules_engine

    first, second = _engine_hash_collision()
    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"$gte": {"k": 0}}]}}, steps=["s"], remember=False)
    handle, codes = engine._handles["s"], []
    for k, ident in ((1, first), (2, second), (3, "x-distinct")):
        code, state = durable_rules_engine.assert_fact(handle, f'{{"step":"s","k":{k},"id":"{ident}","sid":"7777"}}')
        codes.append(code)
        if code == 0:
            action = durable_rules_engine.start_action_for_state(handle, state)
            while action:
                action = durable_rules_engine.complete_and_start_action(handle, state)
    durable_rules_engine.delete_state(handle, "7777")
    assert codes == [0, 2, 0]  # the second id's hash is the first's: "observed"


def test_the_ids_the_adapter_gives_facts_and_sessions_never_collide_in_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    certain = engine_module._CERTAIN_IDS
    assert certain >= engine_module.RECYCLE_AFTER  # a session's respondents all have certain ids
    ids = [f"{r}.{n}" for r in range(certain) for n in range(certain)]
    hashes = {engine_module._fnv1a_32(ident) for ident in ids}
    assert len(hashes) == len(ids)
    # A session id whose state fact ("sid-<id>") would collide with a fact id is never used: the
    # first such ids (found by search) are 30335902 and 30335903.
    assert [n for n in range(30335900, 30335906) if engine_module._fnv1a_32(f"sid-{n}") in hashes] == [30335902, 30335903]
    monkeypatch.setattr(engine_module, "_session_ids", itertools.count(30335902))
    assert engine_module._new_session_id() == "30335904"


def test_a_fact_whose_id_another_fact_of_its_session_has_is_sent_again_with_another() -> None:
    # Never by the adapter's own ids (above): two sessions made by hand with one session id and
    # respondent number give their first facts the same id.
    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"$gte": {"k": 0}}]}}, steps=["s"], remember=False)
    plan = engine._step_plan
    first = engine_module.EngineSession("4242", plan, None, 0)
    second = engine_module.EngineSession("4242", plan, None, 0)
    assert first.fire({"step": "s", "k": 1}) == ["a"]
    assert second.fire({"step": "s", "k": 2}) == ["a"]
    import durable_rules_engine

    kept = json.loads(durable_rules_engine.get_facts(engine._handles["s"], "4242"))
    assert sorted(fact["id"] for fact in kept) == ["0.0", "0.0.1"]
    durable_rules_engine.delete_state(engine._handles["s"], "4242")


def test_a_step_testing_few_fields_is_sent_those_alone_so_its_facts_repeat_and_are_remembered() -> None:
    patterns = {
        "low": {"$and": [{"step": "s"}, {"$lt": {"labs.k": 3.5}}]},
        "flag": {"$and": [{"step": "s"}, {"flag": True}]},
        "other": {"$and": [{"step": "t"}, {"labs.mg": 0.5}]},
    }
    engine = RulesEngine(patterns, steps=["s", "t"])
    facts = [
        {"labs": {"k": 3.0, "mg": 0.5, "unit": "mmol/L"}, "flag": True, "age": 40, "step": "s"},
        {"labs": {"k": 3.0, "mg": 0.9}, "flag": True, "step": "s"},  # the same tested fields
        {"labs": {"mg": 0.9}, "flag": False, "step": "s"},  # no tested part of labs: as if absent
        {"flag": False, "step": "s"},
    ]
    fired = []
    for fact in facts:
        with engine.session() as session:
            fired.append(session.fire(fact))
    assert fired == [["low", "flag"], ["low", "flag"], [], []]
    memo = engine._memo["s"]  # type: ignore[index]
    assert (memo.looked, memo.found) == (4, 2)
    assert engine._step_plan["s"][0].of(facts[0]) == {"labs": {"k": 3.0}, "flag": True, "step": "s"}


def test_each_steps_message_is_what_the_step_tests_of_the_facts_known(screener: Screener) -> None:
    from screener.screening.engine_messages import Shape

    shape = Shape(["flag", "labs.k.value", "labs.k.taken", "labs.mg", "count.a", "symptoms.x", "symptoms.y",
                   "symptoms.z", "symptoms.w", "symptoms.v", "step"])
    build = shape.builder()
    examples = [
        {},
        {"flag": True, "age": 40, "labs": {"k": {"value": 3.0, "unit": "mmol/L"}, "mg": 0.5}, "count": {"a": 0, "b": 2}},
        {"labs": {"k": {"unit": "mmol/L"}}, "count": {"b": 1}, "symptoms": {"q": True}},  # none of their tested parts
        {"labs": {}, "count": {}, "symptoms": {}},  # empty objects stay (as ``of`` keeps them)
        {"labs": 3, "count": None, "symptoms": ["x"], "flag": None},  # not objects: as they are
        {"symptoms": {"x": True, "v": False}, "labs": {"k": {"value": 1e-7, "taken": "2026-01-01"}}},
    ]
    for facts in examples:
        message = build(facts)
        assert "step" not in message
        assert {**message, "step": "s"} == shape.of({**facts, "step": "s"})
    # The shipped rules, on the facts each step is given for diverse people.
    engine = screener.ruleset.engine
    builders = {step: engine.message_builder(step) for step in screener.ruleset.step_ids}
    given = 0
    for value in diverse_cohort(300, seed=5):
        answers, _ = screener.check(value)
        assert answers is not None
        facts, _, _ = screener._infer(normalise(answers, screener.ruleset), explain=False)
        for step, build in builders.items():
            message = build(facts)
            given += len(message)
            assert {**message, "step": step} == engine._step_plan[step][0].of({**facts, "step": step})
    assert given


def test_a_step_sent_every_fact_known_fires_what_it_fires_when_sent_the_fields_it_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    reduced = Screener(load_ruleset())
    assert not any(build is dict for _, _, build, _ in reduced._plan)
    whole_rules = load_ruleset()
    whole = Screener(whole_rules)
    # Every fact known, objects whole: each step's message is a copy of them all.
    monkeypatch.setattr(whole_rules.engine, "message_builder", lambda step: dict)
    assert all(build is dict for _, _, build, _ in whole._plan)
    for value in [*diverse_cohort(400, seed=9), *cohort(200, seed=9)]:
        for detail in ("lean", "none"):
            assert _as_json(reduced.screen_entry(value, detail=detail)) == _as_json(whole.screen_entry(value, detail=detail))


def test_sessions_are_replaced_after_recycle_after_respondents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_module, "RECYCLE_AFTER", 3)
    engine = RulesEngine({"a": {"$and": [{"step": "s"}, {"k": 1}]}}, steps=["s"], remember=False)
    sids = []
    for _ in range(7):
        with engine.session() as session:
            session.fire({"step": "s", "k": 1})
            sids.append(session.sid)
    assert sids[0] == sids[2] != sids[3] == sids[5] != sids[6]


@pytest.mark.parametrize("value", [1e-7, 5e-324, 1e16, 1e20, 1.5e300, 10**20, 10**400, 7e-05, 0.1, 3.4999999999999996, 14])
def test_numbers_in_exponent_form_reach_the_engine_as_python_reads_them(value: float) -> None:
    thresholds = [0.0, 1e-6, 0.5, 3.5, 14, 1e18]
    conditions = {
        f"{op}{index}": {"fact": "k", op: threshold}
        for index, threshold in enumerate(thresholds)
        for op in ("lt", "lte", "gt", "gte")
    }
    engine = RulesEngine(
        {rule_id: {"$and": [{"step": "s"}, to_durable(when)]} for rule_id, when in conditions.items()},
        steps=["s"],
        remember=False,
    )
    with engine.session() as session:
        fired = set(session.fire({"step": "s", "k": value}))
    assert fired == {rule_id for rule_id, when in conditions.items() if evaluate(when, {"k": value})}


def test_engine_json_only_changes_exponents_without_a_decimal_point() -> None:
    value = {"a": 1e-7, "b": [1e20, 2.5e300, 3, 1.5], "c": "1e+5 and e-", "d": {"e": 5e-324}, "f": True, "g": None}
    text = engine_json(value)
    assert json.loads(text) == value
    assert "1.0e-07" in text and "1.0e+20" in text and "2.5e+300" in text and "5.0e-324" in text and '"1e+5 and e-"' in text
    assert engine_json({"step": "s", "k": 1.5}) == json.dumps({"step": "s", "k": 1.5})


@pytest.mark.parametrize("number", [1e-7, 1.9999999999999998, 2.0, 0.0, -0.0])
def test_valid_answers_with_tiny_numbers_are_screened(screener: Screener, number: float) -> None:
    # 1e-7 once stopped a batch: the engine's parser refused it as Python writes it (as it did
    # 1e20, which no answer can be now: tests/test_answer_bounds.py; the engine's own spelling of
    # both is tested above).
    entry = screener.screen_entry({"alcohol": {"drinks_per_week": number}, "diet": {"fruit_veg_servings": number}})
    assert entry["status"] == "screened"
    few = any(f["rule"] == "poor_diet_few_fruit_and_vegetables" for f in entry["findings"])
    assert few == (number < 2)


def test_plain_text_is_tokenised_as_the_general_reading_tokenises_it() -> None:
    from screener.screening import medication_words as words

    rng = random.Random(11)
    alphabet = "abcXYZ019 .,;:-/+&()[]{}|%'\"_\t"
    texts = ["Lasix 40 mg", "amiloride/HCTZ 5-50", "co-amilofruse 2.5,000mg", "x2 q8h 5% 1,000"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        fast = words.tokenise(text)
        general = [
            (words.WORD if found.lastgroup == "word" else words.SOFT if found.lastgroup == "soft" else words.HARD,
             found.group(), found.start(), found.end())
            for found in words.TOKEN_RE.finditer(text)
        ]
        assert [(t.kind if t.key not in words.JOIN_WORDS else words.WORD, t.start, t.end) for t in fast] == [
            (kind, start, end) for kind, _, start, end in general
        ], text
        assert [t.key for t in fast] == [words.word_key(word) if kind == words.WORD else word for kind, word, _, _ in general]



def test_entries_with_nothing_glued_skip_the_search_for_glued_doses(screener: Screener) -> None:
    from screener.screening.medication_words import tokenise

    vocabulary = screener.ruleset.vocabulary
    rng = random.Random(5)
    # Letters, ASCII and other decimal digits (Arabic-Indic three), and numerals that are neither
    # (superscript two, a fraction, Tamil ten): a glued dose starts at a decimal digit only.
    alphabet = "aLsixmg 0145.,-/é\u0663\u00b2\u00bd\u0bf0"
    texts = ["Lasix40mg", "Theo24", "vitamin B12", "furosimide40mg", "40mg", "a\u00b2b3", "\u0bf0ab3", "ab\u0663"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    skipped = 0
    for text in texts:
        tokens = tokenise(text)
        assert vocabulary._unglued(tokens) == vocabulary._split_glued(tokens), text
        skipped += vocabulary._unglued(tokens) is tokens
    assert 0 < skipped < len(texts)


# -- medicine suggestions -------------------------------------------------------------------------


def _misspelt(rng: random.Random, name: str, letters: str) -> str:
    """A name with one to three slips: a letter dropped, added, changed, or two swapped."""
    chars = list(name)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(chars) + 1)
        slip = rng.randrange(4)
        if slip == 0 and len(chars) > 1 and at < len(chars):
            del chars[at]
        elif slip == 1:
            chars.insert(at, rng.choice(letters))
        elif slip == 2 and at < len(chars):
            chars[at] = rng.choice(letters)
        elif slip == 3 and at + 1 < len(chars):
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
    return "".join(chars)


def _plain_suggestions(names: dict[str, str], key: str) -> tuple[str, ...]:
    """What a suggestion is, said plainly: difflib over every name of a fitting length, and when
    it finds none, every name that sounds exactly alike (review 9: "lasics" for Lasix)."""
    from screener.screening import medication_suggestions as ms

    if len(key.replace(" ", "")) < ms.SHORTEST or key in names:
        return ()
    fitting = [name for name in names if 2 * min(len(key), len(name)) >= ms.CLOSE_ENOUGH * (len(key) + len(name))]
    scored = [
        (difflib.SequenceMatcher(None, key, name).ratio(), name)
        for name in difflib.get_close_matches(key, fitting, n=ms.MOST, cutoff=ms.CLOSE_ENOUGH)
    ]
    if not scored:
        sound = ms.sound_key(key)
        return tuple(
            names[name] for name in names
            if ms.sound_key(name) == sound and len(ms.sound_key(name).replace(" ", "")) >= ms.SHORTEST
        )
    return tuple(names[name] for ratio, name in scored if ratio >= scored[0][0] - ms.NEAR_THE_BEST)


def test_medicine_suggestions_are_difflibs_over_every_name(screener: Screener) -> None:
    suggestions = screener.ruleset.vocabulary._suggestions
    names = suggestions._names
    rng = random.Random(17)
    keys = [_misspelt(rng, rng.choice(list(names)), "abcdeilnoprstuz -") for _ in range(3000)]
    keys += ["".join(rng.choice("aeioulnrst ") for _ in range(rng.randint(3, 25))) for _ in range(1000)]
    offered = 0
    for key in keys:
        expected = _plain_suggestions(names, key)
        assert suggestions.suggest(key) == expected, key
        offered += bool(expected)
    assert offered > 1000  # the comparison covers names that are offered something, not only none


@given(
    names=st.lists(st.text(alphabet="aabbcé -", min_size=0, max_size=12), min_size=1, max_size=80, unique=True),
    word=st.text(alphabet="aabbcéd -", min_size=0, max_size=12),
    cutoff=st.sampled_from([0.0, 0.5, 0.6, 0.75, 0.85, 1.0]),
)
@SETTINGS
def test_names_sharing_enough_letters_are_those_difflib_quick_ratio_lets_through(names: list[str], word: str, cutoff: float) -> None:
    from screener.screening.medication_suggestions import SharedLetters

    lengths = sorted({len(name) for name in names} | {99})
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    expected = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.quick_ratio() >= cutoff:
            expected.append(name)
    assert SharedLetters(names).sharing_enough(word, lengths, cutoff) == expected


# -- steps none of whose rules can fire are not sent ----------------------------------------------

_FACTS = ("a", "b", "g.x", "g.y", "h.p.q")
_LEAVES = st.sampled_from(
    [{"fact": f, "is": True} for f in _FACTS]
    + [{"fact": f, op: 2} for f in _FACTS for op in ("lt", "gte", "is_not")]
    + [{"fact": f, "in": ["u", 1]} for f in _FACTS]
    + [{"fact": f, "not_in": ["u"]} for f in _FACTS]
    + [{"fact": f, "present": flag} for f in _FACTS for flag in (True, False)]
)
_CONDITIONS = st.recursive(
    _LEAVES, lambda inner: st.one_of(st.builds(lambda p: {"all": p}, st.lists(inner, min_size=1, max_size=3)),
                                     st.builds(lambda p: {"any": p}, st.lists(inner, min_size=1, max_size=3))),
    max_leaves=8,
)
_VALUES = st.sampled_from([True, False, 0, 2, 5, "u", "v", None])


@st.composite
def _profiles_of_some_facts(draw: st.DrawFn) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for fact in _FACTS:
        if draw(st.booleans()):
            node = profile
            *groups, name = fact.split(".")
            for group in groups:
                node = node.setdefault(group, {})
            node[name] = draw(_VALUES)
    return profile


@SETTINGS
@given(_CONDITIONS, _profiles_of_some_facts())
def test_a_condition_never_holds_without_one_of_the_facts_it_needs(condition: dict[str, Any], profile: dict[str, Any]) -> None:
    from screener.screening.conditions import compile_condition, needed_facts

    needed = needed_facts(compile_condition(condition))
    if needed is not None and all(is_missing(lookup(profile, fact)) for fact in needed):
        assert not evaluate(condition, profile)


def test_a_step_none_of_whose_rules_can_fire_is_not_sent_and_would_have_fired_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from screener.screening import pipeline as pipeline_module
    from screener.synthetic import diverse_cohort

    screener = Screener(load_ruleset())
    assert any(needs is not None for *_, needs in screener._plan)
    sent: list[str] = []
    real_fire = engine_module.EngineSession.fire_message

    def fire(session: Any, step: str, message: Any) -> list[str]:
        sent.append(step)
        return real_fire(session, step, message)

    monkeypatch.setattr(engine_module.EngineSession, "fire_message", fire)
    values = list(diverse_cohort(600, seed=23))
    skipped = 0
    for value in values:
        sent.clear()
        entry = _as_json(screener.screen_entry(value, detail="full"))
        skipped += len(screener._plan) - len(sent) if sent else 0
        with monkeypatch.context() as every_step:  # the same record with every step sent
            every_step.setattr(pipeline_module, "_has_one", lambda facts, needs: True)
            assert _as_json(screener.screen_entry(value, detail="full")) == entry
    assert skipped > len(values) // 2  # steps were left out, and nothing changed
