// A space's board (a document of kind "board"): its Y.Doc synced over /api/yjs by the stock
// y-websocket provider and kept offline in IndexedDB, like the text editor's, drawn by
// canvas.ts. Loaded only when a board opens (a dynamic import from the document page).

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { openCanvas, type BoardCanvas } from "./canvas";

export type BoardStatus = "connecting" | "saved" | "offline" | "refused";

export interface SpaceBoardOptions {
  element: HTMLElement;
  documentId: string;
  title: string;
  writable: boolean;
  uploadImage: (file: File) => Promise<string>;
  onStatus: (status: BoardStatus) => void;
}

export interface SpaceBoard {
  canvas: BoardCanvas;
  doc: Y.Doc;
  destroy(): void;
}

const REFUSED = [4401, 4403, 4404];

export function openBoard(o: SpaceBoardOptions): SpaceBoard {
  const doc = new Y.Doc();
  const offline = new IndexeddbPersistence(`palabre-doc-${o.documentId}`, doc);
  const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/yjs";
  const provider = new WebsocketProvider(base, o.documentId, doc, {
    shouldReconnect: (event) => !REFUSED.includes(event.code),
  });
  o.onStatus("connecting");
  provider.on("sync", (synced) => synced && o.onStatus("saved"));
  provider.on("status", ({ status }) => status === "disconnected" && o.onStatus("offline"));
  provider.on("connection-close", (event) => {
    if (event && REFUSED.includes(event.code)) o.onStatus("refused");
  });
  const canvas = openCanvas({ element: o.element, doc, writable: o.writable, title: o.title, uploadImage: o.uploadImage });
  provider.on("sync", (synced) => synced && canvas.fit());
  return {
    canvas,
    doc,
    destroy() {
      canvas.destroy();
      provider.destroy();
      void offline.destroy();
      doc.destroy();
    },
  };
}
