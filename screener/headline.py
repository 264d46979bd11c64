"""The headline in words: the one place every door (terminal, ``result_text``, the web page, the
person report and its clinician summary, CDS Hooks cards) takes the combined level's wording from.

The combined level alone can mislead a person when the rest of the result says more than it does:

- a part is higher than combined (combined unlikely while magnesium depletion is possible): the
  headline says "unlikely, but magnesium depletion is POSSIBLE", so that "unlikely" never reads as
  an all-clear beside "contact a clinician today";
- combined is higher than both parts (screening-logic v2 §4: a cause of both losses with fitting
  symptoms, each part only possible): the headline says why in one phrase;
- few answers (one or two of the four core sections answered: ``coverage.few_answered``, the
  definition the rules' advice on few answers reads too, as the fact ``few_core_answers``) and
  every level unlikely: the headline says the level rests on few answers and is not reassurance.

- a high potassium result (the rules' advice ``high_potassium_result``, given for every current
  result above the normal range): "potassium depletion: unlikely" would read as reassurance
  beside "a high potassium, not a depletion", so the headline and the potassium line say the
  result is high and point to the advice;
- an older result below the normal range (the rules' advice ``recheck_older_result``: a result
  taken more than 30 days ago is not used for the levels) beside a combined level "unlikely": the
  headline says why it is "unlikely" and that those results need a recheck, so that a potassium of
  2.6 from months ago does not read as an all-clear;
- a medicine name that could not be read may be one that lowers magnesium or potassium (the
  rules' advice ``check_medicine_names``: a "did you mean" of such a medicine, or an unread name
  beside a yes or "not sure" to the water-pill or stomach-acid question): the headline says "a
  medicine name could not be read", so that "unlikely" on a list the screen could not read is not
  taken as an all-clear where no one is there to answer the "did you mean" (review 6, W2);
- something flagged (any urgency but "none", or the high potassium result): an "unlikely" is then
  said quietly, never in capitals or the colour of reassurance, and every door says how soon
  before the levels (red flags first, then how soon);
- nothing flagged (how soon "none": no visit needed): a "possible" is then said quietly too, never
  in capitals or the colour of a warning, so that "magnesium depletion is POSSIBLE" beside "How
  soon: none" (a short stomach bug in a well adult, a water pill with normal recent results) does
  not read as an alarm: the emphasis follows how soon (review 7). A "likely" always keeps it.

Wording and emphasis only: the levels, the urgency and the result contract are the rules' and stay
as they are. Coverage "none" has its own, stronger words ("Not enough answers to screen") at each
door, above the headline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screener.contract.coverage import CORE_SECTION_WORDS, few_answered, missing_core_sections

LEVEL_RANK = {"unlikely": 0, "possible": 1, "likely": 2}
COMBINED = "Combined magnesium and potassium depletion"
FEW_ANSWERS = "few answers"
"""The words a few-answers headline emphasises (as a level word is emphasised)."""
ABOVE_BOTH_WHY = "higher than either part alone, because a cause of both losses comes with symptoms that fit"
"""Why combined can be above both parts (screening-logic v2 §4: the only rule that puts it there
is a both-loss factor with fitting symptoms, one of them specific)."""
ABOVE_BOTH_SHORT = "above both parts: both-loss cause with fitting symptoms"
HIGH_POTASSIUM_ADVICE = "high_potassium_result"
#: What would change the headline (the result's ``next_level_missing``) is in the rules' own terms:
#: every door that shows it to a person heads it for a clinician or teacher, puts it with the
#: reasoning after the advice, and leaves it out when how soon is one of these (the advice matters).
NEXT_LEVEL_HEADING = "For a clinician or teacher: what would change the headline"
NEXT_LEVEL_HIDDEN_AT = ("urgent", "emergency")
"""The rules' advice on a current potassium result above the normal range (rules/recommendations.json,
``recommend_high_potassium_result``: the fact ``high_k_lab``): the headline reads that the
potassium result is high from it, so that no threshold is written again here."""
HIGH = "high"
"""The word a high potassium result is emphasised by (as a level word is)."""
POTASSIUM_HIGH_NOTE = "the potassium result is high: see the advice"
POTASSIUM_HIGH_SHORT = "K result high"
HIGH_POTASSIUM_SENTENCE = "the potassium result is high: a high potassium, not a depletion, and the advice says what to do"
RECENT_NORMAL_ADVICE = "recent_results_normal"
"""The rules' advice saying that potassium and magnesium results from the last 30 days were normal
(rules/recommendations.json, ``recommend_recent_results_normal`` and its variants): every door says
it at the top of the result, right after how soon (it is why how soon may be lower than the levels
suggest: clinical review 6, O3), and leaves it out of the list of advice below, so it is said once."""
OLDER_LOW_ADVICE = "recheck_older_result"
"""The rules' advice on an older result below the normal range (rules/recommendations.json,
``recommend_recheck_older_result``: the fact ``older_result_below_range``)."""
OLDER_LOW = "an older result below the normal range was not used: recheck"
"""What follows "unlikely, but " when an older result below the normal range was left out."""
OLDER_LOW_SHORT = "older low result not used"
NAME_UNREAD_ADVICE = "check_medicine_names"
"""The rules' advice when a medicine name not read may be one that lowers magnesium or potassium
(rules/recommendations.json, ``recommend_check_medicine_names``: the fact
``medicines_not_read_may_matter``)."""
NAME_UNREAD = "a medicine name could not be read"
NAME_UNREAD_SHORT = "medicine name not read"
NAME_UNREAD_SENTENCE = "a medicine name could not be read, so the result may be incomplete (see the advice)"
OLDER_LOW_SENTENCE = (
    "an older result below the normal range was not used to judge the levels and needs a recheck (see the advice)"
)


@dataclass(frozen=True)
class Span:
    """A piece of the headline; ``level`` is set on the words shown with a level's emphasis (a
    colour, capitals in the terminal): a level word, or ``FEW_ANSWERS``."""

    text: str
    level: str = ""
    loud: bool = False
    """Written in capitals in the terminal, and in its level's colour everywhere."""
    aside: bool = False
    """A reason rather than a level: a page may set it in smaller type than the heading."""


