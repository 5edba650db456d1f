"""One ``__repr__`` for the data classes, instead of one compiled per class.

``attrs`` writes each class's ``__repr__`` as Python source and compiles it when the class is
made; for the data classes every command imports, that compiling is a measurable part of
start-up (about a million instructions a class). :func:`fields_repr` gives a class made with
``repr=False`` the repr ``attrs`` would have written — ``Name(field=value, ...)``, each field
shown with ``repr()`` (or its own ``repr=``), those with ``repr=False`` left out, ``...`` for
an object already being shown — read from the class's fields when an object is shown.

>>> import attrs
>>> @fields_repr
... @attrs.frozen(repr=False)
... class Point:
...     x: int
...     label: str = attrs.field(default="", repr=False)
>>> Point(1, "a")
Point(x=1)
"""

from __future__ import annotations

import threading
from typing import Any, Final, TypeVar

from attrs import NOTHING

_T = TypeVar("_T")
# the objects being shown in this thread (an object that holds itself shows as ``...``)
_SHOWING: Final = threading.local()


def _repr(self: Any) -> str:
    showing: set[int] | None = getattr(_SHOWING, "ids", None)
    if showing is None:
        showing = _SHOWING.ids = set()
    if id(self) in showing:
        return "..."
    showing.add(id(self))
    try:
        shown = ", ".join(
            f"{a.name}={(repr if a.repr is True else a.repr)(getattr(self, a.name, NOTHING))}"
            for a in type(self).__attrs_attrs__ if a.repr)
        return f"{type(self).__qualname__.rsplit('>.', 1)[-1]}({shown})"
    finally:
        showing.discard(id(self))


def fields_repr(cls: type[_T]) -> type[_T]:
    """Give ``cls`` (an ``attrs`` class made with ``repr=False``) the shared ``__repr__``."""
    cls.__repr__ = _repr  # type: ignore[method-assign]
    return cls
