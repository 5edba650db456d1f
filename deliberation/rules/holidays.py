"""Holiday tables a deployment supplies as data, for years the holiday package does not cover.

The State Council publishes each year's arrangement (国务院办公厅关于 YYYY 年部分节假日安排的通知)
in the winter before it; until a ``chinese-calendar`` release carries it, a deployment names a
YAML file in ``DELIBERATION_HOLIDAYS``::

    2027:
      source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
      holidays: [2027-01-01, …]   # public holidays (放假)
      workdays: [2027-…]          # make-up working days (调休上班)

The file is read strictly: every problem is reported at once, with file, line and YAML path
(:class:`HolidayFileError`). A year the package already covers is refused: the package's table
is the official one, and replacing it would silently change how that year's cases replay.

>>> t = parse_holidays("2099:\\n  source: a made-up notice\\n  holidays: [2099-01-01]\\n",
...                    "h.yaml", covered_years=range(2004, 2027))
>>> t.years, sorted(t.holidays)
(frozenset({2099}), [datetime.date(2099, 1, 1)])
"""

from __future__ import annotations

import os
from collections.abc import Collection
from datetime import date, datetime
from typing import Final

import attrs

from deliberation.diagnostics import Diagnostic, suggest
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.yamlsource import Located, Reporter, read_text_file, read_yaml

ENV_HOLIDAYS: Final = "DELIBERATION_HOLIDAYS"
YEAR_KEYS: Final = ("source", "holidays", "workdays")


class HolidayFileError(DeliberationError):
    """The holiday file named by ``DELIBERATION_HOLIDAYS`` is broken; ``diagnostics`` lists
    every problem (nothing was counted with it)."""

    def __init__(self, diagnostics: Collection[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        lines = "\n".join(d.format() for d in self.diagnostics)
        super().__init__(
            _("the holiday file named by {var} has {n} problem(s):\n{lines}").format(
                var=ENV_HOLIDAYS, n=len(self.diagnostics), lines=lines
            )
        )


@attrs.frozen
class HolidayTables:
    """The holidays and make-up working days of the years a holiday file lists."""

    file: str
    sources: dict[int, str] = attrs.field(factory=dict)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @property
    def years(self) -> frozenset[int]:
        return frozenset(self.sources)


def read_holidays(path: str | os.PathLike[str], covered_years: Collection[int]) -> HolidayTables:
    """The tables in the file ``path``; :class:`HolidayFileError` listing every problem.

    ``covered_years`` are the years the holiday package already covers (refused in the file).
    """
    text = read_text_file(path)
    if isinstance(text, Diagnostic):
        raise HolidayFileError([text])
    return parse_holidays(text, os.fspath(path), covered_years)


def parse_holidays(text: str, file: str, covered_years: Collection[int]) -> HolidayTables:
    """:func:`read_holidays` on the text of ``file``."""
    reporter = Reporter(file)
    root = read_yaml(text, file, reporter)
    # An empty file: read_yaml's hint is about procedure files; say what this file needs.
    reporter.diagnostics[:] = [
        Diagnostic("H203", _("the file is empty"), file, 1, 1, "",
                   _("list at least one year, e.g. '2027:' with source and holidays"))
        if d.code == "D103" else d
        for d in reporter.diagnostics
    ]
    sources: dict[int, str] = {}
    holidays: set[date] = set()
    workdays: set[date] = set()
    if root is not None:
        if not root.is_map:
            reporter.error("H202", _("the file must map years to their tables"), root,
                           _("start with a year, e.g. '2027:'"), path="")
        else:
            for key, key_at, value in root.items():
                year = _year(key, key_at, covered_years, reporter)
                table = _table(value, year, reporter) if year is not None else None
                if year is not None and table is not None:
                    sources[year] = table[0]
                    holidays |= table[1]
                    workdays |= table[2]
    if reporter.diagnostics:
        raise HolidayFileError(reporter.diagnostics)
    return HolidayTables(file, sources, frozenset(holidays), frozenset(workdays))


def _year(key: str, at: Located, covered: Collection[int], reporter: Reporter) -> int | None:
    if not (key.isascii() and key.isdigit() and len(key) == 4) or not 1900 <= int(key) <= 9999:
        reporter.error("H202", _("{key!r} is not a year").format(key=key), at,
                       _("each key is a year, e.g. '2027:'"))
        return None
    year = int(key)
    if year in covered:
        reporter.error(
            "H303",
            _("chinese-calendar already covers {year}; its official table is not replaced")
            .format(year=year),
            at,
            _("remove {year} from this file").format(year=year),
        )
        return None
    return year


def _table(
    at: Located, year: int, reporter: Reporter
) -> tuple[str, frozenset[date], frozenset[date]] | None:
    if not at.is_map:
        reporter.error("H202", _("a year's table is a mapping with source, holidays and "
                                 "workdays"), at)
        return None
    ok = True
    for key, key_at, _value in at.items():
        if key not in YEAR_KEYS:
            reporter.error("H201", _("unknown key {key!r}").format(key=key), key_at,
                           suggest(key, YEAR_KEYS))
            ok = False
    source = at.get("source")
    text = source.value() if source is not None and source.is_scalar else None
    if source is None:
        reporter.error("H203", _("{year} has no source").format(year=year), at,
                       _("name the State Council's notice the table is copied from"),
                       path=f"{at.path}.source")
        ok = False
    elif not isinstance(text, str) or not text.strip():
        reporter.error("H202", _("the source must be the notice's title"), source)
        ok = False
    holidays = _dates(at.get("holidays"), year, reporter, required=True, where=at)
    workdays = _dates(at.get("workdays"), year, reporter, required=False, where=at)
    if holidays is None or workdays is None:
        return None
    for day, day_at in workdays.items():
        if day in holidays:
            reporter.error(
                "H302",
                _("{day} is listed both as a holiday and as a make-up working day").format(
                    day=day.isoformat()),
                day_at,
                _("keep it in one list, as the notice says"),
            )
            ok = False
    if not ok:
        return None
    assert isinstance(text, str)
    return text.strip(), frozenset(holidays), frozenset(workdays)


def _dates(
    at: Located | None, year: int, reporter: Reporter, *, required: bool, where: Located
) -> dict[date, Located] | None:
    """The dates of a list (each with where it stands), or ``None`` after reporting."""
    name = "holidays" if required else "workdays"
    if at is None:
        if required:
            reporter.error("H203", _("{year} has no holidays").format(year=year), where,
                           _("list the notice's holidays, e.g. holidays: [{year}-01-01]").format(
                               year=year),
                           path=f"{where.path}.{name}")
            return None
        return {}
    if not at.is_seq:
        reporter.error("H202", _("a list of dates is needed, e.g. [{year}-01-01]").format(
            year=year), at)
        return None
    found: dict[date, Located] = {}
    ok = True
    for element in at.elements():
        value = element.value() if element.is_scalar else None
        if not isinstance(value, date) or isinstance(value, datetime):
            reporter.error("H202", _("not a date (write YYYY-MM-DD, unquoted)"), element)
            ok = False
        elif value.year != year:
            reporter.error("H301", _("{day} is not in {year}").format(
                day=value.isoformat(), year=year), element,
                _("move it under its own year"))
            ok = False
        elif value in found:
            reporter.error("H304", _("{day} is listed twice").format(day=value.isoformat()),
                           element)
            ok = False
        else:
            found[value] = element
    if required and ok and not found:
        reporter.error("H203", _("{year} has no holidays").format(year=year), at)
        return None
    return found if ok else None
