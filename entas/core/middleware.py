from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from entas.core.context import origin


def client_address(request: HttpRequest) -> str:
    # Behind a reverse proxy the operator sets TRUSTED_PROXY; we never trust the header otherwise.
    return str(request.META.get("REMOTE_ADDR", ""))


class IndonesianFirstMiddleware:
    """Bahasa Indonesia unless the user picked English with the language switch.

    Many officials use browsers set to English; the programme's working language is still
    Indonesian, so the browser's Accept-Language header is not consulted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        with origin(channel, client_address(request)):
            return self.get_response(request)
