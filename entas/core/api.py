from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from rest_framework import viewsets

from entas.core.scoping import get_visible_or_404, visible

M = TypeVar("M", bound=Model)


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet[M]):
    """Lists only what the caller's scope allows; an object outside it answers 404 and is logged."""

    def base_queryset(self) -> QuerySet[M]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[M]:
        return visible(self.request.user, self.base_queryset())

    def get_object(self) -> M:
        lookup: dict[str, Any] = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_visible_or_404(self.request.user, self.base_queryset(), **lookup)
        self.check_object_permissions(self.request, obj)
        return obj
