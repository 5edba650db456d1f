"""The law the package ships: laws by version, matter kinds, and the regimes binding some kinds.

Read once from ``law.yaml`` beside this module (a broken file raises :class:`LawDataError` with
every problem located by file, line and YAML path). Three things come out of it:

- :data:`KINDS` — the vocabulary of matter kinds a case is opened for (ASCII ids, labels in
  three languages); :data:`DEFAULT_KIND` is an ordinary major matter;
- :func:`regime` / :func:`regime_of` — the legal regimes: for each bound kind, the approval
  threshold the law requires (on the *whole* body, not those present), its basis, approvals
  above the village it needs, and whether a representative body may decide it;
- :func:`cite` — a citation by law *version*: the version in force on a date, and, where an
  amendment renumbered the articles without a confirmed new number, a citation that says so.

>>> regime_of("land-contracting-plan").id
'land-contracting'
>>> from datetime import date
>>> cite("organic-law", "22", date(2025, 12, 31)).get("en")
"Organic Law of the Villagers' Committees (2018 amendment, in force 2018-12-29) Art. 22"
>>> cite("organic-law", "22", date(2026, 1, 1)).get("en")  # doctest: +NORMALIZE_WHITESPACE
"Organic Law of the Villagers' Committees (2025 amendment, in force 2026-01-01), the article
 that was Art. 22 of the 2018 text (article number not yet confirmed)"
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from deliberation.diagnostics import Diagnostic, did_you_mean, suggest
from deliberation.errors import DeliberationError
from deliberation.i18n import LANGS, Joined, Text, Triple, _, as_written, quoted, series
from deliberation.reprs import fields_repr
from deliberation.rules.authorities import ASKS, AUTHORITIES, authority_in_sentence
from deliberation.rules.thresholds import Base, Comparison, Threshold, parse_fraction
from deliberation.yamlsource import Located, Reporter, read_yaml


class LawDataError(DeliberationError):
    """The shipped law data is broken; ``diagnostics`` lists every problem, located."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        lines = "\n".join(d.format() for d in diagnostics)
        super().__init__(_("the law data is broken:\n{lines}").format(lines=lines))


@fields_repr
@attrs.frozen(repr=False)
class LawVersion:
    """One version of a law: in force from ``effective``; ``renumbered`` maps the previous
    version's article numbers to this one's (``None`` for a renumbering with no confirmed
    numbers: every article cited under it is marked unconfirmed)."""

    version: str
    label: Text
    effective: _dt.date
    renumbered: Mapping[str, str] | None = None


@fields_repr
@attrs.frozen(repr=False)
class Law:
    id: str
    title: Text
    versions: tuple[LawVersion, ...]  # oldest first

    def version_on(self, on: _dt.date | None) -> LawVersion:
        """The version in force on ``on`` (the first version when no date is given)."""
        if on is None:
            return self.versions[0]
        current = self.versions[0]
        for v in self.versions:
            if v.effective <= on:
                current = v
        return current


@fields_repr
@attrs.frozen(repr=False)
class Citation:
    """Law and article, as the data gives them; rendered for a date by :meth:`text`."""

    law: str
    article: str

    def text(self, on: _dt.date | None = None) -> Text:
        return cite(self.law, self.article, on)


@fields_repr
@attrs.frozen(repr=False)
class MatterKind:
    id: str
    label: Text


@fields_repr
@attrs.frozen(repr=False)
class Approval:
    """An authority above the village that must approve (or be filed with) a bound kind's
    resolution before it is adopted: ``asks`` is ``approval`` (审批) or ``filing`` (备案)."""

    authority: str
    asks: str = "approval"


@fields_repr
@attrs.frozen(repr=False)
class Binding:
    """One kind bound by a regime: its basis, approvals above the village, reservation.

    ``approvals`` are required by the same article as the threshold (``basis``)."""

    kind: str
    basis: Citation
    approvals: tuple[Approval, ...] = ()
    reserved: bool = False

    def approvals_text(self) -> Text | None:
        """The approvals in words (``None`` when the kind needs none).

        >>> REGIMES["land-contracting"].kinds["contracting-to-outsiders"].approvals_text().get(
        ...     "en")
        'it must also be approved by the township government'
        """
        parts: list[Text] = []
        for asks, line in _ASKED.items():
            names = [authority_in_sentence(a.authority) for a in self.approvals
                     if a.asks == asks]
            if names:
                parts.append(line.format(authorities=series(names)))
        return Joined(Triple(";", ";", "; "), tuple(parts)) if parts else None


