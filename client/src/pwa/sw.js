// Palabre's service worker: it keeps the application shell (the page, its scripts, styles
// and icons) so that Palabre opens as an installed app, even with a poor network, and
// nothing else. API responses, WebSockets, media, files, sign-in pages and anything of
// another origin always go to the network, untouched. There is no push service.
//
// The build (vite.config.ts, serviceWorker) fills SHELL with the first load's files (read
// from the built index.html) and VERSION with their hash: a new build is a new cache, and
// the old one is dropped when the new worker takes over.

const SHELL = self.__PALABRE_SHELL__;
const VERSION = self.__PALABRE_VERSION__;
const CACHE = `palabre-shell-${VERSION}`;

// Of our own origin, the paths that are the shell's: the built files and the root's icons.
const ASSET = /^\/assets\/[^/]+\.(?:js|css|svg|png|woff2?)$/;
const ROOT_FILES = new Set(["/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png", "/icon-maskable-512.png"]);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("palabre-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
    return;
  }
  if (ASSET.test(url.pathname) || ROOT_FILES.has(url.pathname)) event.respondWith(shellFile(request));
  // Anything else (/api/, /ws, /dav/, /caldav/, /auth/, files, media): not ours to keep.
});

/** A page: the network first (the server renders some pages itself: sign-in, links); the
 * client's page from the cache only when the network fails, for the client's own routes. */
async function navigate(request, url) {
  try {
    const response = await fetch(request);
    if (url.pathname === "/" && response.ok && response.type === "basic") {
      const cache = await caches.open(CACHE);
      await cache.put("/", response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match("/");
    if (cached && !/^\/(?:api|auth|dav|caldav|metrics|healthz)(?:\/|$)/.test(url.pathname)) return cached;
    throw error;
  }
}

/** A built file (its name carries its hash: it never changes) or an icon: the cache first. */
async function shellFile(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}
