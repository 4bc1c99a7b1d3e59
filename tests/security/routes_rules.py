"""Scope probes of the routes added for issue 14 (rules). See routes.py for the vocabulary."""

from tests.security.probes import Route

ROUTES: list[Route] = []
