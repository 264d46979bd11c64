"""In a potassium and magnesium screener, "a low level" reads as a low *blood* level: "so a low level
here is not reassurance" (newcomer review 7, section 7) could be read as "a low potassium is
nothing to worry about". Where the words mean the screen's own level on few answers, they now say
so: "a result of 'unlikely' here does not rule out low magnesium or potassium", in the person's and
the parent's wording, in the plain text, the teaching walk, the cohort report and the CDS card.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from result_support import text_of

from screener.render import result_text
from screener.teaching.walk import coverage_words

ROOT = Path(__file__).resolve().parents[1]
MISREAD = re.compile(r"\ba low(?:er)? (?:level|one)\b[^.]*?\bnot reassurance|\blow level here\b", re.IGNORECASE)
RULED_OUT = "does not rule out low magnesium or potassium"


def test_no_text_calls_the_screens_level_a_low_level() -> None:
    sources = [*ROOT.joinpath("rules").glob("*.json"), *ROOT.joinpath("screener").rglob("*.py"), *ROOT.joinpath("screener").rglob("*.html")]
    found = [f"{path.relative_to(ROOT)}: {hit.group(0)}" for path in sources for hit in MISREAD.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_every_few_answers_text_and_its_parents_wording_says_unlikely_does_not_rule_it_out() -> None:
    texts = json.loads((ROOT / "rules" / "recommendation_texts.json").read_text(encoding="utf-8"))["recommendations"]
    few = [t for t in texts if t["code"] in {"answer_more_questions", "answer_the_core_questions", "core_questions_not_answered"}]
    assert len(few) == 3
    for text in few:
        assert "a result of 'unlikely' here does not rule out low magnesium or potassium." in text["text"], text["code"]
        assert "a result of 'unlikely' here does not rule out low magnesium or potassium in the child." in text["to_parent"], text["code"]


def test_ruth_who_answered_nothing_reads_that_unlikely_rules_nothing_out(screener: Any) -> None:
    result = screener.screen({})
    assert result.coverage == "none"
    advice = " ".join(text_of(result, "answer_more_questions").split())
    assert RULED_OUT in advice and "low level" not in advice
    plain = " ".join(result_text(result, width=100).split())
    assert "'unlikely' does not rule out low magnesium or potassium" in plain
    assert "low level" not in plain and "low one" not in plain
    assert "'unlikely' does not rule out low magnesium or potassium" in coverage_words(result)


def test_a_parent_who_gave_only_the_childs_age_is_told_it_of_the_child(screener: Any) -> None:
    result = screener.screen({"age": 8})
    advice = " ".join(text_of(result, "answer_more_questions").split())
    assert f"{RULED_OUT} in the child." in advice
