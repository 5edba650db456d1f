"""PyYAML's own words in the catalogs: the problem and context of a YAML syntax error, read back
from the English the YAML reader wrote and said again in the reader's language.

PyYAML writes its errors in English from a finite set of templates: the pure-Python reader's
(``%r`` and ``%s`` filled in) and libyaml's, which the C loader uses. :func:`said` matches a
message against them and gives the catalog text with the same values, a quoted character or
name written as code in Chinese. English is always PyYAML's text exactly as it was written; a
message of no known template (a future PyYAML's) keeps its English, marked as such.

Loaded only when an error is being reported (start-up speed: see ``yamlsource.read_yaml``).

>>> said("mapping values are not allowed in this context").get("en")
'mapping values are not allowed in this context'
>>> said("found undefined alias 'x'").get("zh-Hans")
'别名 `x` 没有对应的锚点(`&名称` 要写在 `*名称` 之前)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

from deliberation.i18n import Text, _, _p, as_written, each_lang


def _code(written: str) -> Text:
    """A character or name PyYAML quoted with ``%r``: as written in English, as code (its
    escapes kept, so a tab shows as ``\\t``) in Chinese."""
    inner = written[1:-1] if len(written) > 1 and written[0] == written[-1] in "'\"" else written
    return each_lang(lambda lang: written if lang == "en" else f"`{inner}`")


# The parser's token names (yaml/tokens.py ``id``), said in words; a punctuation token is
# shown as itself.
_TOKENS: Final[Mapping[str, Text]] = {
    "<directive>": _p("YAML token", "<directive>"),
    "<document start>": _p("YAML token", "<document start>"),
    "<document end>": _p("YAML token", "<document end>"),
    "<stream start>": _p("YAML token", "<stream start>"),
    "<stream end>": _p("YAML token", "<stream end>"),
    "<block sequence start>": _p("YAML token", "<block sequence start>"),
    "<block mapping start>": _p("YAML token", "<block mapping start>"),
    "<block end>": _p("YAML token", "<block end>"),
    "<alias>": _p("YAML token", "<alias>"),
    "<anchor>": _p("YAML token", "<anchor>"),
    "<tag>": _p("YAML token", "<tag>"),
    "<scalar>": _p("YAML token", "<scalar>"),
    # a key, its colon and a list entry: said, as the file shows no "?" for a key
    "?": _p("YAML token", "?"),
    ":": _p("YAML token", ":"),
    "-": _p("YAML token", "-"),
}

# What a ``%s`` in a context names (scanner.py, parser.py).
_WHATS: Final[Mapping[str, Text]] = {
    "alias": _p("YAML", "alias"),
    "anchor": _p("YAML", "anchor"),
    "directive": _p("YAML", "directive"),
    "tag": _p("YAML", "tag"),
    "block": _p("YAML", "block"),
    "flow": _p("YAML", "flow"),
}


def _token(written: str) -> Text:
    """A token the parser found (``%r`` of its id): said in words, punctuation as code."""
    inner = written[1:-1] if len(written) > 1 else written
    token = _TOKENS.get(inner)
    return token.format() if token is not None else _code(written)


def _what(written: str) -> Text:
    word = _WHATS.get(written)
    return word if word is not None else as_written(written)


_FILL: Final[Mapping[str, Callable[[str], Text]]] = {"r": _code, "s": _what, "d": as_written}

# Every message PyYAML writes as a problem or context of a MarkedYAMLError: the pure-Python
# reader's templates (scanner.py, parser.py, composer.py of PyYAML 6.0, ``%r``/``%s``/``%d``
# as there) and libyaml's (0.2.5, used by the C loader; no values). Each with the catalog
# message that says it; its placeholders take the template's values in order. Braces in a
# message are doubled: every message is formatted.
_TEMPLATES: Final[tuple[tuple[str, Text], ...]] = (
    # -- the scanner (both readers)
    ("while scanning for the next token", _("while scanning for the next token")),
    ("found character %r that cannot start any token",
     _("found character {character} that cannot start any token")),
    ("found character that cannot start any token",
     _("found character that cannot start any token")),
    ("while scanning a simple key", _("while scanning a simple key")),
    ("could not find expected ':'", _("could not find expected ':'")),
    ("sequence entries are not allowed here", _("sequence entries are not allowed here")),
    ("block sequence entries are not allowed in this context",
     _("block sequence entries are not allowed in this context")),
    ("mapping keys are not allowed here", _("mapping keys are not allowed here")),
    ("mapping keys are not allowed in this context",
     _("mapping keys are not allowed in this context")),
    ("mapping values are not allowed here", _("mapping values are not allowed here")),
    ("mapping values are not allowed in this context",
     _("mapping values are not allowed in this context")),
    ("found a tab character that violates indentation",
     _("found a tab character that violates indentation")),
    ("found a tab character where an indentation space is expected",
     _("found a tab character where an indentation space is expected")),
    ("found unexpected ':'", _("found unexpected ':'")),
    ("while scanning a plain scalar", _("while scanning a plain scalar")),
    # directives (%YAML, %TAG)
    ("while scanning a directive", _("while scanning a directive")),
    ("while scanning a %YAML directive", _("while scanning a %YAML directive")),
    ("while scanning a %TAG directive", _("while scanning a %TAG directive")),
    ("while scanning a tag directive", _("while scanning a tag directive")),
    ("while parsing a %TAG directive", _("while parsing a %TAG directive")),
    ("while parsing a tag directive", _("while parsing a tag directive")),
    ("expected alphabetic or numeric character, but found %r",
     _("expected alphabetic or numeric character, but found {character}")),
    ("did not find expected alphabetic or numeric character",
     _("did not find expected alphabetic or numeric character")),
    ("expected a digit or '.', but found %r", _("expected a digit or '.', but found {character}")),
    ("did not find expected digit or '.' character",
     _("did not find expected digit or '.' character")),
    ("expected a digit or ' ', but found %r", _("expected a digit or ' ', but found {character}")),
    ("expected a digit, but found %r", _("expected a digit, but found {character}")),
    ("did not find expected version number", _("did not find expected version number")),
    ("found extremely long version number", _("found extremely long version number")),
    ("expected ' ', but found %r", _("expected ' ', but found {character}")),
    ("did not find expected whitespace", _("did not find expected whitespace")),
    ("did not find expected whitespace or line break",
     _("did not find expected whitespace or line break")),
    ("expected a comment or a line break, but found %r",
     _("expected a comment or a line break, but found {character}")),
    ("did not find expected comment or line break",
     _("did not find expected comment or line break")),
    ("could not find expected directive name", _("could not find expected directive name")),
    ("found unknown directive name", _("found unknown directive name")),
    ("found unexpected non-alphabetical character",
     _("found unexpected non-alphabetical character")),
    # anchors, aliases and tags
    ("while scanning an %s", _("while scanning an {what}")),
    ("while scanning an anchor", _("while scanning an anchor")),
    ("while scanning an alias", _("while scanning an alias")),
    ("while scanning a tag", _("while scanning a tag")),
    ("while parsing a tag", _("while parsing a tag")),
    ("while scanning a %s", _("while scanning a {what}")),
    ("while parsing a %s", _("while parsing a {what}")),
    ("expected '>', but found %r", _("expected '>', but found {character}")),
    ("did not find the expected '>'", _("did not find the expected '>'")),
    ("expected '!', but found %r", _("expected '!', but found {character}")),
    ("did not find expected '!'", _("did not find expected '!'")),
    ("expected URI, but found %r", _("expected URI, but found {character}")),
    ("did not find expected tag URI", _("did not find expected tag URI")),
    ("expected URI escape sequence of 2 hexadecimal numbers, but found %r",
     _("expected URI escape sequence of 2 hexadecimal numbers, but found {character}")),
    ("did not find URI escaped octet", _("did not find URI escaped octet")),
    ("found an incorrect leading UTF-8 octet", _("found an incorrect leading UTF-8 octet")),
    ("found an incorrect trailing UTF-8 octet", _("found an incorrect trailing UTF-8 octet")),
    # block scalars (| and >)
    ("while scanning a block scalar", _("while scanning a block scalar")),
    ("expected indentation indicator in the range 1-9, but found 0",
     _("expected indentation indicator in the range 1-9, but found 0")),
    ("found an indentation indicator equal to 0", _("found an indentation indicator equal to 0")),
    ("expected chomping or indentation indicators, but found %r",
     _("expected chomping or indentation indicators, but found {character}")),
    # quoted scalars
    ("while scanning a double-quoted scalar", _("while scanning a double-quoted scalar")),
    ("while scanning a quoted scalar", _("while scanning a quoted scalar")),
    ("while parsing a quoted scalar", _("while parsing a quoted scalar")),
    ("expected escape sequence of %d hexadecimal numbers, but found %r",
     _("expected escape sequence of {count} hexadecimal numbers, but found {character}")),
    ("did not find expected hexdecimal number", _("did not find expected hexdecimal number")),
    ("found invalid Unicode character escape code",
     _("found invalid Unicode character escape code")),
    ("found unknown escape character %r", _("found unknown escape character {character}")),
    ("found unknown escape character", _("found unknown escape character")),
    ("found unexpected end of stream", _("found unexpected end of stream")),
    ("found unexpected document separator", _("found unexpected document separator")),
    ("found unexpected document indicator", _("found unexpected document indicator")),
    # libyaml's nesting limits
    ("while increasing block level", _("while increasing block level")),
    ("while increasing flow level", _("while increasing flow level")),
    # -- the parser
    ("expected '<document start>', but found %r",
     _("expected '<document start>', but found {token}")),
    ("did not find expected <document start>", _("did not find expected <document start>")),
    ("did not find expected <stream-start>", _("did not find expected <stream-start>")),
    ("found duplicate YAML directive", _("found duplicate YAML directive")),
    ("found duplicate %YAML directive", _("found duplicate %YAML directive")),
    ("found incompatible YAML document (version 1.* is required)",
     _("found incompatible YAML document (version 1.* is required)")),
    ("found incompatible YAML document", _("found incompatible YAML document")),
    ("duplicate tag handle %r", _("duplicate tag handle {handle}")),
    ("found duplicate %TAG directive", _("found duplicate %TAG directive")),
    ("while parsing a node", _("while parsing a node")),
    ("found undefined tag handle %r", _("found undefined tag handle {handle}")),
    ("found undefined tag handle", _("found undefined tag handle")),
    ("while parsing a block node", _("while parsing a block node")),
    ("while parsing a flow node", _("while parsing a flow node")),
    ("while parsing a %s node", _("while parsing a {what} node")),
    ("expected the node content, but found %r", _("expected the node content, but found {token}")),
    ("did not find expected node content", _("did not find expected node content")),
    ("while parsing a block collection", _("while parsing a block collection")),
    ("did not find expected '-' indicator", _("did not find expected '-' indicator")),
    ("while parsing a block mapping", _("while parsing a block mapping")),
    ("did not find expected key", _("did not find expected key")),
    ("expected <block end>, but found %r", _("expected <block end>, but found {token}")),
    ("while parsing a flow sequence", _("while parsing a flow sequence")),
    ("expected ',' or ']', but got %r", _("expected ',' or ']', but got {token}")),
    ("did not find expected ',' or ']'", _("did not find expected ',' or ']'")),
    ("while parsing a flow mapping", _("while parsing a flow mapping")),
    ("expected ',' or '}', but got %r", _("expected ',' or '}}', but got {token}")),
    ("did not find expected ',' or '}'", _("did not find expected ',' or '}}'")),
    # -- the composer (PyYAML's, and the C loader's own words for the same)
    ("expected a single document in the stream", _("expected a single document in the stream")),
    ("but found another document", _("but found another document")),
    ("found undefined alias %r", _("found undefined alias {alias}")),
    ("found undefined alias", _("found undefined alias")),
    ("found duplicate anchor %r; first occurrence",
     _("found duplicate anchor {anchor}; first occurrence")),
    ("found duplicate anchor; first occurrence", _("found duplicate anchor; first occurrence")),
    ("second occurrence", _("second occurrence")),
    # -- the reader's reasons for refusing a character (PyYAML's, libyaml's)
    ("special characters are not allowed", _("special characters are not allowed")),
    ("control characters are not allowed", _("control characters are not allowed")),
)

_HOLE: Final = re.compile(r"%([rsd])")
_VALUE: Final[Mapping[str, str]] = {"r": r"('(?:[^']|'')*'|\"(?:[^\"\\]|\\.)*\")", "s": "(.+?)",
                                    "d": r"(\d+)"}


def _pattern(template: str) -> re.Pattern[str]:
    parts = _HOLE.split(template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else _VALUE[p]
                              for i, p in enumerate(parts)), re.DOTALL)


_FIXED: Final[Mapping[str, Text]] = {t: m for t, m in _TEMPLATES if "%" not in t.replace(
    "%YAML", "").replace("%TAG", "")}
_MATCHED: Final[tuple[tuple[str, re.Pattern[str], tuple[str, ...], Text], ...]] = tuple(
    (t, _pattern(t), tuple(_HOLE.findall(t)), m) for t, m in _TEMPLATES if t not in _FIXED)

# A PyYAML URI escape that is not UTF-8: the decoder's own message, said as libyaml says it.
_UNDECODABLE: Final = re.compile(r"'[\w-]+' codec can't decode .*", re.DOTALL)


def templates() -> tuple[str, ...]:
    """The PyYAML and libyaml templates :func:`said` knows, as PyYAML writes them."""
    return tuple(t for t, _m in _TEMPLATES)


def template_of(english: str) -> str | None:
    """The template PyYAML wrote ``english`` from, as PyYAML writes it; ``None`` when none is.

    >>> template_of("found undefined alias 'x'")
    'found undefined alias %r'
    """
    if english in _FIXED:
        return english
    for template, pattern, _kinds, _message in _MATCHED:
        if pattern.fullmatch(english):
            return template
    return None


def known(english: str) -> Text | None:
    """``english`` in each language when it is one of PyYAML's templates, else ``None``."""
    fixed = _FIXED.get(english)
    if fixed is not None:
        return fixed.format()
    for _template, pattern, kinds, message in _MATCHED:
        found = pattern.fullmatch(english)
        if found is not None:
            names = _placeholders(message.get("en"))
            return message.format(**{n: (_token if n == "token" else _FILL[k])(v)
                                     for n, k, v in zip(names, kinds, found.groups(), strict=True)})
    if _UNDECODABLE.fullmatch(english):
        return _("found an incorrect leading UTF-8 octet").format()
    return None