_ASKED: Final = {
    "approval": _("it must also be approved by {authorities}"),
    "filing": _("it must also be filed with {authorities}"),
}


@fields_repr
@attrs.frozen(repr=False)
class Regime:
    """A legal regime: the approval it requires of the body deciding each kind it binds."""

    id: str
    name: Text
    approval: Threshold
    text: Text
    kinds: Mapping[str, Binding]
    reserved_basis: Citation | None = None
    # the days' notice a full assembly deciding a bound kind is called with (0: none stated)
    assembly_notice_days: int = 0

    def in_force(self, on: _dt.date | None) -> bool:
        """Whether every law this regime cites was in force on ``on`` (``None``: assume so)."""
        if on is None:
            return True
        return all(LAWS[b.basis.law].versions[0].effective <= on for b in self.kinds.values())


def _article_text(article: str, lang: str) -> str:
    """``19(3)`` → 第19条第3项 / Art. 19(3); ``26(1)(10)`` → 第26条第1款第10项;
    ``26-28`` → 第26—28条 / Arts. 26–28."""
    art, *subs = article.replace(")", "").split("(")
    if lang == "en":
        if "-" in art:
            return "Arts. " + art.replace("-", "–")
        return f"Art. {article}"
    jiao = "条" if lang == "zh-Hans" else "條"
    xiang = "项" if lang == "zh-Hans" else "項"
    words = [f"第{art.replace('-', '—')}{jiao}"]
    if len(subs) == 2:
        words.append(f"第{subs[0]}款")
    if subs:
        words.append(f"第{subs[-1]}{xiang}")
    return "".join(words)


def cite(law_id: str, article: str, on: _dt.date | None = None) -> Text:
    """``law_id``'s ``article`` as the version in force on ``on`` numbers it."""
    law = LAWS[law_id]
    v = law.version_on(on)
    heads = _version_text(law, v)
    numbered = article if v.renumbered is None or v is law.versions[0] else (
        v.renumbered.get(article))
    if numbered is not None:
        return Triple(*(heads.get(lang) + (" " if lang == "en" else "")
                      + _article_text(numbered, lang) for lang in LANGS))
    previous = law.versions[law.versions.index(v) - 1].version
    tail = _(
        ", the article that was Art. {article} of the {prev} text (article number not yet "
        "confirmed)",
    ).format(prev=previous, article=article)
    return Triple(*(heads.get(lang) + tail.get(lang) for lang in LANGS))


def _version_text(law: Law, v: LawVersion) -> Text:
    head = _("{title} ({label}, in force {eff})")
    return Triple(*(head.get(lang).format(title=law.title.get(lang), label=v.label.get(lang),
                                        eff=v.effective.isoformat()) for lang in LANGS))


def version_text(law_id: str, version: str) -> Text:
    """``version`` of ``law_id`` by its title, label and the day it came into force.

    >>> version_text("organic-law", "2025").get("en")
    "Organic Law of the Villagers' Committees (2025 amendment, in force 2026-01-01)"
    """
    law = LAWS[law_id]
    return _version_text(law, next(v for v in law.versions if v.version == version))


def required_text(law_id: str, version: str) -> Text:
    """What a stage that ``version`` of ``law_id`` requires (``required_from``) says of itself.

    >>> required_text("organic-law", "2025").get("en")  # doctest: +NORMALIZE_WHITESPACE
    "a step of cases opened on or after 2026-01-01 (local date), required by the Organic Law of
    the Villagers' Committees (2025 amendment, in force 2026-01-01); a case opened earlier passes
    it by"
    """
    return _(
        "a step of cases opened on or after {day} (local date), required by the {law}; a case "
        "opened earlier passes it by",
    ).format(day=in_force_from(law_id, version).isoformat(), law=version_text(law_id, version))


def in_force_from(law_id: str, version: str) -> _dt.date:
    """The day ``version`` of ``law_id`` came into force (``KeyError`` for an unknown one).

    >>> in_force_from("organic-law", "2025")
    datetime.date(2026, 1, 1)
    """
    return next(v.effective for v in LAWS[law_id].versions if v.version == version)


