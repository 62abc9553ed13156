// A camera track with its background changed: the model (segmenter.ts) segments frames as
// fast as it can, and every frame is drawn through its newest mask, the person over a
// blurred copy of the frame or over an image, onto a canvas whose captureStream() track is what we show and send (the sender's replaceTrack: no
// renegotiation). Frames come from a MediaStreamTrackProcessor where the browser has one
// (Chromium: it keeps running in a background tab), else from a <video> element paced by
// requestVideoFrameCallback (Firefox, WebKit) or animation frames.

import { imageUrl, type Background } from "./choice";
import type { Mask, Segmenter } from "./segmenter";

/** Where frames come from: each `next()` leaves the newest frame drawable in `image`. */
interface Frames {
  readonly image: HTMLCanvasElement | HTMLVideoElement;
  width(): number;
  height(): number;
  next(): Promise<boolean>;
  close(): void;
}

type TrackProcessor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
  readable: ReadableStream<VideoFrame>;
};

function processorFrames(track: MediaStreamTrack, Cls: TrackProcessor): Frames {
  const reader = new Cls({ track, maxBufferSize: 1 }).readable.getReader();
  const image = document.createElement("canvas");
  const ctx = image.getContext("2d")!;
  return {
    image,
    width: () => image.width,
    height: () => image.height,
    async next() {
      const { value, done } = await reader.read();
      if (done || !value) return false;
      if (image.width !== value.displayWidth || image.height !== value.displayHeight) {
        image.width = value.displayWidth;
        image.height = value.displayHeight;
      }
      ctx.drawImage(value, 0, 0);
      value.close();
      return true;
    },
    close: () => void reader.cancel().catch(() => {}),
  };
}

function videoFrames(track: MediaStreamTrack): Frames {
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  void video.play().catch(() => {});
  let closed = false;
  const wait = () =>
    new Promise<void>((resolve) => {
      // A hidden page gets no frame callbacks: a timer keeps the frames going (slowly).
      if (document.hidden) window.setTimeout(resolve, 66);
      else if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(() => resolve());
      else requestAnimationFrame(() => resolve());
    });
  return {
    image: video,
    width: () => video.videoWidth,
    height: () => video.videoHeight,
    async next() {
      do await wait();
      while (!closed && video.readyState < 2);
      return !closed && track.readyState === "live";
    },
    close() {
      closed = true;
      video.srcObject = null;
    },
  };
}

/** The width of the frames given to the model (its landscape input is 256x144). */
const INPUT_WIDTH = 256;
/** How much the background is blurred, as a fraction of the frame's width. */
const BLUR = 1 / 60;
/** The blurred copy is drawn this many times smaller (cheaper, and smoother once scaled up). */
const SHRINK = 4;

export interface ProcessorStats {
  frames: number;
  /** Frames drawn and sent, and the milliseconds to draw one (a running mean). */
  msPerFrame: number;
  /** Frames the model segmented (fewer than drawn when it is slower than the camera), and
   * its milliseconds per frame (a running mean, without the first one, which also sets the
   * model up on the GPU). */
  segmentations: number;
  msPerSegmentation: number;
  firstSegmentationMs: number;
  background: Background;
}

export class BackgroundProcessor {
  readonly output: MediaStreamTrack;
  private readonly canvas = document.createElement("canvas");
  private readonly ctx: CanvasRenderingContext2D;
  private readonly small = document.createElement("canvas");
  private readonly smallCtx: CanvasRenderingContext2D;
  private readonly input = document.createElement("canvas");
  private readonly inputCtx = this.input.getContext("2d")!;
  private readonly frames: Frames;
  private image: HTMLImageElement | null = null;
  private running = true;
  private readonly mask = document.createElement("canvas");
  private readonly maskCtx = this.mask.getContext("2d")!;
  private hasMask = false;
  private segmenting = false;
  private restUntil = 0;
  private count = 0;
  private ms = 0;
  private segments = 0;
  private segmentMs = 0;
  private firstSegmentMs = 0;

  constructor(
    readonly source: MediaStreamTrack,
    private background: Background,
    private segmenter: Segmenter,
  ) {
    const s = source.getSettings();
    this.canvas.width = s.width || 640;
    this.canvas.height = s.height || 480;
    this.ctx = this.canvas.getContext("2d")!;
    this.smallCtx = this.small.getContext("2d")!;
    const Cls = (window as unknown as { MediaStreamTrackProcessor?: TrackProcessor }).MediaStreamTrackProcessor;
    this.frames = Cls ? processorFrames(source, Cls) : videoFrames(source);
    this.output = this.canvas.captureStream().getVideoTracks()[0]!;
    source.addEventListener("ended", () => this.stop());
  }

  /** Loads the background's image (if any), then starts the frames. */
  async start(): Promise<void> {
    await this.setBackground(this.background);
    void this.run();
  }

