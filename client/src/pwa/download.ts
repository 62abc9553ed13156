// A download written to disk as it is made, through the service worker (pwa/sw.js): the
// page hands the worker a stream chunk by chunk, the worker answers a navigation to
// /_download/<id> with it, and the browser's download manager writes it out. So a page that
// decrypts a multi-GB file (transfers/receive.ts) never holds it whole, in any browser with
// service workers, and without transferable streams (Safari has none).
//
// The protocol, over a MessagePort handed to the worker with the first message:
//   page -> worker (ServiceWorker.postMessage): {type: "palabre-download", id, name} + port
//   worker -> page: {type: "ready"}; then, each time the download wants data, {type: "pull"}
//   page -> worker: {type: "chunk", chunk} | {type: "end"} | {type: "error", message}
//   worker -> page: {type: "cancel"} when the download is stopped (by the user, or a failure)
//   page -> worker (ServiceWorker.postMessage), every 10 s: {type: "palabre-keepalive"}, an
//   event that keeps the worker running (an idle worker is stopped after about 30 s).
// A chunk is sent only when pulled: the stream's back-pressure reaches the page's fetch.

const PREFIX = "/_download/";
const KEEPALIVE_MS = 10_000;
const START_MS = 20_000; // no pull by then: the worker did not take the navigation

type FromWorker = { type: "ready" } | { type: "pull" } | { type: "cancel" };

async function controller(): Promise<ServiceWorker | null> {
  const container = navigator.serviceWorker;
  if (!container) return null;
  if (container.controller) return container.controller;
  // Just registered (a first visit): it claims this page once active.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    container.addEventListener("controllerchange", () => (clearTimeout(timer), resolve()), { once: true });
  });
  return container.controller;
}

/** The worker's messages in order; `next(ms)` is null if none came within ms. */
function mailbox(port: MessagePort): (ms?: number) => Promise<FromWorker | null> {
  const queue: FromWorker[] = [];
  let wake: (() => void) | null = null;
  port.onmessage = (event: MessageEvent<FromWorker>) => {
    queue.push(event.data);
    wake?.();
  };
  return async (ms) => {
    if (!queue.length) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (ms !== undefined) setTimeout(resolve, ms);
      });
      wake = null;
    }
    return queue.shift() ?? null;
  };
}

/** Save `body` as `name` through the service worker. False, with nothing read from `body`,
 * where no worker controls the page or it did not take the download: the caller saves it
 * another way. Rejects with the stream's error (the download then fails in the browser). */
export async function streamDownload(body: ReadableStream<Uint8Array>, name: string): Promise<boolean> {
  const worker = await controller();
  if (!worker) return false;
  const id = crypto.randomUUID();
  const { port1: port, port2 } = new MessageChannel();
  const next = mailbox(port);
  worker.postMessage({ type: "palabre-download", id, name }, [port2]);
  if ((await next(5000))?.type !== "ready") return (port.close(), false);
  const frame = document.createElement("iframe");
  frame.hidden = true;
  frame.src = PREFIX + id;
  document.body.append(frame);
  const keepalive = setInterval(() => worker.postMessage({ type: "palabre-keepalive" }), KEEPALIVE_MS);
  try {
    let message = await next(START_MS);
    if (message?.type !== "pull") return false;
    const reader = body.getReader();
    for (;;) {
      if (message?.type === "cancel") {
        await reader.cancel();
        throw new DOMException("The download was stopped", "AbortError");
      }
      if (message?.type !== "pull") {
        message = await next();
        continue;
      }
      let read: ReadableStreamReadResult<Uint8Array>;
      try {
        read = await reader.read();
      } catch (error) {
        port.postMessage({ type: "error", message: String(error) });
        throw error;
      }
      if (read.done) {
        port.postMessage({ type: "end" });
        return true;
      }
      port.postMessage({ type: "chunk", chunk: read.value });
      message = await next();
    }
  } finally {
    clearInterval(keepalive);
    setTimeout(() => (frame.remove(), port.close()), 1000);
  }
}
