// Constants that vite.config.ts defines at build time.

/** Where the segmentation model, its wasm and loaders are served (client/src/effects). */
declare const __SEGMENTATION_BASE__: string;
