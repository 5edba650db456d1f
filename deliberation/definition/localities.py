"""A procedure's locality in words: the keyword ``national`` and the places the built-in
procedures name, in the three languages; a place the package does not know is shown as the
file writes it.

A locality is written as places from the smallest to the largest, separated by commas
(``固庄村, 河底镇, 阳泉市郊区, 山西省``); each place is named on its own.

>>> locality_label("national").get("zh-Hant")
'全國'
>>> locality_label("固庄村, 河底镇, 阳泉市郊区, 山西省").get("en")
'Guzhuang Village, Hedi Town, Yangquan Suburban District, Shanxi Province'
>>> locality_label("北京市").get("en")
'北京市'
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import Rendered, Text, Triple, _

NATIONAL: Final = "national"

# Places the built-in procedures name (proper names: data in three languages, not catalog text).
PLACES: Final[dict[str, Triple]] = {
    "重庆市": Triple("重庆市", "重慶市", "Chongqing"),
    "山东省": Triple("山东省", "山東省", "Shandong Province"),
    "利津县": Triple("利津县", "利津縣", "Lijin County"),
    "东营市": Triple("东营市", "東營市", "Dongying City"),
    "固庄村": Triple("固庄村", "固莊村", "Guzhuang Village"),
    "河底镇": Triple("河底镇", "河底鎮", "Hedi Town"),
    "阳泉市郊区": Triple("阳泉市郊区", "陽泉市郊區", "Yangquan Suburban District"),
    "山西省": Triple("山西省", "山西省", "Shanxi Province"),
    "段南沟社区": Triple("段南沟社区", "段南溝社區", "Duannangou Community"),
    "临淄区": Triple("临淄区", "臨淄區", "Linzi District"),
    "淄博市": Triple("淄博市", "淄博市", "Zibo City"),
    "seed 003 county (unnamed)": Triple("原始报道 003 所述的县(未具名)",
                                        "原始報道 003 所述的縣(未具名)",
                                        "the county of source article 003 (unnamed)"),
}

_NATIONWIDE: Final = _("nationwide")
_SEP: Final = Triple("、", "、", ", ")


def locality_label(locality: str) -> Text:
    """``locality`` (a procedure's, as written) in each language."""
    if locality.strip() == NATIONAL:
        return _NATIONWIDE
    parts = [p.strip() for p in locality.split(",") if p.strip()]

    def render(lang: str) -> str:
        names = [PLACES[p].get(lang) if p in PLACES else p for p in parts]
        return _SEP.get(lang).join(names)

    return Rendered(render)
