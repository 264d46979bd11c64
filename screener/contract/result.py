"""One screening result and one invalid-record entry: the output half of the contract.

The published JSON Schema (``schemas/result.schema.json``) is generated from these models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from screener.contract.coverage import Coverage

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from screener.contract.validation import Problem

Level = Literal["unlikely", "possible", "likely"]
Urgency = Literal["none", "routine", "soon", "urgent", "emergency"]
EvidenceValue = bool | int | float | str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_LEAN = "Left out of a lean entry: the same for everyone screened with these rules (mgk-screen rules show RULE)"


class Evidence(_Model):
    """One answer (or earlier conclusion) that made a rule fire."""

    fact: str = Field(description="Fact name, as the rules test it")
    label: str | None = Field(None, description=f"The fact in plain words. {_LEAN}")
    value: EvidenceValue


class Finding(_Model):
    """A rule that fired, with the answers that made it fire. A lean entry's findings have only
    ``rule`` and ``evidence`` (each item ``fact`` and ``value``); the rest is the rules' own."""

    rule: str = Field(description="Rule id")
    step: str | None = Field(None, description=f"Step of the chain the rule belongs to. {_LEAN}")
    title: str | None = Field(None, description=_LEAN)
    explanation: str | None = Field(None, description=f"Why it matters, in plain language. {_LEAN}")
    mechanism: str | None = Field(None, description=f"The physiology behind it, in one or two sentences. {_LEAN}")
    conclusion: str | None = Field(None, description=f"What the rule concluded. {_LEAN}")
    evidence: list[Evidence] = Field(description="The answers that triggered it")
    sources: list[str] | None = Field(None, description=_LEAN)
    red_flag: bool | None = Field(None, description=_LEAN)

    @property
    def lean(self) -> bool:
        """Whether the rule's own fields were left out (a finding of a lean entry)."""
        return self.title is None


class Recommendation(_Model):
    code: str
    text: str


def drug_name(match: Mapping[str, Any]) -> str:
    """A recognised drug (a ``MatchedDrug`` as a dict) as the person will know it: "salbutamol
    (albuterol)" when written by another name (a UK list says salbutamol, not albuterol), else the
    generic ("furosemide" for Lasix)."""
    generic = str(match.get("generic", ""))
    other = match.get("other_name")
    return f"{other} ({generic})" if other else generic


class MatchedDrug(_Model):
    generic: str
    drug_class: str
    matched_text: str
    via_product: str | None = None
    other_name: str | None = Field(
        None, description="The drug's other name as the vocabulary spells it, when written by it (salbutamol for albuterol)"
    )

    @property
    def name(self) -> str:
        """See ``drug_name``."""
        return drug_name({"generic": self.generic, "other_name": self.other_name})


class MedicationRecognised(_Model):
    input: str
    matches: list[MatchedDrug]
    counted: bool = Field(description="False for forms that act locally (creams, eye drops...)")
    note: str | None = None
    unrecognised: list[str] = Field(description="Parts of the name that matched nothing")


class LabUsed(_Model):
    lab: Literal["potassium", "magnesium"]
    value: float | None = Field(None, description="As given (absent for a result given only as below or above a number)")
    below: float | None = Field(None, description="As given, for a result reported only as below this number ('<2.5')")
    above: float | None = Field(None, description="As given, for a result reported only as above this number ('>6.0')")
    unit: str = Field(description="As given")
    taken: Literal["last_7_days", "last_30_days", "older", "not_given"]
    mmol_per_l: float = Field(
        description="The number given (the value, or the bound of a result given as below or above it), converted and rounded as the ruleset says"
    )
    used: bool
    reason: str | None = Field(None, description="Why the result was not used")


def rules_in_words(name: str, version: str, custom_folder: str | None = None) -> str:
    """Which rules made a result, in plain words: the shipped rules by their name and version;
    custom rules (an edited copy, whatever its ruleset.json calls itself) by their folder, so that
    a class or a patient cannot take teaching rules for the real ones."""
    if custom_folder is None:
        return f"{name}, version {version}"
    return f"custom rules from {custom_folder}, not the rules shipped with mgk-screen (they call themselves {name}, version {version})"


