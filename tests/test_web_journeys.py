"""The local web page, page by page, as a person uses it with no JavaScript: plain forms, each
answered with a redirect (POST-redirect-GET), driven through the real app in-process.

The questions, skip logic and reading of replies are the interview core's (the same as `ask`);
these tests check that the pages carry them faithfully, and that the result and the downloaded
answers are the CLI's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from screener.cli.main import app as cli
from web_support import Visitor, answer_typical_person, new_client

from screener.extras import install_command
from screener.interview import Interview, Questionnaire


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()


def batch_result(answers: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """What `mgk-screen batch` writes for one answers file."""
    from typer.testing import CliRunner

    source, output = tmp_path / "answers.json", tmp_path / "results.jsonl"
    source.write_text(json.dumps(answers), encoding="utf-8")
    run = CliRunner().invoke(cli, ["batch", str(source), "-o", str(output), "--quiet", "--detail", "full"])
    assert run.exit_code == 0, run.output
    (entry,) = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    return dict(entry)


def downloaded_answers(visitor: Visitor) -> dict[str, Any]:
    response = visitor.client.get("/answers.json")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="mgk-screen-answers.json"'
    answers: dict[str, Any] = response.json()
    return answers


# -- whole journeys -----------------------------------------------------------------------------


def test_a_woman_with_nothing_to_report_gets_an_unlikely_result(visitor: Visitor, tmp_path: Path) -> None:
    visitor.start()
    assert visitor.title.startswith("Question 1, about ")
    answer_typical_person(visitor)
    assert visitor.heading == "Check your answers"
    assert "None of these" in visitor.text()
    visitor.open("/result")
    assert visitor.page.status_code == 200
    text = visitor.text()
    assert "Combined magnesium and potassium depletion: unlikely" in text
    assert batch_result(downloaded_answers(visitor), tmp_path)["combined_depletion"] == "unlikely"


def test_retired_teacher_on_furosemide_with_cramps_gets_the_same_result_as_batch(visitor: Visitor, tmp_path: Path) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("72")
    visitor.choose("Female")
    visitor.choose("Yes")
    visitor.type("Lasix 40 mg")
    assert visitor.heading == "Lasix — that is furosemide, a loop diuretic (a strong water pill). Right?"
    assert "checking a medicine" in visitor.text()
    visitor.choose("Yes")
    for reply in ("Never", "No", "No", "No", "None of these", "Sometimes"):
        visitor.choose(reply)
    visitor.type("3")
    visitor.choose("Muscle cramps")
    visitor.choose("None of these")
    visitor.type("")
    visitor.type("")
    assert "Lasix 40 mg (furosemide)" in visitor.text()
    answers = downloaded_answers(visitor)
    assert answers["medications"] == ["Lasix 40 mg"]
    assert answers["symptoms"] == ["muscle_cramps"]

    visitor.open("/result")
    entry = batch_result(answers, tmp_path)
    assert entry["combined_depletion"] == "possible"
    text = visitor.text()
    assert f"Combined magnesium and potassium depletion: {entry['combined_depletion']}" in text
    assert f"Magnesium depletion: {entry['magnesium_depletion']}" in text
    assert f"Potassium depletion: {entry['potassium_depletion']}" in text
    for finding in entry["findings"]:
        assert finding["title"] in text
    for recommendation in entry["recommendations"]:
        assert recommendation["text"] in text


def test_a_red_flag_shows_the_emergency_advice_at_once(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("Chest pain or pressure")
    assert visitor.title.startswith("Please get help now")
    assert 'role="alert"' in visitor.html
    advice = Questionnaire.load().emergency_advice
    assert advice in visitor.text()
    assert "Chest pain or pressure" in visitor.text()
    # The advice cannot be missed: the questions wait behind it until the person chooses.
    visitor.open("/question")
    assert visitor.title.startswith("Please get help now")

    visitor.press("/emergency", action="continue")
    assert visitor.title.startswith("Question 2, about ")
    assert "You said this is happening now: Chest pain or pressure" in visitor.text()


def test_after_a_red_flag_the_result_for_the_answers_so_far_is_an_emergency(visitor: Visitor, tmp_path: Path) -> None:
    visitor.start()
    visitor.choose("Fainting, or feeling about to faint")
    visitor.press("/emergency", action="result")
    assert visitor.title.startswith("Your result")
    text = visitor.text()
    assert "You stopped before the end" in text
    entry = batch_result(downloaded_answers(visitor), tmp_path)
    assert entry["urgency"] == "emergency"
    assert "Red flag" in text
    assert "Carry on with the questions" in text


def test_a_person_can_go_back_and_skip(visitor: Visitor) -> None:
    visitor.start()
    assert "/question/back" not in visitor.html  # nothing to go back to from the first question
    visitor.choose("None of these")
    assert visitor.question == "age"
    assert "/question/back" in visitor.html
    visitor.skip()
    assert visitor.question == "sex"
    visitor.back()
    assert visitor.question == "age"
    visitor.back()
    assert visitor.question == "red_flags_now"
    assert "skip" not in visitor.html.lower().split("<footer")[0].split("why we ask")[-1]  # red flags cannot be skipped
    visitor.choose("None of these")
    visitor.skip()
    visitor.choose("Male")
    assert "age" not in downloaded_answers(visitor)  # skipped means unknown, never a guess


def test_each_question_has_an_address_the_browser_can_go_back_to(visitor: Visitor) -> None:
    # The browser's Back button opens the address of an earlier question: the answers given
    # since are undone, each offered again as the earlier answer, as the page's own Back does.
    visitor.start()
    assert visitor.page.url.path == "/question" and visitor.page.url.query == b"at=red_flags_now"
    visitor.choose("None of these")
    visitor.type("58")
    visitor.choose("Male")
    assert visitor.question == "diuretic_use"
    visitor.open("/question?at=age")
    assert visitor.question == "age"
    assert visitor.shown()["answer"] == ["58"]
    visitor.continue_as_shown()
    assert visitor.question == "sex"
    assert visitor.shown()["answer"] == [visitor.options()["Male"]]
    visitor.continue_as_shown()
    assert visitor.question == "diuretic_use"


def test_an_address_naming_no_earlier_answer_shows_the_question_of_now(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    for address in ("/question?at=lab_magnesium", "/question?at=no_such_question", "/question"):
        visitor.open(address)
        assert visitor.question == "age", address
        assert visitor.page.url.query == b"at=age"
    assert downloaded_answers(visitor)["red_flags_now"] == []  # nothing was undone


def test_back_from_the_review_asks_the_last_question_again_with_its_answer(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    assert visitor.page.url.path == "/review"
    visitor.open("/question?at=lab_magnesium")
    assert visitor.question == "lab_magnesium"
    visitor.skip()
    assert visitor.page.url.path == "/review"


def test_follow_up_questions_come_only_when_they_apply(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("40")
    visitor.choose("Male")
    visitor.choose("No")
    visitor.type("omeprazole")
    visitor.choose("Yes")  # omeprazole: a stomach-acid medicine, right?
    assert visitor.question == "ppi_over_3_months"
    visitor.choose("Yes")
    visitor.choose("Never")
    assert visitor.question == "diarrhea_present"  # no drinking questions after "never"


def test_a_medicine_read_wrongly_can_be_typed_again(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("60")
    visitor.choose("Female")
    visitor.choose("No")
    visitor.type("Lasix")
    visitor.choose("No")
    assert visitor.question == "medications:retype:Lasix"
    visitor.type("Losec")
    assert visitor.question == "medications:confirm:Losec"
    visitor.choose("Yes")
    assert downloaded_answers(visitor)["medications"] == ["Losec"]


def test_an_unrecognised_medicine_is_kept_and_the_person_is_told(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("60")
    visitor.choose("Female")
    visitor.choose("No")
    visitor.type("zyzzyvaprol")
    assert "We did not recognise 'zyzzyvaprol'" in visitor.text()
    assert 'role="status"' in visitor.html
    assert downloaded_answers(visitor)["medications"] == ["zyzzyvaprol"]


# -- replies that cannot be used ----------------------------------------------------------------


def assert_error_shown(visitor: Visitor, message: str) -> None:
    """The error is announced (role=alert summary), in the title, and tied to the field."""
    assert visitor.page.status_code == 422
    assert visitor.title.startswith("Error: ")
    assert 'role="alert"' in visitor.html
    assert message in visitor.text()
    assert 'id="answer-error"' in visitor.html
    assert re.search(r'aria-describedby="[^"]*\banswer-error\b', visitor.html)
    assert 'aria-invalid="true"' in visitor.html


def test_an_age_that_is_not_a_number_is_explained_and_kept_in_the_box(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("two hundred")
    assert_error_shown(visitor, "Please type a whole number from 0 to 120")
    assert 'value="two hundred"' in visitor.html
    visitor.type("about 45")
    assert visitor.question == "sex"


def test_an_age_out_of_range_is_refused(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("150")
    assert_error_shown(visitor, "150 is outside what this question accepts")


def test_nothing_ticked_and_none_with_others_are_explained(visitor: Visitor) -> None:
    visitor.start()
    visitor.submit([])
    assert_error_shown(visitor, "Please choose at least one answer, or 'None of these'.")
    options = visitor.options()
    visitor.submit([options["Chest pain or pressure"], options["None of these"]])
    assert_error_shown(visitor, "'None of these' cannot go with other answers")
    assert visitor.html.count(" checked") == 2  # what was ticked stays ticked


def test_an_impossible_potassium_result_asks_to_check_the_unit(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_potassium")
    assert visitor.question == "lab_potassium"
    visitor.type("35", unit="mmol/L")
    assert_error_shown(visitor, "35 mmol/L is not a possible potassium level")
    visitor.type("3.1", unit="mEq/L")
    assert visitor.question == "lab_potassium_taken"


def test_a_magnesium_result_with_no_unit_points_her_to_the_unit_list_not_the_number(visitor: Visitor) -> None:
    """She typed 1.5 and chose no unit: the error summary's link takes her to the unit list, which
    is the control marked invalid and which reads out the error; her number is not marked wrong."""
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_magnesium")
    visitor.type("1.5")
    assert_error_shown(visitor, "Please choose the unit printed on the report")
    assert re.search(r'<div class="error-summary"[^>]*>\s*<p id="error-summary-title"[^>]*>[^<]*</p>\s*<p><a href="#unit">', visitor.html)
    select = re.search(r"<select [^>]*>", visitor.html)
    assert select and 'aria-invalid="true"' in select[0] and 'aria-describedby="answer-error"' in select[0]
    number_box = re.search(r'<input type="text" id="answer"[^>]*>', visitor.html)
    assert number_box and "aria-invalid" not in number_box[0]
    assert 'value="1.5"' in number_box[0]


def test_a_magnesium_result_copied_from_a_us_report_is_not_taken_in_a_unit_chosen_for_her(visitor: Visitor) -> None:
    # 1.5 mg/dL is a low magnesium, 1.5 mmol/L a high one: no unit is chosen in advance.
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="lab_magnesium")
    assert visitor.question == "lab_magnesium"
    assert '<option value="" selected>Choose the unit</option>' in visitor.html
    visitor.type("1.5")
    assert_error_shown(visitor, "Please choose the unit printed on the report (mmol/L, mEq/L, mg/dL).")
    visitor.type("1.5", unit="mg/dL")
    assert visitor.question == "lab_magnesium_taken"


def test_a_medicine_list_error_speaks_of_lines_as_the_box_does_not_of_commas(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("70")
    visitor.choose("Female")
    visitor.choose("No")
    assert visitor.question == "medications"
    visitor.type("x" * 300)
    assert_error_shown(visitor, "please write each name on its own line")
    assert "commas" not in visitor.text()


def test_a_form_from_an_old_page_changes_nothing(visitor: Visitor) -> None:
    visitor.start()
    csrf = visitor.hidden("csrf")
    visitor.choose("None of these")
    visitor.post("/question", {"csrf": csrf, "key": "red_flags_now", "answer": ["1"]})
    assert visitor.question == "age"
    assert "That page was out of date" in visitor.text()
    assert downloaded_answers(visitor)["red_flags_now"] == []


# -- the review ---------------------------------------------------------------------------------


def test_any_answer_can_be_changed_from_the_review(visitor: Visitor, tmp_path: Path) -> None:
    visitor.start()
    answer_typical_person(visitor, medicines="Lasix", symptoms=("Muscle cramps",))
    assert "Change your answer to: Symptoms in the past two weeks" in visitor.text()
    visitor.press("/review/change", item="symptoms")
    assert visitor.question == "symptoms"
    visitor.choose("Muscle cramps", "Muscle weakness", "An irregular heartbeat")
    assert visitor.heading == "Check your answers"  # straight back to the review
    assert "Muscle weakness; Muscle cramps; An irregular heartbeat" in visitor.text()
    answers = downloaded_answers(visitor)
    assert answers["symptoms"] == ["muscle_weakness", "muscle_cramps", "irregular_heartbeat"]
    visitor.open("/result")
    entry = batch_result(answers, tmp_path)
    assert f"Combined magnesium and potassium depletion: {entry['combined_depletion']}" in visitor.text()


def test_changing_an_answer_that_opens_follow_ups_asks_them(visitor: Visitor) -> None:
    visitor.start()
    answer_typical_person(visitor)
    visitor.press("/review/change", item="diarrhea_present")
    visitor.choose("Yes")
    assert visitor.question == "diarrhea_days"
    visitor.type("5")
    visitor.type("4")
    assert visitor.heading == "Check your answers"
    assert downloaded_answers(visitor)["diarrhea"] == {"present": True, "days": 5, "stools_per_day": 4}


def test_the_result_waits_until_every_question_is_answered(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    response = visitor.client.get("/result", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/question"


# -- starting, carrying on, stopping ------------------------------------------------------------


def test_downloaded_answers_carry_on_where_they_stopped(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("58")
    saved = downloaded_answers(visitor)
    other = Visitor()
    other.open("/")
    other.post(
        "/resume",
        {"csrf": other.hidden("csrf")},
        files={"answers": ("answers.json", json.dumps(saved).encode(), "application/json")},
    )
    assert other.question == "sex"
    assert downloaded_answers(other) == saved


def test_a_saved_misspelt_medicine_is_named_when_carrying_on_in_the_browser(visitor: Visitor) -> None:
    # Saved by `ask` at Ctrl-C before "Did you mean omeprazole?" was answered, then carried on here.
    visitor.open("/")
    visitor.post(
        "/resume",
        {"csrf": visitor.hidden("csrf")},
        files={"answers": ("answers.json", json.dumps({"age": 64, "medications": ["omeprazle 20 mg"]}).encode(), "application/json")},
    )
    text = visitor.text()
    assert "'omeprazle' is not a medicine name we know (did you mean omeprazole?)" in text
    assert "use Change beside Medicines when you check your answers" in text


def test_an_invalid_answers_file_is_refused_naming_each_field(visitor: Visitor) -> None:
    visitor.open("/")
    visitor.post(
        "/resume",
        {"csrf": visitor.hidden("csrf")},
        files={"answers": ("answers.json", b'{"age": "seventy", "symptom": []}', "application/json")},
    )
    assert visitor.page.status_code == 422
    text = visitor.text()
    assert "the answer to “Age” (age): expected a whole number" in text  # the page's words; the API keeps "$.age"
    assert "unknown field 'symptom' (did you mean 'symptoms'?)" in text
    assert 'role="alert"' in visitor.html


def test_a_file_that_is_not_json_is_refused_with_line_and_column(visitor: Visitor) -> None:
    visitor.open("/")
    visitor.post(
        "/resume", {"csrf": visitor.hidden("csrf")}, files={"answers": ("answers.json", b'{"age": 70,\n  "sex": }', "application/json")}
    )
    assert visitor.page.status_code == 422
    assert "line 2, column" in visitor.text()


def test_stop_and_forget_ends_the_session(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.press("/restart")
    assert visitor.heading == "Check for low magnesium and potassium"
    assert "mgk_session" not in visitor.client.cookies
    response = visitor.client.get("/answers.json", follow_redirects=False)
    assert response.status_code == 303


def test_a_session_that_ended_says_so_on_the_start_page() -> None:
    visitor = Visitor(new_client(idle_minutes=0))  # forgotten as soon as it is made
    visitor.start()
    assert visitor.heading == "Check for low magnesium and potassium"
    assert "Your earlier answers are no longer held" in visitor.text()


def test_the_pages_ask_the_same_questions_as_the_interview_core(visitor: Visitor, screener: Any) -> None:
    """Every page's question, in order, is what the interview asks for the same replies."""
    interview = Interview.for_ruleset(Questionnaire.load(), screener.ruleset)
    visitor.start()
    replies = ["0", "81", "2", "yes", "Lasix, Nexium", "yes", "yes", "yes", "3", "5", "2", "15"]
    for reply in replies:
        question = interview.next_question()
        assert question is not None
        assert visitor.question == question.key
        assert visitor.heading == ((question.kind == "item" and (question.item.web_text or question.item.form_text)) or question.text)
        interview.answer(reply)
        _reply_on_page(visitor, question.type, question.kind, reply)
    assert visitor.question == interview.next_question().key  # type: ignore[union-attr]


