"""The cohort report says why each record that needs care soonest is listed (the rules that set
its urgency, with the lab values they fired on), and words its counts so that none reads as more
than it is."""

from __future__ import annotations

import re
from typing import Any

import pytest
from report_images import WHEN
from test_reports import parsed, text_of

pytest.importorskip("jinja2", reason="the reports extra is part of the test extra")

# Harold, 80, on spironolactone and lisinopril, with a potassium of 6.7 from this week: no red
# flag and nothing that points to a depletion, but an emergency all the same.
HAROLD = {
    "id": "harold",
    "age": 80,
    "medications": ["spironolactone 25 mg", "lisinopril 10 mg"],
    "labs": {"potassium": {"value": 6.7, "unit": "mmol/L", "taken": "last_7_days"}},
}
# June, 58, with chest pain now.
JUNE = {"id": "june", "age": 58, "red_flags_now": ["chest_pain"]}


def urgent_rows(html: str) -> dict[str, str]:
    """Each listed record's urgency and why (its first two cells), by id (the row header's first
    words; where the record is follows them)."""
    table = next(t for t in parsed(html).iter("table") if t.get("id") == "urgent-table")
    return {
        (row.find("th").text or "").strip(): " ".join(text_of(cell) for cell in row.findall("td")[:2])
        for row in table.find("tbody").findall("tr")
    }


@pytest.mark.parametrize("detail", ["lean", "full"])
def test_harold_with_a_potassium_of_6_7_is_listed_with_the_rule_and_the_value_that_made_it_an_emergency(
    screener: Any, detail: str
) -> None:
    from screener.reports import cohort_report_from_entries

    entries = [screener.screen_entry(person, source="ward.jsonl", position=n, detail=detail) for n, person in enumerate((HAROLD, JUNE), 1)]
    harold = entries[0]
    assert (harold["urgency"], harold["red_flags"], harold["combined_depletion"]) == ("emergency", [], "unlikely")
    setting = [f["rule"] for f in harold["findings"] if screener.ruleset.rule(f["rule"]).then.get("raise", {}).get("urgency") == "emergency"]
    assert setting
    rows = urgent_rows(cohort_report_from_entries(entries, screener.ruleset, generated=WHEN))
    titles = "; ".join(screener.ruleset.rule(rule).title for rule in setting)
    assert rows["harold"] == f"emergency {titles} (Serum potassium 6.7 mmol/L)"
    assert rows["june"] == "emergency Red flag now: chest pain"


def test_a_rule_these_rules_do_not_have_is_named_by_its_id(screener: Any) -> None:
    """A results file made with other rules: its rule ids are shown, never an error."""
    from screener.reports import cohort_report, new_tally

    entry = screener.screen_entry(HAROLD, detail="lean")
    tally = new_tally(screener.ruleset)
    tally.urgency_raised["an_older_rule"] = "emergency"
    tally.add(entry | {"findings": [{"rule": "an_older_rule", "evidence": []}, *entry["findings"]]})
    (listed,) = tally.urgent_records()
    assert listed.urgency_rules[0] == "an_older_rule" and len(listed.urgency_rules) >= 2
    rows = urgent_rows(cohort_report(tally, screener.ruleset, generated=WHEN))
    assert rows["harold"].startswith("emergency an_older_rule; ")


def test_the_why_of_each_listed_record_is_kept_only_for_listed_records(screener: Any) -> None:
    from screener.reports import new_tally

    tally = new_tally(screener.ruleset, most_urgent=3)
    for number in range(200):
        tally.add(screener.screen_entry(HAROLD | {"id": f"h-{number}"}, detail="lean"))
    records = tally.urgent_records()
    assert [r.id for r in records] == ["h-0", "h-1", "h-2"]
    assert all(r.urgency_rules and r.urgency_labs == (("labs.potassium.mmol_per_l", 6.7),) for r in records)


def test_the_counts_say_what_they_include(screener: Any) -> None:
    from screener.reports import cohort_report_from_entries

    entries = [screener.screen_entry(person, detail="lean") for person in (HAROLD, JUNE, {"id": "recent", "symptoms": ["chest_pain"]})]
    tree = parsed(cohort_report_from_entries(entries, screener.ruleset, generated=WHEN))
    consult = next(li for li in tree.iter("li") if li.get("data-count") == "consult")
    assert text_of(consult) == "3 advised to see a clinician (including at the next routine visit)"
    red_flags = next(s for s in tree.iter("section") if s.get("id") == "red-flags")
    assert text_of(red_flags.find(".//h2")) == "Red flags, now or in the past two weeks"
    assert "counted together" in text_of(red_flags)
    table = next(t for t in tree.iter("table") if t.get("id") == "red-flags-table")
    assert [int(td.get("data-count")) for td in table.iter("td")] == [2]  # June now, and "recent" in the past two weeks


