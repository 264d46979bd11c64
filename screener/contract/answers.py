"""One respondent's answers: the input half of the screening contract (contract.md, version 2,
with the additions of version 3: ``CONTRACT_CHANGES``).

Every field is optional: a missing field means "not answered / unknown", never "no".
Unknown fields are rejected. The published JSON Schema (``schemas/answers.schema.json``) is
generated from these models; a test fails when the shipped file drifts from them.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from screener.contract.validation import NOT_BLANK
from screener.errors import closest

#: The contract's version, and what changed from the one before: additions only, no field renamed
#: (contract.md: "a later version may add fields but must not rename these").
CONTRACT_VERSION = 3
CONTRACT_CHANGES = (
    "Screening contract, version 3. Changes from version 2 (additions only; no field renamed): "
    "alcohol.units_per_week, a weekly total in UK units (8 g of alcohol each), judged against the UK low-risk "
    "guideline (14 units a week for everyone) rather than converted to US standard drinks (14 g each); given with "
    "alcohol.drinks_per_week, drinks_per_week is used (with a warning when the two disagree)."
)

YesNoUnsure = Literal["yes", "no", "unsure"]
LabTaken = Literal["last_7_days", "last_30_days", "older"]

CONDITION_CODES = (
    "chronic_kidney_disease",
    "dialysis",
    "malabsorption",
    "ileostomy",
    "type_2_diabetes",
    "heart_failure",
    "high_blood_pressure",
    "eating_disorder",
    "type_1_diabetes",
)
SYMPTOM_CODES = (
    "fatigue",
    "muscle_weakness",
    "muscle_cramps",
    "muscle_twitches",
    "muscle_spasm_tetany",
    "tremor",
    "numbness_tingling",
    "anxiety",
    "nausea_poor_appetite",
    "constipation",
    "palpitations",
    "irregular_heartbeat",
    "confusion",
    "fainting",
    "chest_pain",
    "trouble_breathing",
    "severe_weakness_or_paralysis",
    "seizure",
)
RED_FLAG_NOW_CODES = (
    "chest_pain",
    "fainting",
    "severe_weakness_or_paralysis",
    "seizure",
    "trouble_breathing",
    "new_confusion",
)
SUPPLEMENT_CODES = ("potassium", "potassium_prescribed", "salt_substitute", "magnesium")


def red_flag_meant(text: str) -> str | None:
    """The red flag (happening now) a person meant by ``text``: the code itself, the code in
    another case or with spaces ("Chest pain", as a sheet's cell is read), or the one code close
    to it ("fainted", "chestpain": the code its error's "did you mean" names); None for anything
    else. Only for a record that cannot be screened: there a near-miss is raised rather than lost,
    since a missed emergency costs more than one raised (the record stays invalid, its error says
    what to write)."""
    if text in RED_FLAG_NOW_CODES:
        return text
    typed = re.sub(r"[\s-]+", "_", text.strip().casefold())
    if typed in RED_FLAG_NOW_CODES:
        return typed
    close = difflib.get_close_matches(typed, RED_FLAG_NOW_CODES, n=1, cutoff=0.6)  # as did_you_mean
    return close[0] if close else None


def red_flags_reported(value: object) -> list[str]:
    """The red flags (happening now) a record that cannot be screened reports, each code once, in
    the order given: the one place every way in reads them (``Screener.red_flags_alone``).

    Read from ``red_flags_now``, and from any unknown key whose "did you mean" names
    ``red_flags_now`` (``red_flag_now``, ``redFlagsNow``: the key its error tells the person to
    write), a list or one value; each value is read by ``red_flag_meant`` (a code, or words
    close to one), anything else gives nothing. A missed emergency costs more than one raised: a
    record that says "chest pain" under a misspelt key is raised, not lost among the records that
    could not be screened (it stays invalid, and its errors say what to write)."""
    if not isinstance(value, dict):
        return []
    fields = Answers.model_fields
    keys = [key for key in value if key == "red_flags_now" or (key not in fields and closest(str(key), fields) == "red_flags_now")]
    codes: list[str] = []
    for key in keys:
        given = value[key]
        for item in given if isinstance(given, list) else [given]:  # one code not in a list: still reported
            meant = red_flag_meant(item) if isinstance(item, str) else None
            if meant is not None and meant not in codes:
                codes.append(meant)
    return codes

Condition = Literal[CONDITION_CODES]  # type: ignore[valid-type]
Symptom = Literal[SYMPTOM_CODES]  # type: ignore[valid-type]
RedFlagNow = Literal[RED_FLAG_NOW_CODES]  # type: ignore[valid-type]
Supplement = Literal[SUPPLEMENT_CODES]  # type: ignore[valid-type]

#: Entries that say "no medicines" (compared in any case, spaces and a final full stop aside): a
#: list of only these is read as the empty list, as a spreadsheet's ``none`` cell is. "NA" is not
#: one of them: data exports write it for a value that is missing, not for "none".
NO_MEDICINES = frozenset(
    {"none", "nil", "nothing", "n/a", "no medications", "no medication", "no medicines", "no medicine", "no meds"}
)

#: At most this many medication entries in one record (a long list is a few dozen; more is a
#: mistake or an attack, and each entry costs matching time).
MAX_MEDICATIONS = 100


def _each_once(codes: list[str]) -> list[str]:
    if len(set(codes)) == len(codes):  # the usual case, a tenth of the time of counting
        return codes
    repeated = sorted(code for code, times in Counter(codes).items() if times > 1)
    if repeated:
        raise ValueError(f"list each code once: {', '.join(repr(code) for code in repeated)} is repeated")
    return codes


# Lists of codes are sets: each code at most once (so at most every code), in the published
# schema too ("uniqueItems"), so that a record cannot hold a million copies of "fatigue".
_SET = Field(json_schema_extra={"uniqueItems": True})
ConditionSet = Annotated[list[Condition], Field(max_length=len(CONDITION_CODES)), _SET, AfterValidator(_each_once)]
SymptomSet = Annotated[list[Symptom], Field(max_length=len(SYMPTOM_CODES)), _SET, AfterValidator(_each_once)]
RedFlagNowSet = Annotated[list[RedFlagNow], Field(max_length=len(RED_FLAG_NOW_CODES)), _SET, AfterValidator(_each_once)]
SupplementSet = Annotated[list[Supplement], Field(max_length=len(SUPPLEMENT_CODES)), _SET, AfterValidator(_each_once)]

# Integers are lax (JSON Schema's "integer" includes 70.0, what spreadsheet exports write): the
# published schema, checked first, has already refused strings and booleans.
NonNegativeNumber = Annotated[float, Field(ge=0, allow_inf_nan=False)]
AuditScore = Annotated[int, Field(ge=0, le=4)]

# The largest answers a person could truly give: the questionnaire's own maxima (rules/
# questionnaire.json; tests/test_answer_bounds.py keeps the two equal), so a file or an API call
# is held to what `ask` and the web page accept. A larger number is a typing or unit slip, refused
# with its path, never screened as a record-breaking loss.
MAX_DRINKS_PER_WEEK = 500
MAX_DAYS = 3650  # ten years
MAX_PER_DAY = 100
MAX_SERVINGS_PER_DAY = 50
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
PerDay = Annotated[int, Field(ge=0, le=MAX_PER_DAY)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuditC(_Section):
    """The three AUDIT-C answers as the instrument scores them (0-4 each)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"frequency": {"const": 0}}, "required": ["frequency"]},
            "then": {
                "properties": {
                    "quantity": {"const": 0, "description": "must be 0 when frequency is 0 ('never')"},
                    "binge": {"const": 0, "description": "must be 0 when frequency is 0 ('never')"},
                }
            },
        }
    )

    frequency: AuditScore = Field(description="How often a drink containing alcohol (0 never ... 4 four or more times a week)")
    quantity: AuditScore = Field(description="Standard drinks on a typical drinking day (0: 1-2 ... 4: 10 or more)")
    binge: AuditScore = Field(description="How often six or more drinks on one occasion (0 never ... 4 daily or almost daily)")

    @model_validator(mode="after")
    def _never_drinks_means_no_quantity(self) -> AuditC:
        if self.frequency == 0 and (self.quantity or self.binge):
            raise ValueError("frequency 0 ('never') cannot go with a non-zero quantity or binge score")
        return self

    @property
    def total(self) -> int:
        return self.frequency + self.quantity + self.binge


