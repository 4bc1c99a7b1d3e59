"""Scope probes of the routes added for issue 17 (data sharing). See routes.py for the vocabulary.

The DCI API (/dci/) answers a partner's access token and signature, never a session: a signed-in
role's POST is refused (401) before anything is read; tests/sharing probes it with real clients."""

from typing import Any

from tests.security.probes import Post, Route
from tests.security.world import NOBODY, OFFICER, World

NONE_SUCH = {"pk": 999_999}  # every probing role is refused before the object is looked up


def change(w: World, role: str) -> list[dict[str, Any]]:
    return [{"requests_per_minute": 1, "records_per_day": 1, "callback_uris": "https://evil.example/x",
             "active": "on", "purposes": ["research"], "fields": ["identifiers"], "reason": "uji"}]


def envelope(w: World, role: str) -> list[dict[str, Any]]:
    return [{"header": {"action": "search"}, "message": {}}]


def dci(name: str) -> Route:
    return Route(name, get=False, refused=(401,),
                 posts=(Post("dci", envelope, target="refused", users=NOBODY, ok=(401,)),))


ROUTES: list[Route] = [
    # National administrators only (sharing.views._manager), none among the probing roles: 404.
    Route("sharing:clients", users=NOBODY, refused=(404,)),
    Route("sharing:client_create", users=NOBODY, refused=(404,),
          posts=(Post("create", change, target="refused", users=NOBODY, ok=(404,)),)),
    Route("sharing:client", extra=NONE_SUCH, users=NOBODY, refused=(404,)),
    Route("sharing:agreement", extra=NONE_SUCH, users=NOBODY, refused=(404,)),
    *(Route(f"sharing:{name}", extra=NONE_SUCH, get=False, refused=(404,), posts=(
        Post(name, change, target="refused", users=NOBODY, ok=(404,), extra=NONE_SUCH),))
      for name in ("client_change", "client_keys", "client_secret")),
    *(Route(f"partnerships:{name}", kind="agreement", public=True, get=False, refused=(404,), posts=(
        Post(name, change, target="refused", users=NOBODY, ok=(404,)),))
      for name in ("data_sharing", "data_sharing_revoke")),
    # Who received a person's data: regional officers of her region (accounts.roles.READS_SHARING_HISTORY).
    Route("sharing:person", kind="person", users=frozenset({OFFICER}), refused=(404,)),
    Route("dci-jwks", public=True),
    Route("jwks", public=True),
    Route("dci-openapi", public=True),
    *(dci(name) for name in ("dci-sync-search", "dci-search", "dci-sync-txn-status", "dci-txn-status",
                             "dci-subscribe", "dci-unsubscribe")),
    Route("dci-token", get=False, refused=(400,),
          posts=(Post("token", change, target="refused", users=NOBODY, ok=(400,)),)),
]
