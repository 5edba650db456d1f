"""Legal regimes: ``matter-regime`` — a matter of a bound kind needs what the law requires.

A case is opened for a matter of a declared kind (:data:`~deliberation.rules.law.KINDS`). Some
kinds are bound by a law stricter than the Organic Law's "more than half of those present"
(:mod:`deliberation.rules.law`): a land contracting plan needs at least 2/3 of *all* members of
the villagers' meeting, or of *all* villager representatives. A procedure applies such regimes
with one rule at its resolving meeting::

    - rule: matter-regime
      params: {regimes: [land-contracting]}

The stricter rule prevails: the vote passes only when the procedure's own ``approval`` *and*
the regime's threshold hold; the verdict names which of the two needed more votes (``binding``)
and cites the regime's article in the version of the law in force when the case was opened.
A kind the regime reserves to the full assembly may not be decided by a representative body.

>>> from deliberation.rules import RULES
>>> r = RULES["matter-regime"].bind("matter-regime", {"regimes": ["land-contracting"]})
>>> v = r.verdict({"matter_kind": "land-contracting-plan", "members": 31, "yes": 20})
>>> v.ok, v.numbers["needed"]
(False, 21)
>>> r.verdict({"matter_kind": "ordinary-major-matter", "members": 31, "yes": 1}).ok
True

At a representative body (the villagers' representatives' meeting) the base is what the laws
name: "三分之二以上村民代表" (农村土地承包法 (2018) Arts. 19(3), 28, 52; 土地管理法 (2019)
Art. 63); 2/3 of all member representatives (农村集体经济组织法 Arts. 26–28) — the body's
members who are villager representatives, and only their yes votes; the villagers' committee
members it seats ex officio (Organic Law Art. 25) who are not representatives count in neither.
The engine gives their number and yes votes (``representative_members``, ``representative_yes``):

>>> v = r.verdict({"matter_kind": "land-contracting-plan", "representative_body": True,
...                "members": 21, "yes": 14, "representative_members": 16,
...                "representative_yes": 9})
>>> v.ok, v.numbers["count"], v.numbers["total"], v.numbers["needed"]
(False, 9, 16, 11)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs

from deliberation.i18n import LANGS, Joined, Text, Triple, _, series
from deliberation.reprs import fields_repr
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.authorities import ASK_LABELS, authority_in_sentence
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.law import (
    DEFAULT_KIND,
    KINDS,
    REGIMES,
    Approval,
    Binding,
    Regime,
    cite,
    kind_label,
    regime_of,
)
from deliberation.rules.thresholds import Threshold, fraction_words

RULE: Final = "matter-regime"
# ``regime_base`` at a representative body: the law's (its villager representatives), or, for a
# case of an engine format that counted so, every member (engine/formats.py)
REPRESENTATIVES: Final = "representatives"
MEMBERS: Final = "members"
_SEMICOLON: Final = Triple(";", ";", "; ")  # between the parts of a message


def bound(kind: str, on: _dt.date | None) -> tuple[Regime, Binding] | None:
    """The regime binding ``kind`` for a case opened on ``on`` (``None``: none in force)."""
    reg = regime_of(kind)
    if reg is None or not reg.in_force(on):
        return None
    return reg, reg.kinds[kind]


def _cited_on(facts: Mapping[str, Any]) -> _dt.date | None:
    on = facts.get("opened_on")
    return on if isinstance(on, _dt.date) else None


def _citation(numbers: Mapping[str, Any]) -> Text:
    on = numbers.get("cited_on")
    return cite(numbers["law"], numbers["article"],
                _dt.date.fromisoformat(on) if isinstance(on, str) else None)


@fields_repr
@attrs.frozen(repr=False)
class MatterRegime(Rule):
    """The regime's threshold for the case's kind, on top of the procedure's own approval."""

    regimes: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # further kinds the procedure decides under its own rule
    # the procedure's own approval at the same meeting, set by the engine's plan, so the
    # verdict can say which rule binds (never consulted for whether the vote passes)
    own: Rule | None = attrs.field(default=None, eq=False, repr=False)
    # whether the body holding it is a representative one, for describing it without a case
    # (:meth:`at_body`; ``None``: not said, both bases described)
    representative_body: bool | None = attrs.field(default=None, kw_only=True)

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> MatterRegime:
        regimes = tuple(str(r) for r in params["regimes"] or ())
        for r in regimes:
            if r not in REGIMES:
                raise ValueError(f"unknown legal regime {r!r} (known: {', '.join(REGIMES)})")
        kinds = tuple(str(k) for k in params.get("kinds") or ())
        for k in kinds:
            if k not in KINDS:
                raise ValueError(f"unknown matter kind {k!r} (known: {', '.join(KINDS)})")
        return cls(rule_id, regimes, kinds, basis=basis)

    def against(self, own: Rule | None) -> MatterRegime:
        """This rule, told the procedure's own approval rule it is compared with."""
        return attrs.evolve(self, own=own)

    def at_body(self, representative: bool) -> MatterRegime:
        """This rule as described at a body that is, or is not, a representative one.

        >>> r = MatterRegime("m", ("land-contracting",)).at_body(True).describe()
        >>> r.thresholds[0].count_field, r.thresholds[0].total_field
        ('representative_yes', 'representative_members')
        """
        return attrs.evolve(self, representative_body=representative)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"matter_kind", "opened_on", "representative_body", "yes", "members",
                          "regime_base", "representative_members", "representative_yes"}
                         | (self.own.reads if self.own is not None else frozenset()))

    def handles(self, kind: str, on: _dt.date | None) -> bool:
        """Whether a case of ``kind`` opened on ``on`` may be decided under this rule."""
        hit = bound(kind, on)
        if hit is None:
            return True
        return hit[0].id in self.regimes

    def _applied(self, facts: Mapping[str, Any]) -> tuple[Regime, Binding] | None:
        hit = bound(str(facts.get("matter_kind") or DEFAULT_KIND), _cited_on(facts))
        return hit if hit is not None and hit[0].id in self.regimes else None

    def among_representatives(self, facts: Mapping[str, Any]) -> bool:
        """Whether the law's threshold is counted among the villager representatives: a kind a
        regime of this rule binds, decided by a representative body (``regime_base`` says
        otherwise only for a case whose engine format counted every member).

        >>> r = MatterRegime("m", ("land-contracting",))
        >>> r.among_representatives({"matter_kind": "plot-adjustment",
        ...                          "representative_body": True})
        True
        >>> r.among_representatives({"matter_kind": "plot-adjustment"})
        False
        """
        return (bool(facts.get("representative_body"))
                and facts.get("regime_base", REPRESENTATIVES) == REPRESENTATIVES
                and self._applied(facts) is not None)

    def _counted(self, t: Threshold, facts: Mapping[str, Any]) -> tuple[str, int, int]:
        """The fact the law counts, its count and the total it is a share of: the yes votes of
        all members, or of the villager representatives at a representative body (a total not
        given is the body's members: never fewer than its representatives, so never lenient)."""
        if self.among_representatives(facts):
            total = facts.get("representative_members", facts.get("members", 0))
            return "representative_yes", int(facts.get("representative_yes", 0)), int(total)
        return "yes", int(facts.get("yes", 0)), t.base.total(facts)

    def verdict(self, facts: Facts) -> Verdict:
        kind = str(facts.get("matter_kind") or DEFAULT_KIND)
        hit = self._applied(facts)
        if hit is None:
            return self._verdict(True, {"kind": kind, "applies": False})
        reg, binding = hit
        t = reg.approval
        fact, count, total = self._counted(t, facts)
        on = _cited_on(facts)
        numbers = t.numbers(count, total) | {
            "kind": kind, "applies": True, "regime": reg.id, "law": binding.basis.law,
            "article": binding.basis.article,
            "cited_on": on.isoformat() if on is not None else None}
        if fact == "representative_yes":
            # the base the law names, and every yes cast (those not counted shown beside)
            numbers |= {"base": REPRESENTATIVES, "yes": int(facts.get("yes", 0))}
        if binding.reserved and facts.get("representative_body"):
            return self._verdict(False, numbers | {"reserved": True})
        if self.own is not None:
            own = self.own.requirements(facts)
            if own:
                numbers |= _binding(own[0], fact, numbers["needed"])
        return self._verdict(t.holds(count, total), numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        n = numbers
        if not n.get("applies"):
            return _(
                "the kind {kind!r} is bound by no stricter law; the procedure's own rule decides",
            ).format(kind=n["kind"])
        reg = REGIMES[n["regime"]]
        cited = _citation(n)
        if n.get("reserved"):
            return Triple(*(_reserved_line(lang, n["kind"], reg) for lang in LANGS))
        head = (_("the law's threshold is met") if ok else
                _("the law's threshold is not met"))
        among = n.get("base") == REPRESENTATIVES
        body = _(
            "{head}: {count} yes of all {total} villager representatives; {cite} requires the "
            "approval of at least {ratio} of all villager representatives, i.e. at least "
            "{needed}",
        ) if among else _(
            "{head}: {count} yes of all {total} members; {cite} requires at least {ratio} of all "
            "members, i.e. at least {needed}",
        )
        # (the ratio as a document words it: 三分之二 in Chinese, where the law is quoted)
        ratio = fraction_words(Fraction(n["ratio"])) if among else n["ratio"]
        parts: list[Text] = [body.format(head=head, cite=cited, count=n["count"],
                                         total=n["total"], ratio=ratio, needed=n["needed"])]
        if among and n["yes"] > n["count"]:
            parts.append(_(
                "{others} yes vote(s) of members who are not villager representatives (the "
                "villagers' committee, seated ex officio) do not count towards it",
            ).format(others=n["yes"] - n["count"]))
        approvals = reg.kinds[n["kind"]].approvals_text()
        if approvals is not None:
            parts.append(approvals)
        if "binding" in n:
            parts.append(_BINDING[n["binding"]].format(own=n["own_needed"], needed=n["needed"]))
        return Joined(_SEMICOLON, tuple(parts))

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        regs = [REGIMES[r] for r in self.regimes]
        ratio = "/".join(sorted({r.approval.ratio_text for r in regs}))
        among = self.representative_body
        summary = (_(
            "stricter law: ≥{ratio} of all members vote yes (at a representatives' meeting: of "
            "all villager representatives)",
        ) if among is None else _(
            "stricter law: ≥{ratio} of all villager representatives vote yes (their yes votes "
            "only)",
        ) if among else _("stricter law: ≥{ratio} of all members vote yes")).format(ratio=ratio)
        lines = []
        for reg in regs:
            kinds = list(reg.kinds.items())
            lines.append(Triple(*(
                f"{reg.name.get(lang)}: {reg.text.get(lang)} — " + "; ".join(
                    f"{kind_label(k).get(lang)} ({b.basis.text().get(lang)}"
                    + (f", {a.get(lang)}" if (a := b.approvals_text()) is not None else "")
                    + (f", {_RESERVED_WORD.get(lang)}" if b.reserved else "") + ")"
                    for k, b in kinds)
                for lang in LANGS)))
        detail: Text = Triple(*("\n".join(x.get(lang) for x in lines) for lang in LANGS))
        if among:
            # the base the law names at this body, in the words it names it (三分之二 as quoted)
            detail = Joined(_SEMICOLON, (_(
                "at this representatives' meeting: at least {ratio} of all villager "
                "representatives, counted on their yes votes; villagers' committee members "
                "seated ex officio who are not representatives count in neither the base nor "
                "the yes votes",
            ).format(ratio=Triple(*("/".join(sorted({
                fraction_words(r.approval.ratio).get(lang) for r in regs})) for lang in LANGS))),
                detail))
        views = tuple(r.approval.view("representative_yes", "representative_members") if among
                      else r.approval.view("yes") for r in regs)
        return Description(summary, detail, views, on_arrow=True)

    def need(self, facts: Facts) -> Text | None:
        """What the law needs of the vote on the body's totals in ``facts`` (for a case's
        explanation before the meeting), or ``None`` when no regime binds the case's kind."""
        hit = self._applied(facts)
        if hit is None:
            return None
        reg, binding = hit
        (req,) = self.requirements(facts)
        cited = binding.basis.text(_cited_on(facts))
        line = (_("under {cite}: {text}, i.e. at least {needed} yes of all {total} villager "
                  "representatives (yes votes of villagers' committee members who are not "
                  "representatives do not count)")
                if req.count == "representative_yes" else
                _("under {cite}: {text}, i.e. at least {needed} yes of all {total}"))
        parts: list[Text] = [line.format(cite=cited, text=reg.text, total=req.total,
                                         needed=req.needed)]
        if (approvals := binding.approvals_text()) is not None:
            parts.append(approvals)
        return Joined(_SEMICOLON, tuple(parts))

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        hit = self._applied(facts)
        if hit is None:
            return ()
        t = hit[0].approval
        fact, _count, total = self._counted(t, facts)
        return (t.requirement(fact, total),)


_RESERVED_WORD: Final = _("not for a representatives' body")

_BINDING: Final = {
    "regime": _(
        "the procedure's own rule needs only {own}; the law needs {needed}: the stricter law "
        "prevails",
    ),
    "procedure": _(
        "the procedure's own rule needs {own}, more than the law's {needed}: the procedure's "
        "stricter rule prevails",
    ),
    "both": _("the procedure's rule and the law both need {needed}"),
    "each": _(
        "the procedure's own rule needs {own} yes votes of all who vote, the law {needed} yes "
        "votes of villager representatives: they count different votes, so each must be met",
    ),
}


def _binding(own: Requirement, fact: str, needed: int) -> dict[str, Any]:
    """Which of the procedure's own approval (its requirement ``own``) and the law (``needed``
    of ``fact``) needs more, for the verdict: compared only when both count the same votes.
    At a representatives' meeting the law counts the villager representatives' yes votes and
    the procedure every yes vote: 11 of each are not the same need, so both bind (``each``).

    >>> _binding(Requirement("yes", 21, 11), "representative_yes", 11)
    {'own_needed': 11, 'binding': 'each'}
    >>> _binding(Requirement("yes", 31, 16), "yes", 21)
    {'own_needed': 16, 'binding': 'regime'}
    """
    if own.count != fact:
        binding = "each"
    else:
        binding = ("regime" if needed > own.needed else
                   "procedure" if own.needed > needed else "both")
    return {"own_needed": own.needed, "binding": binding}


def _basis_of(reg: Regime) -> Text:
    assert reg.reserved_basis is not None
    return reg.reserved_basis.text()


def _reserved_line(lang: str, kind: str, reg: Regime) -> str:
    line = _(
        "{kind} is reserved to the member assembly; a representatives' body may not decide it "
        "({basis})",
    )
    return line.get(lang).format(kind=kind_label(kind).get(lang), basis=_basis_of(reg).get(lang))


def notice_days(rules: Iterable[Rule]) -> int:
    """The notice a meeting with ``rules`` is sure to be called with (0: no ``notice-period``),
    as :func:`admission` compares it with a regime's ``assembly_notice_days``: every rule must
    hold, so the longest each guarantees (:meth:`Rule.notice_days`; inside an ``all-of`` too,
    while an ``any-of`` guarantees only its shortest branch)."""
    return max((r.notice_days() for r in rules), default=0)


def admission(kind: str, on: _dt.date | None,
              stages: Sequence[tuple[MatterRegime | None, bool, int]]) -> Text | None:
    """Why a case of ``kind`` opened on ``on`` cannot go through a procedure whose meeting
    stages have these (regime rule, is a representative body, :func:`notice_days`) triples;
    ``None`` when it can.

    A kind a regime binds needs a stage applying that regime, a reserved kind may not be
    decided by a representative body, and a full assembly deciding it is called with at least
    the notice the regime requires (农村集体经济组织法: 10 days ahead).
    """
    hit = bound(kind, on)
    if hit is None:
        return None
    reg, binding = hit
    applying = [(rep, days) for rule, rep, days in stages
                if rule is not None and reg.id in rule.regimes]
    cited = binding.basis.text(on)
    if not applying:
        return Triple(*(_unregulated_line(lang, kind, reg, cited) for lang in LANGS))
    if binding.reserved and any(rep for rep, _days in applying):
        return Triple(*(_reserved_line(lang, kind, reg) for lang in LANGS))
    need = reg.assembly_notice_days
    short = [days for rep, days in applying if not rep and days < need]
    if short:
        given = min(short)
        line = (_("a {kind} is decided by a member assembly called at least {need} day(s) ahead "
                  "with its time, place and agenda ({cite}); this procedure's assembly is "
                  "called with no notice period") if given == 0 else
                _("a {kind} is decided by a member assembly called at least {need} day(s) ahead "
                  "with its time, place and agenda ({cite}); this procedure's assembly is "
                  "called only {given} day(s) ahead"))
        return line.format(kind=kind_label(kind), need=need, cite=cited, given=given)
    return None


def _unregulated_line(lang: str, kind: str, reg: Regime, cited: Text) -> str:
    line = _(
        "a {kind} needs {rule} under {cite}; this procedure does not apply it, so the matter "
        "cannot be decided under the general majority rule",
    )
    return line.get(lang).format(kind=kind_label(kind).get(lang), cite=cited.get(lang),
                                 rule=reg.text.get(lang))


# the authority's decisions that grant what it was asked for
GRANTED: Final = {"approved": "approval", "filed": "filing"}


def missing_approvals(kind: str, on: _dt.date | None, granted: Collection[tuple[str, str]]
                      ) -> tuple[Approval, ...]:
    """The approvals above the village the law requires for a case of ``kind`` opened on
    ``on`` that are not among ``granted`` (``(authority, asks)`` pairs recorded in the case).

    >>> missing_approvals("plot-adjustment", None, {("township-government", "approval")})
    (Approval(authority='county-agriculture', asks='approval'),)
    >>> missing_approvals("ordinary-major-matter", None, ())
    ()
    """
    hit = bound(kind, on)
    if hit is None:
        return ()
    return tuple(a for a in hit[1].approvals if (a.authority, a.asks) not in granted)


def unapproved(kind: str, on: _dt.date | None, missing: Sequence[Approval]) -> Text:
    """Why a case of ``kind`` may not be adopted while the ``missing`` approvals are not
    recorded, citing the article by the version of the law in force on ``on``."""
    hit = bound(kind, on)
    assert hit is not None and missing  # only a bound kind lacks approvals
    binding = hit[1]
    required = binding.approvals_text()
    assert required is not None
    lacking = series(_("{authority} ({asks})").format(
        authority=authority_in_sentence(a.authority), asks=ASK_LABELS[a.asks]) for a in missing)
    return _(
        "the matter ({kind}) cannot be adopted yet: under {cite} {required}; no such decision "
        "is recorded from {missing}",
    ).format(kind=kind_label(kind), cite=binding.basis.text(on), required=required,
             missing=lacking)


rule_type(
    MatterRegime, name=RULE, label=_("vote required by a stricter law"),
    description="The legal regimes (rules/law.yaml) the resolving meeting applies: a matter of a "
                "kind a regime binds passes only when the regime's threshold (on all members; "
                "at a representatives' meeting on all villager representatives, counting only "
                "their yes votes) holds as well as the procedure's own approval.",
    params=(Param("regimes", "list", choices=tuple(REGIMES),
                  description="regime ids, e.g. [land-contracting]"),
            Param("kinds", "list", required=False, default=(), choices=tuple(KINDS),
                  description="further matter kinds decided under the procedure's own rule")),
    actions=(ActionKind.MEETING,), effect=Effect.REJECTED)


__all__ = ["GRANTED", "MEMBERS", "REPRESENTATIVES", "RULE", "MatterRegime", "admission", "bound",
           "missing_approvals", "notice_days", "unapproved"]
