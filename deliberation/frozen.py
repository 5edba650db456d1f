"""Immutable JSON-shaped data: read-only mappings and tuples, frozen once, shared freely.

Records and rule verdicts hold data that must never change once made. :func:`freeze` turns
JSON-shaped data into :class:`FrozenDict` s and tuples; a value that is already frozen is returned
as it is, so freezing a result made of frozen parts costs only its new top level.

>>> d = freeze({"numbers": {"count": 3}, "channels": ["notice-board"]})
>>> d["numbers"]["count"], d["channels"]
(3, ('notice-board',))
>>> d["numbers"]["count"] = 4
Traceback (most recent call last):
...
TypeError: a frozen mapping cannot be changed
>>> import json; json.dumps(d, sort_keys=True)
'{"channels": ["notice-board"], "numbers": {"count": 3}}'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, NoReturn


class FrozenDict(dict[str, Any]):
    """A ``dict`` that refuses every change after it is made.

    A subclass of ``dict`` so that ``json`` writes it directly and lookups stay as fast as a
    dict's; its values must themselves be frozen (:func:`freeze` sees to that).
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a frozen mapping cannot be changed")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        # pickling would otherwise rebuild it item by item through __setitem__
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: kv[0])))


_SCALARS: Final = frozenset({str, int, bool, float, type(None)})
# the types of values that are frozen as they are (a tuple's checked at once, from C:
# ``_LEAVES.issuperset(map(type, values))``)
_LEAVES: Final = _SCALARS | {FrozenDict}


def freeze(value: Any) -> Any:
    """``value`` with every mapping a :class:`FrozenDict` and every list a tuple.

    Already-frozen parts (a :class:`FrozenDict`, a scalar) are kept as they are.
    """
    kind = type(value)
    if kind is FrozenDict or kind in _SCALARS:  # (a record's data and result: frozen already)
        return value
    if kind is dict or isinstance(value, Mapping):
        # text keys, frozen values (most actions' data): a copy. (A plain loop: an action's data
        # has a few items, and ``set.issuperset`` of an iterator builds a set of it first.)
        leaves = _LEAVES
        for k, v in value.items():
            if type(k) is not str or type(v) not in leaves:
                break
        else:
            return FrozenDict(value)
        scalars = _SCALARS
        return FrozenDict({k if type(k) is str else str(k):
                           v if type(v) in scalars else freeze(v) for k, v in value.items()})
    if kind is tuple:
        if _LEAVES.issuperset(map(type, value)):
            return value
        return tuple(freeze(v) for v in value)
    if kind is list or isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain ``dict`` s and ``list`` s again (for code that wants to change a copy)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value
