import pytest


@pytest.fixture(autouse=True)
def english_messages(english: None) -> None:
    """Import messages and rejects files are read in English here; tests/ingest/test_messages.py
    reads them in Bahasa Indonesia."""
