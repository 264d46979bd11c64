"""A headline a patient cannot misread, at every door.

The combined level alone misleads when the rest of the result says more: "UNLIKELY" in capitals
beside "contact a clinician today" reads as an all-clear. So the headline itself says when a part
is higher than combined, why combined is higher than both parts, and when "unlikely" rests on few
answers: in the terminal (`screen`, `ask`, rich and `--plain`), the Python API's `result_text`,
the web page, the person report (HTML and PDF) and its clinician summary, and the CDS Hooks card.
Wording only: the levels and the urgency are the rules', unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from report_images import WHEN, pdf_page_texts, tools_missing
from screener.cli.main import app
from test_reports import parsed, text_of
from typer.testing import CliRunner
from web_support import Visitor, upload_and_skip_to_result

from screener.cds.calls import HookCall
from screener.cds.cards import SUMMARY_LIMIT, CardWriter
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.fhir import fhir_context
from screener.headline import Headline
from screener.interview import Questionnaire
from screener.render import result_text
from screener.reports.words import Words

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# A man of 68 on omeprazole for more than 3 months, with tetany, tingling and cramps (a clinician's
# unseen case): magnesium depletion possible, potassium unlikely, so combined unlikely; urgent.
MAN_ON_OMEPRAZOLE_WITH_TETANY = {
    "id": "omeprazole",
    "age": 68,
    "sex": "male",
    "medications": ["omeprazole 40mg once a day"],
    "ppi_over_3_months": "yes",
    "symptoms": ["muscle_spasm_tetany", "numbness_tingling", "muscle_cramps"],
}
# Rita, 72, on a loop diuretic (a cause of both losses) with cramps and twitches: each mineral only
# possible, together likely (screening-logic v2 §4).
RITA_ON_FUROSEMIDE_WITH_CRAMPS_AND_TWITCHES = {
    "id": "rita",
    "age": 72,
    "sex": "female",
    "medications": ["Lasix 40 mg"],
    "symptoms": ["muscle_cramps", "muscle_twitches", "palpitations"],
}
# Sam, 40, who said only that he takes no medicines and has no symptoms: two of the four core
# sections, every level unlikely, no visit needed, and "These answers do not point to ...".
SAM_WHO_ANSWERED_TWO_SECTIONS = {"id": "sam", "age": 40, "medications": [], "symptoms": []}

NOT_ANSWERED = " (not answered: alcohol and gut losses (diarrhea, vomiting, laxatives))"
PEOPLE: dict[str, dict[str, Any]] = {
    "man on omeprazole with tetany": {
        "answers": MAN_ON_OMEPRAZOLE_WITH_TETANY,
        "levels": ("unlikely", "possible", "unlikely", "urgent"),
        "terminal": "Combined magnesium and potassium depletion: unlikely, but magnesium depletion is POSSIBLE" + NOT_ANSWERED,
        "page": "Combined magnesium and potassium depletion: unlikely, but magnesium depletion is possible",
        "clinician": "Combined: unlikely (but magnesium possible) · Mg: possible · K: unlikely",
        "card": "combined unlikely (but magnesium possible)",
    },
    "Rita on furosemide": {
        "answers": RITA_ON_FUROSEMIDE_WITH_CRAMPS_AND_TWITCHES,
        "levels": ("likely", "possible", "possible", "urgent"),
        "terminal": "Combined magnesium and potassium depletion: LIKELY, higher than either part alone, because a cause of "
        "both losses comes with symptoms that fit" + NOT_ANSWERED,
        "page": "Combined magnesium and potassium depletion: likely, higher than either part alone, because a cause of "
        "both losses comes with symptoms that fit",
        "clinician": "Combined: likely (above both parts: both-loss cause with fitting symptoms) · Mg: possible · K: possible",
        "card": "combined likely (above both parts: both-loss cause with fitting symptoms)",
    },
    "Sam with two sections answered": {
        "answers": SAM_WHO_ANSWERED_TWO_SECTIONS,
        "levels": ("unlikely", "unlikely", "unlikely", "none"),
        "terminal": "Combined magnesium and potassium depletion: unlikely, but based on FEW ANSWERS: not reassurance" + NOT_ANSWERED,
        "page": "Combined magnesium and potassium depletion: unlikely, but based on few answers: not reassurance",
        "clinician": "Combined: unlikely (on few answers: not reassurance) · Mg: unlikely · K: unlikely",
        "card": "combined unlikely (on little EHR data: not reassurance)",
    },
}
runner = CliRunner()


def words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def answers_file(tmp_path: Path, answers: dict[str, Any]) -> str:
    path = tmp_path / f"{answers['id']}.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    return str(path)


# -- what each person is told ---------------------------------------------------------------------


def test_the_man_on_omeprazole_with_tetany_is_not_headed_unlikely_on_its_own(screener: Any) -> None:
    result = screener.screen(MAN_ON_OMEPRAZOLE_WITH_TETANY)
    head = result_text(result, screener).split("Recommendations")[0]
    assert "UNLIKELY" not in head  # the capitals a patient reads as an all-clear
    assert "magnesium depletion is POSSIBLE" in words(head)
    # Red flags first, then how soon, then the levels: the urgency is read before any level.
    assert words(head).index("How soon: urgent - contact a clinician today") < words(head).index("POSSIBLE")


def test_rita_is_told_beside_her_headline_why_combined_is_above_both_parts(screener: Any) -> None:
    result = screener.screen(RITA_ON_FUROSEMIDE_WITH_CRAMPS_AND_TWITCHES)
    headline = Headline.of(result)
    assert headline.above_both and not headline.higher_parts
    assert "LIKELY, higher than either part alone, because a cause of both losses comes with symptoms that fit" in headline.text()


def test_sam_who_answered_two_sections_is_told_unlikely_rests_on_few_answers(screener: Any) -> None:
    result = screener.screen(SAM_WHO_ANSWERED_TWO_SECTIONS)
    assert result.coverage == "partial"
    assert [r.code for r in result.recommendations] == ["answer_the_core_questions"]  # never "do not point to ..."
    assert Headline.of(result).few_answers
    assert "UNLIKELY" not in result_text(result, screener).split("Recommendations")[0]


def test_three_of_four_core_sections_answered_is_not_few_answers(screener: Any) -> None:
    answers = SAM_WHO_ANSWERED_TWO_SECTIONS | {"alcohol": {"drinks_per_week": 0}}
    result = screener.screen(answers)
    assert (result.coverage, result.combined_depletion) == ("partial", "unlikely")
    assert not Headline.of(result).few_answers
    assert "Combined magnesium and potassium depletion: UNLIKELY (not answered: gut losses" in words(result_text(result, screener))


def test_a_part_at_the_level_of_combined_adds_nothing_to_the_headline(screener: Any) -> None:
    result = screener.screen({"age": 72, "medications": ["Lasix 40 mg"], "symptoms": []})
    assert (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion) == ("possible", "possible", "possible")
    assert Headline.of(result).text(not_answered=False) == "Combined magnesium and potassium depletion: POSSIBLE"


def test_a_low_potassium_result_alone_is_headed_possible_but_potassium_likely(screener: Any) -> None:
    # Combined stays possible (check magnesium, screening-logic v2 §4), potassium alone says more.
    answers = {"age": 50, "labs": {"potassium": {"value": 2.9, "unit": "mmol/L", "taken": "last_7_days"}}}
    result = screener.screen(answers)
    assert (result.combined_depletion, result.potassium_depletion) == ("possible", "likely")
    assert "Combined magnesium and potassium depletion: possible, but potassium depletion is LIKELY" in words(result_text(result, screener))


@pytest.mark.parametrize("person", PEOPLE)
def test_the_levels_and_urgency_stay_the_rules(screener: Any, person: str) -> None:
    result = screener.screen(PEOPLE[person]["answers"])
    levels = (result.combined_depletion, result.magnesium_depletion, result.potassium_depletion, result.urgency)
    assert levels == PEOPLE[person]["levels"]


# -- every door says it ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("plain", [True, False], ids=["plain", "rich"])
def test_screen_prints_the_headline(tmp_path: Path, person: str, plain: bool) -> None:
    run = runner.invoke(app, ["screen", answers_file(tmp_path, PEOPLE[person]["answers"]), *(["--plain"] if plain else [])])
    assert run.exit_code == 0, run.output
    assert PEOPLE[person]["terminal"] in words(run.output)


@pytest.mark.parametrize("person", PEOPLE)
def test_ask_ends_with_the_headline(tmp_path: Path, person: str) -> None:
    # Carry on from the person's answers, say "none" to the safety check and skip the rest.
    replies = ["0", *["skip"] * 25, "", ""]
    run = runner.invoke(app, ["ask", "--resume", answers_file(tmp_path, PEOPLE[person]["answers"]), "--plain"], input="\n".join(replies) + "\n")
    assert run.exit_code == 0, run.output
    assert PEOPLE[person]["terminal"] in words(run.output)


@pytest.mark.parametrize("person", PEOPLE)
def test_result_text_in_the_python_api_gives_the_headline(screener: Any, person: str) -> None:
    assert PEOPLE[person]["terminal"] in words(result_text(screener.screen(PEOPLE[person]["answers"]), screener))


def person_html(screener: Any, answers: dict[str, Any], **options: Any) -> str:
    from screener.reports import person_report

    return person_report(answers, screener=screener, generated=WHEN, **options)


def section_text(html: str, name: str) -> str:
    return words(text_of(next(s for s in parsed(html).iter("section") if name in (s.get("class") or "").split())))


@pytest.mark.parametrize("person", PEOPLE)
def test_the_person_report_heads_its_result_so(screener: Any, person: str) -> None:
    html = person_html(screener, PEOPLE[person]["answers"])
    heading = words(text_of(parsed(html).find(".//h2[@id='headline-heading']")))
    assert heading == PEOPLE[person]["page"]


@pytest.mark.parametrize("person", PEOPLE)
def test_the_clinician_summary_notes_it_beside_the_combined_level(screener: Any, person: str) -> None:
    for html in (person_html(screener, PEOPLE[person]["answers"]), person_html(screener, PEOPLE[person]["answers"], summary=True)):
        assert PEOPLE[person]["clinician"] in section_text(html, "clinician")


def test_the_report_colours_the_headline_by_the_part_that_says_more(screener: Any) -> None:
    html = person_html(screener, MAN_ON_OMEPRAZOLE_WITH_TETANY)
    section = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "").split())
    assert "level-possible" in section.get("class")
    heading = parsed(html).find(".//h2[@id='headline-heading']")
    loud = [(span.get("class"), text_of(span)) for span in heading.iter("span")]
    assert loud == [("level-word quiet", "unlikely"), ("level-word possible", "possible")]


def test_on_few_answers_no_level_is_shown_in_the_colour_of_reassurance(screener: Any) -> None:
    html = person_html(screener, SAM_WHO_ANSWERED_TWO_SECTIONS)
    section = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "").split())
    assert "level-few-answers" in section.get("class")
    assert not [span for span in section.iter("span") if (span.get("class") or "").split()[-1:] == ["unlikely"]]
    assert "Going by these few answers" in section_text(html, "headline")


@pytest.mark.parametrize("person", PEOPLE)
def test_the_pdf_heads_its_result_so(screener: Any, person: str, tmp_path: Path) -> None:
    from screener.reports import write_report

    if tools_missing():
        pytest.skip(tools_missing())
    path = tmp_path / "report.pdf"
    write_report(person_html(screener, PEOPLE[person]["answers"]), str(path))
    first = words(pdf_page_texts(path)[0])
    assert PEOPLE[person]["page"].upper().replace("COMBINED MAGNESIUM AND POTASSIUM DEPLETION", "") in first.upper()


@pytest.mark.parametrize("person", PEOPLE)
def test_the_web_result_page_heads_its_result_so(person: str) -> None:
    visitor = Visitor()
    upload_and_skip_to_result(visitor, PEOPLE[person]["answers"])
    shown = words(visitor.text()).replace(" ,", ",").replace(" :", ":")  # the text of each element, spaced
    assert PEOPLE[person]["page"] in shown


@pytest.fixture(scope="module")
def writer(screener: Any) -> CardWriter:
    return CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))


@pytest.mark.parametrize("person", PEOPLE)
def test_the_cds_card_summary_says_it_under_140_characters_with_the_urgency(writer: CardWriter, screener: Any, person: str) -> None:
    answers = PEOPLE[person]["answers"]
    entry = screener.screen_entry(answers)
    call = HookCall(services(writer.context)["patient-view"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened(answers, entry))
    assert PEOPLE[person]["card"] in card["summary"]
    assert card["summary"].endswith(f"urgency: {entry['urgency']}")
    assert len(card["summary"]) <= SUMMARY_LIMIT
    detail_headline = Headline.of(entry, few_words="little EHR data").text(capitals=False, not_answered=False)
    assert f"**{detail_headline}**" in card["detail"]

