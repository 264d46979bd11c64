"""A child under 12 is not asked about alcohol, and an unanswered alcohol section is not listed as
missing for them, at every door: `ask`, the web page, the FHIR Questionnaire (enableWhen, and
LHC-Forms rendering it), and the result's coverage, headline and report. Twelve is the age under
which the rules give a child the child's advice and no adult lines (`child_with_gi_losses`).
Adolescents of 12 to 17 are still asked; an age not given asks as before."""

from __future__ import annotations

from typing import Any

import pytest
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import Visitor

from screener.contract.coverage import ALCOHOL_FROM_AGE, applies
from screener.fhir import build_questionnaire, fhir_context
from screener.interview import Interview, Questionnaire
from screener.render import result_text

# Milo, 8, has had diarrhoea for two days (six loose stools on a bad day); his father answered
# everything the questionnaire asks a child.
MILO = {
    "id": "milo", "age": 8, "sex": "male", "diuretic_use": "no", "medications": [],
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 6}, "vomiting": {"present": False},
    "laxative_use": "none", "symptoms": [],
}  # fmt: skip
MILO_REPLIES = ["0", "8", "male", "no", "none", "yes", "2", "6", "no", "no", "0", "rarely", "3", "0", "0", "", "", ""]
# Zoe, 15, with the same stomach bug: a teenager is asked about alcohol like an adult.
ZOE = MILO | {"id": "zoe", "age": 15, "sex": "female"}


def asked(answers: dict[str, Any]) -> list[str]:
    questionnaire = Questionnaire.load()
    vocabulary = fhir_context_vocabulary()
    return Interview(questionnaire, vocabulary, answers).applicable_items()


def fhir_context_vocabulary() -> Any:
    from screener.screening.pipeline import Screener

    return Screener().ruleset.vocabulary


# -- the result -------------------------------------------------------------------------------------


def test_milo_aged_8_with_diarrhoea_is_fully_screened_without_an_alcohol_answer(screener: Any) -> None:
    result = screener.screen(MILO)
    assert "alcohol" not in result.unanswered_sections
    assert result.coverage == "full"
    text = " ".join(result_text(result).split())
    assert "alcohol" not in text.split("Not answered", 1)[-1] and "(not answered" not in text


def test_zoe_aged_15_is_still_asked_and_her_alcohol_is_listed_as_not_answered(screener: Any) -> None:
    result = screener.screen(ZOE)
    assert "alcohol" in result.unanswered_sections and result.coverage == "partial"
    assert "(not answered: alcohol)" in " ".join(result_text(result).split())


def test_an_age_not_given_leaves_alcohol_a_question_as_before(screener: Any) -> None:
    without_age = {key: value for key, value in MILO.items() if key != "age"}
    assert "alcohol" in screener.screen(without_age).unanswered_sections


def test_milo_who_answered_only_his_diarrhoea_is_few_answers_of_the_three_a_child_is_asked(screener: Any) -> None:
    from screener.headline import Headline

    result = screener.screen({"id": "milo", "age": 8, "diarrhea": {"present": False}})
    assert result.coverage == "partial"
    assert Headline.of(result).few_answers
    assert "not answered: medicines and symptoms" in " ".join(result_text(result).split())
    nothing = screener.screen({"id": "milo", "age": 8})
    assert nothing.coverage == "none", "a child who answered none of the three is not screened"
    assert "answer_the_core_questions" not in [r.code for r in nothing.recommendations]


def test_the_age_is_the_one_the_rules_give_a_child_the_childs_advice_under() -> None:
    import json
    from pathlib import Path

    rules = json.loads((Path(__file__).resolve().parents[1] / "rules" / "derived_facts.json").read_text("utf-8"))
    (rule,) = [rule for rule in rules["rules"] if rule["id"] == "child_with_gi_losses"]
    assert {"fact": "age", "lt": ALCOHOL_FROM_AGE} in rule["when"]["all"]
    (item,) = [item for item in Questionnaire.load().items if item.id == "alcohol_frequency"]
    assert [(c.item, c.operator, c.value) for c in item.enable_when] == [("age", "not_below", ALCOHOL_FROM_AGE)]
    assert not applies("alcohol", {"age": 11}, ()) and applies("alcohol", {"age": 12}, ()) and applies("alcohol", {}, ())


