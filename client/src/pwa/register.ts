// Installable as an app (PWA): the service worker (pwa/sw.js, built to /sw.js) keeps the
// application shell only. It is registered once the page has loaded, so that it never
// competes with the first load; never in development (Vite's server has no /sw.js).

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !("serviceWorker" in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error: unknown) => {
      console.warn("service worker not registered", error);
    });
  };
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
