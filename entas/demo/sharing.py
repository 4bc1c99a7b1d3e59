"""A partner system with its own keys, sharing registry data under a PKS (entas.sharing): the
Ministry of Social Affairs' SIKS-NG, Jawa Tengah, for targeting and verification. Its private key
and secret are written to the data folder so that `scripts/dci_search.py` can make a signed search
at once; a few searches it made are recorded, so the data owner's page has something to show."""

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction

from entas.partnerships import services as partnerships
from entas.partnerships import sharing_terms
from entas.partnerships.models import AgreementKind, Partner, Purpose, SharedField
from entas.regions.models import Region
from entas.registry.models import Person
from entas.sharing import clients, keys, protocol, services, signatures
from entas.sharing.models import Client

CLIENT_ID = "kemensos-siks-ng"
KEY_ID = "siks-2026-1"
FIELDS = [SharedField.IDENTIFIERS, SharedField.NAME, SharedField.BIRTH, SharedField.ADDRESS, SharedField.LOCATION,
          SharedField.HOUSEHOLD, SharedField.POVERTY]


def folder() -> Path:
    return Path(settings.DATA_DIR) / "demo-dci"


@transaction.atomic
def ensure_dci_client(today: date) -> Client | None:
    """The demo DCI client; None when it exists already."""
    if Client.objects.filter(client_id=CLIENT_ID).exists():
        return None
    partner = Partner.objects.filter(name="Kementerian Sosial").first() or partnerships.create_partner(
        None, name="Kementerian Sosial", kind="ministry")
    pks = partnerships.create_agreement(
        None, kind=AgreementKind.PKS, number=f"PKS/DCI/001/{today.year}",
        title="PKS berbagi data DTSEN untuk penargetan dan verifikasi (SIKS-NG)", parties=[partner],
        signed=today - timedelta(days=60), valid_until=today + timedelta(days=2 * 365),
        scope="Berbagi data keluarga miskin dan miskin ekstrem Jawa Tengah melalui API DCI")
    terms = sharing_terms.set_data_sharing(
        None, pks, purposes=[Purpose.TARGETING, Purpose.VERIFICATION], fields=FIELDS,
        region=Region.objects.get(pk="33"), valid_from=today - timedelta(days=60),
        valid_until=today + timedelta(days=2 * 365), daily_records=50_000)
    key = Ed25519PrivateKey.generate()
    client, secret = clients.register_client(
        None, client_id=CLIENT_ID, name="SIKS-NG Kementerian Sosial", data_sharing=terms,
        jwks={"keys": [keys.public_jwk(key.public_key(), KEY_ID)]}, callback_uris=["http://127.0.0.1:8765/dci"],
        requests_per_minute=600, records_per_day=20_000)
    out = folder()
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{CLIENT_ID}.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (out / "client.json").write_text(json.dumps({
        "base_url": "http://127.0.0.1:8000/dci/", "client_id": CLIENT_ID, "client_secret": secret,
        "key_id": KEY_ID, "private_key": str(out / f"{CLIENT_ID}.pem"), "example_nik": _searches(client, key)},
        indent=2))
    return client


def _searches(client: Client, key: Ed25519PrivateKey) -> str:
    """What the partner asked in its first days: a few families by NIK, one page of a village. Returns
    a NIK it may ask for (one of its region's)."""
    niks = list(Person.objects.filter(household__village__code__startswith="33.", relationship="head")
                .order_by("id").values_list("nik", flat=True)[:6])
    asks: list[dict[str, Any]] = [{"query_type": "idtype-value", "query": {"type": "NIK", "value": nik},
                                   "response_entity": "Group"} for nik in niks]
    village = Person.objects.filter(nik__in=niks[:1]).values_list("household__village__code", flat=True).first()
    if village:
        asks.append({"query_type": "expression", "query": {"collection": "Group", "query": {
            "$and": [{"location": {"$eq": village}}, {"poverty_score": {"$gte": 9}}]}},
            "pagination": {"page_size": 20, "page_number": 1}})
    for number, criteria in enumerate(asks):
        purpose = Purpose.VERIFICATION if number % 3 == 2 else Purpose.TARGETING
        criteria["authorize"] = {"@type": "Authorize", "ts": protocol.now_iso(), "purpose": {"code": purpose}}
        if purpose == Purpose.VERIFICATION:
            criteria["consent"] = {"@type": "Consent", "ts": protocol.now_iso(), "purpose": {
                "code": purpose, "ref_uri": f"https://siks.kemensos.go.id/consent/{uuid.uuid4()}"}}
        message = {"transaction_id": str(uuid.uuid4()), "search_request": [{
            "reference_id": f"demo-{number}", "timestamp": protocol.now_iso(), "locale": "ind",
            "search_criteria": criteria}]}
        header = {"version": "1.0.0", "message_id": str(uuid.uuid4()), "message_ts": protocol.now_iso(),
                  "action": "search", "sender_id": CLIENT_ID, "receiver_id": settings.DCI_SENDER_ID,
                  "total_count": 1}
        body = {"signature": signatures.sign(header, message, key=key, sender_id=CLIENT_ID, key_id=KEY_ID),
                "header": header, "message": message}
        envelope = protocol.read(json.dumps(body).encode(), "search")
        services.check_signature(envelope, client)
        services.sync_search(client, envelope)
    return niks[0] if niks else ""
