"""The roster's indexes agree with the selectors' plain definitions, and are built without
mutating the frozen roster after creation."""

from __future__ import annotations

import inspect

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deliberation.roster.model as model
from deliberation.roster import COMMITTEES, SELECTORS, Roster, RosterError, Villager

villagers = st.builds(
    Villager,
    id=st.just(""),
    household=st.sampled_from(["h1", "h2", "h3", "township"]),
    name=st.sampled_from(["", "王", "township-official"]),
    adult=st.booleans(),
    party=st.sampled_from(["none", "full", "probationary"]),
    representative=st.booleans(),
    committees=st.frozensets(st.sampled_from(COMMITTEES)),
    resident=st.booleans(),
    township=st.booleans(),
)


@st.composite
def rosters(draw: st.DrawFn) -> Roster:
    people = draw(st.lists(villagers, max_size=40))
    return Roster(tuple(attrs.evolve(v, id=f"p{i}") for i, v in enumerate(people)))


@settings(max_examples=200, deadline=None)
@given(rosters(), st.lists(st.sampled_from(sorted(SELECTORS)), max_size=4))
def test_select_count_households_agree_with_the_selectors(roster: Roster,
                                                          selectors: list[str]) -> None:
    plain = tuple(v for v in roster.villagers if any(SELECTORS[s](v) for s in selectors))
    assert roster.select(selectors) == plain
    assert roster.count(*selectors) == len(plain)
    assert roster.households_of(selectors) == len({v.household for v in plain})


@settings(max_examples=200, deadline=None)
@given(rosters(), st.lists(st.sampled_from(sorted(SELECTORS)), max_size=4),
       st.lists(st.sampled_from(sorted(SELECTORS)), max_size=2), st.booleans())
def test_select_unless_agrees_with_the_selectors(roster: Roster, selectors: list[str],
                                                 unless: list[str], grouped: bool) -> None:
    if grouped:  # an elected group named like a selector overrides it
        roster = roster.with_groups({"adult": [v.id for v in roster.villagers[::2]]})
    plain = tuple(v for v in roster.select(selectors) if not roster.matches(v, unless))
    assert roster.select_unless(selectors, unless) == plain


def test_unknown_selector_is_a_key_error_as_before() -> None:
    with pytest.raises(KeyError):
        Roster.generate().count("adults")


def test_duplicate_ids_are_refused_on_construction() -> None:
    v = Villager(id="a", household="h")
    with pytest.raises(RosterError, match="appears twice"):
        Roster((v, v))


def test_indexes_do_not_take_part_in_equality_or_hashing() -> None:
    a, b = Roster.generate(), Roster.generate()
    assert a == b and hash(a) == hash(b)
    assert a.get("v0001") == b.get("v0001")


def test_no_mutation_after_creation() -> None:
    # The roster builds its indexes as attrs factories; nothing writes to it once built.
    source = inspect.getsource(model)
    assert "object.__setattr__" not in source and "__attrs_post_init__" not in source
    roster = Roster.generate(households=3, people=5, party_members=1, representatives=1,
                             party_committee=1, villagers_committee=1, supervision_committee=1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        roster.villagers = ()  # type: ignore[misc]