class RulesetInfo(_Model):
    name: str
    version: str
    sha256: str
    custom_folder: str | None = Field(
        None, description="Given only for custom rules (not the rules shipped with mgk-screen): the rule folder used"
    )

    @property
    def in_words(self) -> str:
        return rules_in_words(self.name, self.version, self.custom_folder)


def _result_schema(schema: dict[str, Any]) -> None:
    """The published schema says what the model checks in Python: an entry without
    ``"detail": "lean"`` has every field of its findings."""
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["allOf"] = [
        {
            "if": {"not": {"required": ["detail"]}},
            "then": {
                "properties": {
                    "findings": {
                        "items": {
                            "required": [*_FULL_FINDING],
                            "properties": {"evidence": {"items": {"required": ["label"]}}},
                        }
                    }
                }
            },
        }
    ]


_FULL_FINDING = ("step", "title", "explanation", "mechanism", "conclusion", "sources", "red_flag")


class ScreeningResult(_Model):
    """One respondent's screening result."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mgk-screen result",
        json_schema_extra=_result_schema,
    )

    status: Literal["screened"] = "screened"
    detail: Literal["lean"] | None = Field(
        None,
        description=(
            "'lean' (batch output's default): each finding is its rule and evidence (fact and value) only; "
            "the step, title, explanation, mechanism, conclusion, sources and red_flag of each finding and the "
            "label of each evidence fact are the rules' own, found by rule id in the rules this entry names by "
            "SHA-256 (mgk-screen rules show RULE; `mgk-screen report` fills them back in). "
            "Absent: every finding in full"
        ),
    )
    id: str
    source: str | None = Field(None, description="(batch) input file")
    position: int | None = Field(None, description="(batch) 1-based record number in its file")
    combined_depletion: Level = Field(description="The headline: likely combined Mg/K depletion")
    magnesium_depletion: Level
    potassium_depletion: Level
    urgency: Urgency
    urgency_text: str = Field(description="The urgency in words")
    consult_clinician: bool
    red_flags: list[str]
    findings: list[Finding]
    next_level_missing: list[str]
    risk_factors: list[str]
    medications_recognised: list[MedicationRecognised]
    labs_used: list[LabUsed]
    unanswered_sections: list[str] = Field(
        description="Sections with no answer at all, among those that apply to this person (field names)"
    )
    coverage: Coverage = Field(
        description=(
            "How many of the four core sections were answered: medicines (medications or diuretic_use), "
            "alcohol, gut losses (diarrhea, vomiting or laxative_use) and symptoms ([] is an answer); "
            "alcohol is not asked of a child under 12, and is then not counted. "
            "With 'none' the levels are not reassurance: answer_more_questions replaces general_advice; "
            "with one or two of the four answered (one of a child's three), answer_the_core_questions does"
        )
    )
    warnings: list[str]
    recommendations: list[Recommendation]
    ruleset: RulesetInfo
    disclaimer: str

    @model_validator(mode="after")
    def _findings_in_full_unless_lean(self) -> ScreeningResult:
        if self.detail is None:
            for finding in self.findings:
                missing = [name for name in _FULL_FINDING if getattr(finding, name) is None]
                if missing or any(item.label is None for item in finding.evidence):
                    raise ValueError(
                        f"finding {finding.rule!r} lacks {', '.join(missing) or 'evidence labels'}: "
                        "only a lean entry (\"detail\": \"lean\") leaves the rules' own fields out"
                    )
        return self

    def __repr__(self) -> str:
        # What a notebook shows for a result: what a person reads first (red flags first), not
        # every finding in full; model_dump() has everything, screener.render.result_text the report.
        flags = f"red flags {', '.join(self.red_flags)}; " if self.red_flags else ""
        return (
            f"<ScreeningResult {self.id!r}: {flags}combined depletion {self.combined_depletion} "
            f"(magnesium {self.magnesium_depletion}, potassium {self.potassium_depletion}), urgency {self.urgency}, "
            f"coverage {self.coverage}; recommendations {', '.join(r.code for r in self.recommendations) or 'none'}; "
            f"{_count(len(self.warnings), 'warning')}, {_count(len(self.findings), 'finding')}>"
        )

    __str__ = __repr__

    def as_row(self) -> dict[str, Any]:
        """One flat row, for a dataframe: the columns of batch's CSV output (``ROW_COLUMNS``), lists
        kept as lists and each recommendation as its code."""
        row: dict[str, Any] = {column: getattr(self, column, None) for column in ROW_COLUMNS}
        row["recommendations"] = [recommendation.code for recommendation in self.recommendations]
        return row


class RecordError(_Model):
    path: str = Field(description="JSON path inside the record, e.g. $.labs.potassium.unit")
    message: str


class InvalidRecord(_Model):
    """A record that failed validation: reported, not screened."""

    status: Literal["invalid"] = "invalid"
    id: str | None = None
    source: str | None = None
    position: int | None = None
    red_flags: list[str] | None = Field(
        None,
        description="(only when the record reports red flags now) the red flags it gives, screened on their own: its "
        "red_flags_now codes, or words close to one, also under a misspelt key whose 'did you mean' names red_flags_now "
        "(red_flag_now, redFlagsNow). A person reporting chest pain is not lost among the records that could not be screened",
    )
    urgency: Urgency | None = Field(None, description="(with red_flags) the urgency those red flags give on their own")
    red_flag_advice: str | None = Field(
        None,
        description="(with red_flags) what to say first: that the record could not be screened, the red flags given, "
        "and what they call for on their own (for an emergency: seek emergency care now, call the local emergency number)",
    )
    errors: list[RecordError]

    def __repr__(self) -> str:
        # One line, as a ScreeningResult shows: red flags first, then why it was not screened
        # (the first errors; model_dump() has them all).
        flags = f"red flags {', '.join(self.red_flags)}, urgency {self.urgency}; " if self.red_flags else ""
        shown = "; ".join(f"{error.path}: {_cut(error.message)}" for error in self.errors[:_ERRORS_SHOWN])
        more = f"; and {_count(len(self.errors) - _ERRORS_SHOWN, 'more error')}" if len(self.errors) > _ERRORS_SHOWN else ""
        return f"<InvalidRecord {self.id!r}: {flags}not screened, {_count(len(self.errors), 'error')}: {shown}{more}>"

    __str__ = __repr__

    def as_row(self) -> dict[str, Any]:
        """The row of a record that was not screened (``ScreeningResult.as_row``'s columns): no
        levels, and each error as "path: message"."""
        row: dict[str, Any] = dict.fromkeys(ROW_COLUMNS)
        row.update(status=self.status, id=self.id, source=self.source, position=self.position)
        if self.red_flags:
            row.update(red_flags=list(self.red_flags), urgency=self.urgency)
        row["errors"] = [f"{error.path}: {error.message}" for error in self.errors]
        return row


#: How many of an invalid record's errors its one-line repr names.
_ERRORS_SHOWN = 3


def _cut(text: str, most: int = 120) -> str:
    return text if len(text) <= most else text[: most - 3] + "..."


def not_screened_red_flag_advice(red_flags: Sequence[str], recommendations: Sequence[Mapping[str, Any]], urgency_text: str) -> str:
    """What a record that cannot be screened but gives a red flag says first (``InvalidRecord``'s
    ``red_flag_advice``): that it was not screened, the red flags, and what they call for on their
    own, in the words of the rules' first advice for them (how soon comes first: "Seek emergency
    care now (call your local emergency number)..."), or their urgency's words when the rules give none."""
    flags = ", ".join(code.replace("_", " ") for code in red_flags)
    return f"This record could not be screened (see its errors), but a red flag was given: {flags}. {red_flag_advice_words(recommendations, urgency_text)}"


def red_flag_advice_words(recommendations: Sequence[Mapping[str, Any]], urgency_text: str) -> str:
    """What red flags screened on their own call for: the rules' first advice for them, or their
    urgency's words when the rules give none (``not_screened_red_flag_advice`` says it after
    "This record could not be screened ...")."""
    return recommendations[0]["text"] if recommendations else urgency_text[:1].upper() + urgency_text[1:] + "."


#: The columns of ``as_row``, in order: also those of ``mgk-screen batch -f csv`` (``CSV_COLUMNS``).
ROW_COLUMNS = (
    "status",
    "id",
    "source",
    "position",
    "combined_depletion",
    "magnesium_depletion",
    "potassium_depletion",
    "urgency",
    "consult_clinician",
    "coverage",
    "red_flags",
    "risk_factors",
    "recommendations",
    "unanswered_sections",
    "warnings",
    "errors",
)


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


BatchEntry = ScreeningResult | InvalidRecord

#: The ``status`` of every batch entry: a result, or an invalid record.
ENTRY_STATUSES = (ScreeningResult.model_fields["status"].default, InvalidRecord.model_fields["status"].default)


def is_result(value: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a batch or screen result (or an invalid-record entry) rather than
    answers: the answers contract has no ``status`` field, every result has one (a FHIR resource
    has one too, and names its ``resourceType``)."""
    return "status" in value and "resourceType" not in value


#: Result fields added after the first contract version: a result written before one existed
#: lacks it and is still read (a report says "not recorded"), so it is not required of an entry read back.
_ADDED_LATER = frozenset({"coverage"})


@cache
def _entry_validators() -> dict[str, Draft202012Validator]:
    from jsonschema import Draft202012Validator

    from screener.contract.validation import load_schema

    schema = load_schema("result.schema.json")
    screened = {**schema, "required": [name for name in schema["required"] if name not in _ADDED_LATER]}
    invalid = {"$ref": "#/$defs/InvalidRecord", "$defs": schema["$defs"]}
    return {"screened": Draft202012Validator(screened), "invalid": Draft202012Validator(invalid)}


def entry_problems(entry: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with a result or invalid-record entry read back from a file (``report``
    reads them), by the published result schema (``mgk-screen schema result``): every problem with
    its JSON path, or [] for an entry as ``screen --json`` or ``batch`` wrote it. A result whose
    red flags are the text "fainting" must be refused, not drawn as "Red flags none". An entry of
    another status is not checked here (the caller says what a status must be)."""
    from pydantic import ValidationError

    from screener.contract.validation import schema_problems

    status = entry.get("status")
    models: dict[str, type[BaseModel]] = {"screened": ScreeningResult, "invalid": InvalidRecord}
    model = models.get(status) if isinstance(status, str) else None
    if model is None:
        return []
    try:  # fast (the schema is made from the model): a whole entry takes microseconds this way, not milliseconds
        model.model_validate(entry, strict=True)
        return []
    except ValidationError:
        pass
    return schema_problems(_entry_validators()[str(status)], entry)


def is_result_entry(value: Any) -> bool:
    """Whether a parsed record is a batch entry (its ``status`` one of ``ENTRY_STATUSES``), which
    the answers contract has no field for; a FHIR resource's status is its own."""
    return isinstance(value, dict) and value.get("status") in ENTRY_STATUSES and "resourceType" not in value

_NOW, _RECENT = "red_flags_now.", "symptoms."


def same_sign_given_now(findings: Sequence[Finding]) -> dict[str, str]:
    """Red flags given both as happening now and as a symptom of the past two weeks: the rule id
    of each past-two-weeks finding, with the rule id of the finding for the same sign now.

    Both rules fire (the rules are monotone: adding an answer never removes a finding), but a
    reader should see one sign once, with what happening now means for it, not two lines that
    seem to disagree ("emergency" and "a clinician today")."""
    now: dict[str, str] = {}
    for finding in findings:
        if finding.red_flag:
            for evidence in finding.evidence:
                if evidence.fact.startswith(_NOW) and evidence.value is True:
                    now.setdefault(evidence.fact.removeprefix(_NOW), finding.rule)
    folded: dict[str, str] = {}
    for finding in findings:
        signs = [e.fact.removeprefix(_RECENT) for e in finding.evidence if e.fact.startswith(_RECENT) and e.value is True]
        if finding.red_flag and signs and all(sign in now for sign in signs):
            folded[finding.rule] = now[signs[0]]
    return folded
