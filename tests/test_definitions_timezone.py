"""A procedure's ``timezone:``: default, validation (D210), ``extends:``, dump and schema."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.definition.dump import to_data
from deliberation.definition.loader import check_text, from_data, load_procedure
from deliberation.definition.model import DEFAULT_TIMEZONE
from deliberation.errors import DefinitionError
from deliberation.rules.days import zone_names
from deliberation.schema import schema_path

BROKEN = Path(__file__).parent / "broken" / "d210-unknown-timezone.yaml"


def with_zone(line: str) -> str:
    """The D210 example file with its ``timezone:`` line replaced by ``line``."""
    text = BROKEN.read_text(encoding="utf-8")
    return text.replace("timezone: Asia/Shangai  # <--", line)


def test_the_default_zone_is_china_standard_time() -> None:
    p = load_procedure("four-deliberations")
    assert p.timezone == DEFAULT_TIMEZONE == "Asia/Shanghai"
    assert p.zone == ZoneInfo("Asia/Shanghai")


def test_a_declared_zone_is_read() -> None:
    p, diagnostics = check_text(with_zone("timezone: Asia/Urumqi"), "v.yaml")
    assert diagnostics == [] and p is not None
    assert p.timezone == "Asia/Urumqi" and p.zone.key == "Asia/Urumqi"


@pytest.mark.parametrize(("line", "code", "hint"), [
    ("timezone: Asia/Shangai", "D210", "did you mean 'Asia/Shanghai'?"),
    ("timezone: asia/shanghai", "D210", "did you mean 'Asia/Shanghai'?"),
    ("timezone: Beijing", "D210", "China Standard Time is 'Asia/Shanghai'"),
    ("timezone: Asia", "D210", "China Standard Time is 'Asia/Shanghai'"),  # a folder, no zone
    ("timezone: ../../etc/passwd", "D210", "IANA"),
    ("timezone: zone.tab", "D210", ""),  # a file of the database that is no zone
    ("timezone: ''", "D210", ""),
    ("timezone: 8", "D202", ""),
    ("timezone: [Asia/Shanghai]", "D202", ""),
])
def test_an_unknown_zone_is_a_located_diagnostic(line: str, code: str, hint: str) -> None:
    p, diagnostics = check_text(with_zone(line), "v.yaml")
    assert p is None
    assert [(d.code, d.line, d.path) for d in diagnostics] == [(code, 7, "timezone")]
    assert hint in diagnostics[0].hint_in()


def test_an_unknown_zone_is_reported_with_the_file_s_other_problems() -> None:
    text = with_zone("timezone: Mars/Olympus").replace("action: meeting", "action: meting")
    _, diagnostics = check_text(text, "v.yaml")
    assert sorted(d.code for d in diagnostics) == ["D207", "D210"]


def test_the_zone_is_inherited_and_may_be_replaced(tmp_path: Path) -> None:
    (tmp_path / "west.yaml").write_text(
        "id: west-village\nextends: four-deliberations\ntimezone: Asia/Urumqi\n",
        encoding="utf-8",
    )
    (tmp_path / "west-hamlet.yaml").write_text(
        "id: west-hamlet\nextends: west-village\n", encoding="utf-8"
    )
    (tmp_path / "back-east.yaml").write_text(
        "id: back-east\nextends: west-village\ntimezone: Asia/Shanghai\n", encoding="utf-8"
    )
    assert load_procedure("west-village", search_path=[tmp_path]).timezone == "Asia/Urumqi"
    assert load_procedure("west-hamlet", search_path=[tmp_path]).timezone == "Asia/Urumqi"
    assert load_procedure("back-east", search_path=[tmp_path]).timezone == "Asia/Shanghai"


def test_an_extension_with_an_unknown_zone_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "id: x-village\nextends: four-deliberations\ntimezone: Asia/Shangai\n", encoding="utf-8"
    )
    with pytest.raises(DefinitionError) as err:
        load_procedure("x-village", search_path=[tmp_path])
    assert [(d.code, d.line) for d in err.value.diagnostics] == [("D210", 3)]


def test_the_zone_is_dumped_read_back_and_valid_in_the_schema() -> None:
    p = load_procedure("four-deliberations")
    west = attrs.evolve(p, timezone="Asia/Urumqi")
    data = to_data(west)
    assert data["timezone"] == "Asia/Urumqi"
    assert from_data(data) == attrs.evolve(west, extends=None)
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads(json.dumps(data)))
    bad = dict(data, timezone="../etc/passwd")
    assert not jsonschema.Draft7Validator(schema).is_valid(bad)


@settings(max_examples=150, deadline=None)
@given(name=st.text(max_size=40) | st.sampled_from(sorted(zone_names())))
def test_any_zone_text_loads_or_is_a_diagnostic_never_a_traceback(name: str) -> None:
    p, diagnostics = check_text(with_zone(f"timezone: {json.dumps(name)}"), "v.yaml")
    if p is not None:
        assert diagnostics == [] and p.timezone == name and p.zone.key == name
    else:
        assert diagnostics and {d.code for d in diagnostics} <= {"D101", "D210"}
