"""What the readers of a procedure's parts share with the loader that calls them.

:class:`Reader` is the loader's small typed readers as the part modules (gates, items, groups)
see them: a protocol, so that no part module imports the loader (no import cycle). The
functions read the two containers a procedure file is made of — an ``id: …`` mapping and a list
— reporting a wrong container once (D202) with the caller's own words, and an ``id: name``
mapping (channels, authorities) whole.

>>> from deliberation.yamlsource import Reporter, read_yaml
>>> r = Reporter("x.yaml")
>>> [key for key, _k, _v in entries(r, read_yaml("a: 1\\nb: 2\\n", "x.yaml", r), "no map")]
['a', 'b']
>>> list(entries(r, read_yaml("[1]\\n", "x.yaml", r), "groups must map ids to groups"))
[]
>>> [d.code for d in r.diagnostics]
['D202']
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from deliberation.i18n import Text
from deliberation.yamlsource import Located, Reporter


class Reader(Protocol):
    """The loader's readers a part module calls (each reports its own problems)."""

    r: Reporter

    def keys(self, loc: Located, allowed: Sequence[str], what: Text | str) -> bool: ...

    def ident(self, loc: Located | None, what: Text | str) -> str | None: ...

    def text(self, loc: Located | None, what: Text | str) -> Text | None: ...

    def required(self, loc: Located, key: str, what: Text | str) -> Located | None: ...


def entries(r: Reporter, loc: Located, not_a_map: Text | str
            ) -> Iterator[tuple[str, Located, Located]]:
    """``(key, where the key is, its value)`` for each entry of the mapping at ``loc``; none,
    and a D202 saying ``not_a_map``, when ``loc`` is not a mapping."""
    if not loc.is_map:
        r.error("D202", not_a_map, loc)
        return iter(())
    return loc.items()


def elements(r: Reporter, loc: Located, not_a_list: Text | str) -> list[Located] | None:
    """The elements of the list at ``loc``; ``None``, and a D202 saying ``not_a_list``, when
    ``loc`` is not a list."""
    if not loc.is_seq:
        r.error("D202", not_a_list, loc)
        return None
    return list(loc.elements())


def names(b: Reader, loc: Located, not_a_map: Text | str, id_what: Text | str,
          name_what: Text | str) -> dict[str, Text]:
    """An ``id: {zh-Hans, zh-Hant, en}`` mapping (a procedure's own channels, authorities):
    the entries whose id and name are both good."""
    out: dict[str, Text] = {}
    for _key, k, v in entries(b.r, loc, not_a_map):
        ident = b.ident(k, id_what)
        name = b.text(v, name_what)
        if ident is not None and name is not None:
            out[ident] = name
    return out


__all__ = ["Reader", "elements", "entries", "names"]
