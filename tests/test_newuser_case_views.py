"""What a clerk reads from the case commands, followed as a new user follows docs/store.md:
every field of the log has its name in the reader's language."""

from __future__ import annotations

import re

import pytest

from deliberation import Case, Roster, load_procedure
from deliberation.commands.case_log import record_lines

SNAKE = re.compile(r"`[a-z]+_[a-z_]+`")  # a raw data key shown as code


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_the_opened_record_has_no_raw_key(lang: str) -> None:
    procedure = load_procedure("six-deliberations-guzhuang")
    case = Case.open(procedure, Roster.generate(), matter="修村道")
    lines = record_lines(case.records[0], procedure, case.roster, lang)
    text = "\n".join(lines)
    assert "engine_format" not in text and SNAKE.findall(text) == [], text
    label = {"zh-Hans": "记录格式版本", "zh-Hant": "記錄格式版本", "en": "Record format version"}
    assert label[lang] in text
