"""A teacher copies rules/, raises the low-potassium threshold from 3.5 to 3.7 mmol/L for a class,
adds a rule, and runs the copy (newcomer review 9, findings 1, 2, 4 and 5).

What she must get: a warning from `rules check` that the number changed in one place only (the
"normal" rule and the words still say 3.5), a list of every place the number lives
(`rules thresholds`), every problem of a broken edit told at once with a fix she can follow, and
a result that says on every surface that it was made with custom rules, never passing for the
shipped ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from screener.cli.main import app
from typer.testing import CliRunner
from web_support import TEST_SETTINGS, Visitor, upload_and_skip_to_result

from screener.cds.calls import HookCall
from screener.cds.cards import CardWriter
from screener.cds.record import Record
from screener.cds.screening import Screened
from screener.cds.services import services
from screener.errors import RulesError
from screener.fhir import fhir_context
from screener.interview import Questionnaire
from screener.reports.person import person_view
from screener.reports.render import render
from screener.reports.words import Words
from screener.screening.pipeline import Screener
from screener.screening.ruleset import default_rules_folder, load_ruleset, shipped_sha256
from screener.teaching.thresholds import threshold_warnings, thresholds
from screener.web.app import create_app

runner = CliRunner()

#: A man of 50, otherwise well, with a potassium of 3.6 mmol/L from the last 7 days: "low" under
#: the teacher's 3.7, "normal" under the shipped 3.5 (the reviewer's k36full.json).
K_3_6 = {
    "id": "k-3.6",
    "age": 50,
    "sex": "male",
    "medications": [],
    "diuretic_use": "no",
    "labs": {"potassium": {"value": 3.6, "unit": "mmol/L", "taken": "last_7_days"}},
    "red_flags_now": [],
    "alcohol": {"drinks_per_week": 0},
    "diarrhea": {"present": False},
    "vomiting": {"present": False},
    "laxative_use": "none",
    "symptoms": [],
}


def _copy_of_the_rules(folder: Path) -> Path:
    copy = folder / "myrules"
    shutil.copytree(Path(str(default_rules_folder())), copy, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    return copy


def _edit_rules(folder: Path, name: str, edit: Any) -> None:
    path = folder / name
    data = json.loads(path.read_text("utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


def _raise_low_potassium_to_3_7(data: dict[str, Any]) -> None:
    comparison = next(part for part in _rule(data, "low_k_lab")["when"]["all"] if part.get("fact") == "labs.potassium.mmol_per_l")
    comparison["lt"] = 3.7


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The teacher's copy, with low_k_lab below 3.7 instead of 3.5 and nothing else changed."""
    folder = _copy_of_the_rules(tmp_path_factory.mktemp("teacher"))
    _edit_rules(folder, "derived_facts.json", _raise_low_potassium_to_3_7)
    return folder


# -- 1. a threshold changed in one place only ---------------------------------------------------


def test_the_shipped_rules_give_no_threshold_warning() -> None:
    assert threshold_warnings(load_ruleset()) == []


def test_raising_the_low_potassium_threshold_alone_warns_of_the_overlap_with_normal_and_the_words_left_at_3_5(raised: Path) -> None:
    warnings = threshold_warnings(load_ruleset(raised))
    assert any(
        "'low_k_lab' (below 3.7)" in w and "'normal_or_high_k_lab' (at least 3.5)" in w and "both hold from 3.5 to 3.7" in w
        for w in warnings
    ), warnings
    assert any("rule 'low_k_lab', title: writes 3.5 mmol/L, but the rule compares with 3.7 mmol/L" in w for w in warnings)
    assert any("fact 'low_k_lab', label: writes 3.5 mmol/L" in w for w in warnings)
    assert len(warnings) == 3, warnings  # nothing about the rules she left alone


def test_rules_check_prints_the_warnings_and_still_calls_the_folder_valid(raised: Path) -> None:
    done = runner.invoke(app, ["rules", "check", "--rules", str(raised)])
    assert done.exit_code == 0, done.output
    assert "valid: custom rules from" in done.output
    assert "Warnings (3)" in done.output
    assert "mgk-screen rules thresholds labs.potassium.mmol_per_l" in done.output
    shipped = runner.invoke(app, ["rules", "check"])
    assert "Warnings" not in shipped.output


