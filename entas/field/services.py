"""Every change the field app makes goes through these functions (each in a transaction, audited):
devices (`devices.py`), the commands a phone sends (`sync.py`), the supervisor's decisions on
conflicts (`conflicts.py`). Views, the API, the demo and tests call them from here."""

from entas.field.conflicts import resolve_conflict
from entas.field.devices import DeviceRefused, authenticated, register_device, revoke_device
from entas.field.sync import receive

__all__ = ["DeviceRefused", "authenticated", "receive", "register_device", "resolve_conflict", "revoke_device"]