def test_the_progress_says_about_how_many_are_left_as_ask_does(visitor: Visitor, screener: Any) -> None:
    """ "Question 5, about 19 to go", counted as the interview counts (the words of `ask`), on
    the page and in its title: never "Question 9 of 8", whatever follow-ups come and go."""
    interview = Interview.for_ruleset(Questionnaire.load(), screener.ruleset)
    visitor.start()
    replies = ["0", "81", "2", "yes", "Lasix, Nexium", "yes", "yes", "yes", "3", "5", "2", "15", "yes", "4", "6"]
    seen = []
    for reply in replies:
        question = interview.next_question()
        assert question is not None
        number, left = interview.progress()
        where = "checking a medicine" if question.kind != "item" else f"about {left} to go" if left else "nearly done"
        progress = f"Question {number}, {where}"
        assert re.search(rf'<p class="progress">{progress}</p>', visitor.html), (progress, visitor.text()[:80])
        assert visitor.title == f"{progress}: {question.item.label} · mgk-screen"
        seen.append(number)
        interview.answer(reply)
        _reply_on_page(visitor, question.type, question.kind, reply)
    assert " of " not in visitor.title
    assert seen == sorted(seen) and seen[-1] > 10  # counts up, one question at a time


def _reply_on_page(visitor: Visitor, kind: str, step: str, reply: str) -> None:
    options = visitor.options()
    if step == "confirm":
        visitor.choose(reply.capitalize())
    elif kind == "yes_no":
        visitor.choose({"yes": "Yes", "no": "No"}[reply])
    elif options and reply.isdigit():
        visitor.submit([reply])
    else:
        visitor.type(reply)


