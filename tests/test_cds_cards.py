"""The cards, from any result: the indicator follows the urgency, the summary stays under 140
characters, a magnesium test is suggested exactly when magnesium depletion is possible or likely
and the result advises the test (not with a current magnesium result),
and the mapping is data that is checked against the rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from screener.cds.calls import HookCall
from screener.cds.cards import SUMMARY_LIMIT, CardWriter, escape, line
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.errors import RulesError
from screener.fhir import fhir_context
from screener.fhir.mapping import mapping_from_data
from screener.interview import Questionnaire
from screener.reports.words import Words

PERSONAS = Path(__file__).resolve().parent.parent / "examples" / "personas"
README = Path(__file__).resolve().parent.parent / "README.md"

#: What the README says, and what rules/fhir.json holds (routine is info since verify 6: a stable
#: patient to discuss at the next visit is not a warning).
INDICATOR = {"emergency": "critical", "urgent": "critical", "soon": "warning", "routine": "info", "none": "info"}


@pytest.fixture(scope="module")
def writer(screener: Any) -> CardWriter:
    return CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))


def card_for(writer: CardWriter, screener: Any, answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    entry = screener.screen_entry(answers)
    call = HookCall(services(writer.context)["patient-view"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened(answers, entry))
    return card, entry


@pytest.mark.parametrize("persona", sorted(path.stem for path in PERSONAS.glob("*.json")))
def test_every_persona_gets_the_indicator_of_its_urgency_and_a_test_only_when_magnesium_is_possible_or_likely_and_the_test_advised(
    writer: CardWriter, screener: Any, persona: str
) -> None:
    card, entry = card_for(writer, screener, json.loads((PERSONAS / f"{persona}.json").read_text("utf-8")))
    assert card["indicator"] == INDICATOR[entry["urgency"]]
    assert len(card["summary"]) <= SUMMARY_LIMIT
    # "Ask for a magnesium test" alone, or in the one line that asks for both tests
    # the advice asks for a magnesium test, in whichever wording (plain, firm, naming a PPI, to a parent)
    testing = {"check_magnesium", "check_magnesium_with_potassium", "anti_egfr_magnesium_check", "digoxin_check"}
    advised = any(item["code"] in testing and _asks_for_a_magnesium_test(item["text"]) for item in entry["recommendations"])
    assert ("suggestions" in card) == (entry["magnesium_depletion"] in ("possible", "likely") and advised)


def test_the_personas_cover_every_urgency(screener: Any) -> None:
    urgencies = {screener.screen_entry(json.loads(path.read_text("utf-8")))["urgency"] for path in PERSONAS.glob("*.json")}
    assert urgencies == set(INDICATOR)


def test_a_red_flag_comes_first_in_the_detail(writer: CardWriter, screener: Any) -> None:
    card, entry = card_for(writer, screener, json.loads((PERSONAS / "diuretic-and-vomiting-with-fainting-now.json").read_text("utf-8")))
    assert entry["red_flags"]
    assert card["indicator"] == "critical"
    assert card["detail"].startswith("**Red flag: ")


def test_the_indicator_mapping_is_the_data_and_the_readme_says_it(screener: Any) -> None:
    assert dict(fhir_context(screener.ruleset).mapping.cds_hooks["indicator_by_urgency"]) == INDICATOR
    readme = README.read_text("utf-8")
    for urgency, indicator in INDICATOR.items():
        assert f"| `{urgency}` | `{indicator}` |" in readme


def test_an_indicator_missing_for_an_urgency_is_a_rules_error_naming_it(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    data = json.loads((Path(__file__).resolve().parent.parent / "rules" / "fhir.json").read_text("utf-8"))
    del data["cds_hooks"]["indicator_by_urgency"]["routine"]
    data["cds_hooks"]["suggest_test"]["when"]["magnesium_depletion"].append("probable")
    mapping = mapping_from_data(data, context.questionnaire, "rules/fhir.json")
    broken = type(context)(context.questionnaire, mapping, context.vocabulary, context.vocabulary_data, context.lab_units)
    with pytest.raises(RulesError) as raised:
        CardWriter(broken, screener.ruleset, Words())
    assert str(raised.value).splitlines()[:2] == [
        "rules/fhir.json: cds_hooks.indicator_by_urgency: no indicator for urgency 'routine'",
        "rules/fhir.json: cds_hooks.suggest_test.when.magnesium_depletion: 'probable' is not a level of the rules",
    ]


def test_a_suggested_lab_the_mapping_does_not_code_is_refused_when_the_mapping_loads(screener: Any) -> None:
    context = fhir_context(screener.ruleset)
    data = json.loads((Path(__file__).resolve().parent.parent / "rules" / "fhir.json").read_text("utf-8"))
    data["cds_hooks"]["suggest_test"]["lab"] = "magnesum"
    with pytest.raises(RulesError, match=r"cds_hooks.suggest_test.lab: unknown lab 'magnesum' \(did you mean 'magnesium'\?\)"):
        mapping_from_data(data, context.questionnaire, "rules/fhir.json")


def test_a_long_medicine_name_cannot_push_the_summary_over_the_limit(writer: CardWriter, screener: Any) -> None:
    unknown = "Compounded oral solution " + "x" * 170  # not in the vocabulary: shown as written, clipped
    ordered = [unknown, "Furosemide 40 MG Oral Tablet"]
    before = screener.screen_entry({"id": "p1", "age": 40})
    after = screener.screen_entry({"id": "p1", "age": 40, "medications": ordered})
    call = HookCall(services(writer.context)["order-select"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened({}, after, before=before, ordered=ordered))
    assert card["summary"].startswith("With Compounded oral solution xxxxxxxxxxxxxx… and furosemide ordered, the Mg/K screen rises")
    assert len(card["summary"]) <= SUMMARY_LIMIT


def test_markdown_from_data_is_escaped_inline_and_at_the_start_of_a_line() -> None:
    assert escape("**x** <b>y</b> [z](http://e)") == "\\*\\*x\\*\\* \\<b\\>y\\</b\\> \\[z\\](http://e)"
    assert line(escape("# not a heading")) == "\\# not a heading"
    assert line(escape("1. not a list")) == "1\\. not a list"
    assert escape("two\nlines") == "two lines"


def test_a_card_never_asks_for_the_water_pill_question_when_the_record_lists_furosemide(writer: CardWriter, screener: Any) -> None:
    """QA: "Not in the record either: ... water pill (diuretic)" beside furosemide read from the record."""
    card, entry = card_for(writer, screener, {"age": 70, "medications": ["Furosemide 40 MG Oral Tablet"]})
    assert "diuretic_use" not in entry["unanswered_sections"]
    not_in_record = [row for row in card["detail"].splitlines() if "Not in the record" in row]
    assert not_in_record and all("water pill" not in row.lower() for row in not_in_record)
    assert "Not in the record either: sex, diet, health conditions" in card["detail"]


def _asks_for_a_magnesium_test(text: str) -> bool:
    """The two ways the advice asks for a magnesium test: by itself, or with a water pill's potassium check."""
    return "magnesium blood test" in text or "your magnesium with it, by name" in text


def test_every_wording_that_asks_for_a_first_magnesium_test_offers_the_order() -> None:
    """A wording added later (at a medicines review, on a water pill) was left out of the list, so
    the card for a loop diuretic being ordered lost its "Order: Magnesium" suggestion."""
    rules = Path(__file__).resolve().parents[1] / "rules"
    texts = json.loads((rules / "recommendation_texts.json").read_text(encoding="utf-8"))["recommendations"]
    offered = set(json.loads((rules / "fhir.json").read_text(encoding="utf-8"))["cds_hooks"]["suggest_test"]["recommendations"])
    asking = {
        f"{text['code']}:{text['variant']}" if text.get("variant") else text["code"]
        for text in texts
        if text["code"] in ("check_magnesium", "check_magnesium_with_potassium")
        # the follow-ups of a low result have a result; the plain both-tests line asks for checks whenever potassium is low
        and not str(text.get("variant", "")).startswith("low_result")
        and _asks_for_a_magnesium_test(text["text"])
    }
    assert asking - offered == set()