#: Grams of alcohol in a UK unit and in a US standard drink: a weekly total in UK units is read as
#: US standard drinks as ``ask`` reads "14 units" (x 8 / 14, to two decimals; the questionnaire's
#: ``uk_units`` unit, kept equal by tests/test_review6_inputs.py).
UK_UNIT_GRAMS = 8
US_DRINK_GRAMS = 14
MAX_UNITS_PER_WEEK = MAX_DRINKS_PER_WEEK * US_DRINK_GRAMS // UK_UNIT_GRAMS
#: How far a weekly total given both ways may differ, in US drinks, and still be one answer: a
#: person who converted by hand rounds to a whole drink (30 units: 17.14 drinks, written 17).
UNITS_AND_DRINKS_AGREE_WITHIN = 0.5


def drinks_from_units(units: float) -> float:
    """UK units a week as US standard drinks, as ``ask`` converts them: 30 units are 17.14 drinks."""
    return round(units * UK_UNIT_GRAMS / US_DRINK_GRAMS, 2)


class Alcohol(_Section):
    drinks_per_week: Annotated[NonNegativeNumber, Field(le=MAX_DRINKS_PER_WEEK)] | None = Field(
        None,
        description="US standard drinks (14 g of alcohol each) in a usual week. For UK units (8 g each) use units_per_week",
    )
    units_per_week: Annotated[NonNegativeNumber, Field(le=MAX_UNITS_PER_WEEK)] | None = Field(
        None,
        description="UK units (8 g of alcohol each) in a usual week, judged against the UK low-risk guideline (14 units "
        "a week for men and women alike), not converted to US standard drinks; with drinks_per_week too, drinks_per_week "
        "is used, with a warning when the two differ by over 0.5 of a drink (x 8 / 14)",
    )
    audit_c: AuditC | None = None

    def disagreement(self) -> str | None:
        """Both weekly totals given, more than half a drink apart: said in a warning, never a
        refusal (the published schema cannot say it, and a record it accepts is always screened);
        drinks_per_week, the contract's own field, is the one used."""
        if self.units_per_week is None or self.drinks_per_week is None:
            return None
        converted = drinks_from_units(self.units_per_week)
        if abs(converted - self.drinks_per_week) <= UNITS_AND_DRINKS_AGREE_WITHIN:
            return None
        return (
            f"The weekly alcohol was given twice and the two disagree: {self.units_per_week:g} UK units (8 g each) "
            f"is {converted:g} US standard drinks (14 g each), but {self.drinks_per_week:g} US standard drinks "
            f"were given; the {self.drinks_per_week:g} US standard drinks were used. Give the weekly total once."
        )


