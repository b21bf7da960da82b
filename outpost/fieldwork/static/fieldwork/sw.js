// The field app's service worker: keeps the app page and its files so the page opens without a
// network. The page itself is asked of the network first (a signed-out or changed page wins) and
// taken from the cache only when the network is gone; the static files come from the cache.
// Requests it does not keep (the API, other pages) go to the network untouched: the page keeps
// its records in IndexedDB and sends them itself.
"use strict";
// CONFIG (the cache's name, the files it keeps, the page's path) is written above this file by
// the view that serves it (outpost/fieldwork/offline.py).
const { CACHE, SHELL, PAGE } = self.CONFIG;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // "reload": past the browser's HTTP cache, so a release never keeps the files it replaced.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "same-origin", cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("outpost-field-") && name !== CACHE)
          .map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

function isPage(url) {
  return url.origin === self.location.origin && url.pathname === PAGE;
}

async function pageFirstFromNetwork(request) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    // Only the signed-in page itself is kept, never a redirect to sign in or an error.
    if (answer.ok && !answer.redirected) await cache.put(PAGE, answer.clone());
    return answer;
  } catch (error) {
    const kept = await cache.match(PAGE);
    if (kept) return kept;
    throw error;
  }
}

async function fileFromCache(request) {
  const kept = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (isPage(url)) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (url.origin === self.location.origin && SHELL.includes(url.pathname)) {
    event.respondWith(fileFromCache(request));
  }
});
