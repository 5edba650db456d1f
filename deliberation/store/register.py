"""The register a village files: a case's record as a township clerk keeps it on paper.

:func:`build_register` reads an archive (:func:`deliberation.store.archive.archive_data`) and
returns a :class:`Register` in one language: per meeting the matter, date, form, 应到/实到 with
names from the roster, the content decided, the vote, who signed and how, and the township
officials present; the consultation as a sign sheet summarised by household; each disclosure
with its channels, dates and the supervision committee's opinion; and the chain head to post on
the notice board. It is a rendering of the archive, not a record: HTML
(:mod:`deliberation.store.register_html`) and PDF (:mod:`deliberation.store.register_pdf`) are
drawn from the same :class:`Register`.

>>> from deliberation.engine.clock import ManualClock
>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> from deliberation.store.archive import archive_data
>>> from deliberation.store.cases import new_case
>>> store = open_store("sqlite:///:memory:")
>>> _ = new_case(store, "four-deliberations", Roster.generate(), matter="修村道", case_id="r1",
...              clock=ManualClock())
>>> reg = build_register(archive_data(store, "r1"), lang="zh-Hans")
>>> reg.title, reg.heading[0].value
('村级重大事项办理登记簿', '修村道')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from deliberation.definition.loader import Library, default_library
from deliberation.definition.model import DEFAULT_TIMEZONE, Procedure
from deliberation.definition.versions import earlier_version_note
from deliberation.engine.after import ORDER_KIND, ORDERS
from deliberation.engine.census import member_ids
from deliberation.engine.plan import Plan, StagePlan, plan_for
from deliberation.errors import DeliberationError, UnknownProcedure
from deliberation.i18n import check_lang
from deliberation.roster import Roster, Villager
from deliberation.rules import RULES
from deliberation.rules.authorities import DECISION_LABELS, authority_name
from deliberation.rules.channels import channel_name
from deliberation.rules.electorate import reason_name
from deliberation.rules.law import LAWS, cite, version_text
from deliberation.store.register_text import METHODS, OTHER_KINDS, W
from deliberation.trainer.catalog import entry_label, route_label

# How many households the sign sheet prints on one line.
SHEET_COLUMNS: Final = 6


@attrs.frozen
class Row:
    """One line of a form: a label and what was recorded; ``code`` marks an id or a hash (the
    case's number, the chain head), set in type a reader copies character by character."""

    label: str
    value: str
    code: bool = False


@attrs.frozen
class Grid:
    """A table of short cells, ``columns`` to a line (the household sign sheet)."""

    caption: str
    cells: tuple[str, ...]
    columns: int = SHEET_COLUMNS

    @property
    def lines(self) -> tuple[tuple[str, ...], ...]:
        c = self.cells
        n = self.columns
        return tuple(tuple(c[i:i + n]) + ("",) * (n - len(c[i:i + n]))
                     for i in range(0, len(c), n))


@attrs.frozen
class Section:
    """One step's page of the register: a title, the form's lines, and any sign sheet."""

    title: str
    rows: tuple[Row, ...]
    grids: tuple[Grid, ...] = ()


@attrs.frozen
class Register:
    """A case's register in one language, ready to render (all text already translated)."""

    lang: str
    title: str
    heading: tuple[Row, ...]
    sections: tuple[Section, ...]
    chain_title: str
    chain: tuple[Row, ...]
    chain_note: str
    page_label: str  # "第 {page} 页,共 {pages} 页": the PDF's footer


_MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


@attrs.frozen
class _Ctx:
    """What every part of the register reads: language, procedure, plan, roster, time zone."""

    lang: str
    matter: str
    procedure: Procedure | None
    plan: Plan | None
    people: Mapping[str, Villager]
    roster: Roster | None
    zone: ZoneInfo

    def w(self, key: str, **values: Any) -> str:
        text = W[key]
        return (text.format(**values) if values else text).get(self.lang)

    def sep(self) -> str:
        return ", " if self.lang == "en" else "、"

    def name(self, vid: Any) -> str:
        v = self.people.get(str(vid))
        return v.name if v is not None and v.name else str(vid)

    def names(self, ids: Iterable[Any]) -> str:
        return self.sep().join(self.name(i) for i in ids)

    def day(self, iso: Any) -> str:
        """``2026年3月8日`` / ``8 March 2026``: the village's calendar date."""
        try:
            at = datetime.fromisoformat(str(iso))
            if at.tzinfo is not None:
                at = at.astimezone(self.zone)
        except (ValueError, OverflowError):
            return str(iso)
        if self.lang == "en":
            return f"{at.day} {_MONTHS[at.month - 1]} {at.year}"
        return f"{at.year}年{at.month}月{at.day}日"

    def span(self, first: Any, last: Any) -> str:
        a, b = self.day(first), self.day(last)
        return a if a == b else f"{a} — {b}"

    def stage_plan(self, stage: Any) -> StagePlan | None:
        if self.plan is None or not isinstance(stage, str) or stage not in self.plan.stages:
            return None
        return self.plan.stage(str(stage))

    def target(self, state: Any) -> str:
        """A stage's or an outcome's name."""
        if self.procedure is not None:
            if isinstance(state, str) and state in self.procedure.outcomes:
                return self.procedure.outcomes[str(state)].name.get(self.lang)
            sp = self.stage_plan(state)
            if sp is not None:
                return sp.stage.name.get(self.lang)
        return str(state)

    def rule_label(self, stage: Any, rule_id: Any) -> str:
        sp = self.stage_plan(stage)
        if sp is not None:
            for r in sp.rules:
                if r.id == rule_id and r.name in RULES:
                    return RULES[r.name].label.get(self.lang)
        if isinstance(rule_id, str) and rule_id in RULES:
            return RULES[rule_id].label.get(self.lang)
        return str(rule_id)


def build_register(data: Mapping[str, Any], *, lang: str = "zh-Hans",
                   library: Library | None = None,
                   procedure: Procedure | None = None) -> Register:
    """The register of the archive ``data`` in ``lang`` (see the module docstring).
    ``procedure``: the one the case runs under, when the caller has it (an uploaded one);
    else ``library``: where to find it by id, for the names of its stages, outcomes and items
    (default: the built-ins and ``DELIBERATION_PATH``)."""
    records = [_record(r) for r in _seq(data["records"])]
    ctx = _context(data, records, check_lang(lang), library or default_library(), procedure)
    case = data["case"]
    heading = [
        Row(ctx.w("matter"), ctx.matter),
        Row(ctx.w("procedure"),
            ctx.procedure.name.get(lang) if ctx.procedure else str(case["procedure_id"])),
        Row(ctx.w("case"), str(case["case_id"]), code=True),
    ]
    earlier = earlier_version_note(ctx.procedure) if ctx.procedure is not None else None
    if earlier is not None:
        heading.insert(2, Row(ctx.w("earlier-version"), earlier.get(lang)))
    if records:
        heading.append(Row(ctx.w("period"), ctx.span(records[0].get("at"),
                                                     records[-1].get("at"))))
    heading.append(Row(ctx.w("status"), _status(ctx, data.get("state") or {})))
    ver = _map(data.get("verification"))
    problems = ctx.sep().join(str(_map(p.get("message")).get(lang, p.get("code")))
                              for p in _seq(ver.get("problems")) if isinstance(p, Mapping))
    chain = (
        Row(ctx.w("records"), str(len(records))),
        Row(ctx.w("head"), _grouped(str(ver.get("head_hash") or case.get("head_hash"))),
            code=True),
        Row(ctx.w("check"), ctx.w("intact") if ver.get("ok") else ctx.w("broken",
                                                                          problems=problems)),
    )
    return Register(lang, ctx.w("title"), tuple(heading), tuple(_sections(ctx, records)),
                    ctx.w("chain-title"), chain, ctx.w("chain-note"), W["page"].get(lang))


def _grouped(digest: str) -> str:
    """The chain head in groups of eight, to copy by hand or read aloud."""
    return " ".join(digest[i:i + 8] for i in range(0, len(digest), 8))


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _seq(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _key(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _record(row: Any) -> dict[str, Any]:
    """A record's fields in the shapes the register reads. An archive may come from a file
    edited by hand or a later engine: what does not fit prints as found, or not at all, and
    never stops the register (verification reports the change)."""
    rec = _map(_map(row).get("record"))
    return {"kind": str(rec.get("kind")), "at": str(rec.get("at")),
            "actor": _key(rec.get("actor")), "stage": _key(rec.get("stage")),
            "data": _map(rec.get("data")), "result": _map(rec.get("result")),
            "signatures": [s for s in _seq(rec.get("signatures")) if isinstance(s, Mapping)],
            "attachments": [a for a in _seq(rec.get("attachments")) if isinstance(a, Mapping)]}


def _checks(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in _seq(result.get("checks")) if isinstance(c, Mapping)]


def _procedure(library: Library, procedure_id: str, version: Any) -> Procedure:
    try:
        return library.load(procedure_id, str(version) if version else None)
    except UnknownProcedure:
        return library.load(procedure_id)


def _context(data: Mapping[str, Any], records: Sequence[Mapping[str, Any]], lang: str,
             library: Library, given: Procedure | None) -> _Ctx:
    procedure: Procedure | None = given
    try:
        # By id only: a stored id that looks like a path is never opened as a file. The
        # version the case runs under when the library keeps it (an earlier one, for replay),
        # else the current one, for the names of the stages and rules.
        if procedure is None:
            procedure = _procedure(library, str(data["procedure"]["id"]),
                                   data["procedure"].get("version"))
    except DeliberationError:
        procedure = None
    settings = _map(records[0]["data"].get("settings")) if records else {}
    plan: Plan | None = None
    if procedure is not None:
        try:
            plan = plan_for(procedure, dict(settings))
        except (DeliberationError, TypeError, ValueError, KeyError, AttributeError):
            plan = None
    roster: Roster | None
    try:
        roster = Roster.from_data(data["roster"]["villagers"])
    except (DeliberationError, TypeError, ValueError, KeyError):
        roster = None
    people = {v.id: v for v in roster.villagers} if roster is not None else {}
    zone = ZoneInfo(procedure.timezone if procedure is not None else DEFAULT_TIMEZONE)
    # the matter as the chained opened record holds it (the header's copy is not chained)
    opened = records[0]["data"] if records and records[0].get("kind") == "opened" else {}
    matter = opened.get("matter", data["case"].get("matter"))
    return _Ctx(lang, str(matter or ""), procedure, plan, people, roster, zone)


def _status(ctx: _Ctx, state: Mapping[str, Any]) -> str:
    if not state.get("replayed"):
        return ctx.w("no-replay")
    if state.get("outcome"):
        return ctx.target(state["outcome"])
    return ctx.w("in-progress", stage=ctx.target(state.get("state")))


def _sections(ctx: _Ctx, records: Sequence[Mapping[str, Any]]) -> list[Section]:
    """Sections in the order things happened; a consultation's opinions and a disclosure's
    postings are gathered into one section each, at the place their stage began."""
    blocks: list[tuple[str, Any]] = []
    groups: dict[tuple[str, Any], list[Mapping[str, Any]]] = {}
    announced: dict[Any, list[Mapping[str, Any]]] = {}
    disclosing = {r.get("stage") for r in records if str(r.get("kind")).startswith("disclosure")}
    elected: dict[str, Any] = {}  # the groups meetings created so far (the latest election)
    for rec in records:
        kind, stage = rec.get("kind"), rec.get("stage")
        if kind in ("notice", "circulated"):
            announced.setdefault(_key(rec["data"].get("for")) or stage, []).append(rec)
        elif kind == "meeting":
            blocks.append(("meeting", (rec, announced.pop(stage, []), dict(elected))))
            elected.update(_map(_map(rec.get("result")).get("groups")))
        elif kind == "motion":
            blocks.append(("motion", rec))
        elif kind in ("examination", "authority-decision"):
            blocks.append(("gate", rec))
        elif kind in ("opinion", "consultation-closed") or (
                kind in ("disclosure-posted", "disclosure-concluded", "objection", "answer")
                and stage in disclosing):
            group = "consultation" if kind in ("opinion", "consultation-closed") else "disclosure"
            if (group, stage) not in groups:
                groups[(group, stage)] = []
                blocks.append((group, stage))
            groups[(group, stage)].append(rec)
        elif kind != "opened":
            blocks.append(("other", rec))
    out: list[Section] = []
    for what, item in blocks:
        if what == "meeting":
            section, recs = _meeting(ctx, *item), [item[0], *item[1]]
        elif what == "motion":
            section, recs = _motion(ctx, item), [item]
        elif what == "gate":
            section, recs = _gate(ctx, item), [item]
        elif what in ("consultation", "disclosure"):
            recs = groups[(what, item)]
            section = (_consultation if what == "consultation" else _disclosure)(ctx, item, recs)
        else:
            section, recs = _other(ctx, item), [item]
        out.append(_with_attachments(ctx, section, recs))
    return out


def _with_attachments(ctx: _Ctx, section: Section, recs: Sequence[Mapping[str, Any]]
                      ) -> Section:
    """``section`` with a line listing the evidence its records carry (name, media type,
    size, the digest's first 12 hex digits: enough to find the file, the archive has all)."""
    listed = [ctx.w("attachment", name=str(a.get("name")), media_type=str(a.get("media_type")),
                    size=_int(a.get("size")), digest=str(a.get("sha256"))[:12])
              for rec in recs for a in rec.get("attachments") or ()]
    if not listed:
        return section
    return attrs.evolve(section, rows=(*section.rows,
                                       Row(ctx.w("attachments"), ctx.sep().join(listed))))


def _title(ctx: _Ctx, stage: Any, round_: Any = None) -> str:
    sp = ctx.stage_plan(stage)
    n = sp.index + 1 if sp is not None else "?"
    title = ctx.w("step", n=n, name=ctx.target(stage))
    if isinstance(round_, int) and round_ > 1:
        title += ctx.w("round", n=round_)
    return title


def _who(ctx: _Ctx, value: Any) -> str:
    """A count, or named people with their count."""
    if isinstance(value, list | tuple):
        if not value:
            return ctx.w("none")
        return ctx.w("people-names", n=len(value), names=ctx.names(value))
    return ctx.w("people", n=value)


def _number(value: Any) -> int:
    return len(value) if isinstance(value, list | tuple) else _int(value)


def _meeting(ctx: _Ctx, rec: Mapping[str, Any], announced: Sequence[Mapping[str, Any]],
             elected: Mapping[str, Any]) -> Section:
    data: Mapping[str, Any] = rec.get("data") or {}
    result: Mapping[str, Any] = rec.get("result") or {}
    stage = rec.get("stage")
    sp = ctx.stage_plan(stage)
    if ctx.procedure is not None and ctx.procedure.groups and ctx.roster is not None:
        # a body made of a group counts the members elected before this meeting
        ctx = attrs.evolve(ctx, roster=ctx.roster.with_groups(
            {g: [str(v) for v in elected.get(g) or ()] for g in ctx.procedure.groups}))
    rows = [Row(ctx.w("matter"), ctx.matter), Row(ctx.w("date"), ctx.day(rec.get("at")))]
    rows.append(Row(ctx.w("place"), str(data.get("place") or ctx.w("not-recorded"))))
    if sp is not None:
        rows.append(Row(ctx.w("form"), sp.body.name.get(ctx.lang)))
    for a in announced:
        rows.append(Row(ctx.w(str(a.get("kind"))), ctx.w("given-on", date=ctx.day(a.get("at")))))
    present = data.get("present", 0)
    electorate = _map(result.get("electorate"))
    expected_ids = _expected(ctx, sp, data)
    total = electorate.get("expected") if isinstance(electorate.get("expected"), int) else next(
        (_map(c.get("numbers")).get("total") for c in _checks(result)
         if str(c.get("rule")).startswith("quorum")), None)
    # by name where the roster gives names (a list of bare roster numbers helps nobody)
    named = any(ctx.people[i].name for i in expected_ids)
    if expected_ids and named and (total is None or total == len(expected_ids)):
        rows.append(Row(ctx.w("expected"), _who(ctx, sorted(expected_ids))))
    else:
        rows.append(Row(ctx.w("expected"), ctx.w("people", n=total if total is not None
                                                 else len(expected_ids))))
    rows.append(Row(ctx.w("present"), _who(ctx, present)))
    absent = electorate.get("absent")
    if isinstance(absent, list | tuple):  # as the engine recorded it (without leave)
        rows.append(Row(ctx.w("absent"), _who(ctx, [str(a) for a in absent])))
    elif isinstance(present, list | tuple) and expected_ids:
        gone = sorted(expected_ids - set(map(str, present)))
        rows.append(Row(ctx.w("absent"), _who(ctx, gone)))
    if data.get("excused"):
        rows.append(Row(ctx.w("excused"), _who(ctx, data["excused"])))
    rows.extend(_attendance_extras(ctx, data, electorate))
    rows.append(Row(ctx.w("content"), str(data.get("content") or "") or ctx.w("not-recorded")))
    if isinstance(data.get("items"), Mapping):
        rows.extend(_items(ctx, sp, data["items"], result))
    else:
        rows.append(Row(ctx.w("vote"), ctx.w("vote-line", yes=_number(data.get("yes")),
                                             no=_number(data.get("no")),
                                             abstain=_number(data.get("abstain")))))
        for key in ("yes", "no", "abstain"):
            if isinstance(data.get(key), list | tuple) and data[key]:
                rows.append(Row(ctx.w(f"{key}-names"), _who(ctx, data[key])))
    rows.append(Row(ctx.w("result"), _verdict(ctx, stage, result)))
    cited = _citations(ctx, result)
    if cited:
        rows.append(Row(ctx.w("law-basis"), cited))
    rows.append(Row(ctx.w("signed"), _signatures(ctx, rec, data)))
    witnesses = data.get("witnesses", 0)
    rows.append(Row(ctx.w("township"),
                    _who(ctx, witnesses) if witnesses else ctx.w("none")))
    observers = data.get("observers")
    if isinstance(observers, list | tuple) and observers:
        rows.append(Row(ctx.w("observers"), _who(ctx, [str(o) for o in observers])))
    for gid, ids in _map(result.get("groups")).items():  # who the meeting elected
        group = ctx.procedure.groups.get(str(gid)) if ctx.procedure is not None else None
        name = group.name.get(ctx.lang) if group is not None else str(gid)
        rows.append(Row(ctx.w("elected", group=name), _who(ctx, [str(v) for v in ids])))
    return Section(_title(ctx, stage, result.get("round")), tuple(rows))


def _items(ctx: _Ctx, sp: StagePlan | None, votes: Mapping[str, Any],
           result: Mapping[str, Any]) -> list[Row]:
    """One row per item voted on by itself: its name, its votes and its result."""
    names = {it.id: it.name.get(ctx.lang) for it in sp.stage.items} if sp is not None else {}
    adopted = {str(r.get("id")): bool(r.get("adopted")) for r in result.get("items") or ()
               if isinstance(r, Mapping)}
    rows = []
    for item_id, v in votes.items():
        v = _map(v)
        line = ctx.w("vote-line", yes=_number(v.get("yes")), no=_number(v.get("no")),
                     abstain=_number(v.get("abstain")))
        if item_id in adopted:
            line += ctx.w("item-result", result=ctx.w(
                "item-adopted" if adopted[item_id] else "item-not-adopted"))
        rows.append(Row(ctx.w("item", name=names.get(item_id, str(item_id))), line))
    return rows


def _expected(ctx: _Ctx, sp: StagePlan | None, data: Mapping[str, Any]) -> set[str]:
    """Who should have attended (应到): the body's voters, less those the meeting left out."""
    if sp is None or ctx.roster is None:
        return set()
    left_out = data.get("excluded")
    gone = {str(k) for k, v in left_out.items() if isinstance(v, str)} \
        if isinstance(left_out, Mapping) else set()
    return set(member_ids(ctx.roster, sp.body.voters or sp.body.members)) - gone


def _attendance_extras(ctx: _Ctx, data: Mapping[str, Any], electorate: Mapping[str, Any]
                       ) -> list[Row]:
    """Exclusions from 应到 (by category, with the approval), online and proxy attendance, and
    votes handed in writing, as the meeting recorded them."""
    rows = []
    by_reason = _map(electorate.get("excluded"))
    if by_reason:
        line = ctx.sep().join(ctx.w("excluded-line", n=_number(n),
                                    reason=reason_name(str(r)).get(ctx.lang))
                              for r, n in by_reason.items())
        approval = data.get("exclusion_approval")
        rows.append(Row(ctx.w("excluded"), f"{line}({approval})" if approval else line))
    for key, label in (("online", "online"), ("proxies", "by-proxy")):
        value = data.get(key)
        if isinstance(value, Mapping):
            rows.append(Row(ctx.w(label), _who(ctx, [str(k) for k in value])))
        elif value:
            rows.append(Row(ctx.w(label), _who(ctx, value)))
    written = _map(data.get("written"))
    if written:
        rows.append(Row(ctx.w("written"), ctx.w("vote-line", yes=_number(written.get("yes")),
                                                no=_number(written.get("no")),
                                                abstain=_number(written.get("abstain")))))
    return rows


def _citations(ctx: _Ctx, result: Mapping[str, Any]) -> str:
    """The articles the meeting's checks name (a legal regime's), cited by the version in force
    on the day the check recorded."""
    out = []
    for c in _checks(result):
        n = _map(c.get("numbers"))
        law, article, on = n.get("law"), n.get("article"), n.get("cited_on")
        if not isinstance(law, str) or law not in LAWS or not isinstance(article, str):
            continue
        try:
            day = date.fromisoformat(on) if isinstance(on, str) else None
        except ValueError:
            day = None
        out.append(cite(law, article, day).get(ctx.lang))
    return ctx.sep().join(dict.fromkeys(out))


def _verdict(ctx: _Ctx, stage: Any, result: Mapping[str, Any]) -> str:
    nxt = ctx.target(result.get("state"))
    route = result.get("route")
    if route == "pass":
        return ctx.w("passed", next=nxt)
    if route == ORDER_KIND:  # an order routes the case; no rule failed
        return ctx.w("routed", route=route_label(route).get(ctx.lang), next=nxt)
    failed = [ctx.rule_label(stage, c.get("rule")) for c in _checks(result) if not c.get("ok")]
    return ctx.w("not-passed", why=ctx.sep().join(failed) or "—", next=nxt)


def _signatures(ctx: _Ctx, rec: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    sigs = [s for s in rec.get("signatures") or () if s.get("role") != "witness"]
    if not sigs:
        signed = data.get("signed", data.get("present", 0))
        return ctx.w("signed-count", n=_number(signed)) if _number(signed) else ctx.w("none")
    by_method: dict[str, list[str]] = {}
    for s in sigs:
        by_method.setdefault(str(s.get("method")), []).append(_signer(ctx, s))
    lines = []
    for method, who in by_method.items():
        label = METHODS[method].get(ctx.lang) if method in METHODS else method
        lines.append(f"{label} " + ctx.w("people-names", n=len(who), names=ctx.sep().join(who)))
    return ";".join(lines) if ctx.lang != "en" else "; ".join(lines)


def _signer(ctx: _Ctx, s: Mapping[str, Any]) -> str:
    if s.get("method") == "proxy":
        return ctx.w("proxy-line", signer=ctx.name(s.get("signer")),
                     villager=ctx.name(s.get("on_behalf_of")),
                     authorisation=str(s.get("authorisation")))
    return ctx.name(s.get("signer"))


def _motion(ctx: _Ctx, rec: Mapping[str, Any]) -> Section:
    data: Mapping[str, Any] = rec.get("data") or {}
    rows = [
        Row(ctx.w("date"), ctx.day(rec.get("at"))),
        Row(ctx.w("motion-text"), str(data.get("text") or "")),
        Row(ctx.w("submitters"), _who(ctx, _seq(data.get("submitters")))),
        Row(ctx.w("signed"), _signatures(ctx, rec, {"signed": data.get("signed", 0)})),
        Row(ctx.w("step-result"), _verdict(ctx, rec.get("stage"), rec.get("result") or {})),
    ]
    return Section(_title(ctx, rec.get("stage")), tuple(rows))


def _consultation(ctx: _Ctx, stage: Any, recs: Sequence[Mapping[str, Any]]) -> Section:
    opinions = [r for r in recs if r.get("kind") == "opinion"]
    rows = []
    if opinions:
        rows.append(Row(ctx.w("consult-period"), ctx.span(opinions[0].get("at"),
                                                          opinions[-1].get("at"))))
    latest: dict[str, Mapping[str, Any]] = {}
    counted = {"signed": 0, "unsigned": 0, "proxies": 0}
    for r in opinions:
        d = r.get("data") or {}
        if "villager" in d:
            latest[str(d["villager"])] = r  # a later opinion replaces an earlier one
        else:
            counted["signed"] += _int(d.get("count"))
            counted["unsigned"] += _int(d.get("unsigned"))
            counted["proxies"] += _int(d.get("proxies"))
    population = _population(ctx, ctx.stage_plan(stage))
    grids: tuple[Grid, ...] = ()
    if latest or not any(counted.values()):
        rows += _named_opinions(ctx, population, latest)
        if population:
            grids = (_sheet(ctx, population, latest),)
    if any(counted.values()):
        rows.append(Row(ctx.w("opinions"), ctx.w("counted", **counted)))
    for r in recs:
        if r.get("kind") == "consultation-closed":
            rows.append(Row(ctx.w("coverage"), _coverage(ctx, r)))
    return Section(_title(ctx, stage), tuple(rows), grids)


def _population(ctx: _Ctx, sp: StagePlan | None) -> list[Villager]:
    """Who must be consulted: the adults of the stage's body (township officials are not
    villagers)."""
    ids = _expected(ctx, sp, {})
    return [v for v in ctx.people.values() if v.id in ids and v.adult and not v.township]


def _status_of(rec: Mapping[str, Any] | None) -> str:
    if rec is None:
        return "missing"
    sigs = rec.get("signatures") or ()
    if not sigs:
        return "refused"
    return "proxy" if sigs[0].get("method") == "proxy" else "signed"


def _named_opinions(ctx: _Ctx, population: Sequence[Villager],
                    latest: Mapping[str, Mapping[str, Any]]) -> list[Row]:
    status: dict[str, list[str]] = {"signed": [], "proxy": [], "refused": [], "missing": []}
    for v in population:
        status[_status_of(latest.get(v.id))].append(v.id)
    for vid, rec in latest.items():  # opinions from people outside the population still show
        if vid not in {v.id for v in population}:
            status[_status_of(rec)].append(vid)
    households = len({v.household for v in population})
    rows = [Row(ctx.w("population"), ctx.w("adults", h=households, n=len(population)))]
    rows.append(Row(ctx.w("signed-by-hand"), ctx.w("people", n=len(status["signed"]))))
    proxies = [_signer(ctx, latest[i]["signatures"][0]) for i in status["proxy"]]
    rows.append(Row(ctx.w("signed-proxy"),
                    ctx.w("people-names", n=len(proxies), names=ctx.sep().join(proxies))
                    if proxies else ctx.w("none")))
    rows.append(Row(ctx.w("refused"), _who(ctx, status["refused"])))
    rows.append(Row(ctx.w("missing"), _who(ctx, status["missing"])))
    tally: dict[str, int] = {}
    for rec in latest.values():
        text = str((rec.get("data") or {}).get("opinion") or "")
        tally[text] = tally.get(text, 0) + 1
    parts = [ctx.w("opinion-line", label=ctx.w(k), n=tally.pop(k)) for k in ("agree", "disagree")
             if k in tally]
    if tally:
        parts.append(ctx.w("opinion-line", label=ctx.w("other-opinion"), n=sum(tally.values())))
    if parts:
        rows.append(Row(ctx.w("opinions"), ctx.sep().join(parts)))
    return rows


def _sheet(ctx: _Ctx, population: Sequence[Villager],
           latest: Mapping[str, Mapping[str, Any]]) -> Grid:
    households: dict[str, list[Villager]] = {}
    for v in population:
        households.setdefault(v.household, []).append(v)
    cells = []
    for members in households.values():
        signed = sum(_status_of(latest.get(v.id)) in ("signed", "proxy") for v in members)
        cells.append(ctx.w("household-cell", head=ctx.name(members[0].id), signed=signed,
                           total=len(members)))
    return Grid(ctx.w("sheet"), tuple(cells))


def _coverage(ctx: _Ctx, rec: Mapping[str, Any]) -> str:
    for c in _checks(rec["result"]):
        nums = _map(c.get("numbers"))
        if "total" in nums:
            line = ctx.w("coverage-line", count=nums.get("count"), total=nums.get("total"))
            ratio = Fraction(_int(nums.get("count")), max(_int(nums["total"]), 1))
            return f"{line} ({float(ratio):.0%})"
    return ctx.w("not-recorded")


def _disclosure(ctx: _Ctx, stage: Any, recs: Sequence[Mapping[str, Any]]) -> Section:
    rows = []
    extra = ctx.procedure.channels if ctx.procedure is not None else None
    posts = []
    contents = []
    for r in recs:
        d = r.get("data") or {}
        if r.get("kind") == "disclosure-posted":
            posts.append(ctx.w("posted", channel=channel_name(str(d.get("channel")), extra)
                               .get(ctx.lang), date=ctx.day(r.get("at")),
                               by=ctx.name(r.get("actor")) if r.get("actor")
                               else ctx.w("not-recorded")))
            if d.get("content"):
                contents.append(str(d["content"]))
    rows.append(Row(ctx.w("channels"), ";".join(posts) if ctx.lang != "en" else "; ".join(posts)))
    if contents:
        rows.append(Row(ctx.w("content-posted"), " / ".join(contents)))
    for r in recs:
        if r.get("kind") == "disclosure-concluded":
            days = []
            for c in _checks(r["result"]):
                for ch, n in sorted(_map(_map(c.get("numbers")).get("days")).items(),
                                    key=lambda item: str(item[0])):
                    days.append(ctx.w("days", channel=channel_name(str(ch), extra)
                                      .get(ctx.lang), n=n))
            value = ctx.day(r.get("at")) + (f"({ctx.sep().join(days)})" if ctx.lang != "en"
                                            else f" ({', '.join(days)})" if days else "")
            rows.append(Row(ctx.w("ended"), value))
            rows.append(Row(ctx.w("step-result"), _verdict(ctx, stage, r.get("result") or {})))
    rows.append(Row(ctx.w("supervision"), _objections(ctx, recs) or ctx.w("no-objection")))
    return Section(_title(ctx, stage), tuple(rows))


def _objections(ctx: _Ctx, recs: Sequence[Mapping[str, Any]]) -> str:
    lines = []
    for r in recs:
        d = r.get("data") or {}
        if r.get("kind") == "objection":
            lines.append(ctx.w("objection", date=ctx.day(r.get("at")), by=ctx.name(r.get("actor")),
                               reason=str(d.get("reason") or "")))
            lines.append(ctx.w("unanswered"))
        elif r.get("kind") == "answer":
            if lines and lines[-1] == ctx.w("unanswered"):
                lines.pop()
            lines.append(ctx.w("answer", date=ctx.day(r.get("at")), by=ctx.name(r.get("actor")),
                               answer=str(d.get("answer") or "")))
    return ";".join(lines) if ctx.lang != "en" else "; ".join(lines)


def _check_name(ctx: _Ctx, stage: Any, check: Any) -> str:
    sp = ctx.stage_plan(stage)
    found = next((c for c in sp.stage.checks if c.id == check), None) if sp else None
    return found.name.get(ctx.lang) if found is not None else str(check)


def _gate(ctx: _Ctx, rec: Mapping[str, Any]) -> Section:
    """A gate's decision: the checks met and not met (with reasons) and who signed, or the
    authority's decision with its instrument."""
    stage, d = rec.get("stage"), rec.get("data") or {}
    result: Mapping[str, Any] = rec.get("result") or {}
    rows = [Row(ctx.w("date"), ctx.day(rec.get("at")))]
    if rec.get("kind") == "examination":
        met = [_check_name(ctx, stage, c) for c in d.get("met") or ()]
        rows.append(Row(ctx.w("checks-met"), ctx.sep().join(met) or "-"))
        not_met = d.get("not_met") or {}
        if isinstance(not_met, Mapping) and not_met:
            rows.append(Row(ctx.w("checks-not-met"), ctx.sep().join(
                ctx.w("check-reason", check=_check_name(ctx, stage, c), reason=str(r))
                for c, r in not_met.items())))
        signers = [s.get("signer") for s in rec.get("signatures") or () if isinstance(s, Mapping)]
        rows.append(Row(ctx.w("signed"), ctx.names(signers) or "-"))
    else:
        extra = ctx.procedure.authorities if ctx.procedure is not None else None
        rows.append(Row(ctx.w("authority"),
                        authority_name(str(result.get("authority")), extra).get(ctx.lang)))
        decision = str(d.get("decision"))
        label = DECISION_LABELS.get(decision)
        rows.append(Row(ctx.w("decision"), label.get(ctx.lang) if label else decision))
        rows.append(Row(ctx.w("instrument"), ctx.w(
            "instrument-line", issuer=str(d.get("issuer")), number=str(d.get("number")),
            date=str(d.get("issued_on")))))
        if d.get("reason"):
            rows.append(Row(ctx.w("reason"), str(d["reason"])))
        if rec.get("actor"):
            rows.append(Row(ctx.w("by"), ctx.name(rec.get("actor"))))
    if result.get("route"):
        rows.append(Row(ctx.w("step-result"), _verdict(ctx, stage, result)))
    return Section(_title(ctx, stage, result.get("round")), tuple(rows))


def _other(ctx: _Ctx, rec: Mapping[str, Any]) -> Section:
    kind = str(rec.get("kind"))
    d: Mapping[str, Any] = rec.get("data") or {}
    label = (OTHER_KINDS[kind] if kind in OTHER_KINDS else entry_label(kind)).get(ctx.lang)
    rows = [Row(ctx.w("date"), ctx.day(rec.get("at")))]
    texts = [str(d[k]) for k in ("text", "reason", "answer") if d.get(k)]
    if kind == ORDER_KIND:
        order = ORDERS.get(str(d.get("type")))
        if order is not None:
            label = order[0].get(ctx.lang)
        rows.append(Row(ctx.w("instrument"), ctx.w(
            "instrument-line", issuer=str(d.get("issuer")), number=str(d.get("number")),
            date=str(d.get("issued_on")))))
    law = _map((rec.get("result") or {}).get("required_from"))
    if kind == "stage-skipped" and law.get("law") in LAWS:
        # skipped because the law requiring it was not yet in force when the case was opened
        label = W["not-yet-required"].get(ctx.lang)
        try:
            texts = [version_text(str(law["law"]), str(law.get("version"))).get(ctx.lang)]
        except StopIteration:
            texts = [str(law.get("version"))]
    if rec.get("actor"):
        rows.append(Row(ctx.w("by"), ctx.name(rec.get("actor"))))
    if texts or kind != ORDER_KIND:  # an order says what it is in its title and instrument
        rows.append(Row(label, ";".join(texts) if texts else label))
    if (rec.get("result") or {}).get("route"):
        rows.append(Row(ctx.w("step-result"),
                        _verdict(ctx, rec.get("stage"), rec.get("result") or {})))
    title = _title(ctx, rec.get("stage")) if rec.get("stage") else ctx.w("other")
    return Section(f"{title} · {label}", tuple(rows))


__all__ = ["Grid", "Register", "Row", "Section", "build_register"]
