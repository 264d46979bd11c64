"""A seeded generator of synthetic answers records, for benchmarks, demos and crash sweeps.

Every record is valid against the answers contract and uses every part of it somewhere: the
same seed always gives the same cohort. The people are invented; the mix is made to exercise
the rules (many risk factors, labs on both sides of every threshold), not to mirror a real
population.

    python -m screener.synthetic 100000 --seed 7 > cohort.jsonl
    python -m screener.synthetic 100000 --seed 7 --diverse > diverse.jsonl

``--diverse`` (``diverse_cohort``) makes every record unlike any other: numbers drawn from
continuous ranges, medicine names with doses, timings and misspellings, names no vocabulary
knows, and no two records alike once their ids are set aside (checked as they are made). It is
what benchmarks screen, so that no memo of the screener (medication names, the engine's facts,
explanations) is flattered by records that repeat.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from typing import Any

from screener.contract.answers import CONDITION_CODES, RED_FLAG_NOW_CODES, SUPPLEMENT_CODES, SYMPTOM_CODES

MEDICATIONS = (
    "Lasix 40 mg", "furosemide", "bumetanide 1mg", "torsemide", "hydrochlorothiazide 25 mg", "HCTZ", "chlorthalidone",
    "indapamide", "metolazone", "spironolactone", "eplerenone", "amiloride/hydrochlorothiazide", "Dyazide", "Aldactazide",
    "Frumil", "acetazolamide", "omeprazole 20mg", "Nexium", "pantoprazole magnesium", "senna", "Dulcolax", "gentamicin",
    "cisplatin", "amphotericin B", "cetuximab", "tacrolimus", "ciclosporin", "pentamidine", "Bactrim", "prednisone 5 mg",
    "fludrocortisone", "salbutamol inhaler", "Symbicort", "theophylline", "lisinopril 10 mg", "lisinopril-HCTZ 20-25",
    "ramipril", "losartan potassium", "valsartan", "Entresto", "aliskiren", "finerenone", "digoxin 125 mcg",
    "potassium chloride", "Slow-K", "LoSalt", "magnesium oxide", "Slow-Mag", "metoprolol succinate", "amlodipine",
    "atorvastatin", "metformin", "hydrocortisone cream", "Restasis eye drops", "vitamin D", "levothyroxine",
    "ibuprofen 400 mg", "Vimovo", "Voltaren gel", "enoxaparin 40 mg", "Yasmin", "citalopram 20 mg", "amiodarone",
    "carboplatin", "liquorice root", "aspirin 81 mg",
)


def _maybe(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def _some(rng: random.Random, codes: tuple[str, ...], mean: float) -> list[str]:
    count = min(len(codes), int(rng.expovariate(1 / mean))) if mean > 0 else 0
    return sorted(rng.sample(codes, count))


def record(rng: random.Random, number: int) -> dict[str, Any]:
    """One synthetic respondent."""
    answers: dict[str, Any] = {"id": f"synthetic-{number}"}
    if _maybe(rng, 0.9):
        answers["age"] = rng.choice([rng.randint(18, 90), rng.randint(0, 120), 64, 65, 17, 18])
    if _maybe(rng, 0.85):
        answers["sex"] = rng.choice(["female", "male", "other"])
    if _maybe(rng, 0.8):
        answers["medications"] = rng.sample(MEDICATIONS, rng.randint(0, 4))
    if _maybe(rng, 0.6):
        answers["diuretic_use"] = rng.choice(["yes", "no", "unsure"])
    if _maybe(rng, 0.3):
        answers["ppi_over_3_months"] = rng.choice(["yes", "no", "unsure"])
    if _maybe(rng, 0.7):
        answers["alcohol"] = _alcohol(rng)
    for section, extra in (("diarrhea", "stools_per_day"), ("vomiting", "episodes_per_day")):
        if _maybe(rng, 0.6):
            answers[section] = _gi_losses(rng, section, extra)
    if _maybe(rng, 0.5):
        answers["laxative_use"] = rng.choice(["none", "occasional", "regular", "unsure"])
    if _maybe(rng, 0.3):
        answers["laxative_type"] = rng.choice(["stimulant", "osmotic", "bulk_forming", "stool_softener", "unsure"])
    if _maybe(rng, 0.6):
        answers["diet"] = _diet(rng)
    answers.update(_coded_lists(rng))
    labs = _labs(rng)
    if labs:
        answers["labs"] = labs
    return answers


def _coded_lists(rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if _maybe(rng, 0.7):
        answers["conditions"] = _some(rng, CONDITION_CODES, 0.8)
    if _maybe(rng, 0.8):
        answers["symptoms"] = _some(rng, SYMPTOM_CODES, 2.0)
    if _maybe(rng, 0.5):
        answers["red_flags_now"] = _some(rng, RED_FLAG_NOW_CODES, 0.15)
    if _maybe(rng, 0.4):
        answers["supplements"] = _some(rng, SUPPLEMENT_CODES, 0.7)
    if _maybe(rng, 0.15):
        answers["low_potassium_despite_supplements"] = _maybe(rng, 0.5)
    return answers


def _alcohol(rng: random.Random) -> dict[str, Any]:
    alcohol: dict[str, Any] = {}
    if _maybe(rng, 0.7):
        alcohol["drinks_per_week"] = rng.choice([0, 3, 7, 8, 14, 15, 20, 21, 27, 28, 40, round(rng.uniform(0, 60), 1)])
    if _maybe(rng, 0.6):
        frequency = rng.randint(0, 4)
        alcohol["audit_c"] = {
            "frequency": frequency,
            "quantity": 0 if frequency == 0 else rng.randint(0, 4),
            "binge": 0 if frequency == 0 else rng.randint(0, 4),
        }
    return alcohol


def _gi_losses(rng: random.Random, section: str, extra: str) -> dict[str, Any]:
    present = _maybe(rng, 0.4)
    part: dict[str, Any] = {"present": present}
    if present:
        if _maybe(rng, 0.8):
            part["days"] = rng.choice([1, 2, 3, 6, 7, 13, 14, 30, rng.randint(0, 60)])
        if _maybe(rng, 0.8):
            part[extra] = rng.randint(0, 10)
        if section == "vomiting" and _maybe(rng, 0.5):
            part["cannot_keep_fluids_down"] = _maybe(rng, 0.3)
    return part


def _diet(rng: random.Random) -> dict[str, Any]:
    diet: dict[str, Any] = {}
    if _maybe(rng, 0.8):
        diet["processed_food"] = rng.choice(["rarely", "sometimes", "most_days"])
    if _maybe(rng, 0.8):
        diet["fruit_veg_servings"] = rng.choice([0, 1, 1.9, 2, 3, 5, round(rng.uniform(0, 10), 1)])
    return diet


def _labs(rng: random.Random) -> dict[str, Any]:
    """Labs on both sides of every threshold, in every unit, taken at every time."""
    labs: dict[str, Any] = {}
    taken = ["last_7_days", "last_30_days", "older", None]
    if _maybe(rng, 0.4):
        value = rng.choice([2.4, 2.5, 2.9, 3.0, 3.4, 3.5, 4.2, 5.0, 5.1, 5.5, 5.9, 6.0, 6.4, 6.5, 7.0, round(rng.uniform(1.6, 8.5), 1)])
        labs["potassium"] = {"value": value, "unit": rng.choice(["mmol/L", "mEq/L"])}
        if (when := rng.choice(taken)) is not None:
            labs["potassium"]["taken"] = when
    if _maybe(rng, 0.3):
        unit = rng.choice(["mmol/L", "mEq/L", "mg/dL"])
        mmol = rng.choice([0.45, 0.5, 0.69, 0.7, 0.85, 1.05, 1.06, 2.0, 3.0, 4.9, round(rng.uniform(0.25, 2.0), 2)])
        value = {"mmol/L": mmol, "mEq/L": round(mmol * 2, 2), "mg/dL": round(mmol / 0.411, 1)}[unit]
        labs["magnesium"] = {"value": value, "unit": unit}
        if (when := rng.choice(taken)) is not None:
            labs["magnesium"]["taken"] = when
    return labs


_DOSE_UNITS = ("mg", "mg", "mg", "mcg", "mmol", "mEq", "%", "ml")
_TIMINGS = ("", "", "daily", "twice daily", "bid", "once a day", "at night", "as needed", "tablets", "ER", "in the morning")
_SYLLABLES = ("zo", "ra", "vex", "tin", "mol", "ar", "qui", "den", "lo", "pra", "nix", "sul", "ta", "bro", "fen")


def _dosed(rng: random.Random, name: str) -> str:
    """A medicine as people write it: a dose (any number), sometimes a timing, sometimes a slip."""
    if _maybe(rng, 0.08) and len(name) > 5:
        cut = rng.randrange(1, len(name) - 1)
        name = name[:cut] + name[cut + 1 :]  # a letter dropped: often no longer recognised
    if _maybe(rng, 0.7):
        dose = rng.choice([rng.randint(1, 1000), round(rng.uniform(0.1, 100), rng.choice((1, 2)))])
        name += f" {dose}{rng.choice(('', ' '))}{rng.choice(_DOSE_UNITS)}"
    timing = rng.choice(_TIMINGS)
    return f"{name} {timing}".strip() if timing else name


def _unknown_medicine(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() + f" {rng.randint(1, 500)} mg"


def diverse_record(rng: random.Random, number: int) -> dict[str, Any]:
    """One respondent unlike the others: ``record``'s shape with every value drawn afresh."""
    answers = record(rng, number)
    answers["id"] = f"diverse-{number}-{rng.getrandbits(32):08x}"
    if "age" in answers:
        answers["age"] = rng.randint(0, 120)
    if _maybe(rng, 0.85):
        names = [_dosed(rng, name) for name in rng.sample(MEDICATIONS, rng.randint(0, 6))]
        names += [_unknown_medicine(rng) for _ in range(int(_maybe(rng, 0.15)))]
        answers["medications"] = list(dict.fromkeys(names))
    alcohol = answers.get("alcohol")
    if alcohol and "drinks_per_week" in alcohol:
        alcohol["drinks_per_week"] = round(rng.uniform(0, 70), rng.choice((0, 1, 2)))
    for section, extra in (("diarrhea", "stools_per_day"), ("vomiting", "episodes_per_day")):
        part = answers.get(section, {})
        if "days" in part:
            part["days"] = rng.randint(0, 90)
        if extra in part:
            part[extra] = rng.randint(0, 20)
    diet = answers.get("diet", {})
    if "fruit_veg_servings" in diet:
        diet["fruit_veg_servings"] = round(rng.uniform(0, 12), rng.choice((0, 1, 2)))
    _diverse_labs(rng, answers.get("labs", {}))
    return answers


