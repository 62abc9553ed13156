// A space's board (a document of kind "board"): its Y.Doc synced over /api/yjs by the stock
// y-websocket provider and kept offline in IndexedDB, like the text editor's, drawn by
// canvas.ts. Loaded only when a board opens (a dynamic import from the document page).

import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import { openCanvas, type BoardCanvas, type Pointer, type Presence } from "./canvas";

export type BoardStatus = "connecting" | "saving" | "saved" | "offline" | "refused";

export interface SpaceBoardOptions {
  element: HTMLElement;
  documentId: string;
  title: string;
  writable: boolean;
  user: { name: string; color: string };
  uploadImage: (file: File) => Promise<string>;
  onStatus: (status: BoardStatus) => void;
}

export interface SpaceBoard {
  canvas: BoardCanvas;
  doc: Y.Doc;
  destroy(): void;
}

const REFUSED = [4401, 4403, 4404];
const SAVED_MESSAGE = 100; // the server's durable state vector (docs/documents.md; editor.ts)

export function openBoard(o: SpaceBoardOptions): SpaceBoard {
  const doc = new Y.Doc();
  const offline = new IndexeddbPersistence(`palabre-doc-${o.documentId}`, doc);
  const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/yjs";
  const provider = new WebsocketProvider(base, o.documentId, doc, {
    params: { saved: "1" },
    shouldReconnect: (event) => !REFUSED.includes(event.code),
  });
  o.onStatus("connecting");
  // "Saved" once the server's durable clock of this browser's changes covers them all.
  let acknowledged = 0;
  const covered = () => acknowledged >= Y.getState(doc.store, doc.clientID);
  provider.messageHandlers[SAVED_MESSAGE] = (_encoder, decoder) => {
    const vector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    acknowledged = Math.max(acknowledged, vector.get(doc.clientID) ?? 0);
    if (covered()) o.onStatus("saved");
  };
  doc.on("update", (_update, origin) => {
    if (origin !== provider && origin !== offline && provider.wsconnected) o.onStatus("saving");
  });
  provider.on("sync", (synced) => synced && covered() && o.onStatus("saved"));
  provider.on("status", ({ status }) => status === "disconnected" && o.onStatus("offline"));
  provider.on("connection-close", (event) => {
    if (event && REFUSED.includes(event.code)) o.onStatus("refused");
  });
  const canvas = openCanvas({ element: o.element, doc, writable: o.writable, title: o.title,
    uploadImage: o.uploadImage, presence: presence(provider, o.user) });
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

/** The others' pointers through the provider's awareness (y-protocols), as the editor's
 * carets are: `user` {name, color} and `pointer` {x, y} of each connection. */
function presence(provider: WebsocketProvider, user: { name: string; color: string }): Presence {
  const awareness = provider.awareness;
  awareness.setLocalStateField("user", user);
  return {
    set: (p) => awareness.setLocalStateField("pointer", p),
    watch: (show) => {
      const draw = () => {
        const others: Pointer[] = [];
        awareness.getStates().forEach((state, client) => {
          const p = state.pointer as { x?: unknown; y?: unknown } | null | undefined;
          const u = state.user as { name?: unknown; color?: unknown } | undefined;
          if (client === awareness.clientID || !p || typeof p.x !== "number" || typeof p.y !== "number") return;
          const color = typeof u?.color === "string" && /^#[0-9a-f]{6}$/i.test(u.color) ? u.color : "#1d6fa5";
          others.push({ x: p.x, y: p.y, color, name: typeof u?.name === "string" ? u.name.slice(0, 40) : "?" });
        });
        show(others);
      };
      awareness.on("change", draw);
    },
  };
}