@dataclass(frozen=True)
class Headline:
    """The combined level with what the parts and the coverage add to it (see the module notes)."""

    combined: str
    magnesium: str
    potassium: str
    coverage: str | None
    missing_core: tuple[str, ...] = ()
    """The core sections (``CORE_SECTIONS`` keys) left unanswered."""
    urgency: str = ""
    """How soon to see a clinician ("" when not known): any but "none" flags the result."""
    potassium_high: bool = False
    """A current potassium result is high (the rules gave ``HIGH_POTASSIUM_ADVICE``)."""
    older_low: bool = False
    """An older result below the normal range was left out (the rules gave ``OLDER_LOW_ADVICE``)."""
    name_unread: bool = False
    """A medicine name not read may lower magnesium or potassium (the rules gave ``NAME_UNREAD_ADVICE``)."""
    few_words: str = FEW_ANSWERS
    """What there was little of: "few answers", or "little EHR data" on a CDS card."""

    @classmethod
    def of(cls, result: Any, *, few_words: str = FEW_ANSWERS) -> Headline:
        """From a ``ScreeningResult`` or a result as a dict (a batch entry, a saved result)."""
        get = result.get if isinstance(result, Mapping) else (lambda name, default=None: getattr(result, name, default))
        unanswered = [str(code) for code in get("unanswered_sections", None) or ()]
        coverage = get("coverage", None)
        return cls(
            combined=str(get("combined_depletion", "")),
            magnesium=str(get("magnesium_depletion", "")),
            potassium=str(get("potassium_depletion", "")),
            coverage=coverage if isinstance(coverage, str) else None,
            missing_core=tuple(missing_core_sections(unanswered)),
            few_words=few_words,
            urgency=str(get("urgency", "") or ""),
            potassium_high=HIGH_POTASSIUM_ADVICE in (codes := advice_codes(get("recommendations", None))),
            older_low=OLDER_LOW_ADVICE in codes,
            name_unread=NAME_UNREAD_ADVICE in codes,
        )

    # -- what there is to say ------------------------------------------------------------------

    @property
    def higher_parts(self) -> list[tuple[str, str]]:
        """The parts higher than combined, as (part, level): ``[("magnesium", "possible")]``."""
        rank = _rank(self.combined)
        return [(part, level) for part, level in self._parts() if _rank(level) > rank]

    @property
    def above_both(self) -> bool:
        """Combined higher than both magnesium and potassium."""
        return _rank(self.combined) > max(_rank(level) for _, level in self._parts())

    @property
    def few_answers(self) -> bool:
        """Every level unlikely on few answers: the level must not read as reassurance."""
        levels = [self.combined, self.magnesium, self.potassium]
        return self.coverage == "partial" and few_answered(self.missing_core) and all(_rank(level) == 0 for level in levels)

    @property
    def flagged(self) -> bool:
        """Something in the result asks for a clinician (any urgency but "none"), or a potassium
        result is high: an "unlikely" must then not read as reassurance."""
        return self.urgency not in ("", "none") or self.potassium_high

    @property
    def older_low_unused(self) -> bool:
        """An older result below the range was left out, and combined is "unlikely": the headline
        says so, not "unlikely" alone (as for few answers, not when few answers say it already)."""
        return self.older_low and _rank(self.combined) == 0 and not self.few_answers

    @property
    def qualified(self) -> bool:
        """Whether the combined level is qualified (then it is not the loudest word of the line)."""
        return (
            bool(self.higher_parts)
            or self.few_answers
            or self.potassium_high
            or self.older_low_unused
            or (self.name_unread and _rank(self.combined) == 0)
        )

    @property
    def no_visit(self) -> bool:
        """Nothing asks for a clinician: how soon is "none" and no potassium result is high."""
        return self.urgency == "none" and not self.flagged

    def quiet(self, level: str) -> bool:
        """Whether a level is said without emphasis: "unlikely" when something is flagged, and
        "possible" when nothing is (no visit needed: the emphasis follows how soon)."""
        return (level == "unlikely" and self.flagged) or (level == "possible" and self.no_visit)

    @property
    def card_level(self) -> str:
        """The level the headline's card is coloured by: the highest shown, "few-answers" for few,
        "high" for a high potassium result, "flagged" for an unlikely beside something flagged,
        "no-visit" for a possible that needs no visit (in neither a warning's nor reassurance's colour)."""
        if self.few_answers:
            return "few-answers"
        level = max([self.combined, *(level for _, level in self.higher_parts)], key=_rank)
        if self.potassium_high and _rank(level) < LEVEL_RANK["likely"]:
            return HIGH
        if self.quiet(level):
            return "flagged" if level == "unlikely" else "no-visit"
        return level

    def part_note(self, part: str, *, brief: bool = False) -> str:
        """What a part's line adds to its level: the potassium result is high ("result high" when
        ``brief``: a small screen, where the headline beside it points to the advice); "" otherwise."""
        if part != "potassium" or not self.potassium_high:
            return ""
        return "result high" if brief else POTASSIUM_HIGH_NOTE

    @property
    def not_answered(self) -> str:
        """The core sections left unanswered in words, "alcohol and gut losses (...)"; "" if none."""
        return core_words(self.missing_core, "and") if self.coverage == "partial" else ""

    # -- the words -------------------------------------------------------------------------------

    def spans(self, *, brief: bool = False) -> list[Span]:
        """What follows "Combined magnesium and potassium depletion: ", without the coverage note.
        ``brief`` leaves out why combined is above both parts (a screen too small for it: the
        full result says it); what keeps a level from reading as reassurance always stays."""
        spans = [Span(self.combined, self.combined, loud=not self.qualified and not self.quiet(self.combined))]
        if self.few_answers:
            spans += [Span(", but based on "), Span(self.few_words, FEW_ANSWERS, loud=True), Span(": not reassurance")]
        for index, (part, level) in enumerate(self.higher_parts):
            spans += [Span(f"{', but' if index == 0 else ' and'} {part} depletion is "), Span(level, level, loud=not self.quiet(level))]
        # Why combined is above both parts follows the level it explains; what else the line says
        # comes after a semicolon, so that it does not read as part of that reason (vignettes 9, case 21).
        reason = self.above_both and not brief
        if reason:
            spans.append(Span(f", {ABOVE_BOTH_WHY}", aside=True))
        first = len(spans)

        def joiner(but: bool) -> str:
            if reason and len(spans) == first:
                return "; "
            return ", but " if but else ", and "

        if self.potassium_high:
            spans += [Span(f"{joiner(len(spans) == 1 and _rank(self.combined) == 0)}the potassium result is "),
                      Span(HIGH, HIGH, loud=True), Span(": see the advice")]
        if self.older_low_unused:
            spans.append(Span(f"{joiner(len(spans) == 1)}{OLDER_LOW}"))
        if self.name_unread:
            spans.append(Span(f"{joiner(len(spans) == 1 and _rank(self.combined) == 0)}{NAME_UNREAD}"))
        return spans

    def words(self, *, capitals: bool = False, brief: bool = False) -> str:
        """What follows "Combined magnesium and potassium depletion: " on one line: "unlikely, but
        based on few answers: not reassurance" (``capitals``: the loud words in capitals)."""
        return "".join(span.text.upper() if capitals and span.loud else span.text for span in self.spans(brief=brief))

    def text(self, *, capitals: bool = True, not_answered: bool = True, brief: bool = False) -> str:
        """The headline on one line, as the terminal prints it: level words in capitals (the
        combined one only when unqualified), then the core sections not answered."""
        line = f"{COMBINED}: {self.words(capitals=capitals, brief=brief)}"
        if not_answered and self.not_answered:
            line += f" (not answered: {self.not_answered})"
        return line

    def emphasis(self) -> dict[str, str]:
        """The words of ``text()`` shown with emphasis (in capitals), by the level they carry."""
        return {span.text.upper(): span.level for span in self.spans() if span.loud}

    def sentence(self) -> str:
        """The headline as a sentence, for the report's line under its heading."""
        base = f"Going by these answers, a combined magnesium and potassium depletion is {self.combined}"
        if self.few_answers:
            return (
                f"Going by these few answers, a combined magnesium and potassium depletion is {self.combined}, but with "
                f"{self.not_answered} not answered this is not reassurance: answering the rest completes the screen."
            )
        high = f", and {HIGH_POTASSIUM_SENTENCE}" if self.potassium_high else ""
        if self.older_low_unused:
            high += f", and {OLDER_LOW_SENTENCE}"
        if self.name_unread:
            high += f", and {NAME_UNREAD_SENTENCE}"
        higher = self.higher_parts
        if higher:
            parts = " and ".join(f"{part} depletion on its own is {level}" for part, level in higher)
            return f"{base}, but {parts}{high}."
        if high and _rank(self.combined) == 0:
            high = ", but" + high.removeprefix(",").removeprefix(" and")
        return f"{base}{high}."  # above both parts: the heading says why, and the report names the rule

    def note(self) -> str:
        """A short note for a clinician beside the combined level; "" when there is none:
        "but magnesium possible", "above both parts: ...", "on few answers: not reassurance"."""
        notes = []
        if self.few_answers:
            notes.append(f"on {self.few_words}: not reassurance")
        elif self.higher_parts:
            notes.append("but " + " and ".join(f"{part} {level}" for part, level in self.higher_parts))
        elif self.above_both:
            notes.append(ABOVE_BOTH_SHORT)
        if self.potassium_high:
            notes.append(POTASSIUM_HIGH_SHORT if notes else f"but {POTASSIUM_HIGH_SHORT}")
        if self.older_low_unused:
            notes.append(OLDER_LOW_SHORT if notes else f"but {OLDER_LOW_SHORT}")
        if self.name_unread:
            notes.append(NAME_UNREAD_SHORT if notes else f"but {NAME_UNREAD_SHORT}")
        return "; ".join(notes)

    # -- helpers -------------------------------------------------------------------------------

    def _parts(self) -> list[tuple[str, str]]:
        return [("magnesium", self.magnesium), ("potassium", self.potassium)]


