"""A case id is one rule for the command line and the service: an id the service would refuse
(`case new --id`) is refused with one clear line in the reader's language, and nothing is
stored; the service validates opened cases against the same rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.ids import ID_PATTERN
from deliberation.service.resources.cases import OpenCase
from deliberation.store import open_store

REFUSAL = {
    "en": "case id '路 1' is invalid: use 1 to 64 letters, digits, '.', '_' and '-', starting "
          "with a letter or digit",
    "zh-Hans": "事项编号 `路 1` 无效:只能用 1 至 64 个字母、数字、点、下划线和连字符,"
               "且以字母或数字开头",
    "zh-Hant": "事項編號 `路 1` 無效:只能用 1 至 64 個字母、數字、點、底線和連字號,"
               "且以字母或數字開頭",
}


def _new(db: str, case_id: str, lang: str = "en") -> int:
    return main(["case", "new", "--db", db, "--procedure", "four-deliberations", "--matter",
                 "修村道", f"--id={case_id}", "--lang", lang])


@pytest.mark.parametrize("lang", sorted(REFUSAL))
def test_case_new_refuses_an_id_the_service_refuses(tmp_path: Path, lang: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    assert _new(db, "路 1", lang) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and REFUSAL[lang] in err, err
    with open_store(db) as store:
        assert list(store.cases()) == []


@pytest.mark.parametrize(("case_id", "ok"), [
    ("a" * 63, True), ("a" * 64, True), ("a" * 65, False),
    ("road-2026.v1_b", True), ("-road", False), ("../x", False), ("x/y", False),
])
def test_case_ids_at_the_boundary(tmp_path: Path, case_id: str, ok: bool,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    assert (_new(db, case_id) == 0) is ok, capsys.readouterr().err


def test_the_service_opens_cases_under_the_same_rule() -> None:
    field = OpenCase.model_fields["case_id"]
    patterns = [getattr(m, "pattern", None) for m in field.metadata]
    assert ID_PATTERN in patterns