def _details_only_when_present(*detail_fields: str) -> ConfigDict:
    """Schema form of "no details for a symptom marked not present"."""
    message = "not allowed when 'present' is false: leave it out"
    return ConfigDict(
        json_schema_extra={
            "if": {"properties": {"present": {"const": False}}, "required": ["present"]},
            "then": {"properties": {name: {"type": "null", "description": message} for name in detail_fields}},
        }
    )


class Diarrhea(_Section):
    model_config = _details_only_when_present("days", "stools_per_day")

    present: StrictBool | None = Field(None, description="Loose or watery stools now or in the last 4 weeks")
    days: Days | None = Field(None, description="How many days it has lasted so far")
    stools_per_day: PerDay | None = Field(None, description="Loose stools on a typical bad day")

    @model_validator(mode="after")
    def _no_details_when_absent(self) -> Diarrhea:
        _reject_details_when_absent(self, ("days", "stools_per_day"))
        return self


class Vomiting(_Section):
    model_config = _details_only_when_present("days", "episodes_per_day", "cannot_keep_fluids_down")

    present: StrictBool | None = Field(None, description="Vomiting now or in the last 4 weeks")
    days: Days | None = Field(None, description="How many days it has lasted")
    episodes_per_day: PerDay | None = Field(None, description="Vomiting episodes on a typical bad day")
    cannot_keep_fluids_down: StrictBool | None = Field(
        None, description="Fluids have not stayed down for most of the last 24 hours"
    )

    @model_validator(mode="after")
    def _no_details_when_absent(self) -> Vomiting:
        _reject_details_when_absent(self, ("days", "episodes_per_day", "cannot_keep_fluids_down"))
        return self


def _reject_details_when_absent(section: BaseModel, detail_fields: tuple[str, ...]) -> None:
    if getattr(section, "present", None) is False:
        given = [name for name in detail_fields if getattr(section, name) is not None]
        if given:
            raise ValueError(f"{', '.join(given)} given although 'present' is false")


class Diet(_Section):
    processed_food: Literal["rarely", "sometimes", "most_days"] | None = Field(
        None, description="Meals mostly from processed or fast food"
    )
    fruit_veg_servings: Annotated[NonNegativeNumber, Field(le=MAX_SERVINGS_PER_DAY)] | None = Field(
        None, description="Servings of fruit and vegetables on a usual day"
    )


#: A result given only as a bound ("<2.5" on a lab report, a FHIR Quantity's comparator): the
#: number it is below or above, never read as the value. The rules decide what a bound says.
LabNumber = Annotated[float, Field(gt=0, allow_inf_nan=False)]

_ONE_NUMBER = "give exactly one of value, below (a result reported as '<X') or above ('>X')"