def _placeholders(msgid: str) -> list[str]:
    return re.findall(r"(?<!\{)\{(\w+)\}", msgid)


def said(english: str) -> Text:
    """A problem or context PyYAML wrote, in each language: English exactly as PyYAML wrote it;
    a message of no known template keeps its English, as code and marked as PyYAML's own.

    >>> said("did not find expected key").get("zh-Hant")[:8]
    '此處應為一個鍵('
    >>> said("a message of some later PyYAML").get("zh-Hans")
    '`a message of some later PyYAML`(YAML 解析器的英文原文)'
    """
    words = known(english)
    if words is None:
        words = _("{words} (the YAML reader's own words)").format(words=as_written(english))
    return each_lang(lambda lang: english if lang == "en" else words.get(lang))


def problem(problem: str, context: str | None) -> Text:
    """A syntax error's problem with its context (what the reader was doing), in each language;
    English as ``read_yaml`` always wrote it: ``problem (context)``."""
    if not context:
        return said(problem)
    return _("{problem} ({context})").format(problem=said(problem), context=said(context))


def reader_error(character: object, reason: str, english: str) -> Text:
    """A character the YAML reader refuses (a control character): ``english`` is PyYAML's
    text, kept for English."""
    code = f"#x{character:04x}" if isinstance(character, int) else str(character)
    words = _("unacceptable character {character}: {reason}").format(
        character=as_written(code), reason=said(reason))
    return each_lang(lambda lang: english if lang == "en" else words.get(lang))