# -- the result is the report -------------------------------------------------------------------


def test_the_result_page_is_the_printable_report_and_its_pdf(visitor: Visitor, tmp_path: Path) -> None:
    """The page shows the report's parts (from the report templates), and the PDF is the report."""
    import shutil
    import subprocess

    visitor.start()
    answer_typical_person(visitor, medicines="Lasix 40 mg", symptoms=("Muscle cramps",))
    visitor.open("/result")
    text = visitor.text()
    for heading in ("For your clinician: summary", "Why: what in your answers led to this", "Your answers, as given", "About this result"):
        assert heading in text
    assert "Lasix 40 mg → furosemide" in text
    assert '<link rel="stylesheet" href="/static/report/styles.css">' in visitor.html
    assert visitor.client.get("/static/report/styles.css").headers["content-type"].startswith("text/css")
    assert "counter(pages)" in visitor.client.get("/static/report/print.css").text

    pdf = visitor.client.get("/result.pdf?paper=letter")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "result.pdf"
        path.write_bytes(pdf.content)
        printed = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        words = " ".join(printed.split()).lower()  # levels are printed in capitals
        entry = batch_result(downloaded_answers(visitor), tmp_path)
        assert f"combined magnesium and potassium depletion: {entry['combined_depletion']}" in words
        assert "for your clinician: summary" in words


