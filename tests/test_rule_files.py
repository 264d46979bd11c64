"""The rule folder as data: every rule explains itself, every name resolves, the steps are in
order, and the rules engine reads every condition the way the Python reading does.

A broken copy of the folder must fail to load with a message that names the file, the rule and
the field, and suggests the nearest valid name.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.contract.answers import CONDITION_CODES, RED_FLAG_NOW_CODES, SUPPLEMENT_CODES, SYMPTOM_CODES
from screener.errors import RulesError
from screener.screening.conditions import evaluate, leaves
from screener.screening.ruleset import Rule, Ruleset, load_ruleset

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
REQUIRED_TEXT = ("id", "step", "title", "rationale", "mechanism")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _json_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.json"))


def _rule_files() -> list[Path]:
    return [path for path in _json_files() if isinstance(json.loads(path.read_text("utf-8")).get("rules"), list)]


def _raw_rules() -> list[tuple[str, dict[str, Any]]]:
    return [(path.name, rule) for path in _rule_files() for rule in json.loads(path.read_text("utf-8"))["rules"]]


@pytest.fixture(scope="module")
def ruleset(screener: Any) -> Ruleset:
    rules: Ruleset = screener.ruleset
    return rules


# -- every rule explains itself -------------------------------------------------------------------
def test_the_folder_holds_the_five_rule_files_of_the_chain() -> None:
    manifest = json.loads((RULES_DIR / "ruleset.json").read_text("utf-8"))
    assert [path.name for path in _rule_files()] == sorted(manifest["rule_files"]), (
        "a rule file in rules/ that ruleset.json does not list is never loaded"
    )
    assert len(_raw_rules()) > 100


@pytest.mark.parametrize(
    ("file", "rule"), _raw_rules(), ids=lambda value: value.get("id", "?") if isinstance(value, dict) else value
)
def test_every_rule_carries_an_id_title_rationale_mechanism_and_sources(file: str, rule: dict[str, Any]) -> None:
    where = f"{file}: rule {rule.get('id', '?')}"
    for field in REQUIRED_TEXT:
        assert isinstance(rule.get(field), str) and rule[field].strip(), f"{where}: no {field}"
    assert len(rule["title"]) >= 10, f"{where}: the title says too little"
    assert len(rule["rationale"]) >= 20, f"{where}: the rationale says too little"
    sentences = len(SENTENCE_END.findall(rule["mechanism"].strip()))
    assert 1 <= sentences <= 2, f"{where}: the mechanism should be one or two sentences, not {sentences}"
    assert rule["mechanism"].rstrip().endswith("."), f"{where}: the mechanism is not a finished sentence"
    assert isinstance(rule.get("sources"), list) and rule["sources"], f"{where}: no sources"
    assert "when" in rule and "then" in rule, f"{where}: no condition or conclusion"


def test_rule_ids_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for file, rule in _raw_rules():
        if rule["id"] in seen:
            duplicates.append(f"{rule['id']} ({seen[rule['id']]} and {file})")
        seen[rule["id"]] = file
    assert duplicates == []


def test_every_source_is_listed_in_the_manifest(ruleset: Ruleset) -> None:
    unknown = {(rule.id, source) for rule in ruleset.rules for source in rule.sources if source not in ruleset.sources}
    assert unknown == set()


def test_team_judgement_is_flagged_exactly_where_it_is_cited(ruleset: Ruleset) -> None:
    mismatched = [rule.id for rule in ruleset.rules if rule.team_judgement != ("team_judgement" in rule.sources)]
    assert mismatched == [], "a rule citing team judgement must say team_judgement: true (and the reverse)"


# -- every name resolves --------------------------------------------------------------------------
def test_every_fact_a_rule_tests_exists(ruleset: Ruleset) -> None:
    unknown = [
        (rule.id, leaf.fact) for rule in ruleset.rules for leaf in leaves(rule.when) if leaf.fact not in ruleset.facts
    ]
    assert unknown == []


def test_every_derived_fact_is_asserted_by_a_rule(ruleset: Ruleset) -> None:
    derived = {fact.name for fact in ruleset.facts.values() if fact.origin == "derived"}
    asserted = {name for rule in ruleset.rules for name in rule.then.get("assert", ())}
    assert derived - asserted == set(), "declared in facts.json but never concluded"
    assert asserted - derived == set()


def test_every_recommendation_text_is_used_and_every_code_has_a_text(ruleset: Ruleset) -> None:
    recommended = {rule.then["recommend"] for rule in ruleset.rules if "recommend" in rule.then}
    assert recommended == set(ruleset.recommendation_texts)


def test_recommendation_texts_follow_the_order_of_the_spec(ruleset: Ruleset) -> None:
    assert ruleset.recommendation_order == (
        "seek_emergency_care", "contact_clinician_today", "emergency_if_happening_now", "see_clinician_soon",
        "discuss_at_next_visit",
        # not in the spec: normal results from the last 30 days, which every door says at the top
        # (clinical review 6, O3)
        "recent_results_normal",
        # not in the spec: when palpitations call for the emergency number, right after the how-soon
        # lines (vignette review 4, M5)
        "palpitations_safety_net",
        "steroid_sick_day",  # not in the spec: steroid sick-day rules, the emergency injection (vignette review 5, S1)
        "high_potassium_result",  # not in the spec: a high potassium result named by its band (README, coherence review)
        # "not enough answers" right after the how-soon lines: what follows rests on few answers
        # (coherence review H7)
        "answer_more_questions",
        "answer_the_core_questions",  # not in the spec: one or two core sections answered (README departures)
        "child_dehydration_signs",  # not in the spec: children (README departures)
        "insulin_sick_day",  # not in the spec: insulin or type 1 diabetes while ill (README departures)
        # not in the spec: pregnant under 16, a doctor or nurse in confidence (docs/departures.md, fifth session)
        "pregnancy_support_for_a_young_person",
        "pregnancy_vomiting",  # not in the spec: vomiting in pregnancy (README departures)
        # not in the spec: a week of vomiting with malabsorption, thiamine if it is weight-loss surgery (review 8)
        "thiamine_if_weight_loss_surgery",
        "oncology_line_today",  # not in the spec: vomiting or diarrhea on anticancer treatment (README departures)
        "transplant_team_today",  # not in the spec: tacrolimus or ciclosporin with vomiting or diarrhea (review 5, S2)
        "lithium_when_ill",  # not in the spec: same-day lithium advice, right after how soon (coherence review H5)
        # not in the spec: a medicine that makes gut losses urgent; its signs of ketoacidosis come before
        # the tests to ask for, now that vomiting beyond 2 days brings a test line (README, round 4)
        "sglt2_ketoacidosis",
        "refeeding_care",  # not in the spec: eating disorders (README departures)
        "eating_disorder_laxatives",  # not in the spec: laxatives with an eating disorder (vignette review 8, finding 3)
        # not in the spec's order: the advice while ill with diarrhea or vomiting (sick-day rules,
        # NSAIDs, fluids) is what makes gut losses on a sick-day medicine urgent, so it comes with
        # the other same-day advice, before the tests to ask for (surfaces review A2)
        "sick_day_medicines",
        "avoid_nsaids_while_ill",  # not in the spec: an NSAID with vomiting or diarrhea (vignette review 4, M4)
        "stop_colchicine_while_ill",  # not in the spec: colchicine with diarrhea or vomiting (vignette review 5, S3)
        "desmopressin_while_ill",  # not in the spec: desmopressin with diarrhea or vomiting (clinical leftovers 3)
        "desmopressin_with_a_loop_diuretic_or_steroid",  # not in the spec: the label's contraindication (lead, stop 33)
        "stop_laxatives_during_diarrhea",  # not in the spec: laxatives while the diarrhea lasts (coherence review H4)
        "bowel_preparation",  # not in the spec: a bowel preparation is not stopped (vignette review 5, S4)
        "fluids_for_gi_losses",
        "stoma_team_for_high_output",  # not in the spec: an ileostomy with watery output (README departures, a stoma)
        "qt_drug_check", "digoxin_check",  # heart-rhythm safety before the tests to ask for (README departures)
        "theophylline_level",  # not in the spec: signs of too much theophylline (vignette review 4, M3)
        # not in the spec: a reliever inhaler with a steroid, theophylline or a water pill (vignette review 5, M8)
        "reliever_with_other_potassium_lowering_medicines",
        "check_magnesium_with_potassium", "check_magnesium",
        "high_magnesium_result",  # not in the spec: a high magnesium result's follow-up, not a test (newcomer review 7)
        "anti_egfr_magnesium_check",  # not in the spec: cetuximab or panitumumab with a sign of low magnesium (review 5, M7)
        "recheck_older_result",  # not in the spec: an older result outside the normal range (README departures)
        "recheck_older_high_potassium",  # not in the spec: an older potassium of 5.5 or more (newcomer review 7)
        "recheck_older_high_magnesium",  # not in the spec: an older magnesium above 1.05 (clinical leftovers 3)
        "keep_taking_prescribed_medicines",
        "pregnancy_check_first",  # not in the spec: supplements and medicines in pregnancy (README departures)
        # not in the spec: a medicine not read may lower Mg or K (README departures); with the
        # medicine advice, before the food list (coherence review A8)
        "check_medicine_names",
        "lithium_interaction",  # not in the spec: lithium with a medicine that raises its level
        "no_potassium_self_supplement",
        "reflux_medicine_with_potassium",  # not in the spec: Gaviscon Advance beside a reason to keep potassium (vignette review 9)
        "no_magnesium_self_supplement", "alcohol_support",
        "stop_liquorice",  # not in the spec: liquorice, a cause of low potassium that can simply be stopped
        "stop_clenbuterol",  # not in the spec: clenbuterol, bought not prescribed (vignette review 5, m9)
        "weight_loss_products",  # not in the spec: diet pills, slimming teas, fat burners (vignette review 9)
        "food_sources",
        "ask_about_aldosteronism", "ask_about_kidney_salt_wasting",
        # not in the spec: few answers beside advice to see a clinician, after the safety advice
        # (vignette review 4, M5)
        "core_questions_not_answered",
        "general_advice",
    )  # fmt: skip
    # answer_more_questions (contract v2) takes the place of general_advice, first after the how-soon line. The emergency
    # safety net for a red flag of the past two weeks (not in the spec) follows "contact a
    # clinician today", the advice it always comes with: red flags come first.


def _changed_by(rule: Rule, ruleset: Ruleset) -> set[str]:
    """The facts a rule's conclusion can change."""
    changed = set(rule.then.get("assert", ()))
    changed |= set(rule.then.get("raise", {})) | set(rule.then.get("cap", {}))
    if "evidence" in rule.then:
        groups = set(rule.then["evidence"]["groups"])
        changed |= {f"count.{name}" for name, tally in ruleset.tallies.items() if groups & set(tally["groups"])}
    return changed


