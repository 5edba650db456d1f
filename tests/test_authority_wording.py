"""Authorities above the village in English sentences take their article ("approved by the
township government"), wherever a sentence names them: the approvals a kind needs, the refusal
to adopt without them, and the lint finding of a route around them. The Chinese is unchanged."""

from __future__ import annotations

from pathlib import Path

from deliberation.definition.loader import check_text
from deliberation.i18n import Triple
from deliberation.rules.authorities import authority_in_sentence
from deliberation.rules.law import REGIMES, Approval
from deliberation.rules.regimes import unapproved

BROKEN = Path(__file__).parent / "broken" / "d416-approval-bypassed.yaml"


def test_the_approvals_a_kind_needs() -> None:
    outsiders = REGIMES["land-contracting"].kinds["contracting-to-outsiders"].approvals_text()
    assert outsiders is not None
    assert outsiders.get("en") == "it must also be approved by the township government"
    assert outsiders.get("zh-Hans") == "还须报乡(镇)人民政府批准"
    plots = REGIMES["land-contracting"].kinds["plot-adjustment"].approvals_text()
    assert plots is not None
    assert "approved by the township government, the county agricultural" in plots.get("en")


def test_the_refusal_to_adopt_without_them() -> None:
    text = unapproved("contracting-to-outsiders", None, [Approval("township-government")])
    assert "approved by the township government;" in text.get("en")
    assert "no such decision is recorded from the township government (approval)" \
        in text.get("en")
    assert "乡(镇)人民政府" in text.get("zh-Hans") and "the" not in text.get("zh-Hans")


def test_the_lint_finding_of_a_route_around_them() -> None:
    through = BROKEN.read_text(encoding="utf-8").replace("    skip_when: county-waived  # <--\n",
                                                         "")
    past = through.replace("    on: {returned: decide, rejected: rejected}\n  - id: county",
                           "    on: {returned: decide, rejected: rejected, pass: publish}\n"
                           "  - id: county", 1)
    (d,) = [d for d in check_text(past, "past.yaml")[1] if d.code == "D416"]
    assert "without the approval of the county agricultural" in d.message.get("en"), d.message


def test_a_name_that_has_its_article_keeps_one() -> None:
    extra = {"hedi": Triple("河底镇政府", "河底鎮政府", "The Hedi Town Government")}
    assert authority_in_sentence("hedi", extra).get("en") == "The Hedi Town Government"
    assert authority_in_sentence("hedi", extra).get("zh-Hant") == "河底鎮政府"
    assert authority_in_sentence("township-government").get("en") == "the township government"
