"""A seeded generator of synthetic answers records, for benchmarks, demos and crash sweeps.

Every record is valid against the answers contract and uses every part of it somewhere: the
same seed always gives the same cohort. The people are invented; the mix is made to exercise
the rules (many risk factors, labs on both sides of every threshold), not to mirror a real
population.

    python -m screener.synthetic 100000 --seed 7 > cohort.jsonl
"""

from __future__ import annotations

import argparse
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


def cohort(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``count`` synthetic records; the same seed always gives the same records."""
    rng = random.Random(seed)
    for number in range(1, count + 1):
        yield record(rng, number)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a seeded synthetic cohort as JSON Lines to stdout.")
    parser.add_argument("count", type=int, help="number of records")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    write = sys.stdout.write
    for answers in cohort(args.count, args.seed):
        write(json.dumps(answers, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