def test_a_rule_only_tests_facts_settled_by_earlier_steps(ruleset: Ruleset) -> None:
    """What a rule tests is concluded at a strictly earlier step, never at its own or a later one.

    This is what makes the result independent of firing order within a step, and what lets the
    facts at the end of a run stand for the facts each step saw (used by the agreement test).
    """
    step_rank = {step: index for index, step in enumerate(ruleset.step_ids)}
    changers: dict[str, list[Rule]] = {}
    for rule in ruleset.rules:
        for name in _changed_by(rule, ruleset):
            changers.setdefault(name, []).append(rule)
    late = []
    for rule in ruleset.rules:
        for leaf in leaves(rule.when):
            for changer in changers.get(leaf.fact, []):
                if step_rank[changer.step] >= step_rank[rule.step]:
                    late.append(f"{rule.id} ({rule.step}) tests {leaf.fact}, changed by {changer.id} ({changer.step})")
    assert late == []


# -- the engine and the Python reading agree ------------------------------------------------------
def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        node = nested
        *parents, last = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return nested


@st.composite
def fact_sets(draw: st.DrawFn, ruleset: Ruleset) -> dict[str, Any]:
    """Facts as the engine sees them, drawn from the catalogue: numbers at and around every
    constant a rule compares them with, every text value, booleans true, false or absent."""
    constants: dict[str, set[float]] = {}
    for rule in ruleset.rules:
        for leaf in leaves(rule.when):
            if leaf.operator in ("lt", "lte", "gt", "gte"):
                constants.setdefault(leaf.fact, set()).add(leaf.value)
    flat: dict[str, Any] = {}
    for name, fact in sorted(ruleset.facts.items()):
        if fact.origin == "level":  # levels and urgency always have a value
            flat[name] = draw(st.sampled_from(fact.values or ()))
            continue
        if draw(st.integers(0, 2)) == 0:
            continue  # not answered / never asserted
        if fact.type == "boolean":
            flat[name] = draw(st.sampled_from([True, True, False]))
        elif fact.type in ("integer", "number"):
            near = sorted({c + d for c in constants.get(name, {0}) for d in (-1, -0.01, 0, 0.01, 1)})
            if fact.type == "integer":
                near = sorted({round(value) for value in near})
            flat[name] = draw(st.sampled_from(near))
        elif fact.values:
            flat[name] = draw(st.sampled_from(fact.values))
    return _nest(flat)


