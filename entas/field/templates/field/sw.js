/* The field app's service worker (docs/field.md), rendered by entas.field.app_views.service_worker.
 * It keeps the shell only: the families and the outbox live in the app's encrypted IndexedDB and
 * never in a cache, so a new version of this worker cannot lose a change not yet sent. */
"use strict";

importScripts("{{ workbox|escapejs }}");
// Every Workbox module from this server: no CDN, the app must install in an office without internet.
workbox.setConfig({ modulePathPrefix: "{{ workbox_prefix|escapejs }}", debug: false });

const SHELL = "{{ shell|escapejs }}";
const API = "{{ api|escapejs }}";
// Each file of the shell with a revision of its bytes: a changed file makes a new worker version.
const PRECACHE = {{ precache|safe }};

// The API answers hold personal data and must be current: always the network, never a cache.
const isApi = ({ url }) => url.origin === self.location.origin && url.pathname.startsWith(API);
workbox.routing.registerRoute(isApi, new workbox.strategies.NetworkOnly(), "GET");
workbox.routing.registerRoute(isApi, new workbox.strategies.NetworkOnly(), "POST");

// Django marks its answers "Vary: Accept-Language" (static files: Accept-Encoding). The shell is the
// same in every language, and a cached answer that varies is missed by a navigation whose request
// states a language: the app would not open offline. Kept without Vary; a failed answer is not kept.
workbox.precaching.addPlugins([{
  cacheWillUpdate: async ({ response }) => {
    if (!response || !response.ok) return null;
    if (!response.headers.has("Vary")) return response;
    const headers = new Headers(response.headers);
    headers.delete("Vary");
    return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
  },
}]);
workbox.precaching.precacheAndRoute(PRECACHE);
workbox.precaching.cleanupOutdatedCaches();

// The app itself at its address with any query (e.g. from the home screen), but not the online
// pages under the same prefix (devices, conflicts), which stay pages of the server.
const escaped = SHELL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
workbox.routing.registerRoute(new workbox.routing.NavigationRoute(
  workbox.precaching.createHandlerBoundToURL(SHELL), { allowlist: [new RegExp(`^${escaped}(\\?.*)?$`)] }));

workbox.core.clientsClaim();

// A new version waits until the facilitator chooses to reload ("Versi baru tersedia — muat ulang").
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});
