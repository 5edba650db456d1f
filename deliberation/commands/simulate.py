"""``deliberation simulate`` and ``deliberation compare``: Monte Carlo runs from the shell.

    $ deliberation simulate six-deliberations-guzhuang --runs 100000 --seed 1 \\
          --set party_away_share=0.5 --set refuse_sign=0.001 --out runs.parquet
    $ deliberation simulate four-deliberations --sweep party_away_share=0,0.33,0.5,0.67 \\
          --plot adoption.png
    $ deliberation compare four-deliberations six-deliberations-guzhuang --runs 50000 \\
          --setting party-assembly-quorum-ratio=2/3 --backend process --workers 2

Prints P(adopted) with its 95% interval, days to decision and where failed cases ended; writes
the one-row-per-run table (``--out``: .csv or .parquet) and figures (``--plot``: .png or .svg).
Needs the ``sim`` extra (``pip install deliberation[sim]``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from deliberation.cliparse import N_
from deliberation.commands._library import add_command
from deliberation.diagnostics import closest
from deliberation.errors import DeliberationError
from deliberation.i18n import DEFAULT_LANG, LANGS, Text, _, as_written, quoted

if TYPE_CHECKING:
    from deliberation.definition.model import Procedure


class SimulateInputError(DeliberationError):
    """A bad option value for simulate/compare; the message says which and why."""


def register(subparsers: Any) -> None:
    sim = add_command(subparsers, "simulate", run_simulate,
                      description=N_("Simulate cases of a procedure (an id or a .yaml file) in a "
                                     "simulated village; print P(adopted), days to decision and "
                                     "failures by stage."))
    sim.add_argument("procedure", metavar="ID|FILE", help=N_("procedure id or .yaml file"))
    _common(sim)
    cmp = add_command(subparsers, "compare", run_compare,
                      description=N_("Compare procedures on the same simulated villages and random "
                                     "numbers."))
    cmp.add_argument("procedures", metavar="ID|FILE", nargs="+",
                     help=N_("procedure ids or .yaml files"))
    _common(cmp)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs", type=int, default=10_000, help=N_("runs per procedure and point"))
    p.add_argument("--seed", type=int, default=0,
                   help=N_("random seed (default %(default)s): the same seed gives the same runs"))
    p.add_argument("--set", dest="params", action="append", default=[], metavar="NAME=VALUE",
                   help=N_("a village/behaviour parameter, e.g. party_away_share=0.5 or "
                           "attendance_by_body=villagers-meeting:0.6 (see docs/simulation.md)"))
    p.add_argument("--setting", dest="settings", action="append", default=[],
                   metavar="ID=VALUE", help=N_("a procedure setting, e.g. "
                   "party-assembly-quorum-ratio=2/3 or consultation-proxies=true"))
    p.add_argument("--sweep", action="append", default=[], metavar="NAME=V1,V2,…",
                   help=N_("sweep a parameter or a procedure setting over values, e.g. "
                   "party-assembly-quorum-ratio=1/2,2/3 (repeat for a cartesian grid; every "
                   "cell on the same seeds)"))
    p.add_argument("--roster", metavar="FILE", help=N_("simulate this village: a roster file "
                   "(.csv / .yaml, docs/roster.md) instead of the generated counts"))
    p.add_argument("--path", choices=("vectorised", "engine"), default="vectorised",
                   help=N_("vectorised (default, fast) or engine (every case acted out by the "
                           "engine)"))
    p.add_argument("--backend", choices=("serial", "process", "dask"), default="serial",
                   help=N_("where the runs are computed: serial (default), process (local "
                           "processes) or dask (a Dask cluster)"))
    p.add_argument("--workers", type=int, default=1,
                   help=N_("processes with --backend process, or a local Dask cluster's workers "
                           "with --backend dask (default %(default)s)"))
    p.add_argument("--address", help=N_("a Dask scheduler address (with --backend dask)"))
    p.add_argument("--chunk-size", type=int, help=N_("runs per chunk (fixed: results do not "
                   "depend on the number of workers)"))
    p.add_argument("--ci-width", type=float, help=N_("simulate: keep sampling until the 95%% "
                   "interval of P(adopted) is narrower than this"))
    p.add_argument("--out", help=N_("write the runs to a .csv or .parquet file"))
    p.add_argument("--summary-out", help=N_("write the summary to a .csv or .parquet file"))
    p.add_argument("--stages-out", help=N_("write the per-stage table (one row per stage visit: "
                   "every meeting held, consultation, disclosure…) to a .csv or .parquet file"))
    p.add_argument("--plot", help=N_("write figures: FILE.png / FILE.svg (P(adopted) against the "
                   "first swept parameter, or days to decision) and FILE-failures.png"))
    p.add_argument("--progress", action="store_true", help=N_("a progress line on stderr"))
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=N_("language of labels and messages (default zh-Hans)"))


# -- parsing values ------------------------------------------------------------------------


def _bad(text: Text) -> SimulateInputError:
    return SimulateInputError(text)


def parse_value(name: str, text: str) -> Any:
    """A parameter value from the command line, by the field's type in SimParams."""
    from deliberation.simulation.params import SimParams

    fields = {f.name: f for f in attrs.fields(SimParams)}
    if name not in fields:
        raise _unknown(name, fields, ())
    default = fields[name].default
    raw = text.strip()
    try:
        if name in ("attendance_by_body", "support_by_body", "support_by_item"):
            pairs = [item.split(":", 1) for item in raw.split(";") if item.strip()]
            return {k.strip(): float(v) for k, v in pairs}
        if raw.lower() in ("none", "null"):
            return None
        if name == "roster_file":  # a path, as with --roster
            return raw
        if isinstance(default, bool) or name in ("proxies", "away_excused"):
            return _bool(raw)
        if (isinstance(default, int) and not isinstance(default, bool)) or (
                str(fields[name].type) == "int | None"):  # a count that may be left to a rule
            return int(raw)
        if isinstance(default, str):  # a word, e.g. the matter's kind
            return raw
        if "/" in raw:  # a fraction such as 2/3 for a share
            num, den = raw.split("/", 1)
            return int(num) / int(den)
        return float(raw)
    except (ValueError, TypeError):
        raise _bad(_("invalid value {text} for {name}").format(
            text=quoted(text), name=as_written(name))) from None