def later_citations(law_id: str, article: str) -> tuple[tuple[_dt.date, Text], ...]:
    """For each version after the first: the day it came into force and ``article`` as cited
    under it (for a procedure's sources, which no case date pins down)."""
    law = LAWS[law_id]
    return tuple((v.effective, cite(law_id, article, v.effective)) for v in law.versions[1:])


# -- reading law.yaml --------------------------------------------------------------------------

_FILE: Final = "law.yaml"


class _Reader:
    def __init__(self, r: Reporter) -> None:
        self.r = r

    def need(self, loc: Located, key: str) -> Located | None:
        v = loc.get(key)
        if v is None:
            self.r.error("D203", _("{key!r} is missing").format(key=key), loc,
                         path=f"{loc.path}.{key}")
        return v

    def mapping(self, loc: Located | None, what: str) -> list[tuple[str, Located, Located]]:
        if loc is None:
            return []
        if not loc.is_map:
            self.r.error("D202", _("{what} must be a mapping").format(what=as_written(what)), loc)
            return []
        return list(loc.items())

    def keys(self, loc: Located, allowed: tuple[str, ...]) -> bool:
        if not loc.is_map:
            self.r.error("D202", _("expected a mapping"), loc)
            return False
        ok = True
        for key, k, _unused in loc.items():
            if key not in allowed:
                self.r.error("D201", _("unknown key {key!r}").format(key=key), k,
                             suggest(key, allowed))
                ok = False
        return ok

    def text(self, loc: Located | None) -> Text | None:
        if loc is None:
            return None
        if not loc.is_map:
            self.r.error("D202", _("a text needs zh-Hans, zh-Hant and en"), loc)
            return None
        values = {k: v.value() for k, _, v in loc.items()}
        missing = [lang for lang in LANGS if not isinstance(values.get(lang), str)]
        if missing or set(values) - set(LANGS):
            self.r.error("D601", _("a text needs exactly {langs}").format(
                langs=as_written(", ".join(LANGS))), loc)
            return None
        return Triple(*(str(values[lang]) for lang in LANGS))

    def date(self, loc: Located | None) -> _dt.date | None:
        if loc is None:
            return None
        v = loc.value()
        if isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            return v
        self.r.error("D202", _("{v!r} is not a date (YYYY-MM-DD)").format(v=v), loc)
        return None

    def laws(self, loc: Located | None) -> dict[str, Law]:
        out = {}
        for lid, _unused, body in self.mapping(loc, "laws"):
            if not self.keys(body, ("title", "versions")):
                continue
            title = self.text(self.need(body, "title"))
            versions = []
            vloc = self.need(body, "versions")
            for el in (vloc.elements() if vloc is not None and vloc.is_seq else ()):
                if not self.keys(el, ("version", "label", "effective", "renumbered")):
                    continue
                ver, label = self.need(el, "version"), self.text(self.need(el, "label"))
                eff = self.date(self.need(el, "effective"))
                ren = el.get("renumbered")
                renumbered = (None if ren is None else {
                    str(k): str(v.value()) for k, _, v in self.mapping(ren, "renumbered")})
                if ver is not None and label is not None and eff is not None:
                    versions.append(LawVersion(str(ver.value()), label, eff, renumbered))
            if vloc is not None and not versions:
                self.r.error("D203", _("a law needs at least one version"), vloc)
            if title is not None and versions:
                if [v.effective for v in versions] != sorted(v.effective for v in versions):
                    self.r.error("D202", _("versions must be listed oldest first"), vloc)
                out[lid] = Law(lid, title, tuple(versions))
        return out

    def citation(self, loc: Located | None, laws: Mapping[str, Law]) -> Citation | None:
        if loc is None or not self.keys(loc, ("law", "article")):
            return None
        law, art = self.need(loc, "law"), self.need(loc, "article")
        if law is None or art is None:
            return None
        if law.value() not in laws:
            self.r.error("D301", _("unknown law {law!r}").format(law=law.value()), law,
                         suggest(str(law.value()), laws))
            return None
        return Citation(str(law.value()), str(art.value()))

    def days(self, loc: Located | None) -> int:
        """A whole number of days, 0 or more (0 when not given)."""
        if loc is None:
            return 0
        v = loc.value()
        if type(v) is not int or v < 0:
            self.r.error("D202", _("{v!r} is not a whole number of days").format(v=v), loc)
            return 0
        return v

    def threshold(self, loc: Located | None) -> Threshold | None:
        if loc is None or not self.keys(loc, ("ratio", "compare", "base")):
            return None
        parts = [loc.get(k) for k in ("ratio", "compare", "base")]
        try:
            ratio, compare, base = (p.value() if p is not None else None for p in parts)
            return Threshold(parse_fraction(ratio), Comparison(compare), Base(base))
        except ValueError as err:
            self.r.error("D403", str(err), loc)
            return None

    def approvals(self, loc: Located | None) -> tuple[Approval, ...]:
        """A bound kind's ``approvals``: a list of ``{authority, asks}`` (asks: approval)."""
        if loc is None:
            return ()
        if not loc.is_seq:
            self.r.error("D202", _("approvals must be a list, each with {keys}").format(
                keys=as_written("authority, asks")), loc)
            return ()
        out: list[Approval] = []
        for el in loc.elements():
            if not self.keys(el, ("authority", "asks")):
                continue
            auth = self.need(el, "authority")
            if auth is None:
                continue
            aid, a_loc = str(auth.value()), el.get("asks")
            asks = str(a_loc.value()) if a_loc is not None else "approval"
            if aid not in AUTHORITIES:
                self.r.error("D301", _("unknown authority {id!r}").format(id=aid), auth,
                             suggest(aid, AUTHORITIES))
            elif asks not in ASKS:
                self.r.error("D202", _("an authority is asked for {asks}, not {value!r}").format(
                    asks=series(as_written(a) for a in ASKS), value=asks), a_loc or el,
                    suggest(asks, ASKS))
            else:
                out.append(Approval(aid, asks))
        return tuple(out)

    def regimes(self, loc: Located | None, laws: Mapping[str, Law],
                kinds: Mapping[str, MatterKind]) -> dict[str, Regime]:
        out = {}
        for rid, _unused, body in self.mapping(loc, "regimes"):
            if not self.keys(body, ("name", "approval", "text", "kinds", "reserved_basis",
                                    "assembly_notice_days")):
                continue
            name, text = self.text(self.need(body, "name")), self.text(self.need(body, "text"))
            approval = self.threshold(self.need(body, "approval"))
            reserved_basis = self.citation(body.get("reserved_basis"), laws)
            notice = self.days(body.get("assembly_notice_days"))
            bound = {}
            for kid, k, b in self.mapping(self.need(body, "kinds"), "kinds"):
                if kid not in kinds:
                    self.r.error("D301", _("unknown matter kind {kind!r}").format(kind=kid), k,
                                 suggest(kid, kinds))
                    continue
                if not self.keys(b, ("basis", "approvals", "reserved")):
                    continue
                basis = self.citation(self.need(b, "basis"), laws)
                approvals = self.approvals(b.get("approvals"))
                res = b.get("reserved")
                reserved = bool(res.value()) if res is not None else False
                if res is not None and not isinstance(res.value(), bool):
                    self.r.error("D202", _("{key} is true or false").format(
                        key=as_written("reserved")), res)
                if basis is not None:
                    bound[kid] = Binding(kid, basis, approvals, reserved)
            if any(b.reserved for b in bound.values()) and reserved_basis is None:
                self.r.error("D203", _("reserved kinds need {key!r}").format(key="reserved_basis"),
                             body)
            if name is not None and text is not None and approval is not None:
                out[rid] = Regime(rid, name, approval, text, bound, reserved_basis, notice)
        return out


