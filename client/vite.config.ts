import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig, type Plugin } from "vite";

// The background segmentation (client/src/effects): MediaPipe's selfie segmentation model,
// its wasm and their loaders come from the npm package, copied into the static files under a
// versioned folder and fetched from our own origin only when a person picks a background.
const SEGMENTATION = "@mediapipe/selfie_segmentation";
const segDir = dirname(createRequire(import.meta.url).resolve(`${SEGMENTATION}/package.json`));
const segVersion = (JSON.parse(readFileSync(join(segDir, "package.json"), "utf8")) as { version: string }).version;
const SEG_BASE = `assets/segmentation-${segVersion}/`;
const SEG_FILES = /\.(js|wasm|data|tflite|binarypb)$/;

function segmentationFiles(): Plugin {
  return {
    name: "palabre-segmentation-files",
    apply: "build",
    generateBundle() {
      for (const f of readdirSync(segDir).filter((n) => SEG_FILES.test(n))) {
        this.emitFile({ type: "asset", fileName: SEG_BASE + f, source: readFileSync(join(segDir, f)) });
      }
    },
  };
}

/** The service worker (src/pwa/sw.js) as /sw.js, told the shell's files: those the built
 * index.html loads (its script, preloads, styles, icon), the page itself, the manifest and
 * its icons; and a version that changes with them. */
function serviceWorker(): Plugin {
  return {
    name: "palabre-service-worker",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const html = bundle["index.html"];
      if (!html || html.type !== "asset") throw new Error("no index.html in the bundle");
      const page = String(html.source);
      const files = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      const manifest = JSON.parse(readFileSync(new URL("public/manifest.webmanifest", import.meta.url), "utf8"));
      const icons: string[] = manifest.icons.map((icon: { src: string }) => icon.src);
      const shell = [...new Set(["/", "/manifest.webmanifest", ...icons, ...files])];
      const version = createHash("sha256").update(page).update(shell.join("\n")).digest("hex").slice(0, 16);
      const source = readFileSync(new URL("src/pwa/sw.js", import.meta.url), "utf8")
        .replace("self.__PALABRE_SHELL__", JSON.stringify(shell))
        .replace("self.__PALABRE_VERSION__", JSON.stringify(version));
      if (source.includes("__PALABRE_")) throw new Error("sw.js: a placeholder was not filled");
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}

// The client is built into the Python package, so a wheel carries it.
export default defineConfig({
  base: "/",
  define: { __SEGMENTATION_BASE__: JSON.stringify("/" + SEG_BASE) },
  plugins: [segmentationFiles(), serviceWorker()],
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
