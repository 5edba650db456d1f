"""argparse's own words in the catalogs: the headings of its help, and its usage errors, read
back from the English it formats and said again in the reader's language.

argparse formats an error before the parser sees it (``argument --runs: invalid int value:
'many'``); :func:`localised` matches that text against argparse's templates and fills the
catalog message with the same values, a quoted value written as code in Chinese.

>>> localised("the following arguments are required: CASE, ACTION").get("zh-Hans")
'缺少必需的参数:`CASE`、`ACTION`'
>>> localised("argument --runs: invalid int value: 'many'").get("zh-Hant")
'參數 `--runs`:不是有效的整數:`many`'
>>> usage_error("deliberation", "unrecognized arguments: --bogus").get("en")
'deliberation: unrecognized arguments: --bogus (see deliberation --help)'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from typing import Final

from deliberation.diagnostics import closest
from deliberation.i18n import Text, Triple, _, _p, as_written, each_lang, quoted, series

_USAGE: Final = _p("command line", "usage:")

# argparse's words in its help (CPython 3.11 to 3.13), by their English.
_OWN_WORDS: Final[Mapping[str, Text]] = {
    "usage: ": each_lang(lambda lang: f"{_USAGE.get(lang)} "),
    "positional arguments": _p("command line", "positional arguments"),
    "options": _p("command line", "options"),
    "show this help message and exit": _p("command line", "show this help message and exit"),
    "show program's version number and exit": _p("command line",
                                                  "show program's version number and exit"),
}


def own_word(english: str) -> Text | None:
    """One of argparse's words in its help, in each language; ``None`` for words of ours.

    >>> own_word("options").get("zh-Hant"), own_word("language of messages")
    ('選項', None)
    """
    return _OWN_WORDS.get(english)


def usage_error(prog: str, message: str) -> Text:
    """The line a usage error prints: where, what (:func:`localised`), and where to read more."""
    return _("{prog}: {problem} (see {help})").format(
        prog=as_written(prog), problem=localised(message), help=as_written(f"{prog} --help"))


def _value(written: str) -> Text:
    """A value argparse quoted with ``%r``: so in English, as code in Chinese (the escapes of
    ``%r`` kept: a control character typed shows as its code in every language)."""
    inner = written[1:-1] if len(written) > 1 and written[0] == written[-1] in "'\"" else written
    return each_lang(lambda lang: written if lang == "en" else f"`{inner}`")


def _values(written: str) -> Text:
    """A list argparse joined with ``, `` (each quoted with ``%r``, as choices are up to Python
    3.13, or as written)."""
    return series(_value(w) if w[:1] in "'\"" else as_written(w) for w in written.split(", "))


def _options(written: str) -> Text:
    """Options argparse joined with spaces (an option string has none), listed as each
    language lists them (as argparse wrote them in English)."""
    listed = series(as_written(w) for w in written.split())
    return each_lang(lambda lang: written if lang == "en" else listed.get(lang))


def _choice(found: re.Match[str]) -> Text:
    """An invalid choice names the one meant, when one is close, instead of listing them all
    (the list stays when none is)."""
    value, choices = found["value"], [c.strip().strip("'") for c in found["choices"].split(",")]
    near = closest(str(_plain(value)), choices)
    if near is None:
        return _("invalid choice: {value} (choose from {choices})").format(
            value=_value(value), choices=_values(found["choices"]))
    return _("invalid choice: {value} (did you mean {near}?)").format(
        value=_value(value), near=quoted(near))


def _plain(written: str) -> object:
    try:
        return ast.literal_eval(written)
    except (ValueError, SyntaxError):
        return written


def _argument(found: re.Match[str]) -> Text:
    return _("argument {argument}: {problem}").format(
        argument=as_written(found["argument"]), problem=localised(found["problem"]))


def _fill(message: Text, **how: Callable[[str], Text]) -> Callable[[re.Match[str]], Text]:
    """``message`` with each named group of the match put in as ``how`` says."""
    return lambda found: message.format(**{k: f(found[k]) for k, f in how.items()})


# argparse's error templates (CPython 3.11 to 3.13), each as a pattern of the text it formats
# and the catalog message that says it; the first that matches the whole text wins.
_TEMPLATES: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Text]], ...]] = tuple(
    (re.compile(pattern, re.DOTALL), word) for pattern, word in (
        (r"the following arguments are required: (?P<arguments>.+)",
         _fill(_("the following arguments are required: {arguments}"), arguments=_values)),
        (r"unrecognized arguments: (?P<arguments>.*)",  # .*: an empty word typed ("")
         _fill(_("unrecognized arguments: {arguments}"), arguments=as_written)),
        (r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)", _choice),
        (r"invalid int value: (?P<value>.+)",
         _fill(_("invalid int value: {value}"), value=_value)),
        (r"invalid float value: (?P<value>.+)",
         _fill(_("invalid float value: {value}"), value=_value)),
        (r"invalid (?P<type>\S+) value: (?P<value>.+)",
         _fill(_("invalid {type} value: {value}"), type=as_written, value=_value)),
        (r"expected one argument", _fill(_("expected one argument"))),
        (r"expected at most one argument", _fill(_("expected at most one argument"))),
        (r"expected at least one argument", _fill(_("expected at least one argument"))),
        (r"expected (?P<count>\d+) argument", _fill(_("expected {count} argument"),
                                                    count=Triple.same)),
        (r"expected (?P<count>\d+) arguments", _fill(_("expected {count} arguments"),
                                                     count=Triple.same)),
        (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
         _fill(_("ambiguous option: {option} could match {matches}"), option=as_written,
               matches=_values)),
        (r"not allowed with argument (?P<argument>.+)",
         _fill(_("not allowed with argument {argument}"), argument=as_written)),
        (r"one of the arguments (?P<arguments>.+) is required",
         _fill(_("one of the arguments {arguments} is required"), arguments=_options)),
        (r"ignored explicit argument (?P<value>.+)",
         _fill(_("ignored explicit argument {value}"), value=_value)),
        # the command line's own: no command named
        (r"choose a COMMAND", _fill(_("choose a COMMAND"))),
        # ArgumentError's frame around any of the above, last: its argument's name comes first
        (r"argument (?P<argument>.+?): (?P<problem>.+)", _argument),
    ))


def localised(message: str) -> Text:
    """A usage error argparse formatted, in each language; a message of no known template (a
    type check's own, already in the reader's language) is kept as it is.

    >>> localised("argument COMMAND: invalid choice: 'shwo' (choose from 'show', 'list')").en
    "argument COMMAND: invalid choice: 'shwo' (did you mean 'show'?)"
    """
    for pattern, word in _TEMPLATES:
        found = pattern.fullmatch(message)
        if found is not None:
            return word(found)
    return each_lang(lambda lang: message)