def parse_law_data(text: str, file: str = _FILE
                   ) -> tuple[dict[str, Law], dict[str, MatterKind], dict[str, Regime]]:
    """Read law data from ``text``; :class:`LawDataError` lists every problem at once."""
    r = Reporter(file)
    root = read_yaml(text, file, r)
    laws: dict[str, Law] = {}
    kinds: dict[str, MatterKind] = {}
    regimes: dict[str, Regime] = {}
    if root is not None:
        rd = _Reader(r)
        if rd.keys(root, ("format", "laws", "kinds", "regimes")):
            laws = rd.laws(rd.need(root, "laws"))
            for kid, k, body in rd.mapping(rd.need(root, "kinds"), "kinds"):
                if not kid.isascii() or not kid.replace("-", "").isalnum():
                    rd.r.error("D205", _("kind id {kind!r} must be ASCII letters, digits, '-'")
                               .format(kind=kid), k)
                    continue
                if rd.keys(body, ("label",)) and (label := rd.text(rd.need(body, "label"))):
                    kinds[kid] = MatterKind(kid, label)
            regimes = rd.regimes(rd.need(root, "regimes"), laws, kinds)
            taken: dict[str, str] = {}
            for reg in regimes.values():
                for kid in reg.kinds:
                    if kid in taken:
                        rd.r.error("D208", _("kind {kind!r} is bound by both {first!r} and "
                                             "{second!r}").format(kind=kid, first=taken[kid],
                                                                  second=reg.id),
                                   root.get("regimes"))
                    taken[kid] = reg.id
    if r.diagnostics:
        raise LawDataError(r.diagnostics)
    return laws, kinds, regimes


