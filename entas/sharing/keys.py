"""Ed25519 keys: Entas's own signing key (created on first use, kept in the data folder) and the
partners' public keys, read from a JWKS (RFC 8037: kty OKP, crv Ed25519, x in base64url)."""

import base64
import hashlib
import json
import urllib.request
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _

MAX_KEYS = 10
JWKS_FETCH_TIMEOUT = 5
JWKS_MAX_BYTES = 64 * 1024


class KeyError_(ValueError):
    """A JWKS that cannot be used, with the reason in the administrator's words."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": kid, "use": "sig", "alg": "EdDSA"}


def kid_of(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "entas-" + hashlib.sha256(raw).hexdigest()[:16]


@cache
def server_key() -> tuple[Ed25519PrivateKey, str]:
    """Entas's signing key and its key id; made once per installation (umask 077 keeps it private)."""
    path = Path(settings.DCI_SIGNING_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key, kid_of(key.public_key())


def server_jwks() -> dict[str, Any]:
    key, kid = server_key()
    return {"keys": [public_jwk(key.public_key(), kid)]}


def checked_jwks(jwks: Any) -> dict[str, Any]:
    """The usable Ed25519 keys of a JWKS, or KeyError_ naming what is wrong."""
    if isinstance(jwks, str | bytes):
        try:
            jwks = json.loads(jwks)
        except ValueError:
            raise KeyError_(_("The public keys are not JSON: give a JWKS, {\"keys\": [...]}.")) from None
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list) or not keys:
        raise KeyError_(_("A JWKS is {\"keys\": [...]} with at least one key."))
    if len(keys) > MAX_KEYS:
        raise KeyError_(_("At most %(max)d keys at a time.") % {"max": MAX_KEYS})
    kept, seen = [], set()
    for number, key in enumerate(keys, start=1):
        if not isinstance(key, dict) or key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
            raise KeyError_(_("Key %(n)d is not an Ed25519 key (kty OKP, crv Ed25519).") % {"n": number})
        kid = key.get("kid")
        if not isinstance(kid, str) or not kid.strip() or "|" in kid or len(kid) > 100:
            raise KeyError_(_("Key %(n)d needs a key id (kid) without '|'.") % {"n": number})
        if kid in seen:
            raise KeyError_(_("Two keys share the key id '%(kid)s'.") % {"kid": kid})
        try:
            raw = unb64url(str(key.get("x", "")))
            Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise KeyError_(_("Key '%(kid)s' has no valid public key (x).") % {"kid": kid}) from None
        seen.add(kid)
        kept.append({"kty": "OKP", "crv": "Ed25519", "x": key["x"], "kid": kid})
    return {"keys": kept}


def public_key(jwks: dict[str, Any], kid: str) -> Ed25519PublicKey | None:
    for key in jwks.get("keys", []):
        if key.get("kid") == kid:
            return _loaded(key["x"])
    return None


@cache
def _loaded(x: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64url(x))


def fetch_jwks(uri: str) -> dict[str, Any]:
    """The JWKS published at `uri` (https, or http on a test network), checked."""
    if not uri.startswith(("https://", "http://")):
        raise KeyError_(_("The JWKS address must start with https://."))
    try:
        with urllib.request.urlopen(uri, timeout=JWKS_FETCH_TIMEOUT) as answer:
            body = answer.read(JWKS_MAX_BYTES + 1)
    except OSError as error:
        raise KeyError_(_("The JWKS at %(uri)s could not be read: %(error)s") % {"uri": uri, "error": error}) from None
    if len(body) > JWKS_MAX_BYTES:
        raise KeyError_(_("The JWKS at %(uri)s is larger than 64 KB.") % {"uri": uri})
    return checked_jwks(body)
