"""Start-up: the checks of a rule file's own content are done once per content and remembered
(``screener.contract.checked``), never at the cost of a check; `screen` loads only what it uses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from screener.contract import validation
from screener.errors import RulesError
from screener.screening import ruleset as ruleset_module
from screener.screening.ruleset import load_ruleset

RULES_DIR = Path(str(resources.files("screener.rules")))


def _rule_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return folder


def _schema_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The schema checks done from now on (the validators' calls), by schema."""
    done: list[str] = []
    real = validation.schema_problems

    def counted(validator, instance):  # type: ignore[no-untyped-def]
        done.append(validator.schema.get("title", "?"))
        return real(validator, instance)

    monkeypatch.setattr(validation, "schema_problems", counted)
    monkeypatch.setattr(ruleset_module, "schema_problems", counted)
    return done


def test_a_rule_folder_loaded_again_is_not_checked_again_and_loads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGK_SCREEN_CACHE_DIR", str(tmp_path / "cache"))
    done = _schema_checks(monkeypatch)
    first = load_ruleset()
    assert done, "the first load checks every file"
    done.clear()
    again = load_ruleset()
    assert done == []
    assert again.sha256 == first.sha256
    assert again.engine_patterns == first.engine_patterns
    assert [rule.id for rule in again.rules] == [rule.id for rule in first.rules]


def test_a_rule_file_changed_by_one_byte_is_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGK_SCREEN_CACHE_DIR", str(tmp_path / "cache"))
    folder = _rule_folder(tmp_path)
    load_ruleset(folder)
    levels = folder / "levels.json"
    data = json.loads(levels.read_text(encoding="utf-8"))
    data["rules"][0]["title"] = 7  # not a text: the schema refuses it
    levels.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(RulesError, match=r"levels\.json: rule '.*', field 'title'"):
        load_ruleset(folder)


def test_a_failed_check_is_never_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MGK_SCREEN_CACHE_DIR", str(tmp_path / "cache"))
    folder = _rule_folder(tmp_path)
    facts = folder / "facts.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"label"', '"lable"', 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RulesError, match=r"facts\.json"):
            load_ruleset(folder)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_an_unwritable_cache_folder_only_means_checking_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("MGK_SCREEN_CACHE_DIR", str(locked / "cache"))
    done = _schema_checks(monkeypatch)
    for _ in range(2):
        done.clear()
        load_ruleset()
        assert done


def test_a_cache_that_is_a_file_or_turned_off_only_means_checking_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("in the way", encoding="utf-8")
    done = _schema_checks(monkeypatch)
    for setting in (str(not_a_folder), ""):
        monkeypatch.setenv("MGK_SCREEN_CACHE_DIR", setting)
        for _ in range(2):
            done.clear()
            load_ruleset()
            assert done
    assert not_a_folder.read_text(encoding="utf-8") == "in the way"


def test_screening_one_answers_file_loads_no_sheet_parquet_report_or_questionnaire_code(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"medications": ["furosemide 40 mg"], "symptoms": ["muscle_cramps"]}), encoding="utf-8")
    program = (
        "import sys\n"
        f"sys.argv = ['mgk-screen', 'screen', {str(answers)!r}, '--plain']\n"
        "from screener.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False)
    loaded = set(run.stderr.split())
    assert "Magnesium" in run.stdout or "magnesium" in run.stdout
    for module in ("screener.batch.csv_answers", "screener.batch.parquet_io", "screener.reports.build", "screener.interview.interview"):
        assert module not in loaded
