"""Long lists: page links keep the filters, paginated lists sort on the server, and a search with
no result says so with one fixed hint that never depends on what other regions hold."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.templatetags.static import static
from django.test import Client, RequestFactory

from entas.accounts.models import User
from entas.accounts.roles import Role
from entas.core.templatetags.badges import tone
from entas.core.templatetags.lists import searched_terms
from tests.conftest import client_for
from tests.enterprises.factories import KLATEN_VILLAGE, KUPANG_VILLAGE, cooperative
from tests.registry.factories import household

pytestmark = pytest.mark.django_db

EMPTY = re.compile(r'<div class="empty" data-testid="empty-state".*?</div>', re.S)


def _links(html: str, rel: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(rf'<a href="([^"]*)" rel="{rel}">', html)]


def _names(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="[^"]*">([^<]*)</a></td>', table)


def test_the_page_link_keeps_the_filters_and_drops_the_page_and_format() -> None:
    request = RequestFactory().get("/registry/", {"decile": "1", "q": "Siti Aminah", "page": "3", "format": "csv"})
    rendered = Template("{% load lists %}{% page_url 4 %}").render(Context({"request": request}))
    assert rendered.replace("&amp;", "&") == "?decile=1&q=Siti+Aminah&page=4"


def test_page_two_of_the_cooperatives_keeps_the_filter(klaten_officer: User, monkeypatch: Any) -> None:
    monkeypatch.setattr("entas.enterprises.views.PAGE_SIZE", 2)
    for n in range(3):
        cooperative(f"Koperasi Maju {n}", type="producer", registration_number=f"331001000{n}")
    cooperative("Koperasi Lain", type="producer", registration_number="3310010009")
    html = client_for(klaten_officer).get("/enterprises/cooperatives/", {"q": "Maju"}).content.decode()
    assert _links(html, "next") == ["?q=Maju&page=2"]
    page_two = client_for(klaten_officer).get("/enterprises/cooperatives/?q=Maju&page=2").content.decode()
    assert _names(page_two, "cooperatives") == ["Koperasi Maju 2"]
    assert _links(page_two, "prev") == ["?q=Maju&page=1"]


def test_page_two_of_the_households_keeps_the_filter(klaten_officer: User, monkeypatch: Any) -> None:
    monkeypatch.setattr("entas.registry.views.PAGE_SIZE", 1)
    for n in range(3):
        household(f"331001010100000{n}", KLATEN_VILLAGE, decile=1)
    household("3310010101000009", KLATEN_VILLAGE, decile=4)
    html = client_for(klaten_officer).get("/registry/", {"decile": "1", "sort": "-kk"}).content.decode()
    assert _links(html, "next") == ["?decile=1&sort=-kk&page=2"]


def test_a_paginated_list_sorts_the_whole_list_on_the_server(klaten_officer: User, monkeypatch: Any) -> None:
    monkeypatch.setattr("entas.enterprises.views.PAGE_SIZE", 2)
    for n, name in enumerate(["Koperasi Cempaka", "Koperasi Anggrek", "Koperasi Dahlia", "Koperasi Bougenvil"]):
        cooperative(name, type="producer", registration_number=f"331001000{n}")
    client = client_for(klaten_officer)
    html = client.get("/enterprises/cooperatives/", {"sort": "-name"}).content.decode()
    # The first page of the whole list in reverse, not the first two rows sorted.
    assert _names(html, "cooperatives") == ["Koperasi Dahlia", "Koperasi Cempaka"]
    assert 'aria-sort="descending"><a class="sort" href="?sort=name"' in html
    assert _links(html, "next") == ["?sort=-name&page=2"]
    ascending = client.get("/enterprises/cooperatives/", {"sort": "name"}).content.decode()
    assert _names(ascending, "cooperatives") == ["Koperasi Anggrek", "Koperasi Bougenvil"]
    assert 'aria-sort="ascending"><a class="sort" href="?sort=-name"' in ascending


def test_an_unknown_sort_is_ignored(klaten_officer: User) -> None:
    cooperative("Koperasi Anggrek")
    response = client_for(klaten_officer).get("/enterprises/cooperatives/", {"sort": "password"})
    assert response.status_code == 200
    assert 'aria-sort="ascending"' not in response.content.decode()


def _empty_state(client: Any, url: str, words: str) -> str:
    html = client.get(url, {"q": words}).content.decode()
    found = EMPTY.search(html)
    assert found, html
    return found.group(0).replace(words, "…")


@pytest.mark.parametrize("url", ["/enterprises/cooperatives/", "/regions/search/", "/partnerships/partners/"])
def test_the_empty_state_is_the_same_whether_or_not_another_region_has_a_match(
        klaten_officer: User, national_admin: User, url: str) -> None:
    cooperative("Koperasi Sumber Rejeki", village=KUPANG_VILLAGE, registration_number="5301040001")
    client = client_for(klaten_officer)
    # "Manokwari" names regions in Papua Barat, none in Klaten; the cooperative lies in Kupang.
    elsewhere = "Manokwari" if url == "/regions/search/" else "Sumber Rejeki"
    if url != "/partnerships/partners/":  # partners belong to no region
        assert not EMPTY.search(client_for(national_admin).get(url, {"q": elsewhere}).content.decode())
    assert _empty_state(client, url, elsewhere) == _empty_state(client, url, "Tiada Sama Sekali")


def test_the_empty_state_shows_what_was_searched(klaten_officer: User) -> None:
    html = client_for(klaten_officer).get("/enterprises/cooperatives/", {"q": "Sumber Rejeki"}).content.decode()
    found = EMPTY.search(html)
    assert found and "Sumber Rejeki" in found.group(0) and 'data-testid="scope-hint"' in found.group(0)


def test_the_searched_terms_name_the_choice_not_its_code() -> None:
    class Filter(forms.Form):
        q = forms.CharField(label="Name", required=False)
        kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "—"), ("ngo", "NGO")])
        formal = forms.BooleanField(label="Formal", required=False)

    form = Filter({"q": "Maju", "kind": "ngo", "formal": ""})
    assert form.is_valid()
    assert searched_terms(form) == "Maju · Kind: NGO"
    assert searched_terms(Filter()) == ""


def test_a_badge_colour_means_something() -> None:
    assert tone("pending") == "waiting"  # "menunggu" is not an error
    assert tone("running") == "waiting"
    assert tone("done") == "ok"
    assert tone("failed") == "problem"
    assert tone("expired") == "problem"
    assert tone("rejected", "decision") == "neutral"
    assert tone("something-new") == "neutral"


def test_favicon_ico_sends_the_browser_to_the_svg_icon(make_user: Callable[..., User]) -> None:
    response = client_for(make_user("analis", Role.ANALYST)).get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")
    # Browsers ask for it before anyone signs in: no login redirect.
    assert Client().get("/favicon.ico")["Location"] == static("favicon.svg")