def advice_codes(recommendations: Any) -> set[str]:
    """The codes of a result's recommendations (models or dicts; none when not given)."""
    codes = set()
    for recommendation in recommendations or ():
        code = recommendation.get("code") if isinstance(recommendation, Mapping) else getattr(recommendation, "code", None)
        if isinstance(code, str):
            codes.add(code)
    return codes


def recent_results(recommendations: Any, *, brief: bool = False) -> str:
    """The text of the rules' advice ``RECENT_NORMAL_ADVICE`` ("Your potassium and magnesium results
    from the last 30 days were normal ..."), said at the top of every door; "" when not given.
    ``brief``: its first clause only (up to ", and" or a colon), for a screen too small for the rest
    (the full result says it)."""
    for recommendation in recommendations or ():
        get = recommendation.get if isinstance(recommendation, Mapping) else (lambda name, r=recommendation: getattr(r, name, None))
        if get("code") == RECENT_NORMAL_ADVICE:
            text = str(get("text") or "")
            return text.split(". ")[0].split(", and ")[0].split(": ")[0].rstrip(".") + "." if brief and text else text
    return ""


def listed_advice(recommendations: Any) -> list[Any]:
    """The advice a door lists below the top of the result: all but ``RECENT_NORMAL_ADVICE``, which
    the top says (models, dicts or (code, text) pairs)."""
    def code_of(item: Any) -> Any:
        if isinstance(item, tuple):
            return item[0]
        return item.get("code") if isinstance(item, Mapping) else getattr(item, "code", None)

    return [item for item in recommendations or () if code_of(item) != RECENT_NORMAL_ADVICE]


def core_words(missing: Sequence[str], joiner: str) -> str:
    """Core sections in words, the last joined by ``joiner``: "alcohol and gut losses (...)"."""
    names = [CORE_SECTION_WORDS[core] for core in missing]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {joiner} " + names[-1]


def _rank(level: str) -> int:
    return LEVEL_RANK.get(level, -1)


NOT_SCREENED = "not screened"
"""What a reassuring level or urgency is shown as when no core section was answered (coverage
"none"): every door says "not screened (too few answers)" there, and counts of a cohort put such
records under these words too, never under "unlikely" or "none"."""


TOO_FEW_ANSWERS = "too few answers"
"""How counts of many records name those records (the batch summary, the cohort report's charts):
the words in brackets of "not screened (too few answers)", since they are among the records counted
as screened, and "not screened" there means a record that could not be read."""


def level_shown(level: str, coverage: str | None) -> str:
    """A level as a person or a count is given it: "unlikely" on no core answers is not screened."""
    return NOT_SCREENED if coverage == "none" and level == "unlikely" else level


def urgency_shown(urgency: str, coverage: str | None) -> str:
    """An urgency as counted: "none" (no visit needed) on no core answers is not screened."""
    return NOT_SCREENED if coverage == "none" and urgency == "none" else urgency
