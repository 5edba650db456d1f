"""Signing the chain head, so whoever holds the database cannot silently rewrite a whole chain.

The hash chain alone shows any *local* change; an attacker who rewrites every record and
recomputes every hash would go unseen. After each append the store signs
``{"case", "version", "head"}`` with a key the database never holds, and :meth:`Store.verify`
checks it with that key.

>>> s = HmacSigner(b"a secret kept outside the database")
>>> sig = s.sign(b"message")
>>> s.verify(b"message", sig), s.verify(b"messagf", sig)
(True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol

from deliberation.engine.records import canonical_json


class HeadVerifier(Protocol):
    """Checks a head signature. ``key_id`` names the key so a store can hold heads from several."""

    algorithm: str
    key_id: str

    def verify(self, message: bytes, signature: str) -> bool: ...


class HeadSigner(HeadVerifier, Protocol):
    """Signs chain heads (and can check its own signatures)."""

    def sign(self, message: bytes) -> str: ...


def head_message(case_id: str, version: int, head_hash: str) -> bytes:
    """The exact bytes signed for a case's head at ``version``."""
    return canonical_json({"case": case_id, "head": head_hash, "version": version}).encode()


class HmacSigner:
    """HMAC-SHA256 with a shared secret (stdlib only). Whoever verifies can also sign."""

    algorithm = "hmac-sha256"

    def __init__(self, key: bytes, key_id: str | None = None) -> None:
        if len(key) < 16:
            raise ValueError("an HMAC key needs at least 16 bytes")
        self._key = key
        # The id is a hash of a hash: it names the key without helping anyone guess it.
        self.key_id = key_id or hashlib.sha256(hashlib.sha256(key).digest()).hexdigest()[:16]

    def sign(self, message: bytes) -> str:
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, message: bytes, signature: str) -> bool:
        return hmac.compare_digest(self.sign(message), signature)


class Ed25519Signer:
    """Ed25519 (needs ``cryptography``: ``pip install 'deliberation[signing]'``). The public key
    alone verifies (:class:`Ed25519Verifier`), so auditors need no secret."""

    algorithm = "ed25519"

    def __init__(self, private_key: Any) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        if isinstance(private_key, bytes):
            private_key = Ed25519PrivateKey.from_private_bytes(private_key)
        self._key = private_key
        self._verifier = Ed25519Verifier(private_key.public_key())
        self.key_id = self._verifier.key_id

    @classmethod
    def generate(cls) -> Ed25519Signer:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return cls(Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Ed25519Verifier:
        return self._verifier

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._key.sign(message)).decode()

    def verify(self, message: bytes, signature: str) -> bool:
        return self._verifier.verify(message, signature)


class Ed25519Verifier:
    """Verifies Ed25519 head signatures with a public key (raw 32 bytes or a key object)."""

    algorithm = "ed25519"

    def __init__(self, public_key: Any) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        if isinstance(public_key, bytes):
            public_key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key = public_key
        raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]

    def verify(self, message: bytes, signature: str) -> bool:
        from cryptography.exceptions import InvalidSignature

        try:
            self._key.verify(base64.b64decode(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True