class _LabResult(_Section):
    """One lab result: its value, or, for a result reported only as beyond a number ("<2.5"),
    that number as ``below`` or ``above``. Exactly one of the three."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [{"required": ["value"]}, {"required": ["below"]}, {"required": ["above"]}],
            "description": _ONE_NUMBER,
        }
    )

    value: LabNumber | None = Field(None, description="The result as a number")
    below: LabNumber | None = Field(
        None, description="A result reported only as below this number ('<2.5'): the true value is lower; never read as the value"
    )
    above: LabNumber | None = Field(
        None, description="A result reported only as above this number ('>6.0'): the true value is higher; never read as the value"
    )

    @model_validator(mode="after")
    def _exactly_one_number(self) -> _LabResult:
        if sum(number is not None for number in (self.value, self.below, self.above)) != 1:
            raise ValueError(_ONE_NUMBER)
        return self

    @property
    def given(self) -> tuple[str, float]:
        """Which number was given (``value``, ``below`` or ``above``) and the number."""
        for name in ("value", "below", "above"):
            number = getattr(self, name)
            if number is not None:
                return name, float(number)
        raise AssertionError("validated: one number is given")


class PotassiumLab(_LabResult):
    unit: Literal["mmol/L", "mEq/L"] | None = Field(
        None,
        description=(
            "mg/dL is not accepted for potassium. Left out, a number of 1.5-9.0 is read as mmol/L, with a warning "
            "(mmol/L and mEq/L give the same number for potassium)"
        ),
    )
    taken: LabTaken | None = None


class MagnesiumLab(_LabResult):
    unit: Literal["mmol/L", "mEq/L", "mg/dL"]
    taken: LabTaken | None = None


class Labs(_Section):
    potassium: PotassiumLab | None = Field(None, description="Most recent serum potassium")
    magnesium: MagnesiumLab | None = Field(None, description="Most recent serum magnesium")


class Answers(_Section):
    """One respondent's answers. Every field is optional; missing means unknown."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mgk-screen answers",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://mgk-screen.example/schemas/answers.schema.json",
        },
    )

    id: Annotated[str, Field(min_length=1, max_length=128)] | Annotated[int, Field()] | None = Field(
        None, description="Respondent id, echoed in the result"
    )
    age: Annotated[int, Field(ge=0, le=120)] | None = Field(None, description="Age in years")
    sex: Literal["female", "male", "other"] | None = Field(
        None, description="Used for alcohol cut-offs; 'other' or missing uses the female (more careful) cut-offs"
    )
    pregnant: YesNoUnsure | None = Field(
        None, description="Pregnant now? ('unsure': may be.) Asked of women and 'other' aged 10-55; added to contract v2"
    )
    medications: Annotated[
        list[Annotated[str, Field(max_length=200, pattern=NOT_BLANK)]], Field(max_length=MAX_MEDICATIONS)
    ] | None = Field(
        None,
        description=(
            "What the person takes now, as written (generic or brand names, dose text allowed); [] or a list "
            "of only 'none' (also 'nil', 'nothing', 'N/A', 'no medications', 'no meds') means no medicines"
        ),
    )
    diuretic_use: YesNoUnsure | None = Field(None, description="Do you take a water pill (diuretic)?")
    ppi_over_3_months: YesNoUnsure | None = Field(
        None, description="For a listed stomach-acid medicine (proton pump inhibitor): taken for more than 3 months?"
    )
    alcohol: Alcohol | None = None
    diarrhea: Diarrhea | None = None
    vomiting: Vomiting | None = None
    laxative_use: Literal["none", "occasional", "regular", "unsure"] | None = Field(
        None, description="regular = most weeks"
    )
    laxative_type: Literal["stimulant", "osmotic", "bulk_forming", "stool_softener", "unsure"] | None = None
    diet: Diet | None = None
    conditions: ConditionSet | None = None
    symptoms: SymptomSet | None = Field(None, description="Symptoms in the past two weeks")
    red_flags_now: RedFlagNowSet | None = Field(None, description="Happening now or new in the last 24 hours")
    supplements: SupplementSet | None = Field(None, description="Taken now")
    low_potassium_despite_supplements: StrictBool | None = Field(
        None, description="Told by a clinician that potassium stays low although it is being replaced"
    )
    labs: Labs | None = None

    @field_validator("medications", mode="after")
    @classmethod
    def _none_means_no_medicines(cls, value: list[str] | None) -> list[str] | None:
        # Only a list that says nothing else: beside a medicine, "none" is kept as given, and the
        # screen reads it as no medicine, with a note that the list contradicts itself.
        if value and all(map(says_no_medicines, value)):
            return []
        return value

    @field_validator("id", mode="after")
    @classmethod
    def _id_as_string(cls, value: object) -> object:
        # The contract turns an integer id into its string; keep the model's view uniform.
        return str(value) if isinstance(value, int) else value


def says_no_medicines(entry: str) -> bool:
    """Whether a medicine entry says "no medicines" (``NO_MEDICINES``), not a medicine's name."""
    return " ".join(entry.casefold().split()).rstrip(".") in NO_MEDICINES


#: Top-level sections, in questionnaire order, reported in ``unanswered_sections``.
SECTIONS = tuple(name for name in Answers.model_fields if name != "id")