def _unknown(name: str, fields: Iterable[str], settings: Iterable[str]) -> SimulateInputError:
    """An unknown parameter or setting name, with the nearest one (or every one) named."""
    choices = sorted({*fields, *settings} - {"settings"})
    near = closest(name, choices)
    if near is not None:
        return SimulateInputError(_(
            "unknown parameter or setting {name!r}; did you mean {near!r}?",
        ).format(name=name, near=near))
    known = ", ".join(choices)
    return SimulateInputError(_(
        "unknown parameter or setting {name!r}; known: {known}",
    ).format(name=name, known=known))


def resolve_name(name: str, procedures: Sequence[Procedure]) -> str:
    """A ``--set``/``--sweep`` name as a grid key: a SimParams field as is, a setting of one
    of the procedures (``party-assembly-quorum-ratio`` or ``settings.…``) as ``settings.<id>``.

    >>> from deliberation import load_procedure
    >>> four = [load_procedure("four-deliberations")]
    >>> resolve_name("support", four), resolve_name("party-assembly-quorum-ratio", four)
    ('support', 'settings.party-assembly-quorum-ratio')
    """
    from deliberation.simulation.params import SETTING_PREFIX, SimParams

    fields = [f.name for f in attrs.fields(SimParams) if f.name != "settings"]
    if name in fields:
        return name
    bare = name.removeprefix(SETTING_PREFIX)
    known = {k for p in procedures for k in p.settings}
    if bare in known:
        return SETTING_PREFIX + bare
    raise _unknown(name, fields, known)