# -- the questionnaire (`ask` and the web page share its skip logic) ----------------------------------


def test_the_interview_skips_every_alcohol_question_for_milo_and_asks_zoe() -> None:
    alcohol = {"alcohol_frequency", "alcohol_quantity", "alcohol_binge", "drinks_per_week"}
    assert not alcohol & set(asked({"red_flags_now": [], "age": 8}))
    assert "alcohol_frequency" in asked({"red_flags_now": [], "age": 15})
    assert "alcohol_frequency" in asked({"red_flags_now": []}), "age not answered yet: asked as before"


def test_ask_never_asks_milo_about_alcohol_nor_says_it_was_not_answered(tmp_path: Any) -> None:
    saved = tmp_path / "milo.json"
    run = CliRunner().invoke(app, ["ask", "--plain", "--save", str(saved)], input="".join(r + "\n" for r in MILO_REPLIES))
    assert run.exit_code == 0, run.output
    assert "alcohol" not in run.output.lower()
    assert "Children lose fluid quickly" in run.output


def test_the_web_page_goes_from_milos_medicines_to_his_diarrhoea() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("8")
    visitor.choose("Male")
    visitor.choose("No")
    visitor.type("none")
    assert visitor.question == "diarrhea_present", visitor.question
    assert "alcohol" not in visitor.text().lower()


def test_the_web_page_asks_zoe_about_alcohol_after_her_medicines() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("None of these")
    visitor.type("15")
    visitor.choose("Female")
    while visitor.question != "medications":
        visitor.choose("No")  # the pregnancy and water-pill questions
    visitor.type("none")
    assert visitor.question == "alcohol_frequency"


# -- FHIR -------------------------------------------------------------------------------------------


def test_the_fhir_questionnaire_enables_alcohol_when_no_age_is_given_or_it_is_12_or_more(screener: Any) -> None:
    for version in ("R4", "R5"):
        questionnaire = build_questionnaire(fhir_context(screener.ruleset), version)  # type: ignore[arg-type]
        (item,) = [entry for entry in questionnaire["item"] if entry["linkId"] == "alcohol_frequency"]
        assert item["enableBehavior"] == "any"
        assert item["enableWhen"] == [
            {"question": "age", "operator": "exists", "answerBoolean": False},
            {"question": "age", "operator": ">=", "answerInteger": ALCOHOL_FROM_AGE},
        ]


def test_not_below_inside_all_becomes_a_fhirpath_that_is_true_without_an_answer(screener: Any) -> None:
    from screener.fhir.expressions import enable_when_expression
    from screener.interview.questionnaire_items import Condition

    context = fhir_context(screener.ruleset)
    items = {item.id: item for item in context.questionnaire.items}
    item = items["alcohol_frequency"]
    both = type(item)(**{**item.__dict__, "enable_when": (Condition("age", "not_below", 12), Condition("sex", "equals", "male"))})
    text = enable_when_expression(both, items, context)["valueExpression"]["expression"]
    assert "linkId='age').answer.valueInteger.where($this < 12).empty()" in text


@pytest.mark.parametrize("bad_target", ["sex"])
def test_not_below_on_an_item_that_is_not_a_whole_number_is_refused(bad_target: str) -> None:
    import copy
    import json
    from pathlib import Path

    from screener.errors import RulesError

    data = json.loads((Path(__file__).resolve().parents[1] / "rules" / "questionnaire.json").read_text("utf-8"))
    data = copy.deepcopy(data)
    (item,) = [item for item in data["items"] if item["id"] == "alcohol_frequency"]
    item["enable_when"] = [{"item": bad_target, "operator": "not_below", "value": 12}]
    with pytest.raises(RulesError, match="'not_below' needs an integer item"):
        Questionnaire.from_data(data)
