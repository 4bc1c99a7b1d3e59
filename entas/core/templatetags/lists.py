"""Template tags for long lists: page links that keep the filters, and server-side sort headers.

The query string is rebuilt from the request, so a view needs to hand nothing over for its pager
to keep the search and filters of the page it was reached from.
"""


from collections.abc import Iterable

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()

# Never carried into another page's link: `format` would turn the link into a download.
DROPPED = ("page", "format")


def _query(context: template.Context, **changes: str) -> str:
    request = context.get("request")
    query: QueryDict = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key in DROPPED:
        query.pop(key, None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """`?<the current filters>&page=N`."""
    return "?" + _query(context, page=str(number))


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str, num: bool = False) -> SafeString:
    """A column header whose link sorts the whole list on the server (`?sort=key`, `?sort=-key`).

    `sort` in the context is the order the view actually applied (see `core.sorting`); the header
    of that column says so to screen readers with aria-sort. Sorting goes back to page 1."""
    current = str(context.get("sort") or "")
    state, next_key = "none", key
    if current == key:
        state, next_key = "ascending", f"-{key}"
    elif current == f"-{key}":
        state = "descending"
    title = gettext("Sort by this column")
    return format_html('<th scope="col"{} aria-sort="{}"><a class="sort" href="?{}" title="{}">{}</a></th>',
                       SafeString(' class="num"') if num else "", state, _query(context, sort=next_key),
                       title, label)


@register.simple_tag
def searched_terms(form: forms.Form | None) -> str:
    """What a filter form asked for, in words ("Sumber Rejeki · Type: Producer"), for the empty state.

    Only the fields filled in: typed words as typed, a choice as its label after the field's name, a
    record by its name (from the cleaned data, so a long list of choices is never walked)."""
    if not isinstance(form, forms.BaseForm) or not form.is_bound:
        return ""
    cleaned = getattr(form, "cleaned_data", {})
    parts = []
    for field in form:
        raw = field.value()
        if raw in (None, "", [], ()) or raw is False:
            continue
        value = cleaned.get(field.name, raw)
        if isinstance(field.field, forms.CharField):
            parts.append(str(value))  # the words typed, as typed
            continue
        if isinstance(field.field, forms.ModelChoiceField) or not isinstance(field.field, forms.ChoiceField):
            shown = gettext("yes") if value is True else str(value)
        else:
            choices: Iterable[tuple[object, object]] = field.field.choices  # type: ignore[assignment]
            labels = {str(k): str(v) for k, v in choices if not isinstance(v, (list, tuple))}
            shown = labels.get(str(raw), str(raw))
        parts.append(f"{field.label}: {shown}" if field.label else shown)
    return " · ".join(parts)
