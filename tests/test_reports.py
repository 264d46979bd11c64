"""Reports people look at: one person's page and a cohort's, checked as documents (strict HTML
parse, nothing loaded from outside, every recommendation and finding shown, cohort numbers equal
to counts made independently from the results file)."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from report_images import WHEN, pdf_page_texts, tools_missing

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = sorted((ROOT / "examples" / "personas").glob("*.json"))

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")


# -- reading a page ---------------------------------------------------------------------------
def parsed(html: str) -> Any:
    """The page parsed by html5lib in strict mode: any parse error (a stray tag, a bad attribute,
    an unclosed element) fails the test."""
    import html5lib

    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def text_of(node: Any) -> str:
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip()


def page_text(html: str) -> str:
    return text_of(parsed(html).find("body"))


def external_references(html: str) -> list[str]:
    """Every place a page could load something from elsewhere: src/href/xlink:href attributes
    that are not in-page fragments, CSS url(...) and @import, and script/link/iframe elements."""
    found = []
    for element in parsed(html).iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag.split("}")[-1] in ("script", "link", "iframe", "object", "embed", "img"):
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.split("}")[-1] in ("src", "href", "srcset", "action", "poster", "data") and not value.startswith("#"):
                found.append(f"{name}={value}")
    found += re.findall(r"url\((?!#)[^)]*\)|@import", html)
    return found


def result_of(screener: Any, answers: dict[str, Any]) -> dict[str, Any]:
    return screener.screen(answers).model_dump(mode="json", exclude_none=True)


# -- one person -------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_each_persona_page_is_valid_html_with_no_outside_reference_and_shows_every_recommendation_and_finding(
    persona: Path, screener: Any
) -> None:
    from screener.reports import person_report

    answers = json.loads(persona.read_text(encoding="utf-8"))
    html = person_report(answers, screener=screener, generated=WHEN)
    assert external_references(html) == []
    text = page_text(html)
    result = result_of(screener, answers)
    for recommendation in result["recommendations"]:
        assert re.sub(r"\s+", " ", recommendation["text"]) in text, recommendation["code"]
    for finding in result["findings"]:
        assert finding["title"] in text, finding["rule"]
        assert finding["explanation"] in text, finding["rule"]
        for source in finding["sources"]:
            assert source in text
    assert result["disclaimer"] in text
    assert result["ruleset"]["sha256"] in text and result["ruleset"]["version"] in text
    assert "29 November 2025" in text


def test_a_findings_heading_is_its_title_alone_with_the_rule_id_beside_it(screener: Any) -> None:
    """A screen reader lists a page's headings: "Red flag now: fainting", not "...[red_flag_now_fainting]"."""
    from screener.reports import person_report

    answers = json.loads((ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json").read_text())
    result = result_of(screener, answers)
    articles = [a for a in parsed(person_report(answers, screener=screener, generated=WHEN)).iter("article")]
    assert len(articles) == len(result["findings"])
    titles = {finding["rule"]: finding["title"] for finding in result["findings"]}
    for article in articles:
        head = article.find("div")
        rule = text_of(head).rsplit(" [", 1)[1].rstrip("]")
        assert text_of(head.find("h4")).removeprefix("red flag ") == titles[rule]


def test_fainting_now_is_the_first_thing_the_page_says_with_the_emergency_advice(screener: Any) -> None:
    from screener.reports import person_report

    answers = json.loads((ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json").read_text())
    main = parsed(person_report(answers, screener=screener, generated=WHEN)).find(".//main")
    first = next(iter(main))
    assert first.get("role") == "alert"
    assert "Red flag: Fainting" in text_of(first)
    assert "Call your local emergency number" in text_of(first)
    findings = main.findall(".//article")
    assert "red-flag" in findings[0].get("class")


def test_the_page_is_for_the_person_and_has_a_summary_a_clinician_reads_in_ten_seconds(screener: Any) -> None:
    from screener.reports import person_report

    answers = {
        "id": "rita",
        "age": 72,
        "medications": ["Lasix 40 mg", "omeprazole 20mg"],
        "ppi_over_3_months": "yes",
        "symptoms": ["muscle_cramps", "muscle_twitches"],
        "labs": {"magnesium": {"value": 1.5, "unit": "mg/dL", "taken": "last_7_days"}},
    }
    html = person_report(answers, screener=screener, generated=WHEN)
    clinician = next(s for s in parsed(html).iter("section") if "clinician" in (s.get("class") or ""))
    summary = text_of(clinician)
    for expected in ("Combined: likely", "Urgency", "Red flags none", "Lab", "1.5 mg/dL", "0.62 mmol/L", "furosemide", "loop diuretic"):
        assert expected in summary, expected
    text = page_text(html)
    assert "Going by these answers, a combined magnesium and potassium depletion is likely." in text
    assert "Your answers, as given" in text and "Muscle cramps; Muscle twitches" in text
    assert "you have low" not in text.lower()


def test_the_clinician_summary_shows_what_the_screen_had_to_assume(screener: Any) -> None:
    """Wen answered "not sure" to the long-term PPI question: the summary listed "Long-term proton
    pump inhibitor" as a plain risk factor, and the warning that it was a "not sure" counted as yes
    was nowhere a clinician reading only the summary would see it."""
    from screener.reports import person_report

    wen = {"id": "wen", "age": 60, "medications": ["omeprazole 20 mg"], "ppi_over_3_months": "unsure"}
    html = person_report(wen, screener=screener, generated=WHEN)
    clinician = next(s for s in parsed(html).iter("section") if "clinician" in (s.get("class") or ""))
    assert "Warnings Stomach-acid medicine (proton pump inhibitor) for more than 3 months: answered 'not sure'" in text_of(clinician)
    rita = {"id": "rita", "age": 72, "medications": ["Lasix 40 mg"], "symptoms": ["muscle_cramps"]}
    assert "Warnings" not in text_of(next(s for s in parsed(person_report(rita, screener=screener, generated=WHEN)).iter("section") if "clinician" in (s.get("class") or "")))


def test_a_result_file_is_reported_without_screening_again_and_says_the_answers_are_not_in_it(screener: Any) -> None:
    from screener.reports import person_report

    result = result_of(screener, {"id": "sam", "age": 30, "symptoms": ["muscle_cramps"]})
    html = person_report(result, screener=screener, generated=WHEN)
    assert "which does not hold the answers themselves" in page_text(html)


def test_not_enough_answers_to_screen_is_said_above_the_levels_when_coverage_is_none(screener: Any) -> None:
    from screener.reports import person_report

    result = result_of(screener, {"id": "blank"}) | {"coverage": "none"}
    text = page_text(person_report(result, screener=screener, generated=WHEN))
    assert text.index("Not enough answers to screen") < text.index("Combined magnesium and potassium depletion: not screened")
    assert "cannot be read as reassurance" in text


def test_partial_coverage_names_what_was_not_answered_beside_the_headline(screener: Any) -> None:
    from screener.reports import person_report

    result = result_of(screener, {"id": "half", "medications": ["Lasix"]}) | {
        "coverage": "partial",
        "unanswered_sections": ["alcohol", "symptoms"],
    }
    html = person_report(result, screener=screener, generated=WHEN)
    headline = next(s for s in parsed(html).iter("section") if "headline" in (s.get("class") or ""))
    assert "Not answered, so this result may miss something: Alcohol, Symptoms in the past two weeks." in text_of(headline)


def test_a_result_from_before_coverage_existed_still_renders(screener: Any) -> None:
    from screener.reports import person_report

    result = result_of(screener, {"id": "old", "age": 50})
    result.pop("coverage", None)
    assert "not recorded" in page_text(person_report(result, screener=screener, generated=WHEN))


def test_text_from_the_answers_is_always_escaped(screener: Any) -> None:
    from screener.reports import person_report

    answers = {"id": "<script>alert(1)</script>", "medications": ['<img src="https://example.org/x.png">Lasix']}
    html = person_report(answers, screener=screener, generated=WHEN)
    tree = parsed(html)
    assert not [e for e in tree.iter() if isinstance(e.tag, str) and e.tag in ("script", "img")]
    assert "<script>alert(1)</script>" in page_text(html)
    assert external_references(html) == []


def test_an_invalid_record_entry_is_refused_with_its_errors(screener: Any) -> None:
    from screener.errors import InputError
    from screener.reports import person_report

    entry = {"status": "invalid", "id": "x", "errors": [{"path": "$.age", "message": "must be at most 120"}]}
    with pytest.raises(InputError, match=r"\$\.age: must be at most 120"):
        person_report(entry, screener=screener)


# -- a cohort -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def results_file(tmp_path_factory: pytest.TempPathFactory, screener: Any) -> Path:
    """Batch output for the example cohort and 400 synthetic people, with one line that is not JSON
    and one answers record that was never screened."""
    from screener.synthetic import cohort

    path = tmp_path_factory.mktemp("cohort") / "results.jsonl"
    records = [json.loads(line) for line in (ROOT / "examples/cohort.jsonl").read_text().splitlines()]
    records += list(cohort(400, seed=3))
    with path.open("w", encoding="utf-8") as out:
        for position, record in enumerate(records, 1):
            out.write(json.dumps(screener.screen_entry(record, source="cohort", position=position)) + "\n")
        out.write("{not json\n")
        out.write(json.dumps({"id": "never-screened", "age": 40}) + "\n")
    return path


def thin(entry: dict[str, Any]) -> bool:
    return entry.get("coverage") == "none"


def counts_from(path: Path) -> dict[str, Any]:
    """The numbers the cohort report must show, counted here without any of its code."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            entries.append(None)
    screened = [e for e in entries if isinstance(e, dict) and e.get("status") == "screened"]
    return {
        "records": len(entries),
        "screened": len(screened),
        "not-screened": len(entries) - len(screened),
        "emergency-or-urgent": sum(e["urgency"] in ("emergency", "urgent") for e in screened),
        "consult": sum(e["consult_clinician"] for e in screened),
        # No core section answered: "unlikely" and "none" are counted as "not screened", as shown.
        "urgency": Counter("not screened" if thin(e) and e["urgency"] == "none" else e["urgency"] for e in screened),
        **{
            scale: Counter("not screened" if thin(e) and e[scale] == "unlikely" else e[scale] for e in screened)
            for scale in ("combined_depletion", "magnesium_depletion", "potassium_depletion")
        },
        "risk-factors": Counter(code for e in screened for code in set(e["risk_factors"])),
        "red-flags": Counter(code for e in screened for code in set(e["red_flags"])),
        "potassium": Counter(lab["mmol_per_l"] for e in screened for lab in e["labs_used"] if lab["lab"] == "potassium" and lab["used"]),
    }


def table_counts(tree: Any, table_id: str) -> dict[str, list[int]]:
    table = next(t for t in tree.iter("table") if t.get("id") == table_id)
    return {
        row.get("data-code") or text_of(row.find("th")): [int(cell.get("data-count")) for cell in row.findall("td")]
        for row in table.find("tbody").findall("tr")
    }


@pytest.fixture(scope="module")
def cohort_html(results_file: Path) -> str:
    from screener.reports import cohort_report_from_files

    return cohort_report_from_files([str(results_file)], generated=WHEN)


def test_cohort_numbers_equal_counts_made_independently_from_the_results_file(cohort_html: str, results_file: Path) -> None:
    expected = counts_from(results_file)
    tree = parsed(cohort_html)
    key_numbers = {li.get("data-count"): int(li.find("strong").text.replace(",", "")) for li in tree.iter("li") if li.get("data-count")}
    for name in ("records", "screened", "not-screened", "emergency-or-urgent", "consult"):
        assert key_numbers[name] == expected[name], name
    urgency_rows = {code: counts[0] for code, counts in table_counts(tree, "urgency-table").items()}
    # "Routine" is split in two sub-rows (review 6, W4), which add up to it.
    sub_rows = {code: urgency_rows.pop(code) for code in ("routine-answers", "routine-scope") if code in urgency_rows}
    if sub_rows:
        assert sum(sub_rows.values()) == urgency_rows["routine"]
    assert urgency_rows == {
        code: expected["urgency"].get(code, 0) for code in ("emergency", "urgent", "soon", "routine", "none", "not screened") if code != "not screened" or expected["urgency"].get(code)
    }
    levels = table_counts(tree, "levels-table")
    for scale in ("combined_depletion", "magnesium_depletion", "potassium_depletion"):
        assert levels[scale] == [expected[scale].get(level, 0) for level in ("likely", "possible", "unlikely")], scale
    # Background factors (age, a poor diet) have their own table since review 6 (W4).
    factors = {code: counts[0] for code, counts in table_counts(tree, "risk-factors-table").items()}
    factors |= {code: counts[0] for code, counts in table_counts(tree, "background-factors-table").items()}
    assert factors == dict(expected["risk-factors"])
    assert {code: counts[0] for code, counts in table_counts(tree, "red-flags-table").items()} == dict(expected["red-flags"])
    assert sum(counts[0] for counts in table_counts(tree, "lab-potassium-table").values()) == sum(expected["potassium"].values())


def test_cohort_potassium_bands_follow_the_rules_thresholds(cohort_html: str, results_file: Path) -> None:
    values = counts_from(results_file)["potassium"]
    bands = {label: counts[0] for label, counts in table_counts(parsed(cohort_html), "lab-potassium-table").items()}
    assert bands["below 2.5"] == sum(n for v, n in values.items() if v < 2.5)
    assert bands["3.0 to under 3.5"] == sum(n for v, n in values.items() if 3.0 <= v < 3.5)
    assert bands["3.5 to under 4.0"] == sum(n for v, n in values.items() if 3.5 <= v < 4.0)  # the digoxin floor (v2)
    assert bands["4.0 to 5.0"] == sum(n for v, n in values.items() if 4.0 <= v <= 5.0)
    assert bands["6.5 or above"] == sum(n for v, n in values.items() if v >= 6.5)


def test_cohort_page_is_valid_html_whose_every_chart_is_named_for_a_screen_reader(cohort_html: str) -> None:
    assert external_references(cohort_html) == []
    tree = parsed(cohort_html)
    ids = [e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids)), "element ids must be unique across all the inline charts"
    charts = [e for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith("svg")]
    assert len(charts) >= 7
    for chart in charts:
        assert chart.get("role") == "img"
        title_id, desc_id = chart.get("aria-labelledby").split()
        named = {e.get("id"): text_of(e) for e in chart.iter() if isinstance(e.tag, str) and e.get("id") in (title_id, desc_id)}
        assert named[title_id] and named[desc_id]
        section = next(s for s in tree.iter("section") if chart in list(s.iter()))
        assert section.find(".//table") is not None, "every chart has its numbers in a table beside it"


def test_cohort_lists_the_records_that_need_care_soonest_emergency_first_and_the_invalid_ones(cohort_html: str, results_file: Path) -> None:
    tree = parsed(cohort_html)
    rows = next(t for t in tree.iter("table") if t.get("id") == "urgent-table").find("tbody").findall("tr")
    urgencies = [text_of(row.findall("td")[0].find("span")) for row in rows]  # the badge; the why follows it
    order = ["emergency", "urgent", "soon"]
    assert urgencies == sorted(urgencies, key=order.index)
    expected = counts_from(results_file)
    assert urgencies.count("emergency") == expected["urgency"]["emergency"]
    invalid = text_of(next(t for t in tree.iter("table") if t.get("id") == "invalid-table"))
    assert "unknown field 'medicatons' (did you mean 'medications'?)" in invalid
    assert "not a batch result (no status)" in invalid
    assert "line 1" in invalid or "column" in invalid  # the line that is not JSON, with where it broke


def test_risk_factors_whose_labels_start_alike_keep_distinct_chart_labels_and_whole_table_rows(screener: Any) -> None:
    """"A medicine that can make the kidneys lose magnesium" and "... magnesium and potassium"
    must not both be cut to "A medicine that can make the…" on the chart: each is said whole,
    wrapped onto lines of at most 26 characters (a third of the chart's width)."""
    from screener.reports import cohort_report_from_entries
    from screener.reports.build import words_for

    base = result_of(screener, {"id": "a", "age": 50})
    entries = [
        base | {"id": "a", "risk_factors": ["both_wasting_drug"]},
        base | {"id": "b", "risk_factors": ["mg_wasting_drug", "both_wasting_drug"]},
        base | {"id": "c", "risk_factors": ["k_lowering_drug"]},
    ]
    tree = parsed(cohort_report_from_entries(entries, screener.ruleset, generated=WHEN))
    section = next(s for s in tree.iter("section") if s.find(".//table[@id='risk-factors-table']") is not None)
    chart = next(e for e in section.iter() if isinstance(e.tag, str) and e.tag.endswith("svg"))
    axis = [text_of(t) for t in chart.iter() if isinstance(t.tag, str) and t.tag.endswith("text")]
    words = words_for(screener.ruleset)
    whole = [words.risk_factor(code) for code in ("both_wasting_drug", "mg_wasting_drug", "k_lowering_drug")]
    assert all(len(line) <= 26 for line in axis), axis
    said = " ".join(axis)
    for label in whole:
        assert re.sub(r"\s*\([^)]*\)", "", label) in said, said
    assert "…" not in said
    table = text_of(section.find(".//table[@id='risk-factors-table']"))
    for label in whole:
        assert label in table  # the table keeps the whole words


def test_the_words_inside_each_level_bar_stay_inside_it() -> None:
    """"likely" above "24%" in a bar of the levels chart once stood above the bar's top edge,
    white on the white page: gone on screen and on paper."""
    from screener.reports import charts

    rows = {"Combined": {"likely": 12, "possible": 8, "unlikely": 26}, "Magnesium": {"likely": 6, "possible": 22, "unlikely": 18}}
    svg = charts.stacked_levels("levels", "Screening levels", rows, ["likely", "possible", "unlikely"], 46).svg
    bars = [
        (float(x0), float(top), float(x1), float(bottom))
        for x0, bottom, x1, top in re.findall(
            r'<path d="M ([\d.]+) ([\d.]+) \nL ([\d.]+) [\d.]+ \nL [\d.]+ ([\d.]+) \nL [\d.]+ [\d.]+ \nz\n" clip-path', svg
        )  # the bars: clipped to the axes, unlike the page's and the axes' own white boxes
    ]
    words = re.findall(r'font-size: ([\d.]+)px;[^"]*fill: #ffffff" transform="translate\(([\d.]+) ([\d.]+)\)">([^<]+)<', svg)
    assert len(words) >= 8, words  # a level and its share, in each wide enough part
    for size, x, baseline, word in words:
        ascent, descent = 0.76 * float(size), 0.24 * float(size)
        assert any(
            x0 <= float(x) <= x1 and top <= float(baseline) - ascent and float(baseline) + descent <= bottom for x0, top, x1, bottom in bars
        ), (word, baseline)


def test_lab_thresholds_come_from_the_rule_files_not_from_python(tmp_path: Path, screener: Any) -> None:
    from screener.reports import cohort_report, new_tally
    from screener.reports.thresholds import lab_scales
    from screener.screening.ruleset import load_ruleset

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    derived = rules / "derived_facts.json"
    derived.write_text(derived.read_text().replace('"lt": 3.5', '"lt": 3.6').replace('"gte": 3.5', '"gte": 3.6'))
    ruleset = load_ruleset(rules)
    (potassium,) = (scale for scale in lab_scales(ruleset) if scale.lab == "potassium")
    assert 3.6 in [t.value for t in potassium.thresholds] and 3.5 not in [t.value for t in potassium.thresholds]
    html = cohort_report(new_tally(ruleset).add_all([]), ruleset, generated=WHEN)
    assert "3.0 to under 3.6" in page_text(html)


def test_a_tally_keeps_bounded_lists_however_many_records_it_counts(screener: Any) -> None:
    from screener.reports import new_tally

    urgent = result_of(screener, {"age": 70, "red_flags_now": ["chest_pain"]})
    invalid = {"status": "invalid", "id": "x", "errors": [{"path": f"$.f{i}", "message": "bad"} for i in range(40)]}
    tally = new_tally(screener.ruleset, most_urgent=10, first_invalid=5)
    for number in range(3000):
        tally.add(urgent | {"id": f"p-{number}"})
        tally.add(invalid)
    assert len(tally.urgent_records()) == 10 and tally.urgent_not_listed == 2990
    assert [r.id for r in tally.urgent_records()] == [f"p-{n}" for n in range(10)]  # the first ones, by id
    assert len(tally.invalid_listed) == 5 and tally.invalid_not_listed == 2995
    assert len(tally.invalid_listed[0].errors) == 10 and tally.invalid_listed[0].more_errors == 30
    assert tally.screened == 3000 and tally.red_flags["chest_pain"] == 3000


def test_a_results_file_with_no_results_in_it_is_refused_with_a_hint(tmp_path: Path) -> None:
    from screener.errors import InputError
    from screener.reports import tally_files
    from screener.screening.ruleset import load_ruleset

    answers = tmp_path / "answers.jsonl"
    answers.write_text('{"id": "a", "age": 40}\n{"id": "b"}\n')
    with pytest.raises(InputError, match="holds no batch results") as raised:
        tally_files([str(answers)], load_ruleset())
    assert "batch first" in str(raised.value)


# -- files ------------------------------------------------------------------------------------
def test_a_report_file_is_written_atomically_by_its_suffix_and_other_suffixes_are_refused(tmp_path: Path) -> None:
    from screener.errors import InputError
    from screener.reports import write_report

    assert write_report("<!DOCTYPE html><title>t</title>", str(tmp_path / "page.html")) == "html"
    with pytest.raises(InputError, match="cannot tell the report format"):
        write_report("<p>", str(tmp_path / "page.txt"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    assert (tmp_path / "page.html").stat().st_mode & 0o077 == 0  # health data: readable by its owner only


@pytest.mark.skipif(bool(tools_missing()), reason=f"needs {', '.join(tools_missing())} (installed by .ci/run)")
def test_the_pdf_prints_the_disclaimer_and_page_number_on_every_page(tmp_path: Path, screener: Any) -> None:
    from screener.reports import person_report, write_report

    answers = json.loads((ROOT / "examples/personas/diuretic-and-vomiting-with-fainting-now.json").read_text())
    for paper in ("a4", "letter"):
        pdf = tmp_path / f"rita-{paper}.pdf"
        write_report(person_report(answers, screener=screener, generated=WHEN), str(pdf), paper=paper)
        pages = pdf_page_texts(pdf)
        assert len(pages) >= 2
        for number, page in enumerate(pages, 1):
            flat = re.sub(r"\s+", " ", page)
            assert "This is a screening and education tool, not a diagnosis." in flat, f"page {number} ({paper})"
            assert f"Page {number} of {len(pages)}" in flat


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda path: path.stem)
def test_each_findings_source_numbers_read_in_ascending_order(persona: Path, screener: Any) -> None:
    """A finding citing sources first cited elsewhere once printed "Sources: [4][5][3]"."""
    from screener.reports import person_report

    html = person_report(json.loads(persona.read_text(encoding="utf-8")), screener=screener, generated=WHEN)
    for cites in parsed(html).iter("span"):
        if cites.get("class") == "cites":
            numbers = [int(number) for number in re.findall(r"\[(\d+)\]", text_of(cites))]
            assert numbers == sorted(numbers), f"{persona.stem}: {text_of(cites)}"


def test_what_would_change_the_headline_is_listed_in_sentences_that_start_with_a_capital(screener: Any) -> None:
    from screener.reports import person_report

    answers = json.loads((ROOT / "examples/personas/heart-failure-on-furosemide-and-metolazone.json").read_text())
    assert screener.screen(answers).next_level_missing[0].startswith("combined magnesium")
    html = person_report(answers, screener=screener, generated=WHEN)
    section = next(s for s in parsed(html).iter("section") if s.get("aria-labelledby") == "next-level-heading")
    lines = [text_of(li) for li in section.iter("li")]
    assert lines and all(line[0].isupper() for line in lines), lines
    assert lines[0].startswith("Combined magnesium and potassium depletion would be likely with")