def test_raising_both_sides_together_leaves_only_the_words_to_change(tmp_path: Path) -> None:
    folder = _copy_of_the_rules(tmp_path)

    def both(data: dict[str, Any]) -> None:
        _raise_low_potassium_to_3_7(data)
        normal = _rule(data, "normal_or_high_k_lab")["when"]["all"]
        next(part for part in normal if part.get("fact") == "labs.potassium.mmol_per_l")["gte"] = 3.7

    _edit_rules(folder, "derived_facts.json", both)
    warnings = threshold_warnings(load_ruleset(folder))
    assert not any("read as the two sides" in w for w in warnings)
    assert any("rule 'normal_or_high_k_lab', title: writes 3.5 mmol/L" in w for w in warnings)


def test_rules_thresholds_lists_every_rule_and_text_that_holds_a_number() -> None:
    listed = thresholds(load_ruleset(), "labs.potassium.mmol_per_l")["labs.potassium.mmol_per_l"]
    at_3_5 = next(t for t in listed if t.value == 3.5)
    assert {use.rule for use in at_3_5.uses} == {"low_k_lab", "normal_or_high_k_lab", "older_result_below_range"}
    assert "facts.json: fact 'low_k_lab' (label)" in at_3_5.written_in
    assert "derived_facts.json: rule 'normal_or_high_k_lab' (title, rationale)" in at_3_5.written_in
    assert any(fact == "labs.potassium.below_mmol_per_l" and "low_k_lab_from_bound" in ids for fact, ids in at_3_5.kin)
    done = runner.invoke(app, ["rules", "thresholds", "labs.potassium.mmol_per_l"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert "3.5: below: older_result_below_range, low_k_lab; at least: normal_or_high_k_lab" in done.output
    unknown = runner.invoke(app, ["rules", "thresholds", "potassium"])
    assert unknown.exit_code == 4 and "no rule compares 'potassium' with a number" in unknown.output


# -- 2. custom rules say so ---------------------------------------------------------------------


def test_an_unchanged_copy_is_the_shipped_rules_and_an_edited_one_is_not(tmp_path: Path, raised: Path) -> None:
    assert load_ruleset().sha256 == shipped_sha256()
    assert load_ruleset(_copy_of_the_rules(tmp_path)).shipped
    edited = load_ruleset(raised)
    assert not edited.shipped and edited.custom_folder == str(raised)


def test_the_terminal_result_names_the_custom_rules(raised: Path, tmp_path: Path) -> None:
    answers = tmp_path / "k36.json"
    answers.write_text(json.dumps(K_3_6), "utf-8")
    done = runner.invoke(app, ["screen", "--rules", str(raised), str(answers), "--plain"], env={"COLUMNS": "300"})
    assert f"Rules: custom rules from {raised}, not the rules shipped with mgk-screen" in done.output
    as_json = runner.invoke(app, ["screen", "--rules", str(raised), str(answers), "--json"])
    assert json.loads(as_json.output)["ruleset"]["custom_folder"] == str(raised)
    shipped = runner.invoke(app, ["screen", str(answers), "--plain"], env={"COLUMNS": "300"})
    assert "custom rules" not in shipped.output
    assert "custom_folder" not in runner.invoke(app, ["screen", str(answers), "--json"]).output


def test_the_report_and_its_pdf_name_the_custom_rules_before_the_headline(raised: Path) -> None:
    screener = Screener(load_ruleset(raised))
    entry = screener.screen_entry(K_3_6)
    words = Words.from_rules(screener.ruleset, Questionnaire.load(None))
    html = render("person.html", person=person_view(entry, words, answers=K_3_6), title="Screening result")
    note = html.index("Not the usual rules:")
    assert note < html.index('class="headline')
    assert f"Custom rules from {raised}, not the rules shipped with mgk-screen" in html
    shipped = Screener(load_ruleset())
    plain = render("person.html", person=person_view(shipped.screen_entry(K_3_6), words, answers=K_3_6), title="Screening result")
    assert "Not the usual rules:" not in plain and "Custom rules from" not in plain


def test_the_cohort_report_names_the_custom_rules_its_results_were_made_with(raised: Path, tmp_path: Path) -> None:
    # Verify 9: the cohort report named them as the shipped rules do ("mgk-screen clinical rules 2.0.0").
    results = tmp_path / "results.jsonl"
    custom, shipped = Screener(load_ruleset(raised)), Screener(load_ruleset())
    lines = [json.dumps(custom.screen_entry(K_3_6 | {"id": "a"})), json.dumps(shipped.screen_entry(K_3_6 | {"id": "b"}))]
    results.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "cohort.html"
    done = runner.invoke(app, ["report", "--cohort", str(results), "-o", str(out)])
    assert done.exit_code == 0, done.output
    page = out.read_text("utf-8")
    assert f"custom rules from {raised}, not the rules shipped with mgk-screen" in page
    assert "mgk-screen clinical rules, version 2.0.0 (sha256" in page  # the shipped ones, by name


def test_the_web_page_says_custom_rules_on_the_start_page_and_the_result(raised: Path) -> None:
    client = TestClient(create_app(Screener(load_ruleset(raised)), settings=TEST_SETTINGS), base_url="http://testserver")
    visitor = Visitor(client)
    start = client.get("/")
    assert "Not the usual rules:" in start.text and str(raised) in start.text
    upload_and_skip_to_result(visitor, K_3_6)
    assert visitor.html.count("Not the usual rules:") == 1  # the result's own note, not the banner too
    assert f"Custom rules from {raised}" in visitor.html


def test_a_cds_card_names_the_custom_rules(raised: Path) -> None:
    screener = Screener(load_ruleset(raised))
    writer = CardWriter(fhir_context(screener.ruleset), screener.ruleset, Words.from_rules(screener.ruleset, Questionnaire.load(None)))
    entry = screener.screen_entry(K_3_6)
    call = HookCall(services(writer.context)["patient-view"], "instance", "p1", {})
    [card] = writer.cards(call, Record("p1"), Screened(K_3_6, entry))
    assert card["source"]["label"] == f"custom rules from {raised} (not the rules shipped with mgk-screen)"
    assert f"**Made with custom rules from {raised}" in card["detail"]


# -- 3. --rules before the command ----------------------------------------------------------------


def test_rules_given_before_the_command_apply_to_it(raised: Path, tmp_path: Path) -> None:
    answers = tmp_path / "k36.json"
    answers.write_text(json.dumps(K_3_6), "utf-8")
    done = runner.invoke(app, ["--rules", str(raised), "screen", str(answers), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["ruleset"]["custom_folder"] == str(raised)
    check = runner.invoke(app, ["--rules", str(raised), "rules", "check"])
    assert check.exit_code == 0 and f"{raised}: valid" in check.output
    between = runner.invoke(app, ["rules", f"--rules={raised}", "check"])
    assert between.exit_code == 0 and f"{raised}: valid" in between.output


def test_rules_before_a_command_that_reads_none_gets_a_one_line_hint(raised: Path) -> None:
    done = runner.invoke(app, ["--rules", str(raised), "schema", "answers"])
    assert done.exit_code == 2
    assert "`mgk-screen schema` takes no --rules" in done.output
    assert "mgk-screen screen --rules DIR FILE" in done.output
    alone = runner.invoke(app, ["--rules", str(raised)])
    assert alone.exit_code == 2 and "--rules goes after the command it is for" in alone.output


# -- 4. rule-file problems ------------------------------------------------------------------------


def _teaching_rule(**changes: Any) -> dict[str, Any]:
    rule = {
        "id": "very_low_k_teach",
        "step": "lab_facts",
        "title": "Very low potassium (teaching)",
        "rationale": "Teaching rule for the class demo.",
        "mechanism": "Teaching.",
        "sources": ["nih_ods"],
        "when": {"all": [{"fact": "labs.potassium.mmol_per_l", "le": 3.0}]},
        "then": {"assert": ["very_low_k_teach"]},
    }
    return {**rule, **changes}


def test_every_problem_of_an_added_rule_is_told_at_once_with_the_operator_it_meant(tmp_path: Path) -> None:
    folder = _copy_of_the_rules(tmp_path)
    _edit_rules(folder, "derived_facts.json", lambda data: data["rules"].append(_teaching_rule()))
    with pytest.raises(RulesError) as refused:
        load_ruleset(folder)
    message = str(refused.value)
    assert "rule 'very_low_k_teach', field 'when.all[0]': unknown operator 'le' (did you mean 'lte'?)" in message
    assert "unknown field 'fact'" not in message and "unknown field 'le'" not in message
    assert "field 'mechanism': must be at least 10 characters long" in message
    assert "asserts 'very_low_k_teach', which facts.json does not declare as derived" in message
    assert 'declared in facts.json under "derived"' in message
    assert "each rule needs id, step" not in message  # no field is missing


def test_problems_in_two_rule_files_come_in_one_message(tmp_path: Path) -> None:
    folder = _copy_of_the_rules(tmp_path)
    _edit_rules(folder, "derived_facts.json", lambda data: data["rules"].append(_teaching_rule(mechanism="Teaching rule for class.")))
    _edit_rules(folder, "urgency.json", lambda data: _rule(data, "red_flag_now_fainting").update(step="urgnecy"))
    with pytest.raises(RulesError) as refused:
        load_ruleset(folder)
    message = str(refused.value)
    assert "unknown operator 'le'" in message
    assert "unknown step 'urgnecy' (did you mean 'urgency'?)" in message


def test_a_missing_comma_is_placed_at_the_end_of_the_line_before(tmp_path: Path) -> None:
    folder = _copy_of_the_rules(tmp_path)
    path = folder / "urgency.json"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"swast_when_to_call_999",\n', '"swast_when_to_call_999"\n', 1), "utf-8")
    line = text[: text.index('"swast_when_to_call_999",\n')].count("\n") + 1
    with pytest.raises(RulesError) as refused:
        load_ruleset(folder)
    assert f"a comma may be missing at the end of line {line}" in str(refused.value)


def test_a_missing_rule_file_says_the_folder_needs_it(tmp_path: Path) -> None:
    folder = _copy_of_the_rules(tmp_path)
    (folder / "levels.json").unlink()
    with pytest.raises(RulesError) as refused:
        load_ruleset(folder)
    assert "levels.json: file not found" in str(refused.value)
    assert "ruleset.json lists levels.json" in str(refused.value)


# -- 5. the README's walk-through -----------------------------------------------------------------

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_the_readme_rule_to_add_and_its_fact_make_a_valid_folder_that_concludes_it(tmp_path: Path) -> None:
    import re

    [block] = [b for b in re.findall(r"```json\n(.*?)```", README, flags=re.DOTALL) if '"very_low_k_teach"' in b]
    rule = json.loads(block)
    declared = re.search(r'`"very_low_k_teach": (\{"label": "[^"]*"\})`', " ".join(README.split()))
    assert declared is not None
    folder = _copy_of_the_rules(tmp_path)
    _edit_rules(folder, "derived_facts.json", lambda data: data["rules"].append(rule))
    _edit_rules(folder, "facts.json", lambda data: data["derived"].update(very_low_k_teach=json.loads(declared.group(1))))
    ruleset = load_ruleset(folder)
    assert threshold_warnings(ruleset) == []
    low = {**K_3_6, "labs": {"potassium": {"value": 2.8, "unit": "mmol/L", "taken": "last_7_days"}}}
    fired = {finding["rule"] for finding in Screener(ruleset).screen_entry(low)["findings"]}
    assert "very_low_k_teach" in fired


def test_the_readme_names_the_section_for_teachers_in_its_contents_and_the_rules_option_as_a_commands() -> None:
    assert "(#changing-the-rules-for-teachers)" in README.split("---", 1)[1].split("## Requirements", 1)[0]
    assert "### Changing the rules (for teachers)" in README
    assert "### `--rules DIR`" not in README
