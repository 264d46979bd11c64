"""Advice for a child under 12 is worded to the parent or carer who answers for the child, as data.

A recommendation text (and each variant) may carry a parent's wording beside the adult one
(``to_parent`` in rules/recommendation_texts.json); when the rules conclude ``child_under_12`` (named
by the file's ``to_parent_when``), the result shows the parent's wording wherever one exists, at
every door: the plain text, the JSON result, the web page and its API, the PDF report, the CDS card
and the FHIR RiskAssessment. Which texts a child can be shown is read from the rules themselves, so
that a new text that speaks to "you" and can reach a child fails here until it has a parent's
wording. An adult's result does not change (README, "How it works" and "Where we departed from the
written spec": parents' wordings).
"""

from __future__ import annotations

import html
import json
import operator
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from report_images import pdf_page_texts, tools_missing
from result_support import all_advice, flat, text_of
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor, new_client, upload_and_skip_to_result

from screener.cds.calls import HookCall
from screener.cds.cards import CardWriter
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.errors import RulesError
from screener.fhir import fhir_context
from screener.interview import Questionnaire
from screener.render import result_text
from screener.reports.words import Words
from screener.screening.pipeline import Screener
from screener.screening.ruleset import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
PERSONAS = ROOT / "examples" / "personas"
NO_GUT_LOSSES = {"diarrhea": {"present": False}, "vomiting": {"present": False}, "laxative_use": "none"}

