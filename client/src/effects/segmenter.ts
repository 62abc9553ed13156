// The person's silhouette in a camera frame: MediaPipe's selfie segmentation (wasm + WebGL),
// served by Palabre from the npm package's files (vite.config.ts) and loaded on first use
// only, by a script element of our own origin (the CSP allows 'self' and wasm compilation).

/** The mask is drawable: the person opaque, the background transparent. */
export type Mask = CanvasImageSource;
type Input = HTMLVideoElement | HTMLCanvasElement;

interface Solution {
  setOptions(o: { modelSelection?: number; selfieMode?: boolean }): void;
  onResults(fn: (r: { segmentationMask: Mask }) => void): void;
  initialize(): Promise<void>;
  send(i: { image: Input }): Promise<void>;
}
type SolutionClass = new (config: { locateFile: (file: string) => string }) => Solution;

/** Why a background could not be applied: an i18n key of the bg.* family. */
export class BackgroundError extends Error {
  constructor(readonly key: "bg.noWasm" | "bg.noWebgl" | "bg.failed") {
    super(key);
  }
}

/** Why this browser cannot segment (an i18n key), or null when it can. */
export function unsupported(): "bg.noWasm" | "bg.noWebgl" | null {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") return "bg.noWasm";
  try {
    if (!document.createElement("canvas").getContext("webgl2")) return "bg.noWebgl";
  } catch {
    return "bg.noWebgl";
  }
  return null;
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

/** One model for the page, whoever asks; frames go through it one at a time. */
export class Segmenter {
  private static made: Promise<Segmenter> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private draw: ((mask: Mask) => void) | null = null;

  private constructor(private solution: Solution) {
    solution.onResults((r) => this.draw?.(r.segmentationMask));
  }

  static get(): Promise<Segmenter> {
    if (!Segmenter.made) {
      Segmenter.made = Segmenter.make();
      Segmenter.made.catch(() => (Segmenter.made = null)); // a later choice tries again
    }
    return Segmenter.made;
  }

  private static async make(): Promise<Segmenter> {
    const why = unsupported();
    if (why) throw new Error(why);
    const base = __SEGMENTATION_BASE__;
    await loadScript(`${base}selfie_segmentation.js`);
    const Cls = (window as unknown as { SelfieSegmentation?: SolutionClass }).SelfieSegmentation;
    if (!Cls) throw new Error("segmentation: no SelfieSegmentation");
    const solution = new Cls({ locateFile: (file) => base + file });
    // The landscape model (144x256): the faster one, made for video calls.
    solution.setOptions({ modelSelection: 1, selfieMode: false });
    await solution.initialize();
    return new Segmenter(solution);
  }

  /** Segments one frame and calls `use` with its mask (valid during the call only). */
  segment(image: Input, use: (mask: Mask) => void): Promise<void> {
    const run = async () => {
      this.draw = use;
      try {
        await this.solution.send({ image });
      } finally {
        this.draw = null;
      }
    };
    const p = this.chain.then(run);
    this.chain = p.catch(() => {});
    return p;
  }
}
