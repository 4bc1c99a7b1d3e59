from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from entas.core.context import origin


def client_address(request: HttpRequest) -> str:
    """The address of the client: REMOTE_ADDR, or, when that is one of the reverse proxies named in
    TRUSTED_PROXIES, the nearest address in X-Forwarded-For that is not one of them. The header is
    never believed otherwise: anyone can send it, and login throttling counts per address."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = set(getattr(settings, "TRUSTED_PROXIES", []))
    if remote not in trusted:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):  # each proxy appends the address it saw: read from the right
        if hop not in trusted:
            return hop[:64]
    return remote


# Called by programs (the REST API, the field app's sync) rather than read as pages.
API_PATHS = ("/api/", "/field/api/")


class IndonesianFirstMiddleware:
    """Pages: Bahasa Indonesia unless the user picked English with the language switch. Many
    officials use browsers set to English; the programme's working language is still Indonesian, so
    a browser's Accept-Language header is not consulted. The API: a client program states the
    language it wants its messages in with Accept-Language (Indonesian when it says nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PATHS):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith(API_PATHS) else "web"
        with origin(channel, client_address(request)):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer, and `Cache-Control: private, no-store` on every
    answer that is not a static file (those are served before this middleware by WhiteNoise).

    The policy (settings.CONTENT_SECURITY_POLICY) allows scripts and styles from this server only,
    so templates carry no inline <script>, no on…= handlers and no style attributes: a value that
    slips through escaping cannot run. Pages, API answers and exports hold personal data: no-store
    keeps them out of shared caches and out of the browser's disk cache on an office computer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response["Cache-Control"] = "private, no-store"
        return response
