"""The API's one pagination: `?limit=` (or its alias `?page_size=`, which many clients send) and
`?offset=`, with a ceiling on the page size.

Unlike DRF's LimitOffsetPagination, which silently falls back to the default for a limit it cannot
read, a malformed `limit` or `offset` answers 400 naming it. A limit above `max_limit` (1,000) is
taken as 1,000: the answer says so through `count`/`next`, and no client gets every record of its
region in one answer. An offset is at most 10^18, so offset + limit still fits the database's
64-bit LIMIT/OFFSET.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

WHOLE_NUMBER = re.compile(r"[0-9]+")
MAX_LIMIT = 1000
MAX_OFFSET = 10**18
# The largest id a route, a filter or a body may name (ids are 64-bit, BigAutoField); no page size
# beyond it is meant either.
MAX_ID = 2**63 - 1
PAGE_SIZE = "page_size"


class Pages(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int | None:
        name = self.limit_query_param
        if request.query_params.get(name, "") == "" and request.query_params.get(PAGE_SIZE, "") != "":
            name = PAGE_SIZE
        raw = request.query_params.get(name, "")
        if raw == "":
            return self.default_limit
        # Beyond 64 bits is no page size a client meant; between the maximum and that, the maximum.
        if not WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_ID:
            raise ValidationError({name: [
                _("'%(value)s' is not a page size: give a whole number from 1 to %(max)s")
                % {"value": raw[:40], "max": self.max_limit}]})
        return min(int(raw), self.max_limit or int(raw))

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param, "")
        if raw == "":
            return 0
        if not WHOLE_NUMBER.fullmatch(raw) or int(raw) > MAX_OFFSET:
            raise ValidationError({self.offset_query_param: [
                _("'%(value)s' is not a position: give a whole number from 0 to %(max)s")
                % {"value": raw[:40], "max": MAX_OFFSET}]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1}
        limit["description"] = (f"Number of results to return per page (default {self.default_limit}, "
                                f"at most {self.max_limit}: a larger limit is taken as {self.max_limit}).")
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        alias = {**limit, "name": PAGE_SIZE, "description": "The same as `limit` (used when `limit` is not given)."}
        return [limit, alias, offset]
