"""The offices a roster may name (the column ``offices``): who holds which post in the village.

A procedure names an office-holder by role — as a body (``members: [party-secretary]``), as the
observer a meeting needs, or as the one who must sign — through the roster selector of the same
name (:data:`deliberation.roster.model.SELECTORS`). The vocabulary is closed: an office the
roster does not know is an error with a did-you-mean hint.

>>> OFFICE_LABELS["party-secretary"].get("zh-Hans")
'村党组织书记'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from deliberation.i18n import Text, _

OFFICE_LABELS: Final[Mapping[str, Text]] = {
    "party-secretary": _("secretary of the village Party organisation"),
    "committee-chair": _("chair of the villagers' committee"),
    "supervision-chair": _("chair of the supervision committee"),
    "accountant": _("village accountant"),
    "cashier": _("village cashier"),
    "group-leader": _("villagers' group leader"),
    "collective-chair": _("chair of the collective economic organisation's council"),
}
OFFICES: Final = tuple(OFFICE_LABELS)
