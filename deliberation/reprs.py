"""One ``__repr__``, ``__eq__`` and ``__hash__`` for the data classes, instead of one compiled
per class.

``attrs`` writes each class's methods as Python source and compiles them when the class is
made; for the data classes every command imports, that compiling is a measurable part of
start-up (about a million instructions a class for ``__repr__``, half that for ``__eq__`` and
``__hash__``). :func:`fields_repr` gives a class made with ``repr=False`` the repr ``attrs``
would have written — ``Name(field=value, ...)``, each field shown with ``repr()`` (or its own
``repr=``), those with ``repr=False`` left out, ``...`` for an object already being shown.
:func:`fields_methods` gives a frozen class made with ``repr=False, eq=False`` that repr and the
equality and hash ``attrs`` would have given it: equal when of the same class and equal field by
field (the fields with ``eq=True``), hashed on those fields.

>>> import attrs
>>> @fields_methods
... @attrs.frozen(repr=False, eq=False)
... class Point:
...     x: int
...     label: str = attrs.field(default="", repr=False, eq=False)
>>> Point(1, "a"), Point(1, "a") == Point(1, "b"), len({Point(1), Point(1, "b")})
(Point(x=1), True, 1)
"""

from __future__ import annotations

import operator
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


def fields_methods(cls: type[_T]) -> type[_T]:
    """Give ``cls`` (a frozen ``attrs`` class made with ``repr=False, eq=False``) the shared
    ``__repr__`` and the ``__eq__`` and ``__hash__`` ``attrs`` would have made."""
    fields = [a for a in cls.__attrs_attrs__  # type: ignore[attr-defined]
              if a.eq]
    if any(a.eq_key is not None for a in fields) or "__eq__" in cls.__dict__:
        raise TypeError(f"{cls.__qualname__}: fields_methods is for attrs' own equality")
    getters = tuple(operator.attrgetter(a.name) for a in fields)
    values = operator.attrgetter(*(a.name for a in fields)) if fields else (lambda _self: ())
    seed = hash(f"<fields_methods {cls.__module__}.{cls.__qualname__}>")

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        for get in getters:  # field by field with ``==``, as attrs compares
            if not get(self) == get(other):
                return False
        return True

    def __hash__(self: Any) -> int:
        return hash((seed, values(self)))

    cls.__eq__ = __eq__  # type: ignore[method-assign]
    cls.__hash__ = __hash__  # type: ignore[method-assign]
    return fields_repr(cls)