def test_engine_and_python_agree_on_generated_facts(ruleset: Ruleset) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(facts=fact_sets(ruleset))
    def check(facts: dict[str, Any]) -> None:
        with ruleset.engine.session() as session:
            for step in ruleset.step_ids:
                known = {**facts, "step": step}
                by_engine = set(session.fire(known))
                by_python = {rule.id for rule in ruleset.rules_for_step(step) if evaluate(rule.when, known)}
                assert by_engine == by_python, (
                    f"step {step}: engine only {by_engine - by_python}, python only {by_python - by_engine}"
                )

    check()


ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "age": st.sampled_from([10, 17, 18, 40, 64, 65, 90]),
        "sex": st.sampled_from(["female", "male", "other"]),
        "medications": st.lists(
            st.sampled_from([
                "Lasix 40 mg", "HCTZ", "Dyazide", "spironolactone", "acetazolamide", "omeprazole", "senna", "cisplatin",
                "tacrolimus", "prednisone", "Ventolin inhaler", "lisinopril-HCTZ 20-25", "Entresto", "digoxin",
                "Kerendia", "Bactrim", "potassium chloride", "LoSalt", "magnesium oxide", "Zorbax", "hydrocortisone cream",
            ]),
            max_size=4,
        ),
        "diuretic_use": st.sampled_from(["yes", "no", "unsure"]),
        "ppi_over_3_months": st.sampled_from(["yes", "no", "unsure"]),
        "alcohol": st.fixed_dictionaries({}, optional={
            "drinks_per_week": st.sampled_from([0, 7, 8, 14, 15, 20, 21, 27, 28]),
            "audit_c": st.builds(lambda f, q, b: {"frequency": f, "quantity": q if f else 0, "binge": b if f else 0},
                                 st.integers(0, 4), st.integers(0, 4), st.integers(0, 4)),
        }),
        "diarrhea": st.fixed_dictionaries({"present": st.just(True)}, optional={
            "days": st.sampled_from([0, 2, 3, 13, 14]), "stools_per_day": st.sampled_from([2, 3, 6])}),
        "vomiting": st.fixed_dictionaries({"present": st.just(True)}, optional={
            "days": st.sampled_from([1, 2, 3, 6, 7]), "episodes_per_day": st.sampled_from([1, 2, 3]),
            "cannot_keep_fluids_down": st.booleans()}),
        "laxative_use": st.sampled_from(["none", "occasional", "regular", "unsure"]),
        "laxative_type": st.sampled_from(["stimulant", "osmotic", "unsure"]),
        "diet": st.fixed_dictionaries({}, optional={
            "processed_food": st.sampled_from(["sometimes", "most_days"]), "fruit_veg_servings": st.sampled_from([1.9, 2])}),
        "conditions": st.lists(st.sampled_from(CONDITION_CODES), max_size=3, unique=True),
        "symptoms": st.lists(st.sampled_from(SYMPTOM_CODES), max_size=4, unique=True),
        "red_flags_now": st.lists(st.sampled_from(RED_FLAG_NOW_CODES), max_size=1, unique=True),
        "supplements": st.lists(st.sampled_from(SUPPLEMENT_CODES), max_size=2, unique=True),
        "low_potassium_despite_supplements": st.booleans(),
        "labs": st.fixed_dictionaries({}, optional={
            "potassium": st.fixed_dictionaries(
                {"value": st.sampled_from([2.4, 2.5, 2.9, 3.0, 3.4, 3.5, 5.0, 5.1, 5.5, 6.0, 6.5]), "unit": st.just("mmol/L")},
                optional={"taken": st.sampled_from(["last_7_days", "last_30_days", "older"])}),
            "magnesium": st.fixed_dictionaries(
                {"value": st.sampled_from([0.49, 0.5, 0.69, 0.7, 1.05, 1.06]), "unit": st.just("mmol/L")},
                optional={"taken": st.sampled_from(["last_7_days", "last_30_days", "older"])}),
        }),
    },
)  # fmt: skip


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(answers=ANSWERS)
def test_rules_that_fired_are_exactly_those_whose_condition_holds(screener: Any, answers: dict[str, Any]) -> None:
    """For real records: each step's fired rules == the rules of that step whose `when` holds.

    The facts at the end of the run stand for the facts each step saw, because no rule tests a
    fact a later step can change (test_a_rule_only_tests_facts_settled_by_earlier_steps).
    """
    run = screener.run(answers)
    ruleset = screener.ruleset
    assert [trace.step for trace in run.trace] == list(ruleset.step_ids)
    for trace in run.trace:
        known = {**run.facts, "step": trace.step}
        holds = {rule.id for rule in ruleset.rules_for_step(trace.step) if evaluate(rule.when, known)}
        assert set(trace.fired) == holds, f"step {trace.step}"
    assert {finding.rule for finding in run.result.findings} == {rule for trace in run.trace for rule in trace.fired}