  get stats(): ProcessorStats {
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      frames: this.count,
      msPerFrame: round(this.ms),
      segmentations: this.segments,
      msPerSegmentation: round(this.segmentMs),
      firstSegmentationMs: round(this.firstSegmentMs),
      background: this.background,
    };
  }

  /** Another background for the same track (blur or an image: none is the caller's). */
  async setBackground(b: Background): Promise<void> {
    const url = imageUrl(b);
    let image: HTMLImageElement | null = null;
    if (url) {
      image = new Image();
      image.src = url;
      await image.decode();
    }
    this.image = image;
    this.background = b;
  }

  /** Stops the processing and the output track; the camera track is the caller's. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.frames.close();
    this.output.stop();
  }

  private async run(): Promise<void> {
    const { frames } = this;
    while (this.running && (await frames.next())) {
      if (!this.running) break;
      const w = frames.width();
      const h = frames.height();
      if (!w || !h) continue;
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
      this.segmentNext(w, h);
      const t0 = performance.now();
      // Every frame is drawn, through the newest mask: a slow model (no GPU) lags the
      // silhouette, never the video. No mask yet, or a model that failed: all background.
      if (this.hasMask) this.compose(this.mask, frames.image);
      else this.drawBackground(frames.image);
      const dt = performance.now() - t0;
      this.count += 1;
      this.ms = this.count === 1 ? dt : this.ms * 0.9 + dt * 0.1;
    }
    this.stop();
  }

  /** Starts segmenting the current frame unless the model is still at the previous one, or
   * rests: the model runs on the page's main thread, so it takes at most half of it (where a
   * frame takes 500 ms, without a GPU, the page stays usable; with a GPU, a few ms, this
   * holds nothing back). */
  private segmentNext(w: number, h: number): void {
    if (this.segmenting || performance.now() < this.restUntil) return;
    this.segmenting = true;
    const input = this.shrink(this.frames.image, w, h);
    const t0 = performance.now();
    this.segmenter
      .segment(input, (mask) => this.keepMask(mask, input.width, input.height))
      .then(
        () => {
          const dt = performance.now() - t0;
          this.restUntil = performance.now() + dt;
          this.segments += 1;
          // The first one also sets the model up: it is not counted in the mean.
          if (this.segments === 1) this.firstSegmentMs = dt;
          else this.segmentMs = this.segments === 2 ? dt : this.segmentMs * 0.9 + dt * 0.1;
        },
        (e: unknown) => {
          console.warn("segmentation failed", e);
          this.hasMask = false;
          this.restUntil = performance.now() + 1000;
        },
      )
      .finally(() => (this.segmenting = false));
  }

  /** A copy of the model's mask (its own is reused by the next frame). */
  private keepMask(mask: Mask, w: number, h: number): void {
    const { mask: copy, maskCtx } = this;
    if (copy.width !== w || copy.height !== h) {
      copy.width = w;
      copy.height = h;
    }
    maskCtx.globalCompositeOperation = "copy";
    maskCtx.drawImage(mask, 0, 0, w, h);
    this.hasMask = true;
  }

  /** The frame at the model's size (256 pixels wide): what the model reads is uploaded to
   * the GPU each frame, and it scales its input down to that anyway. */
  private shrink(frame: CanvasImageSource, w: number, h: number): HTMLCanvasElement {
    const { input, inputCtx } = this;
    const iw = Math.min(w, INPUT_WIDTH);
    const ih = Math.max(1, Math.round((h * iw) / w));
    if (input.width !== iw || input.height !== ih) {
      input.width = iw;
      input.height = ih;
    }
    inputCtx.drawImage(frame, 0, 0, iw, ih);
    return input;
  }

  /** The person (the mask's opaque part of the frame) over the background. */
  private compose(mask: Mask, frame: CanvasImageSource): void {
    const { ctx, canvas } = this;
    const { width: w, height: h } = canvas;
    ctx.save();
    ctx.globalCompositeOperation = "copy";
    ctx.drawImage(mask, 0, 0, w, h);
    ctx.globalCompositeOperation = "source-in";
    ctx.drawImage(frame, 0, 0, w, h);
    ctx.globalCompositeOperation = "destination-over";
    this.drawBackground(frame);
    ctx.restore();
  }

  private drawBackground(frame: CanvasImageSource): void {
    const { ctx, canvas, image } = this;
    const { width: w, height: h } = canvas;
    if (image) {
      // Cover the frame, centred, keeping the image's proportions.
      const scale = Math.max(w / image.naturalWidth, h / image.naturalHeight);
      const iw = image.naturalWidth * scale;
      const ih = image.naturalHeight * scale;
      ctx.drawImage(image, (w - iw) / 2, (h - ih) / 2, iw, ih);
      return;
    }
    const { small, smallCtx } = this;
    const sw = Math.max(1, Math.round(w / SHRINK));
    const sh = Math.max(1, Math.round(h / SHRINK));
    if (small.width !== sw || small.height !== sh) {
      small.width = sw;
      small.height = sh;
    }
    // Where the 2D canvas has no filter (older WebKit), shrinking further blurs as well.
    const filtered = "filter" in smallCtx;
    const radius = Math.max(2, Math.round((w * BLUR) / SHRINK));
    const k = filtered ? 1 : 4;
    // Drawn past the edges, so that the blur does not fade to transparent there.
    const pad = filtered ? 2 * radius : 0;
    if (filtered) smallCtx.filter = `blur(${radius}px)`;
    smallCtx.drawImage(frame, -pad, -pad, sw / k + 2 * pad, sh / k + 2 * pad);
    if (filtered) smallCtx.filter = "none";
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(small, 0, 0, sw / k, sh / k, 0, 0, w, h);
  }
}
