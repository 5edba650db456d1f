"""The store's versioned schema: ordered SQL steps, each applied once, noted in ``schema_version``.

A step is never edited after release; a change is a new step. Both backends get the same tables;
only the spelling differs (see :data:`MIGRATIONS`).

>>> [m.version for m in MIGRATIONS]
[1, 2, 3, 4, 5, 6, 7]
"""

from __future__ import annotations

from typing import Final, Literal

import attrs

from deliberation.reprs import fields_repr

Dialect = Literal["sqlite", "postgresql"]


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class Migration:
    """One schema step: its version, what it does, and its SQL per dialect."""

    version: int
    description: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]

    def statements(self, dialect: Dialect) -> tuple[str, ...]:
        return self.sqlite if dialect == "sqlite" else self.postgresql


_V1_COMMON: Final = (
    # Rosters are content-addressed: a roster shared by many cases is stored once.
    """CREATE TABLE rosters (
        fingerprint TEXT PRIMARY KEY,
        roster_json TEXT NOT NULL
    )""",
    # ``version`` and ``head_hash`` are the case's optimistic-concurrency token and chain head;
    # they are updated in the same transaction as the records they count.
    """CREATE TABLE cases (
        case_id TEXT PRIMARY KEY,
        procedure_id TEXT NOT NULL,
        procedure_version TEXT NOT NULL,
        roster_fingerprint TEXT NOT NULL REFERENCES rosters (fingerprint),
        matter TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        head_hash TEXT NOT NULL
    )""",
    # (case_id, seq) is the primary key: two writers can never both store seq n of one case.
    # action_id/index/size let verify() prove that every action's records are all present.
    """CREATE TABLE records (
        case_id TEXT NOT NULL REFERENCES cases (case_id),
        seq INTEGER NOT NULL,
        action_id TEXT NOT NULL,
        action_index INTEGER NOT NULL,
        action_size INTEGER NOT NULL,
        kind TEXT NOT NULL,
        record_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (case_id, seq)
    )""",
    "CREATE INDEX cases_by_procedure ON cases (procedure_id)",
)

# The columns of ``heads`` as version 2 made them. Version 3 rebuilds the table in SQLite and
# copies the rows column by column (``INSERT … SELECT``), so its table has these very columns,
# in this order: one list serves both steps, and the SQL of each is as it was released.
_HEADS_COLUMNS: Final = """
        case_id TEXT NOT NULL REFERENCES cases (case_id),
        version INTEGER NOT NULL,
        head_hash TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        key_id TEXT NOT NULL,
        signature TEXT NOT NULL,
        signed_at TEXT NOT NULL,"""
_V2_COMMON: Final = (
    # A signed chain head per append: whoever holds only the database cannot rewrite the chain
    # and re-sign it. One row per version the case reached under a key.
    f"""CREATE TABLE heads ({_HEADS_COLUMNS}
        PRIMARY KEY (case_id, version)
    )""",
)

# Version 2 keyed heads by (case_id, version), so a second key signing the same version (two
# townships, or a key rotated in) hit a raw primary-key error. Each key now has its own row.
# SQLite cannot change a primary key in place: the table is rebuilt, rows kept.
_V3_SQLITE: Final = (
    f"""CREATE TABLE heads_v3 ({_HEADS_COLUMNS}
        PRIMARY KEY (case_id, version, key_id)
    )""",
    "INSERT INTO heads_v3 SELECT case_id, version, head_hash, algorithm, key_id, signature, "
    "signed_at FROM heads",
    "DROP TABLE heads",
    "ALTER TABLE heads_v3 RENAME TO heads",
)
_V3_POSTGRESQL: Final = (
    "ALTER TABLE heads DROP CONSTRAINT heads_pkey",
    "ALTER TABLE heads ADD PRIMARY KEY (case_id, version, key_id)",
)

_V4_COMMON: Final = ("CREATE INDEX cases_by_created ON cases (created_at, case_id)",)
_V5_COMMON: Final = ("ALTER TABLE cases ADD COLUMN header_version INTEGER NOT NULL DEFAULT 1",)
# case list filters by village, state and last action in the database. ``state`` and
# ``updated_at`` restate the last record (its result's state, its time in UTC): they are written
# in the transaction that appends it and verify checks them against it. ``village`` is under the
# chain (header 3). Existing cases get their state and time from their last record (see
# core.backfill_summaries) and village '' (the service fills in the villages it knows).
_V6_COMMON: Final = (
    "ALTER TABLE cases ADD COLUMN village TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE cases ADD COLUMN state TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE cases ADD COLUMN updated_at TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX cases_by_village ON cases (village, created_at, case_id)",
    "CREATE INDEX cases_by_state ON cases (state, created_at, case_id)",
    "CREATE INDEX cases_by_village_state ON cases (village, state, created_at, case_id)",
    "CREATE INDEX cases_by_procedure_created ON cases (procedure_id, created_at, case_id)",
    "CREATE INDEX cases_by_updated ON cases (updated_at)",
)

# Evidence (scans, photos) an action carries: the records hold each file's SHA-256, media type
# and size; the bytes live here, once per case and digest, and verify hashes them again.
_V7_ATTACHMENTS: Final = """CREATE TABLE attachments (
        case_id TEXT NOT NULL REFERENCES cases (case_id),
        sha256 TEXT NOT NULL,
        content {blob} NOT NULL,
        PRIMARY KEY (case_id, sha256)
    )"""

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(1, "cases, rosters, hash-chained records", _V1_COMMON, _V1_COMMON),
    Migration(2, "signed chain heads", _V2_COMMON, _V2_COMMON),
    Migration(3, "one signed head per key and version", _V3_SQLITE, _V3_POSTGRESQL),
    # case list pages by (created_at, case_id): the database walks this index, never sorts.
    Migration(4, "cases listed in creation order", _V4_COMMON, _V4_COMMON),
    # The chain's genesis covers matter and created_at for cases created from now on (header 2);
    # existing cases keep header 1, the header they were chained with.
    Migration(5, "matter and created_at under the hash chain", _V5_COMMON, _V5_COMMON),
    Migration(6, "cases listed by village, state and last action", _V6_COMMON, _V6_COMMON),
    Migration(7, "attachments: the bytes of the evidence records name",
              (_V7_ATTACHMENTS.format(blob="BLOB"),), (_V7_ATTACHMENTS.format(blob="BYTEA"),)),
)

LATEST: Final = MIGRATIONS[-1].version

SCHEMA_VERSION_TABLE: Final = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