def _diverse_labs(rng: random.Random, labs: dict[str, Any]) -> None:
    """Lab values from continuous ranges (mostly plausible, some out of range for the rules)."""
    potassium = labs.get("potassium")
    if potassium is not None:
        potassium["value"] = round(rng.uniform(2.0, 7.5), rng.choice((1, 2)))
    magnesium = labs.get("magnesium")
    if magnesium is not None:
        mmol = rng.uniform(0.3, 2.2)
        unit = magnesium["unit"]
        magnesium["value"] = {"mmol/L": round(mmol, 2), "mEq/L": round(mmol * 2, 2), "mg/dL": round(mmol / 0.411, 1)}[unit]


def diverse_cohort(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` records, no two alike once their ids are set aside (a record that happens to
    repeat an earlier one is drawn again); the same seed always gives the same records."""
    rng = random.Random(seed)
    seen: set[bytes] = set()
    number = 0
    while number < count:
        answers = diverse_record(rng, number + 1)
        body = json.dumps({**answers, "id": None}, sort_keys=True).encode()
        fingerprint = hashlib.blake2b(body, digest_size=12).digest()
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        number += 1
        yield answers


def cohort(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` synthetic records; the same seed always gives the same records."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield record(rng, number)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a seeded synthetic cohort as JSON Lines to stdout.")
    parser.add_argument("count", type=int, help="number of records")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--diverse", action="store_true", help="no two records alike (what benchmarks screen)")
    args = parser.parse_args(argv)
    write = sys.stdout.write
    for answers in (diverse_cohort if args.diverse else cohort)(args.count, args.seed):
        write(json.dumps(answers, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
