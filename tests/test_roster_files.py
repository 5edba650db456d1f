"""Rosters are read strictly (issue 10, item 5): each leniency found is a test here.

Every test names the code it expects and where; a roster with problems never becomes a Roster.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from deliberation.errors import DeliberationError
from deliberation.roster import Roster, RosterError, RosterFileError
from deliberation.roster.files import MAX_FILE_BYTES, parse_csv, parse_yaml, read_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rosters"


def where(problems: object) -> list[tuple[str, int, int, str]]:
    """(code, line, column, path) of each problem, in order."""
    return [(p.code, p.line, p.column, p.path) for p in problems]  # type: ignore[attr-defined]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- the leniencies of issue 10 -----------------------------------------------------------------
def test_is_adult_header_is_an_error_not_everyone_an_adult(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "id,household,is_adult\nv1,h1,false\nv2,h1,true\n")
    with pytest.raises(RosterError) as caught:
        Roster.from_csv(path)
    assert isinstance(caught.value, RosterFileError)
    assert where(caught.value.problems) == [("R201", 1, 3, "is_adult")]
    assert "did you mean 'adult'?" in str(caught.value)


def test_committee_header_is_an_error_not_a_village_without_committees(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", "id,household,committee\nv1,h1,party-committee\n")
    with pytest.raises(RosterFileError) as caught:
        Roster.from_csv(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.line, problem.column, problem.path) == (
        "R201", 1, 3, "committee")
    assert problem.hint.en == "did you mean 'committees'?"


def test_unknown_key_in_yaml_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "v.yaml", "villagers:\n  - id: v1\n    household: h1\n"
                                     "    is_adult: false\n")
    with pytest.raises(RosterFileError) as caught:
        Roster.from_yaml(path)
    assert where(caught.value.problems) == [("R201", 4, 5, "villagers[0].is_adult")]
    assert caught.value.problems[0].hint.en == "did you mean 'adult'?"


@pytest.mark.parametrize(
    ("cell", "column", "code"),
    [("adult", 3, "R203"), ("party", 4, "R203"), ("committees", 5, "R204")],
)
def test_wrong_type_is_an_error(cell: str, column: int, code: str) -> None:
    values = {"adult": "maybe", "party": "member", "committees": "party-comittee"}
    row = ",".join(values[c] if c == cell else "" for c in ("adult", "party", "committees"))
    read = parse_csv(f"id,household,adult,party,committees\nv1,h1,{row}\n", "v.csv")
    assert read.villagers is None
    assert where(read.problems) == [(code, 2, column, cell)]


def test_wrong_types_in_yaml() -> None:
    read = parse_yaml("- {id: v1, household: h1, adult: 2, committees: {a: b}}\n"
                      "- {id: [v2], household: h1, party: yes}\n", "v.yaml")
    assert where(read.problems) == [
        ("R203", 1, 34, "[0].adult"),
        ("R203", 1, 49, "[0].committees"),
        ("R203", 2, 8, "[1].id"),
        ("R203", 2, 36, "[1].party"),
    ]


def test_missing_id_column_and_empty_id(tmp_path: Path) -> None:
    read = parse_csv("household,adult\nh1,true\n", "v.csv")
    assert where(read.problems) == [("R202", 1, 1, "id")]
    read = parse_csv("id,household\n,h1\nv2,\n", "v.csv")
    assert where(read.problems) == [("R205", 2, 1, "id"), ("R205", 3, 2, "household")]
    read = parse_yaml("- {household: h1}\n", "v.yaml")
    assert where(read.problems) == [("R202", 1, 3, "[0].id")]


def test_duplicate_id_names_both_lines() -> None:
    read = parse_csv("id,household\nv1,h1\nv2,h1\nv1,h2\n", "v.csv")
    assert where(read.problems) == [("R206", 4, 1, "id")]
    assert "first at line 2" in read.problems[0].message.en
    read = parse_yaml("- {id: v1, household: h1}\n- {household: h1, id: v1}\n", "v.yaml")
    assert where(read.problems) == [("R206", 2, 23, "[1].id")]


def test_every_problem_at_once_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "village.csv",
                 "id,household,is_adult,party,committee\n"
                 "v1,h1,true,full,party-committee\n"
                 "v2,,true,ful,\n"
                 "v1,h2,false,none,\n"
                 "v3,h2,false\n")
    with pytest.raises(RosterFileError) as caught:
        Roster.from_csv(path)
    assert where(caught.value.problems) == [
        ("R201", 1, 3, "is_adult"),
        ("R201", 1, 5, "committee"),
        ("R205", 3, 2, "household"),
        ("R203", 3, 4, "party"),
        ("R206", 4, 1, "id"),
        ("R207", 5, 4, "party"),
    ]
    message = str(caught.value)
    assert message.startswith("the roster has 6 problem(s):")
    assert f"{path}:3:4: R203 party: party must be none, full or probationary, not 'ful'" \
        in message


# -- files that are not rosters, or not text ----------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("latin1.csv", "id,household,name\nv1,h1,Müller\n".encode("latin-1"), "R100"),
        ("utf16.csv", codecs.BOM_UTF16_LE + "id,household\n".encode("utf-16-le"), "R100"),
        ("empty.csv", b"", "R103"),
        ("blank.csv", b"\n ,  \n\n", "R103"),
        ("empty.yaml", b"", "R103"),
        ("comment.yaml", b"# nothing\n", "R103"),
        ("procedure.yaml", b"id: four-deliberations\nstages: []\n", "R105"),
        ("scalar.yaml", b"just text\n", "R105"),
        ("numbers.csv", b"a,b,c\n1,2,3\n", "R105"),
        ("semicolons.csv", b"id;household\nv1;h1\n", "R105"),
        ("syntax.yaml", b"- {id: v1, household: [h1\n", "R101"),
        ("tag.yaml", b"- !!python/object:os.system {id: v1}\n", "R102"),
        ("nul.csv", b"id,household\nv1,h\x001\n", "R203"),
        ("roster.xlsx", b"PK\x03\x04", "R100"),
    ],
)
def test_unusable_files_are_one_clear_error(tmp_path: Path, name: str, data: bytes,
                                            code: str) -> None:
    read = read_file(write(tmp_path, name, data))
    assert read.villagers is None
    assert [p.code for p in read.problems][:1] == [code]
    with pytest.raises(RosterFileError):
        Roster.from_file(tmp_path / name)


def test_a_device_or_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    # a .csv that is /dev/zero used to be read forever (roster check, case new --roster;
    # that row of tests/cli_bad_inputs.py runs under an alarm); this one does not hang
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/null")
    (tmp_path / "folder.yaml").mkdir()
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    for path, words in ((zero, "not a regular file"), (tmp_path / "folder.yaml",
                        "not a regular file"), (huge, "larger than 64 MiB")):
        read = read_file(path)
        assert read.villagers is None
        assert [(p.code, p.message.en) for p in read.problems] == [("R100", words)]
        with pytest.raises(RosterFileError):
            Roster.from_file(path)


def test_missing_file() -> None:
    read = read_file("/nonexistent/village.csv")
    assert [p.code for p in read.problems] == ["R100"]


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "v.csv", b"id,household,name\nv1,h1,ok\nv2,h1,M\xfcller\n")
    (problem,) = read_file(path).problems
    assert (problem.code, problem.line) == ("R100", 3)
    assert "CSV UTF-8" in problem.hint.en


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    bom = codecs.BOM_UTF8
    csv_path = write(tmp_path, "v.csv", bom + b"id,household\nv1,h1\n")
    yaml_path = write(tmp_path, "v.yaml", bom + b"- {id: v1, household: h1}\n")
    assert Roster.from_csv(csv_path) == Roster.from_yaml(yaml_path)
    assert Roster.from_csv(csv_path).get("v1").household == "h1"


def test_duplicated_and_unnamed_headers() -> None:
    read = parse_csv("id,household,adult,adult,\nv1,h1,true,false,\n", "v.csv")
    assert where(read.problems) == [("R104", 1, 4, "adult"), ("R201", 1, 5, "")]
    read = parse_yaml("- {id: v1, household: h1, adult: true, adult: false}\n", "v.yaml")
    assert [p.code for p in read.problems] == ["R104"]


def test_rows_with_too_many_or_too_few_cells() -> None:
    """A short row is located at its first missing cell (and that column's name), a long one
    at its first extra cell, as every other CSV problem is located at its cell."""
    read = parse_csv("id,household,adult\nv1,h1\nv2,h1,true,extra\nv3\n", "v.csv")
    assert where(read.problems) == [("R207", 2, 3, "adult"), ("R207", 3, 4, ""),
                                    ("R207", 4, 2, "household"), ("R205", 4, 2, "household")]
    assert all(p.line > 0 and p.column > 0 for p in read.problems)
    shown = read.problems[0].diagnostic("en").format("en")
    assert shown.startswith("v.csv:2:3: R207 adult: this row has 2 cell(s)"), shown


def test_yaml_top_level_keys_and_entries() -> None:
    read = parse_yaml("villagers:\n  - {id: v1, household: h1}\n  - v2\nvilager: []\n", "v.yaml")
    assert where(read.problems) == [("R208", 3, 5, "villagers[1]"), ("R201", 4, 1, "vilager")]
    read = parse_yaml("villagers: {id: v1}\n", "v.yaml")
    assert where(read.problems) == [("R203", 1, 12, "villagers")]
    read = parse_yaml("villagers:\n", "v.yaml")
    assert [p.code for p in read.problems] == ["R203"]


# -- what is accepted, and read as written ------------------------------------------------------
def test_example_rosters_agree(tmp_path: Path) -> None:
    from_csv = Roster.from_csv(EXAMPLES / "village.csv")
    assert from_csv == Roster.from_yaml(EXAMPLES / "village.yaml")
    assert from_csv == Roster.from_file(EXAMPLES / "village.csv")
    v6 = from_csv.get("v006")
    assert (v6.adult, v6.representative, v6.resident, v6.township) == (True, True, True, False)
    assert from_csv.get("v001").committees == {"party-committee", "villagers-committee"}
    assert from_csv.get("v003").adult is False


def test_values_are_read_as_written() -> None:
    read = parse_yaml("- {id: 007, household: 0012, name: 1.50}\n", "v.yaml")
    assert read.villagers is not None
    (v,) = read.villagers
    assert (v.id, v.household, v.name) == ("007", "0012", "1.50")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("TRUE", True), ("Yes", True), ("1", True), ("是", True), (" no ", False), ("否", False),
     ("F", False), ("", True)],
)
def test_flag_spellings(text: str, expected: bool) -> None:
    read = parse_csv(f"id,household,adult\nv1,h1,{text}\n", "v.csv")
    assert read.villagers is not None and read.villagers[0].adult is expected


def test_committee_separators_and_defaults() -> None:
    read = parse_csv('id,household,committees\nv1,h1,"party-committee, villagers-committee"\n'
                     "v2,h1,supervision-committee;party-committee\nv3,h1,\n", "v.csv")
    assert read.villagers is not None
    assert [sorted(v.committees) for v in read.villagers] == [
        ["party-committee", "villagers-committee"],
        ["party-committee", "supervision-committee"],
        [],
    ]
    read = parse_yaml("- {id: v1, household: h1, adult: null, party: ~, committees: []}\n", "v")
    assert read.villagers is not None
    v = read.villagers[0]
    assert (v.adult, v.party, v.committees) == (True, "none", frozenset())


def test_records_round_trip_and_report_by_position() -> None:
    roster = Roster.generate(households=3, people=7, party_members=2, representatives=1,
                             party_committee=1, villagers_committee=1, supervision_committee=1)
    assert Roster.from_records(roster.to_data()) == roster
    with pytest.raises(RosterFileError) as caught:
        Roster.from_records([{"id": "a", "household": "h", "adult": "x"}, "b",
                             {"id": "a", "household": "h", "comittees": []}])
    assert where(caught.value.problems) == [
        ("R203", 0, 0, "[0].adult"), ("R208", 0, 0, "[1]"), ("R201", 0, 0, "[2].comittees"),
        ("R206", 0, 0, "[2].id")]
    assert "first at person 1" in caught.value.problems[3].message.en


def test_from_data_forms_and_unknown_keys() -> None:
    assert len(Roster.from_data({"villagers": [{"id": "a", "household": "h"}]})) == 1
    assert len(Roster.from_data({"generate": None})) == len(Roster.generate())
    with pytest.raises(RosterFileError) as caught:
        Roster.from_data({"generate": {"peple": 5}})
    assert [(p.code, p.path, p.hint.en) for p in caught.value.problems] == [
        ("R301", "peple", "did you mean 'people'?")]
    with pytest.raises(RosterFileError) as caught:
        Roster.from_data({"villager": []})
    assert [p.code for p in caught.value.problems] == ["R201", "R105"]
    with pytest.raises(RosterFileError):
        Roster.from_data("v1,h1")


def test_errors_are_value_errors_and_translated() -> None:
    with pytest.raises(RosterFileError) as caught:
        Roster.from_records([{"id": "", "household": "h"}])
    err = caught.value
    assert isinstance(err, ValueError) and isinstance(err, DeliberationError)
    assert err.explain("zh-Hans").startswith("花名册有 1 处问题")
    assert "id 不能为空" in err.explain("zh-Hans")
    assert err.explain("zh-Hant").startswith("花名冊有 1 處問題")
    assert err.diagnostics[0].format() == "<roster>:0:0: R205 [0].id: id is empty " \
        "(hint: every person needs an id and a household)"
    assert err.diagnostics_in("zh-Hant")[0].hint_in("zh-Hant") == "每個人都要有編號和戶號"


def test_plain_rows_read_each_value_by_its_own_type_and_report_every_bad_one() -> None:
    # read_rows parses each distinct (field, value) once; True and 1 are equal as keys, yet a
    # name written as true and one written as 1 stay what they were written as, and a bad value
    # repeated on several rows is reported on each.
    rows = [{"id": "a", "household": "h", "name": True}, {"id": "b", "household": "h", "name": 1},
            {"id": "c", "household": "h", "adult": "maybe"},
            {"id": "d", "household": "h", "adult": "maybe"}]
    read = Roster.from_records(rows[:2])
    assert [v.name for v in read.villagers] == ["true", "1"]
    with pytest.raises(RosterFileError) as err:
        Roster.from_records(rows)
    assert [p.path for p in err.value.problems] == ["[2].adult", "[3].adult"]


@pytest.mark.parametrize("lang,shown", [("zh-Hans", "`adult` 应为 `true` 或 `false`"),
                                        ("zh-Hant", "`adult` 應為 `true` 或 `false`")])
def test_a_bad_flag_names_its_column_as_code_in_chinese(lang: str, shown: str) -> None:
    """As `party` and every other column is named in a Chinese message: as code."""
    (problem,) = parse_csv("id,household,adult\nv1,h1,maybe\n", "v.csv").problems
    assert problem.message.get(lang).startswith(shown)
