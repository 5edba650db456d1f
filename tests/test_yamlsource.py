"""Reading YAML with positions: what the checks find at their limits, and the values read.

The reader passes over a file's plain scalars (text, null, a flag) without walking them, and
locates a key only for a problem; these are the cases where that must change nothing.
"""

from __future__ import annotations

import pytest

from deliberation.yamlsource import MAX_DEPTH, MAX_EXPANDED, Located, Reporter, read_yaml


def _read(text: str) -> tuple[Located | None, list[tuple[str, int, int, str]]]:
    reporter = Reporter("f.yaml")
    root = read_yaml(text, "f.yaml", reporter)
    return root, [(d.code, d.line, d.column, d.message_in("en")) for d in reporter.diagnostics]


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("scalar", ["x", "~", "true", "7"], ids=["text", "null", "flag", "int"])
@pytest.mark.parametrize("shape", ["sequence", "mapping"])
def test_a_scalar_nested_at_the_depth_limit(depth: int, scalar: str, shape: str) -> None:
    # the scalar stands inside ``depth`` collections: at depth ``depth``
    if shape == "sequence":
        text = "[" * depth + scalar + "]" * depth + "\n"
    else:
        text = "{a: " * depth + scalar + "}" * depth + "\n"
    root, found = _read(text)
    if depth <= MAX_DEPTH:
        assert found == [] and root is not None
    else:
        column = (depth if shape == "sequence" else 4 * depth) + 1
        assert found == [("D101", 1, column, f"nested more than {MAX_DEPTH} levels deep")]
        assert root is None


def test_a_duplicate_key_names_the_line_of_the_first() -> None:
    _root, found = _read("a: 1\nb: x\n\na: 2\n")
    assert found == [("D104", 4, 1, "duplicate key 'a' (first on line 1)")]


def test_a_key_that_is_not_text_is_located_at_the_key() -> None:
    _root, found = _read("a: 1\n? [x]\n: 2\n")
    assert [(code, line, column) for code, line, column, _m in found] == [("D102", 2, 3)]


def test_an_aliased_bad_value_is_reported_once() -> None:
    _root, found = _read("a: &v !!int 0x_\nb: *v\nc: [*v, *v]\n")
    assert [(code, line) for code, line, _c, _m in found] == [("D101", 1)]


def test_values_are_what_the_yaml_constructor_gives() -> None:
    root, found = _read("a: '0x10'\nb: \"2026-01-01\"\nc: plain words\nd: 10\ne: !!str 10\n"
                        "f: ~\ng: yes\nh: [1, two]\n")
    assert found == [] and root is not None
    values = {key: v.value() for key, _k, v in root.items()}
    assert values == {"a": "0x10", "b": "2026-01-01", "c": "plain words", "d": 10, "e": "10",
                      "f": None, "g": True, "h": [1, "two"]}


@pytest.mark.parametrize("extra", [7, 8, 9])
def test_aliases_expanding_to_the_limit(extra: int) -> None:
    # The root (1), ``a`` and its list of 100 (1 + 101), ``b`` and 1,979 aliases of that list
    # (1 + 1 + 1,979 × 101), then ``extra`` entries of two values each: 199,984 + 2 × extra.
    text = ("a: &a [" + ", ".join(["x"] * 100) + "]\n"
            "b: [" + ", ".join(["*a"] * 1979) + "]\n"
            + "".join(f"c{i}: x\n" for i in range(extra)))
    size = 199_984 + 2 * extra
    _root, found = _read(text)
    if size <= MAX_EXPANDED:
        assert found == []
    else:  # at the root: no value in it is past the limit by itself
        assert [(code, line, column) for code, line, column, _m in found] == [("D101", 1, 1)]
