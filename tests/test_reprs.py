"""The shared ``__repr__`` (deliberation.reprs) shows an object as attrs' own would."""

from __future__ import annotations

from typing import Any

import attrs

from deliberation.definition.model import Basis
from deliberation.i18n import Triple
from deliberation.reprs import fields_repr


@attrs.define
class _ByAttrs:
    n: int = attrs.field(default=0)
    hidden: str = attrs.field(default="", repr=False)
    items: tuple[int, ...] = attrs.field(default=(), repr=lambda v: f"<{len(v)}>")
    later: Any = attrs.field(init=False, default=None)


@fields_repr
@attrs.define(repr=False)
class _Shared:
    n: int = attrs.field(default=0)
    hidden: str = attrs.field(default="", repr=False)
    items: tuple[int, ...] = attrs.field(default=(), repr=lambda v: f"<{len(v)}>")
    later: Any = attrs.field(init=False, default=None)


def test_shown_as_attrs_shows_it() -> None:
    a, b = _ByAttrs(3, "x", (1, 2)), _Shared(3, "x", (1, 2))
    assert repr(b) == repr(a).replace("_ByAttrs", "_Shared")
    assert repr(b) == "_Shared(n=3, items=<2>, later=None)"


def test_an_object_that_holds_itself_shows_dots() -> None:
    a, b = _ByAttrs(), _Shared()
    a.later, b.later = [a], [b]
    assert repr(b) == repr(a).replace("_ByAttrs", "_Shared")
    assert repr(b) == "_Shared(n=0, items=<0>, later=[...])"
    assert repr(b) == repr(b)  # the guard is let go after each repr


def test_a_data_class_of_the_package() -> None:
    text = Triple("决议", "決議", "resolution")
    assert repr(Basis("b", text)) == (
        "Basis(id='b', title=Triple(zh_hans='决议', zh_hant='決議', en='resolution'), tag='law', "
        "article='', url='', law='')")
