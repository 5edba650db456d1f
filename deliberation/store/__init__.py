"""Durable cases: an append-only, hash-chained event store on SQLite or PostgreSQL.

>>> store = open_store("sqlite:///:memory:")
>>> store.schema_version()
7

See ``docs/store.md``.
"""

from deliberation.store.core import (
    CaseInfo,
    Problem,
    SignedHead,
    Store,
    StoredRecord,
    Verification,
    chain_hash,
    genesis_hash,
    open_store,
)
from deliberation.store.errors import CaseExists, StoreError, UnknownCase
from deliberation.store.signing import Ed25519Signer, Ed25519Verifier, HmacSigner

__all__ = [
    "CaseExists",
    "CaseInfo",
    "Ed25519Signer",
    "Ed25519Verifier",
    "HmacSigner",
    "Problem",
    "SignedHead",
    "Store",
    "StoreError",
    "StoredRecord",
    "UnknownCase",
    "Verification",
    "chain_hash",
    "genesis_hash",
    "open_store",
]