def _bars_and_axes(svg: str) -> tuple[list[float], list[float], tuple[float, float]]:
    """The left and right edges of a histogram's bars, and of its axes, in SVG pixels."""
    import re

    boxes = []
    for found in re.finditer(r'<g id="[^"]*patch_\d+">\s*<path d="M ([\d.]+) [\d.]+\s*L ([\d.]+)[^"]*"[^>]*style="([^"]*)"', svg):
        boxes.append((float(found.group(1)), float(found.group(2)), found.group(3)))
    axes = boxes[1]  # the figure's background, then the axes'
    bars = [box for box in boxes if "#2c7bb6" in box[2]]
    return [box[0] for box in bars], [box[1] for box in bars], (axes[0], axes[1])


def test_the_lowest_magnesium_result_is_drawn_clear_of_the_axis_line(screener: Any) -> None:
    """A magnesium of 0.47 mmol/L once sat 3 px from the axis line, hard to tell from it."""
    from screener.reports.charts import lab_histogram
    from screener.reports.thresholds import lab_scales

    scale = next(scale for scale in lab_scales(screener.ruleset) if scale.lab == "magnesium")
    lefts, rights, (axis_left, axis_right) = _bars_and_axes(lab_histogram("mg", "Magnesium", scale, {0.47: 1, 0.6: 2, 3.2: 1}).svg)
    assert len(lefts) == 3
    assert min(lefts) - axis_left >= 8 and axis_right - max(rights) >= 8


def test_the_red_flag_counts_say_how_many_records_never_answered_the_red_flag_question(screener: Any) -> None:
    """Harold left the red-flag question unanswered and June answered it: one red flag in two
    records must not read as "the other record had none"."""
    from screener.reports import cohort_report_from_entries

    entries = [screener.screen_entry(person, detail="lean") for person in (HAROLD, JUNE, JUNE | {"id": "june-2", "red_flags_now": []})]
    html = cohort_report_from_entries(entries, screener.ruleset, generated=WHEN)
    section = next(s for s in parsed(html).iter("section") if "red-flags" in (s.get("id") or "") + (s.get("aria-labelledby") or ""))
    assert (
        "The red-flag question “Happening now or new in the last 24 hours” was not answered in 1 of the 3 screened records: "
        "for them, no red flag found is unknown, not none." in text_of(section)
    )
    everyone_answered = [screener.screen_entry(person, detail="lean") for person in (JUNE, HAROLD | {"red_flags_now": []})]
    assert "was not answered in" not in cohort_report_from_entries(everyone_answered, screener.ruleset, generated=WHEN)


def _threshold_labels(svg: str) -> list[tuple[str, float, float]]:
    """A histogram's threshold labels (red, above the plot): their words and where each is centred, in SVG pixels."""
    import re

    return [
        (found.group(3), float(found.group(1)), float(found.group(2)))
        for found in re.finditer(r'<text style="[^"]*fill: #b2182b"[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]+)</text>', svg)
    ]


def test_magnesium_thresholds_close_together_are_labelled_as_separate_numbers(screener: Any) -> None:
    """0.50 and 0.70 mmol/L on an axis that runs to 5 were once printed in one place, "0.50.70"."""
    from screener.reports.charts import lab_histogram
    from screener.reports.thresholds import lab_scales

    scale = next(scale for scale in lab_scales(screener.ruleset) if scale.lab == "magnesium")
    labels = _threshold_labels(lab_histogram("mg", "Magnesium", scale, {0.45: 4, 0.8: 6, 1.1: 5, 2.0: 9, 4.9: 6}).svg)
    assert sorted(name for name, _, _ in labels) == sorted(scale.number(t.value) for t in scale.thresholds)
    nine_pixel_characters = 9 * 0.6
    touching = [
        (left[0], right[0])
        for left in labels
        for right in labels
        if left[1] < right[1] and left[2] == right[2]
        and right[1] - left[1] < nine_pixel_characters * (len(left[0]) + len(right[0])) / 2
    ]
    assert touching == []
    assert len({y for _, _, y in labels}) > 1  # 0.50 and 0.70 on two rows


def test_no_thresholds_dashed_line_runs_past_a_neighbours_label(screener: Any) -> None:
    """The bundled cohort's magnesium chart (0.47 to 0.62 mmol/L, thresholds up to 3.00): the line
    at 0.70 ran on to the top of the chart beside the label "0.60", and the line at 0.60 beside
    "0.50", so the three labels read as struck through and run together (surfaces review E1). Each
    line now ends under its own label; no line reaches the height of a label that is within a
    character of it, and labels on one row keep a character's space between them."""
    from screener.reports.charts import lab_histogram
    from screener.reports.thresholds import lab_scales

    scale = next(scale for scale in lab_scales(screener.ruleset) if scale.lab == "magnesium")
    svg = lab_histogram("mg", "Magnesium", scale, {0.47: 1, 0.58: 1, 0.62: 1}).svg
    labels = _threshold_labels(svg)
    # Each label's span across the chart, from where it is anchored (centred, or ending at its line).
    spans = {
        found.group(3): (float(found.group(2)) - width, float(found.group(2))) if "text-anchor: end" in found.group(1)
        else (float(found.group(2)) - width / 2, float(found.group(2)) + width / 2)
        for found in re.finditer(r'<text style="([^"]*fill: #b2182b[^"]*)"[^>]* x="([\d.]+)" y="[\d.]+"[^>]*>([^<]+)</text>', svg)
        for width in [9 * 0.6 * len(found.group(3))]
    }
    lines = [
        (float(found.group(1)), min(float(found.group(2)), float(found.group(3))))
        for found in re.finditer(r'<path d="M ([\d.]+) ([\d.]+)\s+L [\d.]+ ([\d.]+)\s*"[^>]*stroke-dasharray', svg)
    ]
    assert len(lines) == len(labels)
    character = 9 * 0.6
    past = [
        (name, f"line at x={x:.0f}")
        for name, _, bottom in labels
        for x, line_top in lines
        if spans[name][0] - character / 2 < x < spans[name][1] + character / 2 and line_top < bottom - 9
    ]
    assert past == []
    crowded = [
        (left[0], right[0])
        for left in labels
        for right in labels
        if left[1] < right[1] and left[2] == right[2] and right[1] - left[1] < character * ((len(left[0]) + len(right[0])) / 2 + 1)
    ]
    assert crowded == []


