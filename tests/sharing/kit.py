"""A partner's side of the DCI API for the tests: an agreement, a client with its own Ed25519 key,
and envelopes signed the way a partner signs them."""

import datetime
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client as Browser

from entas.partnerships import sharing_terms
from entas.partnerships.models import DataSharing, Purpose, SharedField
from entas.regions.models import Region
from entas.sharing import clients, keys, protocol, signatures
from entas.sharing.models import Client
from tests.partnerships.factories import agreement, partner

SCHEMAS = Path(__file__).parent / "schemas"
ALL_FIELDS = list(SharedField.values)


def schema_errors(name: str, body: Any) -> list[str]:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(body)]


def terms(number: str = "PKS-01/2026", *, purposes: list[str] | None = None, fields: list[str] | None = None,
          region: str | None = None, daily_records: int = 100_000,
          valid_until: datetime.date = datetime.date(2029, 12, 31)) -> DataSharing:
    pks = agreement([partner(f"Mitra {number}")], number=number, kind="pks", signed=datetime.date(2025, 1, 1),
                    valid_until=datetime.date(2030, 1, 1))
    return sharing_terms.set_data_sharing(
        None, pks, purposes=purposes or [Purpose.TARGETING, Purpose.VERIFICATION],
        fields=ALL_FIELDS if fields is None else fields,
        region=Region.objects.get(pk=region) if region else None, valid_from=datetime.date(2025, 1, 1),
        valid_until=valid_until, daily_records=daily_records)


@dataclass
class Partner:
    client: Client
    secret: str
    key: Ed25519PrivateKey
    kid: str
    token: str = ""

    def envelope(self, action: str, message: dict[str, Any], **header: Any) -> dict[str, Any]:
        head = {"version": "1.0.0", "message_id": str(uuid.uuid4()), "message_ts": protocol.now_iso(),
                "action": action, "sender_id": self.client.client_id, "receiver_id": "entas", "total_count": 1,
                "is_msg_encrypted": False, **header}
        return {"signature": signatures.sign(head, message, key=self.key, sender_id=self.client.client_id,
                                             key_id=self.kid), "header": head, "message": message}

    def post(self, browser: Browser, path: str, body: Any, **extra: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return browser.post(f"/dci/registry/{path}", data=data, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {self.token}", **extra)


def make_partner(sharing: DataSharing, client_id: str = "bappenas-sepakat", *,
                 callback_uris: tuple[str, ...] = ("http://127.0.0.1:9/dci",), **limits: Any) -> Partner:
    key = Ed25519PrivateKey.generate()
    kid = "key-1"
    client, secret = clients.register_client(
        None, client_id=client_id, name=f"Sistem {client_id}", data_sharing=sharing,
        jwks={"keys": [keys.public_jwk(key.public_key(), kid)]}, callback_uris=callback_uris, **limits)
    token, _ = clients.access_token(client)
    return Partner(client, secret, key, kid, token)


def search_message(query: Any, *, query_type: str = "idtype-value", purpose: str = Purpose.TARGETING,
                   **criteria: Any) -> dict[str, Any]:
    found = {"query_type": query_type, "query": query,
             "authorize": {"@type": "Authorize", "ts": protocol.now_iso(), "purpose": {"code": purpose}}, **criteria}
    return {"transaction_id": str(uuid.uuid4()), "search_request": [
        {"reference_id": "ref-1", "timestamp": protocol.now_iso(), "locale": "ind", "search_criteria": found}]}
