"""Time to write a case's register as HTML and as PDF, beside writing its JSON archive (the
baseline, measured in the same run): the register is drawn from that archive.

The case is 六议两公开 in a 固庄-sized village with named villagers, every meeting's attendance
by name and 678 signed opinions (``--adults 1000`` for a larger consultation). Each figure is
the median of ``--runs`` runs.

    python benchmarks/register.py
    python benchmarks/register.py --adults 1000 --runs 3

Numbers on a shared machine are indicative only.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The named road case is the register tests' fixture; one builder serves both.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import register_support as support
from pypdf import PdfReader

from deliberation import Roster
from deliberation.store import open_store
from deliberation.store.archive import archive_data, archive_json
from deliberation.store.cases import save_case
from deliberation.store.register_html import register_html
from deliberation.store.register_pdf import register_pdf


def _median(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--adults", type=int, default=None,
                        help="adults to consult (default: the 固庄 roster's 678)")
    args = parser.parse_args()
    if args.adults is None:
        roster = Roster.generate()
    else:
        roster = Roster.generate(households=max(args.adults * 43 // 100, 1),
                                 people=args.adults * 13 // 10, adults=args.adults)
    case = support.road_case(support.named(roster), objection=False)
    with open_store("sqlite:///:memory:") as store:
        save_case(store, case)
        base, text = _median(lambda: archive_json(store, case.id), args.runs)
        data = archive_data(store, case.id)
    html_t, html = _median(lambda: register_html(data, lang="zh-Hans"), args.runs)
    pdf_t, pdf = _median(lambda: register_pdf(data, lang="zh-Hans"), args.runs)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    opinions = sum(1 for r in case.records if r.kind == "opinion")
    print(f"case: {case.version} records, {opinions} named opinions; median of {args.runs}")
    print(f"JSON archive (baseline)  {base * 1000:8.1f} ms  {len(text.encode()):>9,} bytes")
    print(f"register HTML from it    {html_t * 1000:8.1f} ms  {len(html.encode()):>9,} bytes"
          f"  {html_t / base:5.2f}× baseline")
    print(f"register PDF from it     {pdf_t * 1000:8.1f} ms  {len(pdf):>9,} bytes"
          f"  {pdf_t / base:5.2f}× baseline  {pages} A4 pages")


if __name__ == "__main__":
    main()