def _shipped() -> tuple[dict[str, Law], dict[str, MatterKind], dict[str, Regime]]:
    # beside this module (not importlib.resources: importing it costs more than reading the
    # file; the package is installed as files, as builtin_procedures_dir assumes too)
    path = Path(__file__).with_name(_FILE)
    return parse_law_data(path.read_text(encoding="utf-8"), str(path))


_DATA: Final = _shipped()
LAWS: Final[dict[str, Law]] = _DATA[0]
KINDS: Final[dict[str, MatterKind]] = _DATA[1]
REGIMES: Final[dict[str, Regime]] = _DATA[2]
DEFAULT_KIND: Final = "ordinary-major-matter"
assert DEFAULT_KIND in KINDS


def regime(regime_id: str) -> Regime:
    """The regime ``regime_id`` (``KeyError`` when there is none)."""
    return REGIMES[regime_id]


# each kind to the one regime binding it (the law data binds a kind by one regime at most:
# D208), looked up where opening a case and adopting it both ask
_BINDING: Final[dict[str, Regime]] = {k: r for r in REGIMES.values() for k in r.kinds}


def regime_of(kind: str) -> Regime | None:
    """The regime that binds ``kind``, or ``None`` for a kind only the Organic Law governs."""
    return _BINDING.get(kind)


def kind_label(kind: str) -> Text:
    """The label of ``kind`` (its id, in every language, when it is unknown)."""
    k = KINDS.get(kind)
    return k.label if k is not None else Triple(kind, kind, kind)


# Roster selectors whose members sit for others: a body of them is a representative body.
REPRESENTATIVE_SELECTORS: Final = frozenset({"representative"})


def is_representative(selectors: Iterable[str]) -> bool:
    """Whether a body selected by ``selectors`` is a representative one (its members include
    villager representatives): the body a reserved kind may not be decided by."""
    return bool(REPRESENTATIVE_SELECTORS & set(selectors))


def kind_problem(kind: Any) -> Text | None:
    """What is wrong with ``kind`` as a matter kind, in the reader's language (with a
    did-you-mean), or ``None`` when it is a known one.

    >>> kind_problem("village-charter") is None
    True
    >>> print(kind_problem("plot-ajustment").get("zh-Hans"))
    未知的事项类别 `plot-ajustment`:是不是 `plot-adjustment`?
    """
    if type(kind) is str and kind in KINDS:
        return None
    return _("unknown matter kind {kind}: {hint}").format(
        kind=quoted(str(kind)), hint=suggest(str(kind), KINDS))


def check_kind(kind: Any) -> str:
    """``kind`` if it is a known matter kind, else ``ValueError`` with a did-you-mean (the
    message in English; :func:`kind_problem` gives it in the reader's language)."""
    if kind_problem(kind) is not None:
        raise ValueError(f"unknown matter kind {kind!r}; {did_you_mean(str(kind), KINDS)}")
    return str(kind)


__all__ = [
    "DEFAULT_KIND",
    "KINDS",
    "LAWS",
    "REGIMES",
    "Approval",
    "Binding",
    "Citation",
    "Law",
    "LawDataError",
    "LawVersion",
    "MatterKind",
    "Regime",
    "check_kind",
    "cite",
    "in_force_from",
    "is_representative",
    "kind_label",
    "kind_problem",
    "later_citations",
    "parse_law_data",
    "regime",
    "regime_of",
    "required_text",
    "version_text",
]