# -- a broken rule folder is refused with a useful message ----------------------------------------
def _broken_copy(tmp_path: Path, file: str, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    data = json.loads((folder / file).read_text("utf-8"))
    change(data)
    (folder / file).write_text(json.dumps(data, indent=2), "utf-8")
    return folder


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    (rule,) = [rule for rule in data["rules"] if rule["id"] == rule_id]
    return rule


def test_an_unbroken_copy_loads(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "levels.json", lambda data: None)
    assert len(load_ruleset(folder).rules) == len(load_ruleset().rules)


BROKEN = [
    pytest.param(
        "risk_factors.json", lambda d: _rule(d, "rf_heavy_alcohol")["when"].update(fact="heavy_alcohl"),
        ["risk_factors.json", "rf_heavy_alcohol", "'when'", "heavy_alcohl", "did you mean 'heavy_alcohol'"],
        id="unknown fact with a near-miss name",
    ),
    pytest.param(
        "ruleset.json", lambda d: d["lab_units"]["potassium"].update(normal_mmol_per_l=[5.0, 3.5]),
        ["ruleset.json", "normal range [5.0, 3.5] is empty or not inside the plausible range [1.5, 9.0]"],
        id="a normal range upside down",
    ),
    pytest.param(
        "levels.json", lambda d: _rule(d, "magnesium_likely_low_result").update(step="level"),
        ["levels.json", "magnesium_likely_low_result", "'step'", "did you mean 'levels'"],
        id="unknown step",
    ),
    pytest.param(
        "urgency.json", lambda d: _rule(d, "routine_high_magnesium")["then"].update({"raise": {"urgency": "routin"}}),
        ["urgency.json", "routine_high_magnesium", "'then'", "did you mean 'routine'"],
        id="unknown urgency value",
    ),
    pytest.param(
        "recommendations.json", lambda d: _rule(d, "recommend_check_magnesium")["then"].update(recommend="check_magnesum"),
        ["recommendations.json", "recommend_check_magnesium", "'then'", "did you mean 'check_magnesium'"],
        id="unknown recommendation code",
    ),
    pytest.param(
        "risk_factors.json", lambda d: _rule(d, "rf_malabsorption")["then"]["evidence"].update(groups=["rf_bth"]),
        ["risk_factors.json", "rf_malabsorption", "'then'", "did you mean 'rf_both'"],
        id="unknown evidence group",
    ),
    pytest.param(
        "derived_facts.json", lambda d: _rule(d, "older_adult").update(sources=["nih_odz"]),
        ["derived_facts.json", "older_adult", "'sources'", "did you mean 'nih_ods'"],
        id="unknown source",
    ),
    pytest.param(
        "derived_facts.json", lambda d: _rule(d, "older_adult")["then"].update({"assert": ["older_adul"]}),
        ["derived_facts.json", "older_adult", "'then'", "did you mean 'older_adult'"],
        id="asserts an undeclared fact",
    ),
    pytest.param(
        "derived_facts.json", lambda d: _rule(d, "poor_diet_processed_food")["when"].update({"is": "most_day"}),
        ["derived_facts.json", "poor_diet_processed_food", "'when'", "did you mean 'most_days'"],
        id="a text value the fact never takes",
    ),
    pytest.param(
        "levels.json", lambda d: d["rules"].append(dict(_rule(d, "magnesium_likely_low_result"))),
        ["levels.json", "magnesium_likely_low_result", "used twice"],
        id="duplicate rule id",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("file", "change", "expected"), BROKEN)
def test_a_broken_rule_is_refused_naming_file_rule_field_and_nearest_name(
    tmp_path: Path, file: str, change: Callable[[dict[str, Any]], None], expected: list[str]
) -> None:
    folder = _broken_copy(tmp_path, file, change)
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    message = str(raised.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert str(folder) in message


def test_a_rule_without_a_mechanism_is_refused_naming_file_and_field(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "levels.json", lambda d: d["rules"][0].pop("mechanism"))
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    message = str(raised.value)
    assert "levels.json" in message
    assert "'mechanism' is required" in message


def test_a_misspelt_field_is_refused_with_the_nearest_name(tmp_path: Path) -> None:
    def misspell(data: dict[str, Any]) -> None:
        data["rules"][0]["mechanisms"] = data["rules"][0].pop("mechanism")

    folder = _broken_copy(tmp_path, "levels.json", misspell)
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    assert "did you mean 'mechanism'" in str(raised.value)


def test_a_rule_without_a_mechanism_is_refused_naming_the_rule_id(tmp_path: Path) -> None:
    folder = _broken_copy(tmp_path, "levels.json", lambda d: d["rules"][0].pop("mechanism"))
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    assert "levels.json: rule 'magnesium_likely_low_result': 'mechanism' is required but missing" in str(raised.value)


def test_a_rule_file_that_is_not_json_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    text = (folder / "urgency.json").read_text("utf-8")
    (folder / "urgency.json").write_text(text.replace('"step": "urgency",', '"step": "urgency"', 1), "utf-8")
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder)
    message = str(raised.value)
    assert "urgency.json" in message
    assert "not valid JSON" in message
    assert re.search(r"line \d+, column \d+", message)


def test_a_missing_rule_file_is_refused_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (folder / "levels.json").unlink()
    with pytest.raises(RulesError, match=r"levels\.json: file not found"):
        load_ruleset(folder)


def test_rationales_speak_to_people_and_notes_to_maintainers(ruleset: Ruleset) -> None:
    """A rationale is shown beside its rule in every result's "Why" (terminal, web, printed
    report). A newcomer found "leaves room in the engine" and "(verify report H8)" there: how a
    rule is written for the engine, which review asked for it and where it departs from the spec
    belong in the rule's "notes", which only `rules show` and docs/rules.md show."""
    maintainers = re.compile(
        r"engine|first comparison|screening-logic|verify report|vignette review|coherence review|sorts (?:before|after)", re.I
    )
    speaking = [rule.id for rule in ruleset.rules if maintainers.search(rule.rationale)]
    assert speaking == [], "move these sentences of the rationale to the rule's notes"
