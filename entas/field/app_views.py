"""The field app's shell (docs/field.md): the page, its service worker and its manifest.

None of the three holds data, so none needs a login: the app signs in by itself with a device token.
The service worker names every file of the shell with a revision taken from the file's bytes, so a
changed file changes the worker's own bytes, which is what makes the browser install a new version.
"""

import hashlib
import json
import logging
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

logger = logging.getLogger(__name__)

# In the order the page loads them: each script attaches to self.EntasField and may use those before it.
SCRIPTS = ("vendor/idb/umd.js", "field/i18n.js", "field/vault.js", "field/store.js", "field/sync.js",
           "field/criteria.js", "field/app.js")
STYLES = ("field/app.css",)
ICONS = ("field/icons/icon.svg", "field/icons/icon-192.png", "field/icons/icon-512.png")
# The worker loads these itself (importScripts); listing them gives them a revision too.
WORKBOX = ("vendor/workbox/workbox-sw.js", "vendor/workbox/workbox-core.prod.js",
           "vendor/workbox/workbox-routing.prod.js", "vendor/workbox/workbox-strategies.prod.js",
           "vendor/workbox/workbox-precaching.prod.js")
THEME = "#1e7b4a"
BACKGROUND = "#f3f5f8"


def revision(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:12]


def _static_entry(path: str) -> dict[str, str] | None:
    found = finders.find(path)
    if not found or isinstance(found, list):
        # A missing file would make the whole precache fail to install: leave it out and say so.
        logger.warning("field app: static file %s not found, left out of the precache", path)
        return None
    with open(found, "rb") as handle:
        return {"url": static(path), "revision": revision(handle.read())}


def _shell_html() -> str:
    return render_to_string("field/app.html", {
        "scripts": [static(path) for path in SCRIPTS], "styles": [static(path) for path in STYLES],
        "icon": static(ICONS[0]), "touch_icon": static(ICONS[1]), "theme": THEME,
    })


def _manifest() -> dict[str, Any]:
    shell = reverse("field:app")
    return {
        "id": shell, "name": "Entas Pendamping", "short_name": "Pendamping", "lang": "id", "dir": "ltr",
        "description": "Aplikasi lapangan pendamping keluarga Entas: kunjungan, penilaian dan pelatihan tanpa sinyal.",
        "start_url": shell, "scope": shell, "display": "standalone", "orientation": "portrait",
        "theme_color": THEME, "background_color": BACKGROUND,
        "icons": [
            {"src": static(ICONS[1]), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static(ICONS[2]), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static(ICONS[0]), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }


def _manifest_bytes() -> bytes:
    return json.dumps(_manifest(), ensure_ascii=False, indent=1).encode()


def precache_entries() -> list[dict[str, str]]:
    """Every URL of the shell with the revision of its bytes, the page and the manifest included."""
    entries = [{"url": reverse("field:app"), "revision": revision(_shell_html().encode())},
               {"url": reverse("field:manifest"), "revision": revision(_manifest_bytes())}]
    for path in (*STYLES, *SCRIPTS, *ICONS, *WORKBOX):
        if entry := _static_entry(path):
            entries.append(entry)
    return entries


def app(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_shell_html())


def service_worker(request: HttpRequest) -> HttpResponse:
    shell = reverse("field:app")
    script = render_to_string("field/sw.js", {
        "workbox": static(WORKBOX[0]), "workbox_prefix": static("vendor/workbox/"), "shell": shell,
        "api": f"{shell}api/", "precache": json.dumps(precache_entries()),
    })
    return HttpResponse(script, content_type="application/javascript; charset=utf-8")


def manifest(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_manifest_bytes(), content_type="application/manifest+json")