def _bool(raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on", "是"):
        return True
    if low in ("0", "false", "no", "off", "否"):
        return False
    raise ValueError(raw)


def _setting_value(raw: str) -> Any:
    low = raw.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if raw.strip().lstrip("-").isdigit():
        return int(raw)
    return raw.strip()  # fractions (2/3), comparisons (>=) and choices stay text


def _pairs(items: list[str], what: str) -> list[tuple[str, str]]:
    out = []
    for item in items:
        if "=" not in item:
            raise _bad(_("{what} must be NAME=VALUE, not {item}").format(
                what=as_written(what), item=quoted(item)))
        k, v = item.split("=", 1)
        out.append((k.strip(), v))
    return out


def _grid_value(key: str, text: str) -> Any:
    from deliberation.simulation.params import SETTING_PREFIX

    if key.startswith(SETTING_PREFIX):
        return _setting_value(text)
    return parse_value(key, text)


def build_params(args: argparse.Namespace, procedures: Sequence[Procedure] = ()) -> Any:
    """The scenario of ``--set`` (parameters, or settings of ``procedures``), ``--setting``
    and ``--roster``."""
    from deliberation.simulation.params import SETTING_PREFIX, SimParams

    values: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    for name, text in _pairs(args.params, "--set"):
        key = resolve_name(name, procedures) if procedures else name
        if key.startswith(SETTING_PREFIX):
            settings[key.removeprefix(SETTING_PREFIX)] = _setting_value(text)
        else:
            values[key] = parse_value(key, text)
    settings |= {k: _setting_value(v) for k, v in _pairs(args.settings, "--setting")}
    values["settings"] = settings
    if getattr(args, "roster", None):
        values["roster_file"] = args.roster
    try:
        return SimParams(**values)
    except (ValueError, TypeError) as err:
        raise _bad(_("invalid parameters: {err}").format(err=err)) from None


def build_grid(args: argparse.Namespace,
               procedures: Sequence[Procedure] = ()) -> dict[str, list[Any]]:
    """``--sweep NAME=V1,V2`` as a grid; a setting's name becomes ``settings.<id>``."""
    grid: dict[str, list[Any]] = {}
    for name, text in _pairs(args.sweep, "--sweep"):
        key = resolve_name(name, procedures) if procedures else name
        grid[key] = [_grid_value(key, x) for x in text.split(",") if x.strip()]
    return grid


# -- running -------------------------------------------------------------------------------


def run_simulate(args: argparse.Namespace) -> int:
    return _run(args, [args.procedure])


def run_compare(args: argparse.Namespace) -> int:
    return _run(args, list(args.procedures))


def _run(args: argparse.Namespace, refs: list[str]) -> int:
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError:
        raise _bad(_("simulation needs the sim extra: pip install 'deliberation[sim]'")) from None
    from deliberation.definition.loader import load_procedure
    from deliberation.simulation import simulate, simulate_stages, sweep, sweep_stages
    from deliberation.simulation.io import write_table

    if args.runs < 1 or args.workers < 1 or (args.chunk_size is not None and args.chunk_size < 1):
        raise _bad(_("--runs, --workers and --chunk-size must be positive"))
    if args.ci_width is not None and not 0 < args.ci_width <= 1:
        # nan, inf, 0 or a negative width can never be met: sampling would run to the cap.
        raise _bad(_("--ci-width must be above 0 and at most 1, not {value}").format(
            value=args.ci_width))
    _check_suffixes(args)
    procedures = [load_procedure(r) for r in refs]
    params = build_params(args, procedures)
    grid = build_grid(args, procedures)
    # The village first: a bad roster file reports every problem before anything runs.
    params.roster()
    options: dict[str, Any] = {
        "path": args.path, "chunk_size": args.chunk_size, "backend": args.backend,
        "workers": args.workers, "address": args.address, "progress": args.progress,
    }
    visits = None
    try:
        if len(procedures) == 1 and not grid:
            if args.stages_out:
                df, visits = simulate_stages(procedures[0], params, args.runs, args.seed,
                                             ci_width=args.ci_width, **options)
            else:
                df = simulate(procedures[0], params, args.runs, args.seed,
                              ci_width=args.ci_width, **options)
        elif args.stages_out:
            df, visits = sweep_stages(procedures, params, grid, args.runs, args.seed, **options)
        else:
            df = sweep(procedures, params, grid, args.runs, args.seed, **options)
    except DeliberationError:  # SimulationError, a setting the engine refuses…
        raise
    except (OSError, TimeoutError) as err:  # e.g. a Dask scheduler that cannot be reached
        raise _bad(_("cannot run: {err}").format(err=err)) from None
    except (ValueError, KeyError) as err:
        raise _bad(_("cannot simulate: {err}").format(err=err)) from None
    try:
        _report(df, list(grid), args, procedures)
        if visits is not None:
            print(f"{_heading('wrote', args.lang)} {write_table(visits, args.stages_out)}",
                  file=sys.stderr)
    except BrokenPipeError:
        raise  # the reader went away (| head): cli.main ends quietly
    except OSError as err:
        raise _bad(_("cannot write: {err}").format(err=err)) from None
    return 0


def _check_suffixes(args: argparse.Namespace) -> None:
    for opt, allowed in (("out", (".csv", ".parquet")), ("summary_out", (".csv", ".parquet")),
                         ("stages_out", (".csv", ".parquet")), ("plot", (".png", ".svg"))):
        value = getattr(args, opt)
        flag = "--" + opt.replace("_", "-")
        if value and Path(value).suffix.lower() not in allowed:
            kinds = " / ".join(allowed)
            raise _bad(_("{flag} must name a {kinds} file").format(
                flag=as_written(flag), kinds=kinds))
        if value and not _writable(Path(value)):
            # Refuse before simulating, so a long run is never lost to a bad path.
            raise _bad(_("{flag}: cannot write {value}").format(flag=as_written(flag),
                                                                 value=value))


def _writable(path: Path) -> bool:
    """Whether ``path`` can be created: its nearest existing ancestor is a writable folder."""
    import os

    here = path.resolve().parent
    while not here.exists():
        here = here.parent
    return here.is_dir() and os.access(here, os.W_OK)


HEADINGS = {
    "summary": _("P(adopted) and days to decision"),
    "failures": _("where the cases that were not adopted ended"),
    "wrote": _("wrote"),
    "days": _(
        "{adopted}: days to adoption, median over adopted runs only; "
        "{all}: days to any outcome (adopted, rejected, lapsed) over all runs",
    ),
}
# Console column names that say which runs a median is taken over.
CONSOLE_NAMES = {
    "days_adopted_median": "adopted_days_median",
    "days_q10": "all_days_q10",
    "days_q50": "all_days_median",
    "days_q90": "all_days_q90",
}


def _heading(key: str, lang: str) -> str:
    text: Text = HEADINGS[key]
    return text.get(lang)


def _report(df: Any, swept: list[str], args: argparse.Namespace,
            procedures: Sequence[Procedure] = ()) -> None:
    import pandas as pd

    from deliberation.simulation.io import write_table
    from deliberation.simulation.summary import failures, summarise
    from deliberation.simulation.words import ALL_DAYS, Names, column_label, localise, number

    by = ("procedure", *swept)
    summary = summarise(df, by)
    fails = failures(df, by)
    lang = args.lang
    names = Names(procedures, lang)
    # Chinese headers are full-width: pandas aligns them only when told to count them as two
    with pd.option_context("display.width", 160, "display.max_columns", 30,
                           "display.max_rows", 200,
                           "display.unicode.east_asian_width", lang != "en"):
        cols = [*by, "runs", "p_adopted", "ci_low", "ci_high", "days_adopted_median",
                "days_q10", "days_q50", "days_q90", "mean_reconvenings", "mean_revisions",
                "mean_consultation_rounds"]
        seed = _("(seed {seed})").format(seed=args.seed).get(lang)
        gap = " " if lang == "en" else ""  # the Chinese parenthesis is full-width
        print(f"== {_heading('summary', lang)}{gap}{seed}")
        # in English the medians' column ids say over which runs they are taken; in Chinese
        # their labels do
        shown = localise(summary[cols], names)
        if lang == "en":
            shown = shown.rename(columns=CONSOLE_NAMES)
        print(shown.to_string(index=False, float_format=number, na_rep="—"))
        # the note names the columns as the table heads them
        adopted, every = ("adopted_days_median", "all_days_q10/median/q90") if lang == "en" \
            else (column_label("days_adopted_median", lang), ALL_DAYS.get(lang))
        print(HEADINGS["days"].format(adopted=adopted, all=every).get(lang))
        print(f"\n== {_heading('failures', lang)}")
        # the same figures as the summary above: a swept value reads alike in both tables
        print(localise(fails.head(40), names).to_string(
            index=False, float_format=number, na_rep="—"))
    wrote = _heading("wrote", lang)
    if args.out:
        print(f"{wrote} {write_table(df, args.out)}", file=sys.stderr)
    if args.summary_out:
        print(f"{wrote} {write_table(summary, args.summary_out)}", file=sys.stderr)
    if args.plot:
        from deliberation.simulation.plots import plot_days, plot_failures, plot_sweep

        main = Path(args.plot)
        first = (plot_sweep(df, swept, main, lang, procedures=procedures) if swept
                 else plot_days(df, main, lang=lang, procedures=procedures))
        second = plot_failures(df, main.with_name(f"{main.stem}-failures{main.suffix}"), lang,
                               procedures)
        print(f"{wrote} {first}, {second}", file=sys.stderr)