def test_a_cohort_of_millions_has_its_axis_in_whole_numbers_not_in_powers_of_ten() -> None:
    """A bar chart of counts in millions once read "0.0 0.5 1.0 1.5" with "1e6" at the end of the axis."""
    from screener.reports.charts import bars

    svg = bars("urgency", "How soon", ["urgent", "soon", "none"], [1_200_000, 1_600_000, 300_000], 3_100_000).svg
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert [text for text in texts if re.fullmatch(r"\d,\d{3},\d{3}", text)], texts  # a tick of a million or more, whole
    assert not [text for text in texts if "e6" in text or re.fullmatch(r"\d\.\d", text)]
    assert "1,600,000 (52%)" in texts


def test_people_never_screened_are_counted_as_not_screened_never_as_unlikely_or_no_visit(screener: Any) -> None:
    """Alf gave only his age and Bea only hers: each is shown "not screened (too few answers)",
    but the cohort counts put them under "unlikely" and under "none: no clinician visit needed",
    reassuring a manager about people nobody screened. They now have a part of each bar and
    an urgency of their own, and the text gives their number; Harold, whose emergency rests on
    his potassium, is counted as he is."""
    from screener.reports import cohort_report_from_entries, new_tally

    people = ({"id": "alf", "age": 70}, {"id": "bea", "age": 64}, HAROLD)
    entries = [screener.screen_entry(person, detail="lean") for person in people]
    assert [(e["combined_depletion"], e["urgency"], e["coverage"]) for e in entries[:2]] == [("unlikely", "none", "none")] * 2
    tally = new_tally(screener.ruleset).add_all(entries)
    assert tally.levels["combined_depletion"] == {"not screened": 2, "unlikely": 1}
    assert tally.urgency == {"not screened": 2, "emergency": 1}
    tree = parsed(cohort_report_from_entries(entries, screener.ruleset, generated=WHEN))
    urgency = next(t for t in tree.iter("table") if t.get("id") == "urgency-table")
    assert "too few answers: no core section answered, so not enough to say2 (67%)" in text_of(urgency)
    assert "no clinician visit needed for magnesium or potassium on these answers alone0 (0%)" in text_of(urgency)
    levels = next(s for s in tree.iter("section") if s.get("id") == "levels")
    assert '2 of them (67%) answered no core section: their "unlikely" is not reassurance' in text_of(levels)


def test_the_charts_name_people_with_too_few_answers_as_the_batch_summary_does(screener: Any) -> None:
    """Alf and Bea answered only their age; Ivy's record could not be read. The report's first
    lines count Alf and Bea among the screened and Ivy as "invalid, not screened", and the batch
    summary calls Alf and Bea "too few answers": the charts, their tables and the list of records
    to see first name them so too, never "not screened", which here is Ivy."""
    from screener.reports import cohort_report_from_entries

    alf, bea = ({"id": "alf", "age": 70}, {"id": "bea", "age": 64, "red_flags_now": ["chest_pain"]})
    entries = [screener.screen_entry(person, detail="lean") for person in (alf, bea, HAROLD)]
    ivy = screener.screen_entry({"id": "ivy", "age": "seventy-ish"}, detail="lean")
    assert ivy["status"] == "invalid"
    html = cohort_report_from_entries([*entries, ivy], screener.ruleset, generated=WHEN)
    tree = parsed(html)
    charts = [text_of(s) for s in tree.iter("section") if s.get("id") in ("levels", "urgency")]
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    for shown in (*charts, *svgs[:2]):
        assert "too few answers" in shown and "not screened" not in shown
    table = next(t for t in tree.iter("table") if t.get("id") == "urgent-table")
    bea_row = next(row for row in table.iter("tr") if (row.find("th") is not None and "bea" in text_of(row.find("th"))))
    assert "too few answers: no core section answered" in text_of(bea_row) and "not screened" not in text_of(bea_row)
    assert "invalid, not screened" in text_of(tree.find(".//body"))
