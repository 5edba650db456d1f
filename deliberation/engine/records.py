"""Records: the immutable, append-only account of everything that happened to a case.

Every accepted action appends one or more :class:`Record` s. The case state is a pure function of
its records: :meth:`deliberation.case.Case.replay` rebuilds it exactly. Records serialise to plain
JSON (:func:`record_to_json`) carrying :data:`SCHEMA_VERSION`, so an archive stays readable.

>>> from datetime import datetime, timezone
>>> s = Signature("v0001", "participant", "review/minutes",
...               datetime(2026, 3, 1, tzinfo=timezone.utc), "handwritten")
>>> r = Record(1, "c1", "meeting", datetime(2026, 3, 1, tzinfo=timezone.utc), "v0001",
...            "review", {"present": 30}, (s,))
>>> record_from_json(record_to_json(r)) == r
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, Literal

import attrs

from deliberation.frozen import FrozenDict, freeze, thaw
from deliberation.reprs import fields_repr

SCHEMA_VERSION: Final = 1

SignatureMethod = Literal["handwritten", "fingerprint", "proxy", "electronic"]
SIGNATURE_METHODS: Final = ("handwritten", "fingerprint", "proxy", "electronic")

# What a record says happened. Actions a person takes, and what the engine derived from them.
RECORD_KINDS: Final = (
    "opened",  # the case was opened: matter, procedure id/version, roster fingerprint, settings
    "motion",  # a written motion with its submitters
    "notice",  # a meeting was announced (starts the notice period)
    "circulated",  # the plan was circulated to participants (starts the circulation period)
    "meeting",  # a meeting was held: attendance, votes, signatures; its result routes the case
    "opinion",  # one villager's (or household's) opinion in a consultation, with signature
    "consultation-closed",  # the consultation was closed (coverage checked)
    "disclosure-posted",  # a disclosure was posted on a channel
    "disclosure-concluded",  # the disclosure period ended (rules checked)
    "objection",  # the supervision committee or a villager objected
    "answer",  # an objection was answered
    "villager-objection",  # a villager objected, signed, in a comment period
    "objection-reply",  # a villager's objection was answered (late answers flagged)
    "result-published",  # an earlier stage's result was published (per-stage disclosure)
    "withdrawn",  # the proposers withdrew the matter
    "lapsed",  # a deadline passed and the case lapsed
    "stage-skipped",  # a stage was merged away by a setting (e.g. 一肩挑)
    "note",  # free annotation by a clerk; never changes state
    "task",  # a handler completed, declined or could not solve a task (its result routes)
    "rating",  # one rater's signed rating (or ratings given as counts) in an evaluation
    "evaluation-closed",  # the evaluation was closed (satisfaction checked; routes the case)
    "examination",  # a gate's body examined the matter: checks met / not met, signed; routes
    "authority-decision",  # an authority approved, refused, filed or returned it (instrument)
)


def _check_method(_: Any, __: Any, value: str) -> None:
    if value not in SIGNATURE_METHODS:
        raise ValueError(f"signature method {value!r} is unknown; use one of {SIGNATURE_METHODS}")


@fields_repr
@attrs.frozen(repr=False)
class Signature:
    """A signature on a document: who, in what role, on what, when and how.

    ``method="proxy"`` needs ``on_behalf_of`` and ``authorisation`` (the written authorisation's
    reference), or the signature is refused.
    """

    signer: str
    role: str  # participant | submitter | witness | consulted | supervisor | clerk
    document: str
    at: datetime
    method: str = attrs.field(default="handwritten", validator=_check_method)
    on_behalf_of: str | None = None
    authorisation: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.method == "proxy" and not (self.on_behalf_of and self.authorisation):
            raise ValueError("a proxy signature needs on_behalf_of and a written authorisation")

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "signer": self.signer,
            "role": self.role,
            "document": self.document,
            "at": self.at.isoformat(),
            "method": self.method,
        }
        if self.on_behalf_of is not None:
            out["on_behalf_of"] = self.on_behalf_of
        if self.authorisation is not None:
            out["authorisation"] = self.authorisation
        return out

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Signature:
        return cls(
            signer=data["signer"],
            role=data["role"],
            document=data["document"],
            at=datetime.fromisoformat(data["at"]),
            method=data.get("method", "handwritten"),
            on_behalf_of=data.get("on_behalf_of"),
            authorisation=data.get("authorisation"),
        )


@fields_repr
@attrs.frozen(repr=False)
class Attachment:
    """Evidence carried by an action (scanned paper minutes, a photo of the notice board): the
    record holds what identifies the bytes — their SHA-256 (hex), media type and size — and the
    file name they came under; the bytes live beside the case in the store.

    >>> Attachment("minutes.pdf", "application/pdf", 3, "ab" * 32).to_data()["size"]
    3
    """

    name: str
    media_type: str
    size: int
    sha256: str

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "media_type": self.media_type, "size": self.size,
                "sha256": self.sha256}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(str(data["name"]), str(data["media_type"]), int(data["size"]),
                   str(data["sha256"]))


# A frozen class without slots, its ``__init__`` written here: it fills a new record's
# ``__dict__`` directly and converts only what is not in shape yet (the engine gives frozen data
# and tuples), where attrs' generated one calls a Python converter for each of four fields —
# every action makes a record.
_NO_DATA: Final = FrozenDict()


@fields_repr
@attrs.frozen(slots=False, init=False, repr=False)
class Record:
    """One entry in a case's log. ``seq`` is 1-based and gap-free within a case.

    ``data`` is JSON-shaped and frozen (mappings become read-only, lists become tuples; parts
    already frozen are kept, so a record built from frozen data costs no copy).
    ``result`` is what the engine concluded (e.g. ``{"route": "pass", "state": "review"}``);
    replay recomputes it and must find the same.
    """

    seq: int
    case_id: str
    kind: str
    at: datetime
    actor: str | None
    stage: str | None
    data: Mapping[str, Any] = _NO_DATA
    signatures: tuple[Signature, ...] = ()
    result: Mapping[str, Any] = _NO_DATA
    # The evidence the action carried (see Attachment); most records have none.
    attachments: tuple[Attachment, ...] = ()

    def __init__(self, seq: int, case_id: str, kind: str, at: datetime, actor: str | None,
                 stage: str | None, data: Mapping[str, Any] = _NO_DATA,
                 signatures: Iterable[Signature] = (), result: Mapping[str, Any] = _NO_DATA,
                 attachments: Iterable[Attachment] = ()) -> None:
        # (``freeze`` keeps a frozen mapping as it is, ``tuple`` a tuple: the checks only spare
        # the calls)
        d = self.__dict__
        d["seq"] = seq
        d["case_id"] = case_id
        d["kind"] = kind
        d["at"] = at
        d["actor"] = actor
        d["stage"] = stage
        d["data"] = data if type(data) is FrozenDict else freeze(data)
        d["signatures"] = signatures if type(signatures) is tuple else tuple(signatures)
        d["result"] = result if type(result) is FrozenDict else freeze(result)
        d["attachments"] = attachments if type(attachments) is tuple else tuple(attachments)

    def to_data(self) -> dict[str, Any]:
        out = self._to_data()
        if self.attachments:
            # Only when there are some: records without evidence keep the exact bytes (and so
            # the hashes) they had before attachments existed.
            out["attachments"] = [a.to_data() for a in self.attachments]
        return out

    def _to_data(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "seq": self.seq,
            "case": self.case_id,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "stage": self.stage,
            "data": thaw(self.data),
            "signatures": [s.to_data() for s in self.signatures],
            "result": thaw(self.result),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Record:
        schema = data.get("schema", SCHEMA_VERSION)
        if schema != SCHEMA_VERSION:
            raise ValueError(
                f"record schema {schema!r} is not readable by this version ({SCHEMA_VERSION})"
            )
        return cls(
            seq=int(data["seq"]),
            case_id=str(data["case"]),
            kind=str(data["kind"]),
            at=datetime.fromisoformat(data["at"]),
            actor=data.get("actor"),
            stage=data.get("stage"),
            data=data.get("data") or {},
            signatures=tuple(Signature.from_data(s) for s in data.get("signatures") or ()),
            result=data.get("result") or {},
            attachments=tuple(Attachment.from_data(a) for a in data.get("attachments") or ()),
        )


# The integers JSON carries exactly to every language (IEEE doubles): ±(2**53 - 1).
_SAFE_INT: Final = 2**53 - 1


def _plain_domain(value: Any) -> bool:
    """True when ``value`` holds only text, safe integers, booleans, null, lists and objects
    (no floats, which JCS writes the ECMAScript way). Raises for integers beyond ±2**53-1, which
    JSON cannot carry exactly to other languages. Iterative: rosters are thousands of nodes."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        v = pop()
        kind = type(v)
        if kind is str or kind is bool or v is None:
            continue
        if kind is dict or kind is FrozenDict:
            extend(v.values())
        elif kind is list or kind is tuple:
            extend(v)
        elif kind is int:
            if not -_SAFE_INT <= v <= _SAFE_INT:
                raise ValueError(f"{v} is beyond the integers JSON carries exactly (±2**53-1)")
        elif isinstance(v, dict):  # another mapping of text keys (a rule's verdict in a result)
            extend(v.values())
        else:
            return False
    return True


def canonical_json(data: Any) -> str:
    """The one byte-stable JSON form used for hashing: RFC 8785, the JSON Canonicalization
    Scheme (sorted keys, no spaces, UTF-8, numbers as ECMAScript writes them). See
    ``docs/records.md`` for the hash recipe built on it.

    >>> canonical_json({"b": [1, True, None], "a": "议"})
    '{"a":"议","b":[1,true,null]}'
    >>> canonical_json({"x": 1.5e21})
    '{"x":1.5e+21}'
    """
    if _plain_domain(data):
        # Records, rosters and headers live here: the C encoder gives the JCS bytes, fast —
        # unless a character beyond the BMP could be in a key (JCS sorts keys by UTF-16 code
        # units, Python by code points).
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if text.isascii() or max(text) < "\U00010000":
            return text
    import rfc8785  # (lazy: start-up speed; only text beyond the BMP comes here)

    return rfc8785.dumps(data).decode("utf-8")


def record_to_json(record: Record) -> str:
    return canonical_json(record.to_data())


def record_from_json(text: str) -> Record:
    return Record.from_data(json.loads(text))


def fingerprint(data: Any) -> str:
    """``sha256:`` hex digest of ``data``'s canonical JSON (rosters, settings)."""
    return "sha256:" + hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
