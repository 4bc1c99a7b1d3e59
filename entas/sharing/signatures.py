"""The DCI `signature` of an envelope: made and checked here, nowhere else.

The spec gives the form of its `signature` field (an HTTP-Signature style string) but not what is
hashed; Entas follows OpenSPP's DCI implementation, the one other server that says, so that the two
interoperate:

    namespace="dci", kidId="{sender_id}|{key_id}|ed25519", algorithm="ed25519",
    created="{unix}", expires="{unix}", headers="(created) (expires) digest", signature="{base64}"

signed over the signing string

    (created): {created}
    (expires): {expires}
    digest: {base64 of SHA-256 over the canonical JSON of {"header": …, "message": …}}

Canonical JSON: keys sorted, separators "," and ":", non-ASCII escaped (Python's json.dumps with
sort_keys=True, separators=(",", ":")); docs/dci.md shows it in Python and JavaScript. A leading
"Signature:" and the namespace "spdci" of the spec's own example are accepted too, and so is the
Beckn/ONDC digest "BLAKE-512=…" that the field's form comes from.
"""

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

NAMESPACE = "dci"
ALGORITHM = "ed25519"
HEADERS = "(created) (expires) digest"
LIFETIME = 300  # seconds a signature we make is valid
MAX_LENGTH = 2000
_PARAM = re.compile(r'\s*([a-zA-Z]+)="([^"]*)"\s*(?:,|$)')


class SignatureError(ValueError):
    """Why a signature was refused; `missing` when there was none at all."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.missing = missing


@dataclass(frozen=True)
class Parsed:
    sender_id: str
    key_id: str
    created: int
    expires: int
    signature: bytes


def canonical(header: Any, message: Any) -> bytes:
    return json.dumps({"header": header, "message": message}, sort_keys=True, separators=(",", ":")).encode()


def digests(header: Any, message: Any) -> tuple[str, str]:
    """The digest Entas writes (SHA-256, bare), then the Beckn form it also accepts."""
    body = canonical(header, message)
    return (base64.b64encode(hashlib.sha256(body).digest()).decode(),
            "BLAKE-512=" + base64.b64encode(hashlib.blake2b(body, digest_size=64).digest()).decode())


def signing_string(created: int, expires: int, digest: str) -> bytes:
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest}".encode()


def sign(header: Any, message: Any, *, key: Ed25519PrivateKey, sender_id: str, key_id: str,
         now: int | None = None) -> str:
    created = int(time.time()) if now is None else now
    expires = created + LIFETIME
    value = base64.b64encode(key.sign(signing_string(created, expires, digests(header, message)[0]))).decode()
    return (f'namespace="{NAMESPACE}", kidId="{sender_id}|{key_id}|{ALGORITHM}", '
            f'algorithm="{ALGORITHM}", created="{created}", expires="{expires}", headers="{HEADERS}", '
            f'signature="{value}"')


def parse(text: Any) -> Parsed:
    if not isinstance(text, str) or not text.strip():
        raise SignatureError("the envelope has no signature", missing=True)
    if len(text) > MAX_LENGTH:
        raise SignatureError("the signature is too long")
    body = text.strip()
    if body.lower().startswith("signature:"):
        body = body[len("signature:"):]
    params: dict[str, str] = {}
    position = 0
    while position < len(body):
        found = _PARAM.match(body, position)
        if not found or found.end() == position:
            raise SignatureError('the signature is not a list of name="value" parameters')
        params[found.group(1)] = found.group(2)
        position = found.end()
    if params.get("namespace") not in (NAMESPACE, "spdci"):
        raise SignatureError('the signature\'s namespace is not "dci"')
    if params.get("algorithm", "").lower() != ALGORITHM:
        raise SignatureError("the signature's algorithm is not ed25519")
    if params.get("headers") != HEADERS:
        raise SignatureError(f'the signature must cover headers="{HEADERS}"')
    kid = params.get("kidId") or params.get("keyId") or ""
    parts = kid.split("|")
    if len(parts) != 3 or parts[2].lower() != ALGORITHM or not parts[0] or not parts[1]:
        raise SignatureError('kidId must be "{sender_id}|{key_id}|ed25519"')
    try:
        created, expires = int(params["created"]), int(params["expires"])
        value = base64.b64decode(params["signature"], validate=True)
    except (KeyError, ValueError):
        raise SignatureError("created, expires or signature is missing or malformed") from None
    return Parsed(parts[0], parts[1], created, expires, value)


def verify(parsed: Parsed, key: Ed25519PublicKey, header: Any, message: Any, *, now: int | None = None,
           leeway: int = 30) -> None:
    now = int(time.time()) if now is None else now
    if parsed.created > now + leeway:
        raise SignatureError("the signature was created in the future")
    if parsed.expires < now - leeway:
        raise SignatureError("the signature has expired")
    if parsed.expires <= parsed.created:
        raise SignatureError("the signature expires before it was created")
    for digest in digests(header, message):
        try:
            key.verify(parsed.signature, signing_string(parsed.created, parsed.expires, digest))
            return
        except InvalidSignature:
            continue
    raise SignatureError("the signature does not match the message and the sender's key")
