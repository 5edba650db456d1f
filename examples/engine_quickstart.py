"""The case engine in a few lines: open a case, act, see refusals, explain, replay.

    python examples/engine_quickstart.py
"""

from __future__ import annotations

from deliberation import Case, Roster, RuleViolation, load_procedure
from deliberation.engine.clock import ManualClock


def main() -> None:
    procedure = load_procedure("six-deliberations-guzhuang")
    roster = Roster.generate()  # 固庄村: 365 households, 847 people, 45 Party members
    clock = ManualClock()
    case = Case.open(procedure, roster, matter="修建村东道路", clock=clock)

    case.submit_motion("村东道路雨天泥泞,提议硬化", ["v0600", "v0601"])
    case.hold_meeting(present=5, yes=5)  # 提议: branch committee (counts)
    case.hold_meeting(present=6, yes=6)  # 商议: the two committees
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(present=40, yes=38, no=2, witnesses=1)  # 审议: Party assembly
    case.record_opinions(677)  # 民议: one adult villager still to sign

    try:
        case.hold_meeting(present=30, yes=28, witnesses=1)
    except RuleViolation as err:
        print("refused:", err.rule, err.numbers["count"], "of", err.numbers["total"])
        print(case.explain("en"))

    case.record_opinions(1)
    case.hold_meeting(present=30, yes=28, witnesses=1)  # closes the consultation, then votes
    print(case.state, case.version)

    again = Case.replay(procedure, roster, case.records)
    assert again.state == case.state
    print("replayed:", again.state)


if __name__ == "__main__":
    main()