def test_the_pdf_waits_for_the_result_too(visitor: Visitor) -> None:
    visitor.start()
    response = visitor.client.get("/result.pdf", follow_redirects=False)
    assert response.status_code == 303


def test_without_the_reports_extra_the_pdf_says_how_to_get_it(visitor: Visitor, monkeypatch: pytest.MonkeyPatch) -> None:
    import screener.reports.render as report_render
    from screener.extras import MissingExtra

    def missing(pdf: bool = False) -> None:
        raise MissingExtra("reports", "a PDF of the result", "weasyprint is not installed")

    monkeypatch.setattr(report_render, "require_reports", missing)
    visitor.start()
    answer_typical_person(visitor)
    response = visitor.client.get("/result.pdf")
    assert response.status_code == 501
    assert str(markupsafe.escape(install_command("reports"))) in response.text
    # The result page offers no PDF button that would do nothing visible (a download of the
    # 501 page), but says what the PDF needs; printing and the answers are still there.
    visitor.open("/result")
    assert visitor.page.status_code == 200
    assert "/result.pdf" not in visitor.html
    assert f"PDF needs: {install_command('reports')}" in visitor.text()
    assert "Print this page" in visitor.text() and 'href="/answers.json"' in visitor.html


def test_the_result_page_needs_only_the_web_extra() -> None:
    """Jinja2 is all the report partials need; matplotlib and WeasyPrint (the reports extra) only
    make the PDF. Checked in a fresh interpreter where neither can be imported."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['weasyprint'] = None\n"
        "from web_support import Visitor, answer_typical_person\n"
        "v = Visitor(); v.start(); answer_typical_person(v)\n"
        "page = v.client.get('/result')\n"
        "print(page.status_code, v.client.get('/result.pdf').status_code, '/result.pdf' in page.text)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=300
    )
    assert done.stdout.split() == ["200", "501", "False"], done.stderr[-2000:]


# -- the browser's Back and Forward after the result (surfaces review C10) -----------------------


def test_back_twice_from_the_result_changes_nothing_and_the_result_is_there_again(visitor: Visitor) -> None:
    """A man presses the browser's Back button twice by mistake on his result: he sees the last
    question with his answer and a note; nothing is undone, so Forward (the review, then the
    result) brings everything back, and the download still holds every answer."""
    visitor.start()
    answer_typical_person(visitor)
    before = downloaded_answers(visitor)
    visitor.open("/result")
    assert visitor.page.status_code == 200
    visitor.open("/question?at=lab_magnesium")  # Back, Back: the review, then the last question
    assert visitor.question == "lab_magnesium"
    assert "You went back to a question you have answered. Nothing is changed unless you continue from here" in visitor.text()
    assert "Question 16, answered before" in visitor.text()
    visitor.open("/review")  # Forward
    assert visitor.page.url.path == "/review"
    visitor.open("/result")  # Forward
    assert visitor.page.url.path == "/result" and "Your screening result" in visitor.text()
    assert downloaded_answers(visitor) == before


def test_a_reply_at_a_question_seen_again_carries_on_from_there_with_the_later_answers_filled_in(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("58")
    visitor.choose("Male")
    assert visitor.question == "diuretic_use"
    visitor.open("/question?at=age")  # the browser's Back, twice
    assert visitor.shown()["answer"] == ["58"]
    assert downloaded_answers(visitor)["sex"] == "male"  # nothing undone yet
    visitor.type("59")
    assert visitor.question == "sex"
    assert visitor.shown()["answer"] == [visitor.options()["Male"]]  # offered again, filled in
    visitor.continue_as_shown()
    assert visitor.question == "diuretic_use"
    assert downloaded_answers(visitor)["age"] == 59


def test_the_pages_own_back_at_a_question_seen_again_goes_to_the_one_before_it(visitor: Visitor) -> None:
    visitor.start()
    visitor.choose("None of these")
    visitor.type("58")
    visitor.choose("Male")
    visitor.open("/question?at=sex")
    visitor.back()
    assert visitor.question == "age"
    assert visitor.shown()["answer"] == ["58"]
