import { defineConfig } from "vite";

// The client is built into the Python package, so a wheel carries it.
export default defineConfig({
  base: "/",
  // The workspace (/spaces) is Preact with TSX; the meeting page stays hand-written DOM.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../src/palabre/web/static",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // Every supported browser has <link rel=modulepreload>; skip the polyfill's bytes.
    modulePreload: { polyfill: false },
    cssCodeSplit: true,
    sourcemap: false,
  },
});
