"""The web page's emergency page, after a red flag: its call to action is the emergency (the
numbers to call, large, first), and carrying on with the questions is a quieter choice below it,
for when the person is safe (newcomer review 7, section 7: the green primary button was "Carry on
with the questions"). In the app in-process, and in a real browser, light and dark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import AXE, SCREENSHOTS, _missing, answer, browser, click_through, open_page, server
from test_web_accessibility import _SMALL_TARGETS, run_axe
from web_support import Visitor

from screener.errors import RulesError
from screener.interview import Questionnaire

__all__ = ["browser", "open_page", "server"]  # fixtures, used by name


def test_a_man_with_chest_pain_is_told_first_to_call_and_only_then_offered_to_carry_on() -> None:
    visitor = Visitor()
    visitor.start()
    visitor.choose("Chest pain or pressure")
    page = visitor.html
    call = page.index('class="call-now"')
    # The numbers to call, from the questionnaire, each with where it is called, in the box.
    for number, where in Questionnaire.load().emergency_numbers:
        assert re.search(rf'<span class="emergency-number">{number}</span> {where}</li>', page)
        assert page.index(number, call) < page.index("<form", call)
    assert page.index('role="alert"') < call < page.index("When you are safe") < page.index("Carry on with the questions")
    # No green primary button competes with calling: both ways on are quiet ones.
    assert "button primary" not in page
    assert page.count('class="button secondary"') >= 2
    # The whole advice is still there, word for word, as `ask` and the printed result give it.
    assert Questionnaire.load().emergency_advice in visitor.text()


def test_the_shipped_numbers_are_the_ones_the_advice_gives() -> None:
    questionnaire = Questionnaire.load()
    assert [number for number, _ in questionnaire.emergency_numbers] == ["911", "999", "112"]
    for number, where in questionnaire.emergency_numbers:
        assert f"{number} {where}" in questionnaire.emergency_advice


def test_a_questionnaire_whose_page_number_is_not_in_the_advice_is_refused_by_name() -> None:
    data = dict(Questionnaire.load().document)
    data["emergency_numbers"] = [*data["emergency_numbers"], {"number": "000", "where": "in Australia"}]
    with pytest.raises(RulesError, match=r"emergency_numbers: 000 is not in emergency_advice"):
        Questionnaire.from_data(data, "rules/questionnaire.json")


# -- in a real browser ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_in_chromium_the_numbers_come_first_and_largest_in_light_and_dark(
    open_page: Callable[..., Any], scheme: str, width: int
) -> None:
    if not AXE.exists():
        _missing(f"axe-core is not at {AXE}")
    page = open_page(width, color_scheme=scheme, bypass_csp=True)
    page.goto(page.base + "/")
    click_through(page, "button", "Start")
    answer(page, label="Chest pain or pressure")
    call = page.locator(".call-now")
    assert call.is_visible()
    assert " ".join(call.inner_text().split()).startswith("Call an emergency number now 911 in the US")
    # Seen before the ways on, and the numbers larger than any button's words.
    carry_on = page.get_by_role("button", name="Carry on with the questions", exact=True)
    assert call.bounding_box()["y"] + call.bounding_box()["height"] < carry_on.bounding_box()["y"]
    number_size = page.locator(".emergency-number").first.evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    button_size = carry_on.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")
    assert number_size >= 1.5 * button_size
    # Carrying on looks like the other quiet choice, not like a call to action.
    style = "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
    result = page.get_by_role("button", name="See the result for my answers so far", exact=True)
    assert carry_on.evaluate(style) == result.evaluate(style)
    # After the skip link and the home link, the keyboard reaches the two choices, carrying on first.
    focused = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("() => document.activeElement.innerText.trim()"))
    assert focused[2:] == ["Carry on with the questions", "See the result for my answers so far"]
    assert run_axe(page) == [], f"{scheme}, {width} px"
    assert page.evaluate(_SMALL_TARGETS) == []
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"emergency-{scheme}-{width}.png"), full_page=True)