# Pia, 4, on prednisolone for her kidneys, has vomited three times today (under 5, NICE CG84: same day); tired.
# Her mother answers.
PIA_4_ON_PREDNISOLONE = {
    "id": "pia", "age": 4, "sex": "female", "medications": ["prednisolone 10mg"], "diarrhea": {"present": False},
    "vomiting": {"present": True, "days": 1, "episodes_per_day": 3, "cannot_keep_fluids_down": False},
    "laxative_use": "none", "symptoms": ["fatigue"], "red_flags_now": [],
}  # fmt: skip
# Noah, 9, weak in his legs, had a potassium of 3.1 this week; no medicines. His father answers.
NOAH_9_WITH_A_LOW_POTASSIUM = {
    "id": "noah", "age": 9, "sex": "male", "medications": ["none"], **NO_GUT_LOSSES, "symptoms": ["muscle_weakness"],
    "red_flags_now": [], "labs": {"potassium": {"value": 3.1, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Leo, 10, with kidney disease on enalapril, had a potassium of 5.8 this week.
LEO_10_WITH_A_POTASSIUM_OF_5_8 = {
    "id": "leo", "age": 10, "sex": "male", "medications": ["enalapril 5mg"], "conditions": ["chronic_kidney_disease"],
    **NO_GUT_LOSSES, "symptoms": [], "red_flags_now": [],
    "labs": {"potassium": {"value": 5.8, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip
# Ada, 8, with type 1 diabetes, has been sick twice today.
ADA_8_ON_INSULIN = {
    "id": "ada", "age": 8, "sex": "female", "conditions": ["type_1_diabetes"], "medications": ["insulin aspart", "insulin glargine"],
    "diarrhea": {"present": False}, "vomiting": {"present": True, "days": 1, "episodes_per_day": 2, "cannot_keep_fluids_down": False},
    "laxative_use": "none", "symptoms": ["fatigue"], "red_flags_now": [],
}  # fmt: skip
# Tom, 7, no medicines, with a potassium of 6.2 this week and muscle weakness.
TOM_7_WITH_A_POTASSIUM_OF_6_2 = {
    "id": "tom", "age": 7, "sex": "male", "medications": ["none"], **NO_GUT_LOSSES, "symptoms": ["muscle_weakness"],
    "red_flags_now": [], "labs": {"potassium": {"value": 6.2, "unit": "mmol/L", "taken": "last_7_days"}},
}  # fmt: skip

#: Ways an adult text speaks to "you" as the one who is ill or takes the medicine; none of them
#: may be in a parent's wording (the parent is still "you": "call your local emergency number",
#: "if you are worried", "your GP or NHS 111" for the family's GP).
SPEAKS_TO_THE_PATIENT = re.compile(
    r"\byou (take|use|had|are (pregnant|taking|on|steroid)|feel|vomit|reported|were given)\b|\byou have (taken|been|had|kidney|type|diabetes)\b|\byour (potassium|magnesium|body|kidneys?|"
    r"medicines?|heart|blood|insulin|steroid|result|clinician|prescriber|doctor|dose|tablets|levels?|"
    r"stomach-acid|bowel|ketones|lithium|asthma|breathing|midwife|oncology|transplant|diabetes|team|"
    r"emergency hydrocortisone|temperature|next visit)\b",
    re.IGNORECASE,
)
YOU = re.compile(r"\byou(r|rs|rself)?\b", re.IGNORECASE)
#: The adult's doses that a child's advice leaves to the child's team.
ADULT_DOSES = ("100 mg",)


# -- which texts a child can be shown, read from the rules ------------------------------------------

_ABSENT = object()
_COMPARE = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


class _Reading:
    """One reading of the rules for people of some ages, in one case of what they answered."""

    def __init__(self, ruleset: Ruleset, ages: tuple[int, ...], case: dict[str, Any], asserting: dict[str, list[Any]]) -> None:
        self.ruleset, self.ages, self.case, self.asserting = ruleset, ages, case, asserting
        self.derived: dict[str, bool | None] = {}

    def concluded(self, name: str) -> bool | None:
        if name not in self.derived:
            self.derived[name] = False  # a fact resting on itself is not concluded by it
            states = [self.holds(rule.when) for rule in self.asserting.get(name, [])]
            self.derived[name] = True if True in states else (None if None in states else False)
        return self.derived[name]

    def value(self, fact: str) -> Any:
        """The fact's value: a value, _ABSENT, or None (not known)."""
        known = self.ruleset.facts.get(fact)
        if known is not None and known.origin == "derived":
            state = self.concluded(fact)
            return None if state is None else (True if state else _ABSENT)
        return self.case.get(fact, _ABSENT if self.case.get(fact.split(".")[0]) is _ABSENT else None)

    def leaf(self, data: dict[str, Any]) -> bool | None:
        (op,) = (key for key in data if key != "fact")
        fact, expected = data["fact"], data[op]
        if fact == "age" and op in _COMPARE:
            outcomes = {_COMPARE[op](age, expected) for age in self.ages}
            return outcomes.pop() if len(outcomes) == 1 else None
        actual = self.value(fact)
        if actual is None or (actual is not _ABSENT and op not in ("is", "is_not")):
            return None
        if actual is _ABSENT:
            return op in ("is_not", "not_in") or (op == "present" and not expected)
        return bool(actual == expected) if op == "is" else bool(actual != expected)

    def holds(self, data: dict[str, Any]) -> bool | None:
        if "all" in data:
            parts = [self.holds(part) for part in data["all"]]
            return False if False in parts else (None if None in parts else True)
        if "any" in data:
            parts = [self.holds(part) for part in data["any"]]
            return True if True in parts else (None if None in parts else False)
        return self.leaf(data)


def keys_that_can_be_shown(ruleset: Ruleset, ages: Iterable[int]) -> set[str]:
    """The recommendation keys ("code" or "code:variant") some rule may give a person of these ages:
    each rule's condition read with three values (true, false, not known), every answer not known
    but the age; a derived fact holds when a rule asserting it must fire, cannot when none can.
    Read three times, with diarrhea, with vomiting and with neither, so that the child's own
    dehydration advice, which replaces the adults' fluids advice, is told apart."""
    asserting: dict[str, list[Any]] = {}
    for rule in ruleset.rules:
        for name in rule.then.get("assert", ()):
            asserting.setdefault(name, []).append(rule)
    keys: set[str] = set()
    for case in ({"diarrhea.present": True}, {"vomiting.present": True}, {"diarrhea": _ABSENT, "vomiting": _ABSENT}):
        reading = _Reading(ruleset, tuple(ages), case, asserting)
        keys |= {rule.then["recommend"] for rule in ruleset.rules if "recommend" in rule.then and reading.holds(rule.when) is not False}
    return keys


CHILD_AGES = range(12)
ADULT_AGES = range(12, 120)


def test_every_text_that_speaks_to_you_and_can_reach_a_child_has_a_parents_wording(screener: Screener) -> None:
    ruleset = screener.ruleset
    for_children = keys_that_can_be_shown(ruleset, CHILD_AGES)
    for_adults = keys_that_can_be_shown(ruleset, ADULT_AGES)
    # A text only a child can be shown is written to the parent already ("The child's potassium result ...").
    wanting = sorted(
        key for key in for_children & for_adults
        if YOU.search(ruleset.recommendation_texts[key]) and key not in ruleset.parent_texts
    )  # fmt: skip
    assert wanting == [], "these texts speak to 'you' and can reach a child: give each a 'to_parent' wording"
    # No parent's wording for a text no child can be shown (it would never be read).
    assert sorted(set(ruleset.parent_texts) - for_children) == []


def test_the_reading_of_the_rules_finds_every_text_a_cohort_of_children_was_shown(screener: Screener) -> None:
    from screener.synthetic import diverse_cohort

    ruleset = screener.ruleset
    possible = keys_that_can_be_shown(ruleset, CHILD_AGES)
    fired: set[str] = set()
    for number, record in enumerate(diverse_cohort(600, seed=7)):
        entry = screener.screen_entry({**record, "age": number % 12}, detail="lean")
        fired |= {finding["rule"] for finding in entry.get("findings", [])}
    given = {ruleset.rule(rule_id).then["recommend"] for rule_id in fired if "recommend" in ruleset.rule(rule_id).then}
    assert len(given) > 40 and given <= possible


def test_no_parents_wording_speaks_to_you_as_the_child_nor_gives_an_adults_dose(screener: Screener) -> None:
    for key, text in screener.ruleset.parent_texts.items():
        assert not SPEAKS_TO_THE_PATIENT.search(text), (key, SPEAKS_TO_THE_PATIENT.search(text))
        assert "child" in text, key
        assert not any(dose in text for dose in ADULT_DOSES), key


# -- the children -----------------------------------------------------------------------------------


def test_pias_mother_is_told_the_childs_steroid_sick_day_rules_without_an_adults_injection_dose(screener: Screener) -> None:
    result = screener.screen(PIA_4_ON_PREDNISOLONE)
    steroid = flat(text_of(result, "steroid_sick_day"))
    assert steroid.startswith("If the child has taken steroid tablets (prednisolone) for 4 weeks or more")
    assert "follow the child's steroid sick-day rules" in steroid and "keep giving it as prescribed" in steroid
    assert flat(text_of(result, "contact_clinician_today")).startswith("Contact a clinician about the child today")
    assert text_of(result, "keep_taking_prescribed_medicines").startswith("Do not stop a medicine prescribed for the child")
    advice = all_advice(result)
    assert not SPEAKS_TO_THE_PATIENT.search(advice), SPEAKS_TO_THE_PATIENT.search(advice)
    assert "100 mg" not in advice


def test_noahs_father_is_asked_about_the_childs_magnesium_test_and_visit(screener: Screener) -> None:
    result = screener.screen(NOAH_9_WITH_A_LOW_POTASSIUM)
    assert flat(text_of(result, "check_magnesium_with_potassium")).startswith(
        "Consider asking the child's clinician whether the child needs a magnesium blood test"
    )
    assert not SPEAKS_TO_THE_PATIENT.search(all_advice(result))
    later = screener.screen({**NOAH_9_WITH_A_LOW_POTASSIUM, "medications": ["furosemide"], "symptoms": [], "labs": {}})
    assert flat(text_of(later, "discuss_at_next_visit")).startswith("Discuss these results with the child's clinician")


def test_leos_parent_reads_the_childs_high_potassium_with_his_medicine_named(screener: Screener) -> None:
    result = screener.screen(LEO_10_WITH_A_POTASSIUM_OF_5_8)
    high = flat(text_of(result, "high_potassium_result"))
    assert high.startswith("The child's potassium result is high (5.5 mmol/L or more): this is a high potassium")
    assert "including enalapril" in high and "Do not stop a medicine prescribed for the child" in high
    assert flat(text_of(result, "no_magnesium_self_supplement")).startswith("Give the child magnesium supplements")
    assert not SPEAKS_TO_THE_PATIENT.search(all_advice(result))


def test_toms_parent_is_not_told_about_your_medicines_when_the_child_takes_none(screener: Screener) -> None:
    result = screener.screen(TOM_7_WITH_A_POTASSIUM_OF_6_2)
    high = flat(text_of(result, "high_potassium_result"))
    assert high.startswith("The child's potassium result is high (6.0 mmol/L or more)")
    assert "You said the child had muscle weakness" in high
    assert "including the child's medicines" in high and "your medicines" not in high


def test_adas_parent_is_told_never_to_stop_the_childs_insulin(screener: Screener) -> None:
    result = screener.screen(ADA_8_ON_INSULIN)
    insulin = flat(text_of(result, "insulin_sick_day"))
    assert insulin.startswith("The child uses insulin (or has type 1 diabetes) and has been sick.")
    assert "Never stop the child's insulin, even if the child is not eating" in insulin
    assert "the child's ketones are high (over 3 mmol/L in the blood" in insulin
    assert not SPEAKS_TO_THE_PATIENT.search(all_advice(result))


def test_the_same_answers_at_30_keep_the_adult_wording(screener: Screener) -> None:
    for child, adult_start in (
        (LEO_10_WITH_A_POTASSIUM_OF_5_8, "Your potassium result is high (5.5 mmol/L or more)"),
        (ADA_8_ON_INSULIN, "You use insulin (or have type 1 diabetes)"),  # at 30, "... and have been sick." (review 7)
        (PIA_4_ON_PREDNISOLONE, "If you have taken steroid tablets (prednisolone)"),
    ):
        result = screener.screen({**child, "age": 30})
        assert any(flat(text).startswith(adult_start) for text in (r.text for r in result.recommendations)), adult_start


def test_a_child_under_12_gets_the_same_advice_codes_as_the_rules_give_without_the_parents_wordings(
    screener: Screener, without_parent_wording: Screener
) -> None:
    """The wording is data: the rules decide the advice, the parent's wording only words it."""
    from screener.synthetic import diverse_cohort

    changed = 0
    for number, record in enumerate(diverse_cohort(300, seed=3)):
        child = {**record, "age": number % 12}
        ours, theirs = screener.screen_entry(child), without_parent_wording.screen_entry(child)
        assert [r["code"] for r in ours.get("recommendations", [])] == [r["code"] for r in theirs.get("recommendations", [])]
        for name in ("urgency", "combined_depletion", "red_flags", "findings", "warnings"):
            assert ours.get(name) == theirs.get(name), name
        changed += ours.get("recommendations") != theirs.get("recommendations")
    assert changed > 200


# -- adults are unchanged ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def without_parent_wording(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    """The shipped rules with every parent's wording taken out."""
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    texts = json.loads((folder / "recommendation_texts.json").read_text("utf-8"))
    for entry in texts["recommendations"]:
        entry.pop("to_parent", None)
    (folder / "recommendation_texts.json").write_text(json.dumps(texts), "utf-8")
    return Screener(folder)


def same_but_the_rules_hash(text: str, *rulesets: Ruleset) -> str:
    for ruleset in rulesets:
        text = text.replace(ruleset.sha256, "<sha256>").replace(ruleset.sha256[:12], "<sha256>")
    return text


@pytest.mark.parametrize("persona", sorted(path.stem for path in PERSONAS.glob("*.json")))
def test_each_personas_output_is_byte_identical_without_the_parents_wordings(
    screener: Screener, without_parent_wording: Screener, persona: str
) -> None:
    answers = json.loads((PERSONAS / f"{persona}.json").read_text("utf-8"))
    assert answers["age"] >= 12
    rulesets = (screener.ruleset, without_parent_wording.ruleset)
    ours, theirs = screener.screen_entry(answers), without_parent_wording.screen_entry(answers)
    assert same_but_the_rules_hash(json.dumps(ours), *rulesets) == same_but_the_rules_hash(json.dumps(theirs), *rulesets)
    plain = [result_text(s.screen(answers), s) for s in (screener, without_parent_wording)]
    assert same_but_the_rules_hash(plain[0], *rulesets) == same_but_the_rules_hash(plain[1], *rulesets)


def test_adults_and_teenagers_of_a_cohort_get_the_same_results_without_the_parents_wordings(
    screener: Screener, without_parent_wording: Screener
) -> None:
    from screener.synthetic import diverse_cohort

    seen = 0
    for record in diverse_cohort(400, seed=11):
        if isinstance(record.get("age"), int) and record["age"] < 12:
            continue
        seen += 1
        ours, theirs = screener.screen_entry(record), without_parent_wording.screen_entry(record)
        ours.pop("ruleset", None), theirs.pop("ruleset", None)
        assert ours == theirs, record["id"]
    assert seen > 300


# -- every door shows the parent's wording ------------------------------------------------------------

PARENT_WORDS = "The child's potassium result is high (5.5 mmol/L or more)"
ADULT_WORDS = "Your potassium result"


def answers_file(tmp_path: Path, answers: dict[str, Any] = LEO_10_WITH_A_POTASSIUM_OF_5_8) -> Path:
    path = tmp_path / f"{answers['id']}.json"
    path.write_text(json.dumps(answers), "utf-8")
    return path


def shows_the_parents_words(text: str) -> None:
    text = flat(html.unescape(text))
    assert PARENT_WORDS in text and ADULT_WORDS not in text


def test_the_plain_text_shows_the_parents_wording(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["screen", str(answers_file(tmp_path)), "--plain"])
    assert done.exit_code == 0, done.output
    shows_the_parents_words(done.output)


def test_the_json_result_shows_the_parents_wording(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    done = CliRunner().invoke(app, ["batch", str(answers_file(tmp_path)), "-o", str(out)])
    assert done.exit_code == 0, done.output
    [entry] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    shows_the_parents_words(" ".join(item["text"] for item in entry["recommendations"]))


def test_the_web_page_and_its_api_show_the_parents_wording() -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, LEO_10_WITH_A_POTASSIUM_OF_5_8)
    shows_the_parents_words(visitor.text())
    response = new_client().post("/api/v1/screen", json=LEO_10_WITH_A_POTASSIUM_OF_5_8)
    assert response.status_code == 200
    shows_the_parents_words(" ".join(item["text"] for item in response.json()["recommendations"]))


def test_the_report_and_its_pdf_show_the_parents_wording(tmp_path: Path) -> None:
    page = tmp_path / "leo.html"
    done = CliRunner().invoke(app, ["report", str(answers_file(tmp_path)), "-o", str(page)])
    assert done.exit_code == 0, done.output
    shows_the_parents_words(page.read_text("utf-8"))
    if tools_missing():
        pytest.skip(", ".join(tools_missing()))
    pdf = tmp_path / "leo.pdf"
    done = CliRunner().invoke(app, ["report", str(answers_file(tmp_path)), "-o", str(pdf)])
    assert done.exit_code == 0, done.output
    shows_the_parents_words(" ".join(pdf_page_texts(pdf)))


@pytest.fixture(scope="module")
def writer(screener: Screener) -> CardWriter:
    return CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))


def card_for(writer: CardWriter, screener: Screener, answers: dict[str, Any]) -> dict[str, Any]:
    call = HookCall(services(writer.context)["patient-view"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened(answers, screener.screen_entry(answers)))
    return card


def test_the_cds_card_shows_the_clinician_the_parents_wording(writer: CardWriter, screener: Screener) -> None:
    shows_the_parents_words(card_for(writer, screener, LEO_10_WITH_A_POTASSIUM_OF_5_8)["detail"])


def test_the_cds_card_offers_the_magnesium_test_beside_the_parents_wording_of_the_test_advice(
    writer: CardWriter, screener: Screener
) -> None:
    card = card_for(writer, screener, NOAH_9_WITH_A_LOW_POTASSIUM)
    assert "Consider asking the child's clinician whether the child needs a magnesium blood test" in flat(card["detail"])
    assert [s["label"] for s in card.get("suggestions", [])] == ["Order: Magnesium, serum or plasma"]


def test_the_fhir_risk_assessment_carries_the_parents_wording(tmp_path: Path) -> None:
    out = tmp_path / "risk.ndjson"
    done = CliRunner().invoke(app, ["batch", str(answers_file(tmp_path)), "-f", "fhir", "-o", str(out)])
    assert done.exit_code == 0, done.output
    [resource] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    shows_the_parents_words(resource["mitigation"])


# -- a rule folder whose parents' wordings do not fit is refused, saying where --------------------------


def edited_rules(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    texts = json.loads((folder / "recommendation_texts.json").read_text("utf-8"))
    change(texts)
    (folder / "recommendation_texts.json").write_text(json.dumps(texts), "utf-8")
    return folder


def entry(texts: dict[str, Any], code: str, variant: str | None = None) -> dict[str, Any]:
    return next(e for e in texts["recommendations"] if e["code"] == code and e.get("variant") == variant)


def lacking_a_slot(texts: dict[str, Any]) -> None:
    wording = entry(texts, "transplant_team_today")
    wording["to_parent"] = wording["to_parent"].replace("{medicines_given}", "tacrolimus")


def naming_a_fact_the_rules_do_not_conclude(texts: dict[str, Any]) -> None:
    texts["to_parent_when"] = "child_under_twelve"


def without_saying_when(texts: dict[str, Any]) -> None:
    del texts["to_parent_when"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lacking_a_slot,
            "recommendation 'transplant_team_today', field 'to_parent': lacks the slot '{medicines_given}' of its 'text'",
            id="slot",
        ),
        pytest.param(
            naming_a_fact_the_rules_do_not_conclude,
            "field 'to_parent_when': 'child_under_twelve' is not a fact the rules conclude (did you mean 'child_under_12'?)",
            id="fact",
        ),
        pytest.param(without_saying_when, "have a 'to_parent' wording but no 'to_parent_when' says when it is shown", id="when"),
    ],
)
def test_a_parents_wording_that_does_not_fit_is_refused_with_a_message_naming_it(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    folder = edited_rules(tmp_path, change)
    with pytest.raises(RulesError) as raised:
        load_ruleset(folder, engine_limits=False)
    assert expected in str(raised.value) and "recommendation_texts.json" in str(raised.value)
    done = CliRunner().invoke(app, ["screen", str(answers_file(tmp_path)), "--rules", str(folder)])
    assert done.exit_code == 4 and expected in done.output and "Traceback" not in done.output
