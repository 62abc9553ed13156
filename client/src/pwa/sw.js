// Palabre's service worker: it keeps the application shell (the page, its scripts, styles
// and icons) so that Palabre opens as an installed app, even with a poor network, and it
// answers the downloads a page streams to disk (/_download/<id>: pwa/download.ts holds the
// protocol). Nothing else: API responses, WebSockets, media, files, sign-in pages and
// anything of another origin always go to the network, untouched. There is no push service.
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
  if (url.pathname.startsWith(DOWNLOAD)) {
    const id = url.pathname.slice(DOWNLOAD.length);
    const download = downloads.get(id);
    downloads.delete(id);
    if (download) event.respondWith(streamed(download));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
    return;
  }
  if (ASSET.test(url.pathname) || ROOT_FILES.has(url.pathname)) event.respondWith(shellFile(request));
  // Anything else (/api/, /ws, /dav/, /caldav/, /auth/, files, media): not ours to keep.
});

// Streamed downloads: a page posts {type: "palabre-download", id, name} with a port, then
// opens /_download/<id>; the answer's body is pulled from the page chunk by chunk.
const DOWNLOAD = "/_download/";
const downloads = new Map();

self.addEventListener("message", (event) => {
  const data = event.data;
  const port = event.ports[0];
  // {type: "palabre-keepalive"} needs no answer: being an event keeps this worker running.
  if (!data || data.type !== "palabre-download" || !port || typeof data.id !== "string") return;
  downloads.set(data.id, { port, name: String(data.name || "download") });
  port.postMessage({ type: "ready" });
});

function streamed({ port, name }) {
  let answer = null; // the pending pull's resolver, for the page's next message
  port.onmessage = (event) => answer?.(event.data);
  const body = new ReadableStream(
    {
      pull(controller) {
        return new Promise((resolve) => {
          answer = (message) => {
            answer = null;
            if (message.type === "chunk") controller.enqueue(message.chunk);
            else if (message.type === "end") controller.close();
            else controller.error(new Error(message.message || "download failed"));
            resolve();
          };
          port.postMessage({ type: "pull" });
        });
      },
      cancel() {
        port.postMessage({ type: "cancel" });
      },
    },
    { highWaterMark: 1 },
  );
  // RFC 6266 with RFC 8187's UTF-8 form; encodeURIComponent leaves ' ( ) * as they are.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return new Response(body, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename*=UTF-8''${encoded}`,
      "X-Content-Type-Options": "nosniff",
    },
  });
}

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
