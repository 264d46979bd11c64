"""What a person reads at the top of a result speaks to them: no rule ids in brackets, no notes
written for the rules' maintainers ("team judgement: NICE CG84 names who is at increased risk, not
how soon to call"), and closing words that match how soon (surfaces review C1, C4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from report_images import WHEN
from test_advice_order import RITA_ILL_FOR_FIVE_DAYS_ON_LASIX
from test_reports import parsed, text_of

from screener.screening.ruleset import Ruleset

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Sam, 4, with diarrhea 8 times a day for 2 days: a child under 5 at higher risk of dehydration.
SAM_AGED_FOUR_WITH_DIARRHEA = {
    "id": "sam",
    "age": 4,
    "sex": "male",
    "medications": [],
    "diarrhea": {"present": True, "days": 2, "stools_per_day": 8},
    "vomiting": {"present": False},
    "symptoms": [],
    "red_flags_now": [],
}

#: Words for maintainers, not for the person: the rules' own judgement and where it came from.
MAINTAINERS_WORDS = re.compile(r"team judgement|\breview\b|screening-logic|\bspec\b|FHIR|answers file|README|variant", re.I)


def top_box(html: str) -> str:
    return text_of(next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or "")))


def test_rita_reads_why_she_is_urgent_without_a_rule_id(screener: Any) -> None:
    from screener.reports import person_report

    top = top_box(person_report(RITA_ILL_FOR_FIVE_DAYS_ON_LASIX, screener=screener, generated=WHEN))
    assert "Why urgent" in top and "sick-day" in top
    assert not re.search(r"\[[a-z0-9]+(?:_[a-z0-9]+)+\]", top), top


def test_sams_parents_read_why_today_without_the_teams_notes_on_nice(screener: Any) -> None:
    from screener.reports import person_report

    result = screener.screen(SAM_AGED_FOUR_WITH_DIARRHEA)
    assert result.urgency == "urgent"
    top = top_box(person_report(SAM_AGED_FOUR_WITH_DIARRHEA, screener=screener, generated=WHEN))
    assert "increased risk of dehydration" in top
    assert "team judgement" not in top and "not how soon to call" not in top


def test_the_reasons_for_how_soon_and_for_the_headline_speak_to_people(screener: Any) -> None:
    """Every rule that can set how soon, or the headline, is shown in the top box with its rationale."""
    ruleset: Ruleset = screener.ruleset
    ids = {rule.id for rule in ruleset.rules}
    for rule in ruleset.rules:
        if rule.step != "headline" and "urgency" not in rule.then.get("raise", {}):
            continue
        named = [word for word in re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", rule.rationale) if word in ids]
        assert not named, f"{rule.id}: rule ids in the rationale: {named} (put them in notes)"
        assert not MAINTAINERS_WORDS.search(rule.rationale), f"{rule.id}: {rule.rationale}"


# Tom, 58, fainted and has trouble breathing right now, on furosemide with vomiting.
TOM_FAINTING_AND_BREATHLESS_NOW = {
    "id": "tom",
    "age": 58,
    "medications": ["furosemide 40mg"],
    "vomiting": {"present": True, "days": 2},
    "red_flags_now": ["fainting", "trouble_breathing"],
}


def test_tom_told_to_seek_emergency_care_is_not_left_with_worth_discussing_with_a_clinician(screener: Any) -> None:
    result = screener.screen(TOM_FAINTING_AND_BREATHLESS_NOW)
    assert result.urgency == "emergency"
    assert "worth discussing" not in result.disclaimer
    assert result.disclaimer.endswith("These answers call for emergency care now: do not wait for an appointment.")


@pytest.mark.parametrize(
    ("answers", "urgency", "closing"),
    [
        (RITA_ILL_FOR_FIVE_DAYS_ON_LASIX, "urgent", "a clinician today"),
        ({"age": 40, "symptoms": ["palpitations"], "medications": [], "red_flags_now": []}, "soon", "within the next few days"),
        ({"age": 70, "medications": ["furosemide 20mg"], "symptoms": [], "red_flags_now": []}, "routine", "at your next visit"),
    ],
)
def test_the_closing_words_match_how_soon(screener: Any, answers: dict[str, Any], urgency: str, closing: str) -> None:
    result = screener.screen(answers)
    assert result.urgency == urgency
    assert closing in result.disclaimer


def test_nothing_flagged_ends_with_the_disclaimer_alone(screener: Any) -> None:
    result = screener.screen({"age": 40, "medications": [], "symptoms": [], "diarrhea": {"present": False}})
    assert result.urgency == "none" and result.disclaimer == screener.ruleset.disclaimer


def test_a_rule_folder_with_closing_words_for_some_urgencies_only_is_refused(tmp_path: Any) -> None:
    import json
    import shutil
    from pathlib import Path

    from screener import load_ruleset
    from screener.errors import RulesError

    folder = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", folder, ignore=shutil.ignore_patterns("__*"))
    manifest = json.loads((folder / "ruleset.json").read_text(encoding="utf-8"))
    manifest["consult_advice"] = {"emergency": "Call your local emergency number now."}
    (folder / "ruleset.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(RulesError, match="consult_advice: no text for urgency 'urgent', 'soon', 'routine'"):
        load_ruleset(folder)
    manifest["consult_advice"] = "One text for every urgency that calls for a clinician."
    (folder / "ruleset.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert set(load_ruleset(folder).consult_advice.values()) == {manifest["consult_advice"]}
