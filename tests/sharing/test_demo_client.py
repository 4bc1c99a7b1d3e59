import datetime
import json
from pathlib import Path
from typing import Any

from django.test import override_settings

from entas.demo.sharing import CLIENT_ID, ensure_dci_client
from entas.sharing.models import Client, Disclosure
from tests.registry.factories import household


def test_the_demo_registers_a_client_with_its_key_and_first_searches(db: Any, tmp_path: Path) -> None:
    household("3310010101250001", "33.10.01.2001", head_nik="3310014105850001")
    with override_settings(DATA_DIR=tmp_path):
        ensure_dci_client(datetime.date(2026, 12, 5))
        assert ensure_dci_client(datetime.date(2026, 12, 5)) is None  # once
    settings = json.loads((tmp_path / "demo-dci" / "client.json").read_text())
    assert settings["client_id"] == CLIENT_ID and settings["example_nik"] == "3310014105850001"
    assert Path(settings["private_key"]).read_bytes().startswith(b"-----BEGIN PRIVATE KEY")
    assert Client.objects.get().data_sharing.region_id == "33"
    assert Disclosure.objects.filter(person_id__isnull=False).exists()
