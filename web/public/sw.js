/* global self, caches, Response */
// The service worker: keeps the app shell and its hashed assets so the app opens
// without signal. API calls are never cached here; the page queues offline writes.
const CACHE = 'finishline-shell-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.add('/')).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// The page lists the hashed scripts and styles it loaded (see keepLoadedAssets).
self.addEventListener('message', (event) => {
  const urls = event.data && event.data.type === 'keep-assets' && Array.isArray(event.data.urls) ? event.data.urls : [];
  const assets = urls.filter((url) => typeof url === 'string' && url.startsWith('/assets/'));
  if (assets.length > 0) event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(assets)));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          // The public lead form's page may be framed by other sites; the app's own page, kept for offline use, may not.
          if (!url.pathname.startsWith('/f/')) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/').then((cached) => cached || Response.error())),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then((cached) => {
      const fresh = fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      });
      // Hashed assets never change; everything else is refreshed in the background.
      return cached || fresh;
    }),
  );
});
