"""The medication vocabulary and matcher, as specified in medications.md (version 2).

The expected names below are copied from medications.md, not read from rules/medications.json,
so that a name dropped from the data file fails a test.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from screener.errors import ExitCode, RulesError
from screener.screening.medications import MatchedDrug, MedicationMatch, Vocabulary

RULES = Path(__file__).parents[1] / "rules" / "medications.json"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_file(RULES)


@pytest.fixture
def data() -> dict[str, Any]:
    """A fresh copy of the shipped vocabulary, to break on purpose."""
    return copy.deepcopy(json.loads(RULES.read_text(encoding="utf-8")))


def generics(match: MedicationMatch) -> list[str]:
    """Each matched drug once (a drug of two classes is matched once per class)."""
    return list(dict.fromkeys(drug.generic for drug in match.drugs))


# medications.md, "Vocabulary": class -> {generic: [brands and other names]}
VOCABULARY_TABLE: dict[str, dict[str, list[str]]] = {
    "loop_diuretic": {
        "furosemide": ["frusemide", "Lasix"],
        "bumetanide": ["Bumex", "Burinex"],
        "torsemide": ["torasemide", "Demadex", "Soaanz"],
        "ethacrynic acid": ["Edecrin"],
    },
    "thiazide_diuretic": {
        "hydrochlorothiazide": ["HCTZ", "Microzide", "HydroDIURIL"],
        "chlorthalidone": ["chlortalidone", "Hygroton", "Thalitone"],
        "chlorothiazide": ["Diuril"],
        "indapamide": ["Lozol", "Natrilix"],
        "metolazone": ["Zaroxolyn"],
        "bendroflumethiazide": ["bendrofluazide", "Aprinox"],
    },
    "potassium_sparing_diuretic": {
        "spironolactone": ["Aldactone", "CaroSpir"],
        "eplerenone": ["Inspra"],
        "amiloride": ["Midamor"],
        "triamterene": ["Dyrenium"],
    },
    "finerenone": {"finerenone": ["Kerendia"]},
    "acetazolamide": {"acetazolamide": ["Diamox"]},
    "proton_pump_inhibitor": {
        "omeprazole": ["Prilosec", "Losec", "Zegerid"],
        "esomeprazole": ["Nexium"],
        "lansoprazole": ["Prevacid", "Zoton"],
        "pantoprazole": ["Protonix", "Pantoloc", "Tecta", "Somac"],
        "rabeprazole": ["AcipHex", "Pariet"],
        "dexlansoprazole": ["Dexilant"],
    },
    "stimulant_laxative": {
        "bisacodyl": ["Dulcolax", "Correctol"],
        "senna": ["sennosides", "Senokot", "Senokot-S", "Ex-Lax"],
        "sodium picosulfate": [],
    },
    "both_wasting_drug": {
        "gentamicin": [],
        "amikacin": [],
        "tobramycin": [],
        "streptomycin": [],
        "amphotericin B": ["AmBisome", "Fungizone"],
        "cisplatin": [],
        "carboplatin": ["Paraplatin"],
        "ifosfamide": ["Ifex"],
        "foscarnet": ["Foscavir"],
    },
    "mg_wasting_drug": {"cetuximab": ["Erbitux"], "panitumumab": ["Vectibix"]},
    "tubule_toxic_antiviral": {"tenofovir disoproxil": ["tenofovir", "Viread"], "cidofovir": ["Vistide"]},
    # Not in medications.md: with diarrhea or vomiting, stop colchicine and ask today (vignette review 5, S3).
    "colchicine": {"colchicine": ["Colcrys", "Mitigare"]},
    # Not in medications.md: anticancer medicines make vomiting or diarrhea a same-day call to the
    # oncology line (README, "Where we departed"); those that waste a mineral keep that class first.
    "anticancer_medicine": {
        "oxaliplatin": ["Eloxatin"],
        "fluorouracil": ["5-fluorouracil", "5-FU", "5FU"],
        "capecitabine": ["Xeloda"],
        "irinotecan": ["Campto", "Camptosar", "Onivyde"],
        "docetaxel": ["Taxotere"],
        "paclitaxel": ["Taxol", "Abraxane"],
        "gemcitabine": ["Gemzar"],
        "cyclophosphamide": [],
        "doxorubicin": ["Adriamycin", "Caelyx", "Doxil"],
        "etoposide": ["Etopophos", "Vepesid"],
        "temozolomide": ["Temodal", "Temodar"],
        "pembrolizumab": ["Keytruda"],
        "nivolumab": ["Opdivo"],
        "ipilimumab": ["Yervoy"],
    },
    "pentamidine": {"pentamidine": ["Pentam", "NebuPent"]},
    "calcineurin_inhibitor": {
        "tacrolimus": ["Prograf", "Advagraf", "Envarsus"],
        "ciclosporin": ["cyclosporine", "Neoral", "Sandimmune"],
    },
    "trimethoprim": {
        "trimethoprim": [],
        "co-trimoxazole": ["trimethoprim-sulfamethoxazole", "Bactrim", "Septra"],
    },
    "k_lowering_drug": {
        "prednisone": [],
        "prednisolone": [],
        "methylprednisolone": ["Medrol"],
        "hydrocortisone": [],
        "fludrocortisone": ["Florinef"],
        "albuterol": ["salbutamol", "Ventolin", "ProAir"],
        "levalbuterol": [],
        "formoterol": [],
        "salmeterol": [],
        "vilanterol": [],
        "olodaterol": [],
        "indacaterol": [],
        "terbutaline": [],
        "theophylline": ["Theo-24", "Uniphyl", "Nuelin"],
    },
    # medications.md puts liquorice in k_lowering_drug; it is a class of its own here, counted with the
    # K-lowering drugs (tests/test_clinical_v2.py), so that "keep taking prescribed medicines" leaves it out.
    "liquorice": {"liquorice": ["licorice", "liquorice root", "licorice root", "glycyrrhiza", "glycyrrhizin"]},
    "ace_inhibitor": {
        "lisinopril": ["Zestril", "Prinivil"],
        "enalapril": ["Vasotec"],
        "ramipril": ["Altace", "Tritace"],
        "perindopril": ["Coversyl"],
        "captopril": ["Capoten"],
        "benazepril": ["Lotensin"],
        "quinapril": ["Accupril"],
        "fosinopril": [],
        "trandolapril": [],
    },
    "arb": {
        "losartan": ["Cozaar"],
        "valsartan": ["Diovan"],
        "candesartan": ["Atacand"],
        "irbesartan": ["Avapro"],
        "olmesartan": ["Benicar"],
        "telmisartan": ["Micardis"],
        "azilsartan": ["Edarbi"],
        "eprosartan": [],
    },
    "arni": {"sacubitril/valsartan": ["Entresto"]},
    "renin_inhibitor": {"aliskiren": ["Tekturna", "Rasilez"]},
    "digoxin": {"digoxin": ["Lanoxin", "Digitek"]},
    "nsaid": {
        "ibuprofen": ["Advil", "Motrin", "Nurofen", "Brufen"],
        "naproxen": ["Aleve", "Naprosyn", "Anaprox"],
        "diclofenac": ["Voltaren", "Voltarol", "Cataflam", "Zipsor"],
        "celecoxib": ["Celebrex"],
        "etoricoxib": ["Arcoxia"],
        "meloxicam": ["Mobic"],
        "indomethacin": ["indometacin", "Indocin"],
        "ketorolac": ["Toradol"],
        "ketoprofen": [],
        "piroxicam": ["Feldene"],
        "nabumetone": [],
        "etodolac": [],
    },
    "heparin": {
        "heparin": [],
        "enoxaparin": ["Lovenox", "Clexane", "Inhixa"],
        "dalteparin": ["Fragmin"],
        "tinzaparin": ["Innohep"],
    },
    "drospirenone": {"drospirenone": ["Slynd"]},
    "qt_prolonging_drug": {
        "amiodarone": ["Cordarone", "Pacerone"],
        "sotalol": ["Betapace", "Sotacor"],
        "dofetilide": ["Tikosyn"],
        "dronedarone": ["Multaq"],
        "flecainide": ["Tambocor"],
        "quinidine": [],
        "disopyramide": [],
        "procainamide": [],
        "citalopram": ["Celexa", "Cipramil"],
        "escitalopram": ["Lexapro", "Cipralex"],
        "haloperidol": ["Haldol"],
        "chlorpromazine": [],
        "thioridazine": [],
        "pimozide": [],
        "methadone": ["Dolophine", "Methadose"],
        "ondansetron": ["Zofran"],
        "domperidone": ["Motilium"],
        "azithromycin": ["Zithromax", "Z-Pak"],
        "clarithromycin": ["Biaxin", "Klaricid"],
        "erythromycin": [],
        "levofloxacin": ["Levaquin"],
        "moxifloxacin": ["Avelox"],
        "ciprofloxacin": ["Cipro"],
        "hydroxychloroquine": ["Plaquenil"],
        "chloroquine": [],
        "donepezil": ["Aricept"],
        # not CredibleMeds known risk: its QT effect is dose-dependent (MHRA 2017), README
        "quinine": ["Qualaquin", "quinine sulfate", "quinine sulphate", "quinine bisulphate", "quinine bisulfate"],
    },
    # Not in medications.md: diabetes medicines on the medicine sick-day lists (SADMANS), classes of
    # their own so that they bring the sick-day advice and nothing else; insulin, recognised and
    # never paused (README, "Where we departed from the written spec").
    "metformin": {"metformin": ["Glucophage"]},
    "sglt2_inhibitor": {
        "dapagliflozin": ["Farxiga", "Forxiga"],
        "empagliflozin": ["Jardiance"],
        "canagliflozin": ["Invokana"],
        "ertugliflozin": ["Steglatro"],
    },
    "sulfonylurea": {
        "gliclazide": ["Diamicron"],
        "glipizide": ["Glucotrol"],
        "glimepiride": ["Amaryl"],
        "glibenclamide": ["glyburide", "Daonil"],
    },
    # GLP-1 medicines (sick-day advice only) and lithium (its own advice, and a same-day contact with
    # prolonged gut losses): recognised so that they stop bringing "ask a pharmacist" (README).
    "glp1_agonist": {
        "semaglutide": ["Ozempic", "Wegovy", "Rybelsus"],
        "liraglutide": ["Victoza", "Saxenda"],
        "dulaglutide": ["Trulicity"],
        "exenatide": ["Byetta", "Bydureon"],
        "tirzepatide": ["Mounjaro", "Zepbound"],
    },
    "lithium": {
        "lithium": ["Priadel", "Camcolit", "Lithobid", "Eskalith", "lithium carbonate", "lithium citrate"],
    },
    "insulin": {
        "insulin": ["Humulin", "regular insulin", "NPH insulin"],
        "insulin glargine": ["Lantus", "Toujeo"],
        "insulin aspart": ["NovoRapid", "NovoLog"],
        "insulin lispro": ["Humalog"],
    },
    "potassium_supplement": {
        "potassium chloride": ["K-Dur", "Klor-Con", "K-Tab", "Slow-K", "Sando-K"],
        "potassium citrate": ["Urocit-K"],
        "potassium gluconate": [],
        "potassium bicarbonate": [],
    },
    "salt_substitute": {
        "salt substitute": ["NoSalt", "Nu-Salt", "LoSalt", "Lite Salt", "Morton Salt Substitute"],
    },
    "no_known_effect": {
        "atenolol": [],
        "bisoprolol": [],
        "metoprolol": [],
        "amlodipine": [],
        "budesonide": [],
        "fluticasone": [],
        "mometasone": [],
        "umeclidinium": [],
        "ethinylestradiol": ["ethinyl estradiol"],
        "estradiol": [],
        "misoprostol": [],
        "aspirin": [],
        "paracetamol": ["acetaminophen", "Tylenol", "Panadol"],
    },
    "magnesium_supplement": {
        "magnesium oxide": [],
        "magnesium citrate": [],
        "magnesium glycinate": [],
        "magnesium chloride": ["Slow-Mag"],
        "magnesium lactate": ["Mag-Tab SR"],
        "magnesium hydroxide": ["Milk of Magnesia"],
        "magnesium sulfate": [],
    },
}

NAMES = [
    pytest.param(name, generic, drug_class, id=name)
    for drug_class, drugs in VOCABULARY_TABLE.items()
    for generic, names in drugs.items()
    for name in [generic, *names]
]

# medications.md, "Combination products": product -> the generics it contains
COMBINATIONS = {
    "Dyazide": ["triamterene", "hydrochlorothiazide"],
    "Maxzide": ["triamterene", "hydrochlorothiazide"],
    "co-triamterzide": ["triamterene", "hydrochlorothiazide"],
    "Aldactazide": ["spironolactone", "hydrochlorothiazide"],
    "co-flumactone": ["spironolactone", "hydrochlorothiazide"],
    "Moduretic": ["amiloride", "hydrochlorothiazide"],
    "co-amilozide": ["amiloride", "hydrochlorothiazide"],
    "Frumil": ["amiloride", "furosemide"],
    "co-amilofruse": ["amiloride", "furosemide"],
    "Lasilactone": ["spironolactone", "furosemide"],
    "Hyzaar": ["losartan", "hydrochlorothiazide"],
    "Zestoretic": ["lisinopril", "hydrochlorothiazide"],
    "Prinzide": ["lisinopril", "hydrochlorothiazide"],
    "Vaseretic": ["enalapril", "hydrochlorothiazide"],
    "Accuretic": ["quinapril", "hydrochlorothiazide"],
    "Lotensin HCT": ["benazepril", "hydrochlorothiazide"],
    "Diovan HCT": ["valsartan", "hydrochlorothiazide"],
    "Benicar HCT": ["olmesartan", "hydrochlorothiazide"],
    "Micardis HCT": ["telmisartan", "hydrochlorothiazide"],
    "Avalide": ["irbesartan", "hydrochlorothiazide"],
    "Atacand HCT": ["candesartan", "hydrochlorothiazide"],
    "Exforge HCT": ["amlodipine", "valsartan", "hydrochlorothiazide"],
    "Tribenzor": ["olmesartan", "amlodipine", "hydrochlorothiazide"],
    "Edarbyclor": ["azilsartan", "chlorthalidone"],
    "Tenoretic": ["atenolol", "chlorthalidone"],
    "Ziac": ["bisoprolol", "hydrochlorothiazide"],
    "Lopressor HCT": ["metoprolol", "hydrochlorothiazide"],
    "Coversyl Plus": ["perindopril", "indapamide"],
    "Vimovo": ["naproxen", "esomeprazole"],
    "Arthrotec": ["diclofenac", "misoprostol"],
    "Yasmin": ["drospirenone", "ethinylestradiol"],
    "Yaz": ["drospirenone", "ethinylestradiol"],
    "Eloine": ["drospirenone", "ethinylestradiol"],
    "Ocella": ["drospirenone", "ethinylestradiol"],
    "Angeliq": ["drospirenone", "estradiol"],
}

CLASS_OF = {generic: drug_class for drug_class, drugs in VOCABULARY_TABLE.items() for generic in drugs}
# A name may belong to more than one class, and every class counts (medications.md v2): pentamidine
# wastes magnesium, keeps potassium and is on the CredibleMeds list of drugs with a known risk of
# torsades de pointes.
MORE_CLASSES = {
    "pentamidine": ["qt_prolonging_drug"],
    # theophylline also has a class of its own, for the advice on its level (vignette review 4, M3)
    "theophylline": ["theophylline"],
    # steroid tablets the body can come to depend on: the steroid sick-day rules (vignette review 5, S1)
    # hydrocortisone tablets are replacement (steroid_dependence); prednisolone and the like, whose
    # dose and duration are not asked, are glucocorticoid_tablets; fludrocortisone is named (verify 5, N1-N4)
    "hydrocortisone": ["steroid_dependence"],
    **{generic: ["glucocorticoid_tablets"] for generic in ("prednisone", "prednisolone", "methylprednisolone")},
    "fludrocortisone": ["fludrocortisone"],
    # sotalol is a non-selective beta-blocker as well (review 5, 2026-12-01)
    "sotalol": ["nonselective_beta_blocker"],
    # oxaliplatin's labels warn of torsades: a QT-prolonging drug as well (vocabulary review 2, 2026-12-01)
    "oxaliplatin": ["qt_prolonging_drug"],
    # beta-2 agonists: the advice on a reliever with a steroid, theophylline or a water pill (review 5, M8)
    **{
        generic: ["beta2_agonist"]
        for generic in ("albuterol", "levalbuterol", "formoterol", "salmeterol", "vilanterol", "olodaterol",
                        "indacaterol", "terbutaline")
    },
    **{
        generic: ["anticancer_medicine"]
        for generic in ("cisplatin", "carboplatin", "ifosfamide", "cetuximab", "panitumumab")
    },
}


def classes_of(generic: str) -> list[str]:
    return [CLASS_OF[generic], *MORE_CLASSES.get(generic, [])]


# --- the vocabulary table ------------------------------------------------------------------


def test_the_vocabulary_has_exactly_the_classes_of_the_table(vocabulary: Vocabulary) -> None:
    # and theophylline, a second class of one drug of the table (MORE_CLASSES); caffeine, which
    # the table does not name (energy drinks and caffeine tablets, counted for nothing, are a class
    # of their own only for the advice beside palpitations: README, "Leftovers (2026-12-01)"); and
    # the classes added after vignette review 5 (README): bowel preparations, clenbuterol, potassium
    # binders, steroid_dependence, glucocorticoid_tablets and fludrocortisone (verify 5), second classes of the steroid tablets (S1), and pancreatic enzymes
    # (counted as malabsorption)
    assert vocabulary.class_names == frozenset(VOCABULARY_TABLE) | {
        "theophylline",
        "caffeine",
        "bowel_preparation",
        "clenbuterol",
        "potassium_binder",
        "steroid_dependence",
        "beta2_agonist",
        "topiramate",  # a marker told apart within k_lowering_drug (review 6, O5)
        "glucocorticoid_tablets",
        "fludrocortisone",
        "pancreatic_enzyme",
        "nonselective_beta_blocker",
        "qt_possible_risk",  # CredibleMeds possible or conditional risk, counted for nothing (third vocabulary round)
        "desmopressin",  # its own sick-day advice (clinical leftovers 3), counted for nothing
        "reflux_medicine_with_potassium",  # Gaviscon Advance: not a potassium supplement (vignette review 9, finding 4)
        "weight_loss_product",  # diet pills, slimming teas, fat burners (vignette review 9, finding 3)
    }


#: What each version of the vocabulary reads (its classes, names, combinations and words), as a digest.
#: Version 2 changed its contents for many rounds without a new number; 3 is the first pinned.
READING_OF_VERSION = {"3": "6e790861c57b10a1", "4": "2b6537fa156f0195", "5": "f13d32d275f517a6"}  # 5 (this round) also reads inulin


def test_the_vocabulary_carries_its_version(vocabulary: Vocabulary) -> None:
    assert vocabulary.version == json.loads(RULES.read_text(encoding="utf-8"))["version"]


def test_a_change_in_what_the_vocabulary_reads_raises_its_version() -> None:
    """The version is how people (and the spec, medications.md) name a vocabulary: the same version must read the same."""
    data = json.loads(RULES.read_text(encoding="utf-8"))
    reading = {key: value for key, value in data.items() if key not in ("version", "description", "sources")}
    digest = hashlib.sha256(json.dumps(reading, sort_keys=True).encode()).hexdigest()[:16]
    assert READING_OF_VERSION.get(data["version"]) == digest, (
        f"rules/medications.json reads differently (digest {digest}) but its version is still {data['version']!r}: "
        "raise 'version' and pin the new digest in READING_OF_VERSION"
    )


@pytest.mark.parametrize(("name", "generic", "drug_class"), NAMES)
def test_every_generic_brand_and_other_name_of_the_table_is_recognised(
    vocabulary: Vocabulary, name: str, generic: str, drug_class: str
) -> None:
    match = vocabulary.match(name)
    assert match.drugs == tuple(MatchedDrug(generic, name, each) for each in classes_of(generic))
    assert match.recognised
    assert match.counted
    assert match.classes == set(classes_of(generic))


@pytest.mark.parametrize("drug_class", sorted(VOCABULARY_TABLE))
def test_every_class_has_a_generic_and_a_brand_or_other_name(vocabulary: Vocabulary, drug_class: str) -> None:
    drugs = VOCABULARY_TABLE[drug_class]
    brands = [name for names in drugs.values() for name in names]
    if not brands:  # the table names no brand for no_known_effect: the data file adds some
        brands = ["Tenormin", "Norvasc", "Pulmicort"]
    first = next(iter(drugs))
    found = {cls for name in (first, brands[0]) for cls in vocabulary.match(name).classes}
    assert found == set(classes_of(first))


@pytest.mark.parametrize("text", ["LASIX", "lasix", "LaSiX", "FUROSEMIDE"])
def test_names_match_in_any_case(vocabulary: Vocabulary, text: str) -> None:
    assert generics(vocabulary.match(text)) == ["furosemide"]


def test_matched_text_keeps_the_words_as_written(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("LASIX 40mg").drugs[0].matched_text == "LASIX"


# --- whole names, longest first ----------------------------------------------------------------


def test_esomeprazole_is_not_read_as_omeprazole(vocabulary: Vocabulary) -> None:
    assert generics(vocabulary.match("esomeprazole")) == ["esomeprazole"]


@pytest.mark.parametrize("text", ["furosemidex", "xfurosemide", "Lasixx", "furo"])
def test_fragments_of_a_name_match_nothing(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.drugs == ()
    assert match.unrecognised == (text,)


@pytest.mark.parametrize(
    "text", ["sacubitril/valsartan", "sacubitril-valsartan", "sacubitril and valsartan", "Entresto", "ENTRESTO 49/51mg"]
)
def test_sacubitril_valsartan_is_an_arni_and_not_also_an_arb(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert generics(match) == ["sacubitril/valsartan"]
    assert match.classes == {"arni"}


def test_valsartan_alone_is_an_arb(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("valsartan 80 mg").classes == {"arb"}


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("ethacrynic acid", "ethacrynic acid"),
        ("potassium chloride", "potassium chloride"),
        ("Morton Salt Substitute", "salt substitute"),
        ("Milk of Magnesia", "magnesium hydroxide"),
        ("Mag-Tab SR", "magnesium lactate"),
        ("amphotericin B", "amphotericin B"),
        ("trimethoprim-sulfamethoxazole", "co-trimoxazole"),
    ],
)
def test_a_multi_word_name_wins_over_its_parts(vocabulary: Vocabulary, text: str, generic: str) -> None:
    match = vocabulary.match(text)
    assert generics(match) == [generic]
    assert match.recognised


@pytest.mark.parametrize(
    ("text", "product"),
    [("Lotensin HCT", "Lotensin HCT"), ("Coversyl Plus", "Coversyl Plus"), ("Diovan HCT 160/25", "Diovan HCT")],
)
def test_a_combination_brand_wins_over_the_single_brand_inside_it(
    vocabulary: Vocabulary, text: str, product: str
) -> None:
    assert {drug.via_product for drug in vocabulary.match(text).drugs} == {product}


@pytest.mark.parametrize("text", ["Senokot-S", "senokot s", "Senokot\u2013S"])
def test_a_hyphenated_brand_matches_whole_before_the_entry_is_split(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert generics(match) == ["senna"]
    assert match.unrecognised == ()


# --- combination products and joined entries ---------------------------------------------------


@pytest.mark.parametrize(("product", "parts"), COMBINATIONS.items(), ids=list(COMBINATIONS))
def test_a_combination_product_counts_as_every_class_it_contains(
    vocabulary: Vocabulary, product: str, parts: list[str]
) -> None:
    match = vocabulary.match(product)
    assert match.drugs == tuple(MatchedDrug(part, product, CLASS_OF[part], product) for part in parts)
    assert len(match.drugs) == len(parts) >= 2
    assert match.classes == {CLASS_OF[part] for part in parts}
    assert match.recognised


@pytest.mark.parametrize(
    ("inhaler", "steroid", "beta2_agonist"),
    [
        ("Symbicort", "budesonide", "formoterol"),
        ("Advair", "fluticasone", "salmeterol"),
        ("Seretide", "fluticasone", "salmeterol"),
        ("Breo", "fluticasone", "vilanterol"),
        ("Trelegy", "fluticasone", "vilanterol"),
    ],
)
def test_a_combination_inhaler_counts_its_beta2_agonist_and_recognises_its_steroid(
    vocabulary: Vocabulary, inhaler: str, steroid: str, beta2_agonist: str
) -> None:
    match = vocabulary.match(f"{inhaler} inhaler 2 puffs twice daily")
    classes: dict[str, set[str]] = {}
    for drug in match.drugs:
        classes.setdefault(drug.generic, set()).add(drug.drug_class)
    assert classes[steroid] == {"no_known_effect"}
    # and the beta2_agonist marker, for the advice beside a steroid tablet or water pill (review 5, M8)
    assert classes[beta2_agonist] == {"k_lowering_drug", "beta2_agonist"}
    assert match.counted
    assert match.recognised


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lisinopril-HCTZ 20-25", ["lisinopril", "hydrochlorothiazide"]),
        ("amiloride/hydrochlorothiazide", ["amiloride", "hydrochlorothiazide"]),
        ("losartan + HCTZ", ["losartan", "hydrochlorothiazide"]),
        ("furosemide and spironolactone", ["furosemide", "spironolactone"]),
        ("ramipril with indapamide", ["ramipril", "indapamide"]),
        ("omeprazole, digoxin", ["omeprazole", "digoxin"]),
        ("Lasix & K-Dur", ["furosemide", "potassium chloride"]),
    ],
)
def test_an_entry_naming_several_drugs_is_split_and_each_part_matched(
    vocabulary: Vocabulary, text: str, expected: list[str]
) -> None:
    match = vocabulary.match(text)
    assert generics(match) == expected
    assert match.classes == {CLASS_OF[generic] for generic in expected}
    assert match.recognised


def test_joined_drugs_come_back_in_input_order_with_their_own_words(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("lisinopril-HCTZ 20-25").drugs == (
        MatchedDrug("lisinopril", "lisinopril", "ace_inhibitor"),
        MatchedDrug("hydrochlorothiazide", "HCTZ", "thiazide_diuretic"),
    )


# --- dose, strength and form text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("Lasix 40 mg tablets", "furosemide"),
        ("furosemide 20mg twice daily", "furosemide"),
        ("metoprolol succinate ER 50mg", "metoprolol"),
        ("Lasix 1 tab", "furosemide"),
        ("Bumex 0.5 mg bid", "bumetanide"),
        ("spironolactone 25 mg qd", "spironolactone"),
        ("digoxin 125 mcg daily", "digoxin"),
        ("hydrochlorothiazide 12.5 mg once a day", "hydrochlorothiazide"),
        ("Slow-K 600 mg tid", "potassium chloride"),
        ("K-Dur 20 mEq", "potassium chloride"),
        ("KCl 20mmol", "potassium chloride"),
        ("prednisolone 5 mg tds", "prednisolone"),
        ("albuterol 2 puffs prn", "albuterol"),
        ("Milk of Magnesia 30 ml at night", "magnesium hydroxide"),
        ("Nexium 40mg delayed release capsules", "esomeprazole"),
        ("omeprazole 20 mg extended release capsule as needed", "omeprazole"),
        ("gentamicin 80 mg IV q8h", "gentamicin"),
        ("Bactrim DS 1 tab BD", "co-trimoxazole"),
        ("magnesium oxide 400mg", "magnesium oxide"),
        ("tab Lasix 40mg", "furosemide"),
        ("cap omeprazole 20mg", "omeprazole"),
        ("Theo-24 300 mg XL", "theophylline"),
        ("metolazone 2.5 mg on Mon/Wed/Fri", "metolazone"),
        ("omeprazole 20mg gastro-resistant capsules", "omeprazole"),
        ("naproxen 500 mg film coated tablets", "naproxen"),
        ("pantoprazole sodium sesquihydrate 40 mg", "pantoprazole"),
        ("Lasix 40 mg on Sundays", "furosemide"),
    ],
)
def test_dose_strength_form_and_timing_text_is_ignored(vocabulary: Vocabulary, text: str, generic: str) -> None:
    match = vocabulary.match(text)
    assert list(dict.fromkeys(generics(match))) == [generic]  # a drug of two classes (theophylline) is one drug
    assert match.unrecognised == ()


def test_dose_text_is_stripped_from_an_unrecognised_vitamin(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("vitamin K2 1000 mcg daily").unrecognised == ("vitamin K2",)


# --- punctuation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Lasix (furosemide) 40mg",
        "Lasix.",
        "  Lasix   40   mg  ",
        "Lasix, 40 mg.",
        "Lasix; 40 mg",
        '"Lasix"',
        "[Lasix]",
        "\uff2c\uff41\uff53\uff49\uff58",  # full-width letters
    ],
)
def test_common_punctuation_and_spacing_is_tolerated(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert generics(match) == ["furosemide"]
    assert match.recognised


@pytest.mark.parametrize("dash", ["-", "\u2010", "\u2013", "\u2014", "\u2212"])
def test_unicode_dashes_join_like_a_hyphen(vocabulary: Vocabulary, dash: str) -> None:
    assert generics(vocabulary.match(f"lisinopril{dash}HCTZ")) == ["lisinopril", "hydrochlorothiazide"]
    assert generics(vocabulary.match(f"co{dash}amilofruse")) == ["amiloride", "furosemide"]


def test_a_brand_with_its_generic_in_brackets_is_one_drug(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("Lasix (furosemide) 40mg").drugs == (MatchedDrug("furosemide", "Lasix", "loop_diuretic"),)


# --- salt words and supplements ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "generic", "matched"),
    [
        ("losartan potassium", "losartan", "losartan potassium"),
        ("esomeprazole magnesium", "esomeprazole", "esomeprazole magnesium"),
        ("pantoprazole magnesium 40mg", "pantoprazole", "pantoprazole magnesium"),
        ("amlodipine besylate 5 mg", "amlodipine", "amlodipine besylate"),
        ("metoprolol tartrate", "metoprolol", "metoprolol tartrate"),
        ("metoprolol succinate", "metoprolol", "metoprolol succinate"),
        ("enalapril maleate", "enalapril", "enalapril maleate"),
        ("diltiazem hydrochloride", "diltiazem", "diltiazem hydrochloride"),
        ("hydroxyzine hydrochloride", "hydroxyzine", "hydroxyzine hydrochloride"),
        ("ropinirole hydrochloride", "ropinirole", "ropinirole hydrochloride"),
        ("moxonidine hydrochloride", None, "moxonidine hydrochloride"),
        ("tofacitinib citrate", None, "tofacitinib citrate"),
        ("hydrocortisone sodium succinate", "hydrocortisone", "hydrocortisone sodium succinate"),
        ("naproxen sodium", "naproxen", "naproxen sodium"),
        ("diclofenac sodium 75 mg", "diclofenac", "diclofenac sodium"),
        ("atorvastatin calcium", "atorvastatin", "atorvastatin calcium"),
        ("risedronate sodium", None, "risedronate sodium"),
        ("citalopram hydrobromide 20 mg", "citalopram", "citalopram hydrobromide"),
        ("quinidine gluconate", "quinidine", "quinidine gluconate"),
        ("doxycycline hyclate", "doxycycline", "doxycycline hyclate"),
        ("moxonidine hyclate", None, "moxonidine hyclate"),
    ],
)
def test_a_salt_word_after_a_drug_is_part_of_its_name_not_a_supplement(
    vocabulary: Vocabulary, text: str, generic: str | None, matched: str
) -> None:
    match = vocabulary.match(text)
    assert not match.classes & {"potassium_supplement", "magnesium_supplement"}
    if generic is None:
        assert match.unrecognised == (matched,)
    else:
        assert list(dict.fromkeys((drug.generic, drug.matched_text) for drug in match.drugs)) == [(generic, matched)]


def test_diclofenac_potassium_is_diclofenac_not_a_potassium_supplement(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("diclofenac potassium 50 mg")
    assert match.drugs == (MatchedDrug("diclofenac", "diclofenac potassium", "nsaid"),)
    assert match.classes == {"nsaid"}


def test_an_unknown_drug_with_a_salt_word_stays_one_unrecognised_name(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("tofacitinib potassium 500 mg")
    assert match.drugs == ()
    assert match.unrecognised == ("tofacitinib potassium",)


@pytest.mark.parametrize(
    ("text", "generic", "drug_class"),
    [
        ("potassium chloride", "potassium chloride", "potassium_supplement"),
        ("potassium citrate", "potassium citrate", "potassium_supplement"),
        ("magnesium oxide", "magnesium oxide", "magnesium_supplement"),
        ("magnesium citrate", "magnesium citrate", "magnesium_supplement"),
        ("magnesium glycinate 200mg", "magnesium glycinate", "magnesium_supplement"),
        ("Slow-Mag", "magnesium chloride", "magnesium_supplement"),
        ("Milk of Magnesia", "magnesium hydroxide", "magnesium_supplement"),
        ("NoSalt", "salt substitute", "salt_substitute"),
        ("LoSalt", "salt substitute", "salt_substitute"),
    ],
)
def test_supplements_are_recognised_by_their_own_names(
    vocabulary: Vocabulary, text: str, generic: str, drug_class: str
) -> None:
    match = vocabulary.match(text)
    assert generics(match) == [generic]
    assert match.classes == {drug_class}


@pytest.mark.parametrize(
    ("text", "drug_class"),
    [
        ("magnesium", "magnesium_supplement"),
        ("Magnesium 400 mg", "magnesium_supplement"),
        ("potassium", "potassium_supplement"),
    ],
)
def test_a_bare_magnesium_or_potassium_is_taken_as_that_supplement(
    vocabulary: Vocabulary, text: str, drug_class: str
) -> None:
    assert vocabulary.match(text).classes == {drug_class}


@pytest.mark.parametrize("text", ["losartan, potassium", "losartan and potassium", "losartan + potassium"])
def test_a_salt_word_after_a_joiner_is_a_supplement_of_its_own(vocabulary: Vocabulary, text: str) -> None:
    assert vocabulary.match(text).classes == {"arb", "potassium_supplement"}


def test_a_longer_supplement_name_after_a_drug_is_still_a_supplement(vocabulary: Vocabulary) -> None:
    assert generics(vocabulary.match("losartan potassium chloride")) == ["losartan", "potassium chloride"]


# --- forms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "generic", "note"),
    [
        ("hydrocortisone cream", "hydrocortisone", "cream: acts locally, not counted"),
        ("hydrocortisone 1% cream", "hydrocortisone", "cream: acts locally, not counted"),
        ("Restasis eye drops", "ciclosporin", "eye drops: acts locally, not counted"),
        ("tacrolimus ointment", "tacrolimus", "ointment: acts locally, not counted"),
        ("prednisolone eye drops", "prednisolone", "eye drops: acts locally, not counted"),
        ("gentamicin ear drops", "gentamicin", "ear drops: acts locally, not counted"),
        ("fluticasone nasal spray", "fluticasone", "nasal spray: acts locally, not counted"),
        ("hydrocortisone lotion", "hydrocortisone", "lotion: acts locally, not counted"),
        ("hydrocortisone gel", "hydrocortisone", "gel: acts locally, not counted"),
        ("ciclosporin shampoo", "ciclosporin", "shampoo: acts locally, not counted"),
        ("tobramycin ophthalmic", "tobramycin", "eye drops: acts locally, not counted"),
    ],
)
def test_a_non_systemic_form_is_recognised_but_not_counted(
    vocabulary: Vocabulary, text: str, generic: str, note: str
) -> None:
    match = vocabulary.match(text)
    assert generics(match) == [generic]
    assert match.recognised
    assert not match.counted
    assert match.classes == frozenset()
    assert match.note == note


@pytest.mark.parametrize(("brand", "generic"), [("Restasis", "ciclosporin"), ("Protopic", "tacrolimus")])
def test_a_brand_sold_only_in_a_local_form_is_not_counted_even_without_the_form_word(
    vocabulary: Vocabulary, brand: str, generic: str
) -> None:
    match = vocabulary.match(brand)
    assert generics(match) == [generic]
    assert not match.counted
    assert match.note


@pytest.mark.parametrize(
    "text",
    ["salbutamol inhaler", "albuterol puffer", "salbutamol nebuliser", "Ventolin HFA 2 puffs", "terbutaline nebulizer"],
)
def test_an_inhaled_beta2_agonist_is_counted(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.counted
    assert match.note is None
    assert match.classes == {"k_lowering_drug", "beta2_agonist"}
    assert match.recognised


@pytest.mark.parametrize("text", ["Lasix 40 mg tablets", "furosemide injection", "bisacodyl suppository"])
def test_a_systemic_form_is_counted_without_a_note(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.counted
    assert match.note is None
    assert match.classes


# --- unrecognised names ---------------------------------------------------------------------


def test_a_name_that_matches_nothing_is_reported_not_dropped(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("Zyxoprin 10 mg")
    assert match.drugs == ()
    assert match.unrecognised == ("Zyxoprin",)
    assert not match.recognised
    assert match.classes == frozenset()


def test_an_unknown_part_of_a_joined_entry_is_reported_while_the_rest_counts(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("furosemide and turmeric 1000mg")
    assert generics(match) == ["furosemide"]
    assert match.classes == {"loop_diuretic"}
    assert match.unrecognised == ("turmeric",)
    assert not match.recognised


def test_an_unknown_multi_word_name_is_reported_as_written(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("St. John's wort").unrecognised == ("St. John's wort",)


@pytest.mark.parametrize("text", ["1 tab daily", "eye drops", "20 mg"])
def test_an_entry_with_no_drug_name_at_all_is_reported_whole(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.drugs == ()
    assert match.unrecognised == (text,)
    assert not match.recognised


def test_an_empty_entry_has_nothing_to_report(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("   ")
    assert (match.drugs, match.unrecognised, match.recognised) == ((), (), False)


# --- the list API --------------------------------------------------------------------------


def test_match_all_keeps_the_order_and_the_text_of_the_list(vocabulary: Vocabulary) -> None:
    texts = ["Lasix 40 mg", "hydrocortisone cream", "Zyxoprin"]
    matches = vocabulary.match_all(texts)
    assert [match.text for match in matches] == texts
    assert [match.recognised for match in matches] == [True, True, False]


def test_a_repeated_string_is_matched_once(vocabulary: Vocabulary) -> None:
    assert vocabulary.match("Lasix 40 mg daily") is vocabulary.match("Lasix 40 mg daily")


def test_the_retired_teacher_on_lasix_omeprazole_and_a_salbutamol_inhaler_has_three_classes(
    vocabulary: Vocabulary,
) -> None:
    matches = vocabulary.match_all(["Lasix 40mg daily", "omeprazole 20 mg", "Ventolin inhaler prn"])
    assert {cls for match in matches for cls in match.classes} == {
        "loop_diuretic",
        "proton_pump_inhibitor",
        "k_lowering_drug",
        "beta2_agonist",
    }


# --- the vocabulary is data a pharmacist can extend ---------------------------------------------


def test_a_pharmacist_can_add_a_brand_without_touching_code(data: dict[str, Any]) -> None:
    amphotericin = next(drug for drug in data["drugs"] if drug["generic"] == "amphotericin B")
    amphotericin["brands"].append("Abelcet")
    match = Vocabulary.from_data(data).match("Abelcet 5 mg/kg IV")
    assert match.classes == {"both_wasting_drug"}


def test_a_pharmacist_can_add_a_combination_product(data: dict[str, Any]) -> None:
    data["combinations"].append({"names": ["Twynsta"], "contains": ["telmisartan", "amlodipine"]})
    assert Vocabulary.from_data(data).match("Twynsta").classes == {"no_known_effect", "arb"}


# --- a malformed vocabulary -----------------------------------------------------------------


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "medications.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load_error(tmp_path: Path, data: dict[str, Any]) -> str:
    path = write(tmp_path, data)
    with pytest.raises(RulesError) as caught:
        Vocabulary.from_file(path)
    assert caught.value.exit_code == ExitCode.INVALID_RULES
    message = caught.value.message
    assert all(line.startswith(f"{path}: ") for line in message.splitlines())
    return message


def drug(data: dict[str, Any], generic: str) -> dict[str, Any]:
    return next(entry for entry in data["drugs"] if entry["generic"] == generic)


def test_a_drug_under_an_unknown_class_names_the_entry_and_suggests_the_class(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    drug(data, "furosemide")["class"] = "loop_diuretc"
    message = load_error(tmp_path, data)
    assert "drugs[0].class (entry 'furosemide')" in message
    assert "unknown class 'loop_diuretc' (did you mean 'loop_diuretic'?)" in message


def test_a_drug_missing_its_class_names_the_entry_and_the_field(tmp_path: Path, data: dict[str, Any]) -> None:
    del drug(data, "bumetanide")["class"]
    assert "drugs[1] (entry 'bumetanide'): missing field 'class'" in load_error(tmp_path, data)


def test_each_unknown_field_is_named_with_the_nearest_valid_one(tmp_path: Path, data: dict[str, Any]) -> None:
    entry = drug(data, "furosemide")
    entry["brnads"] = entry.pop("brands")
    entry["nots"] = "loop"
    lines = load_error(tmp_path, data).splitlines()
    assert lines[0].endswith("drugs[0] (entry 'furosemide'): unknown field 'brnads' (did you mean 'brands'?)")
    assert lines[1].endswith("drugs[0] (entry 'furosemide'): unknown field 'nots' (did you mean 'note'?)")


def test_a_wrong_type_names_the_json_path(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "furosemide")["brands"] = "Lasix"
    assert "drugs[0].brands (entry 'furosemide'): 'Lasix' is not of type 'array'" in load_error(tmp_path, data)


def test_a_missing_top_level_field_is_named(tmp_path: Path, data: dict[str, Any]) -> None:
    del data["version"]
    assert "(top level): missing field 'version'" in load_error(tmp_path, data)


def test_a_combination_naming_an_unknown_generic_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    frumil = next(entry for entry in data["combinations"] if "Frumil" in entry["names"])
    frumil["contains"] = ["amiloride", "furosemid"]
    message = load_error(tmp_path, data)
    assert "combinations[3].contains (entry 'Frumil'): unknown generic 'furosemid'" in message
    assert "(did you mean 'furosemide'?)" in message


def test_the_same_name_under_two_drugs_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "bumetanide")["brands"].append("LASIX")
    message = load_error(tmp_path, data)
    assert "drugs[1].brands (entry 'bumetanide'): name 'LASIX'" in message
    assert "is already listed under drugs[0] (entry 'furosemide')" in message


def test_a_combination_named_like_a_drug_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    data["combinations"][0]["names"].append("Entresto")
    assert "name 'Entresto' is already listed under" in load_error(tmp_path, data)


def test_a_local_brand_with_an_unknown_form_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "ciclosporin")["local_brands"] = [{"name": "Restasis", "form": "eye dorps"}]
    assert "unknown form 'eye dorps' (did you mean 'eye drops'?)" in load_error(tmp_path, data)


def test_a_class_listed_twice_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    data["classes"].append(dict(data["classes"][0]))
    assert "(entry 'loop_diuretic'): class already listed" in load_error(tmp_path, data)


def test_every_problem_is_listed_in_one_error(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "furosemide")["class"] = "loop"
    drug(data, "bumetanide")["class"] = "loop"
    assert len(load_error(tmp_path, data).splitlines()) == 2


def test_a_field_given_twice_in_one_entry_is_refused(tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8").replace(
        '"brands": ["Lasix", ', '"brands": ["Frusol"], "brands": ["Lasix", ', 1
    )
    path = tmp_path / "medications.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"field 'brands' given 2 times in one entry \(entry 'furosemide'\)"):
        Vocabulary.from_file(path)


def test_a_file_that_is_not_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "medications.json"
    path.write_text('{"version": "1",\n  oops}', encoding="utf-8")
    with pytest.raises(RulesError, match=r"medications\.json: not valid JSON \(line 2, column 3"):
        Vocabulary.from_file(path)


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"nowhere\.json: file not found"):
        Vocabulary.from_file(tmp_path / "nowhere.json")


def test_data_from_memory_is_named_by_its_source(data: dict[str, Any]) -> None:
    del data["drugs"]
    with pytest.raises(RulesError, match=r"^custom: \(top level\): missing field 'drugs'"):
        Vocabulary.from_data(data, source="custom")


# --- version 2: several classes, patches, painkillers -------------------------------------------


def test_pentamidine_counts_as_each_of_its_classes(vocabulary: Vocabulary) -> None:
    match = vocabulary.match("pentamidine 300 mg nebulised")
    assert match.classes == {"pentamidine", "qt_prolonging_drug"}
    assert [drug.generic for drug in match.drugs] == ["pentamidine", "pentamidine"]
    assert match.recognised


def test_a_pharmacist_can_give_a_drug_a_second_class(data: dict[str, Any]) -> None:
    drug(data, "methadone")["class"] = ["qt_prolonging_drug", "no_known_effect"]
    assert Vocabulary.from_data(data).match("Methadose").classes == {"qt_prolonging_drug", "no_known_effect"}


def test_a_second_class_reaches_the_combination_products_that_contain_the_drug(data: dict[str, Any]) -> None:
    drug(data, "naproxen")["class"] = ["nsaid", "no_known_effect"]
    assert Vocabulary.from_data(data).match("Vimovo").classes == {"nsaid", "no_known_effect", "proton_pump_inhibitor"}


def test_an_unknown_class_in_a_list_of_classes_is_named(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "furosemide")["class"] = ["loop_diuretic", "qt_prolonging_drg"]
    message = load_error(tmp_path, data)
    assert "drugs[0].class (entry 'furosemide'): unknown class 'qt_prolonging_drg'" in message
    assert "(did you mean 'qt_prolonging_drug'?)" in message


def test_an_empty_list_of_classes_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    drug(data, "furosemide")["class"] = []
    assert "drugs[0].class (entry 'furosemide')" in load_error(tmp_path, data)


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("ketoprofen patch", "ketoprofen"),
        ("diclofenac 1.3% patch", "diclofenac"),
        ("Flector", "diclofenac"),
        ("diclofenac gel", "diclofenac"),
        ("Voltaren gel 1%", "diclofenac"),
        ("Voltarol Emulgel", "diclofenac"),
        ("ibuprofen gel", "ibuprofen"),
        ("Pennsaid", "diclofenac"),
        ("erythromycin gel", "erythromycin"),
        ("ciprofloxacin ear drops", "ciprofloxacin"),
    ],
)
def test_painkiller_gels_and_patches_and_local_antibiotics_are_not_counted(
    vocabulary: Vocabulary, text: str, generic: str
) -> None:
    match = vocabulary.match(text)
    assert generics(match) == [generic]
    assert not match.counted
    assert match.classes == frozenset()
    assert match.note


@pytest.mark.parametrize("text", ["donepezil patch", "Adlarity", "donepezil transdermal 10 mg/day"])
def test_a_donepezil_skin_patch_works_through_the_blood_and_is_counted(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.counted
    assert match.classes == {"qt_prolonging_drug"}


@pytest.mark.parametrize(
    "text", ["Advil Liqui-Gels 200 mg", "Aleve liquid gels", "ibuprofen gel caps", "naproxen sodium gelcaps"]
)
def test_painkiller_capsules_called_gels_are_taken_by_mouth_and_counted(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.counted
    assert match.classes == {"nsaid"}
    assert match.recognised


@pytest.mark.parametrize(
    "text", ["aspirin 81 mg", "aspirin 75mg daily", "low-dose aspirin", "baby aspirin", "aspirin 300 mg", "ASPIRIN"]
)
def test_aspirin_is_recognised_and_is_not_counted_as_an_nsaid(vocabulary: Vocabulary, text: str) -> None:
    match = vocabulary.match(text)
    assert match.classes == {"no_known_effect"}
    assert match.recognised


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("Yasmin 3 mg/0.03 mg", {"drospirenone", "no_known_effect"}),
        ("drospirenone/ethinyl estradiol", {"drospirenone", "no_known_effect"}),
        ("Vimovo 500/20 mg twice daily", {"nsaid", "proton_pump_inhibitor"}),
        ("Arthrotec 75", {"nsaid", "no_known_effect"}),
        ("enoxaparin 40 mg subcut daily", {"heparin"}),
        ("heparin 5000 units sc bd", {"heparin"}),
        ("Z-Pak", {"qt_prolonging_drug"}),
        ("citalopram 20 mg", {"qt_prolonging_drug"}),
        ("carboplatin 450 mg IV", {"both_wasting_drug", "anticancer_medicine"}),
        ("liquorice root", {"liquorice"}),
        ("Tylenol 500 mg", {"no_known_effect"}),
    ],
)
def test_version_two_names_as_people_write_them(vocabulary: Vocabulary, text: str, classes: set[str]) -> None:
    match = vocabulary.match(text)
    assert match.classes == classes
    assert match.counted
    assert match.recognised


def test_every_medicine_class_is_named_in_words_where_a_result_says_why(vocabulary: Vocabulary, screener: Any) -> None:
    # "because: an anti-inflammatory painkiller (NSAID): yes", never "medicine of class nsaid".
    assert set(vocabulary.class_labels) == set(vocabulary.class_names)
    result = screener.screen({"age": 60, "medications": ["ibuprofen 400 mg", "Lasix"]})
    because = " ".join(f"{item.label}: {item.value}" for finding in result.findings for item in finding.evidence)
    assert "an anti-inflammatory painkiller (NSAID)" in because
    assert "medicine of class" not in because


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("Jardiance 10 mg once daily", {"empagliflozin": "sglt2_inhibitor"}),
        ("dapagliflozin 10mg", {"dapagliflozin": "sglt2_inhibitor"}),
        ("Forxiga 10 mg", {"dapagliflozin": "sglt2_inhibitor"}),
        ("Synjardy 12.5 mg/1000 mg", {"empagliflozin": "sglt2_inhibitor", "metformin": "metformin"}),
        ("gliclazide MR 30 mg", {"gliclazide": "sulfonylurea"}),
        ("Januvia 100 mg", {"sitagliptin": "no_known_effect"}),
        ("Ozempic 1 mg weekly", {"semaglutide": "glp1_agonist"}),
        ("Mounjaro 5mg", {"tirzepatide": "glp1_agonist"}),
        ("Xultophy 100/3.6", {"insulin degludec": "insulin", "liraglutide": "glp1_agonist"}),
    ],
)
def test_diabetes_and_heart_failure_medicines_are_recognised_and_count_for_sick_day_advice_only(
    vocabulary: Vocabulary, text: str, classes: dict[str, str]
) -> None:
    """Winston, 68, with heart failure and type 2 diabetes: his SGLT2 inhibitor and his diabetes
    pills are recognised (no "ask a pharmacist" for each). Metformin, SGLT2 inhibitors and
    sulfonylureas have classes of their own, which only the sick-day advice reads; sitagliptin
    counts towards nothing."""
    match = vocabulary.match(text)
    assert {drug.generic: drug.drug_class for drug in match.drugs} == classes
    assert match.unrecognised == ()
