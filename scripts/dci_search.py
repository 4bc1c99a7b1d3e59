"""A partner's first signed DCI search against Entas: start from this.

    .venv/bin/python scripts/dci_search.py                # the demo client (var/demo-dci/client.json)
    .venv/bin/python scripts/dci_search.py --nik 3310...  # that person
    .venv/bin/python scripts/dci_search.py --village 33.10.01.2001 --purpose targeting

It gets an OAuth2 access token with the client id and secret, builds the DCI envelope, signs it with
the client's Ed25519 key (the form Entas and OpenSPP use: SHA-256 of the canonical JSON of header
and message, signed over "(created)/(expires)/digest"), posts it to /registry/sync/search and checks
the signature of the answer with Entas's published JWKS. Needs only Python 3.11 and `cryptography`.
"""

import argparse
import base64
import hashlib
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def signing_string(created: int, expires: int, header: Any, message: Any) -> bytes:
    canonical = json.dumps({"header": header, "message": message}, sort_keys=True, separators=(",", ":"))
    digest = base64.b64encode(hashlib.sha256(canonical.encode()).digest()).decode()
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest}".encode()


def sign(header: Any, message: Any, key: Ed25519PrivateKey, sender: str, kid: str) -> str:
    created = int(time.time())
    value = base64.b64encode(key.sign(signing_string(created, created + 300, header, message))).decode()
    return (f'namespace="dci", kidId="{sender}|{kid}|ed25519", algorithm="ed25519", created="{created}", '
            f'expires="{created + 300}", headers="(created) (expires) digest", signature="{value}"')


def call(url: str, data: bytes, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as error:
        return json.load(error)


def check_answer(base: str, body: dict[str, Any]) -> str:
    with urllib.request.urlopen(base + ".well-known/jwks.json", timeout=10) as answer:
        jwks = json.load(answer)
    fields = dict(part.split("=", 1) for part in body["signature"].replace('"', "").split(", "))
    kid = fields["kidId"].split("|")[1]
    x = next(k["x"] for k in jwks["keys"] if k["kid"] == kid)
    key = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    key.verify(base64.b64decode(fields["signature"]),
               signing_string(int(fields["created"]), int(fields["expires"]), body["header"], body["message"]))
    return "the answer's signature is Entas's (checked with its JWKS)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--client", default="var/demo-dci/client.json", help="the client's settings file")
    parser.add_argument("--nik")
    parser.add_argument("--village", help="a village code: its families from desil 1-2")
    parser.add_argument("--purpose", default="targeting")
    args = parser.parse_args()
    settings = json.loads(Path(args.client).read_text())
    base = settings["base_url"]
    key = serialization.load_pem_private_key(Path(settings["private_key"]).read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": settings["client_id"],
                                   "client_secret": settings["client_secret"]}).encode()
    token = call(base + "oauth2/client/token", form, {"Content-Type": "application/x-www-form-urlencoded"})
    if "access_token" not in token:
        sys.exit(f"No token: {token}")
    if args.village:
        criteria: dict[str, Any] = {"query_type": "expression", "query": {"collection": "Group", "query": {
            "$and": [{"location": {"$eq": args.village}}, {"poverty_score": {"$gte": 9}}]}},
            "pagination": {"page_size": 10, "page_number": 1}}
    else:
        nik = args.nik or settings["example_nik"]
        criteria = {"query_type": "idtype-value", "query": {"type": "NIK", "value": nik}}
    criteria["authorize"] = {"@type": "Authorize", "ts": now(), "purpose": {"code": args.purpose}}
    message = {"transaction_id": str(uuid.uuid4()), "search_request": [
        {"reference_id": "ref-1", "timestamp": now(), "locale": "ind", "search_criteria": criteria}]}
    header = {"version": "1.0.0", "message_id": str(uuid.uuid4()), "message_ts": now(), "action": "search",
              "sender_id": settings["client_id"], "receiver_id": "entas", "total_count": 1}
    envelope = {"signature": sign(header, message, key, settings["client_id"], settings["key_id"]),
                "header": header, "message": message}
    body = call(base + "registry/sync/search", json.dumps(envelope).encode(),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token['access_token']}"})
    print(json.dumps(body, indent=2, ensure_ascii=False))
    if body.get("signature") and "header" in body:
        print(check_answer(base, body), file=sys.stderr)


if __name__ == "__main__":
    main()
