// The meeting's whiteboard, loaded with a dynamic import when its panel first opens: a
// Y.Doc kept in sync over the signaling socket (board_sync, board_update: docs/protocol.md)
// and drawn by the same canvas as a space's board (client/src/board/canvas.ts). No images here
// (a meeting has no files); everything else, undo per person included.

import * as Y from "yjs";
import { openCanvas, type BoardCanvas } from "../board/canvas";
import type { NotesHost } from "./notes";
import { fromBase64, toBase64 } from "./notes-editor";

const REMOTE = { board: "remote" };
const FLUSH_MS = 60; // a drag sends at most ~16 updates a second
const MAX_UPDATE = 44_000; // bytes: base64 stays under the protocol's 60 000 characters

export class MeetingBoardSync {
  readonly doc = new Y.Doc();
  private canvas: BoardCanvas;
  private queue: Uint8Array[] = [];
  private timer = 0;
  private disposed = false;

  constructor(private host: NotesHost, element: HTMLElement, title: string) {
    this.canvas = openCanvas({ element, doc: this.doc, writable: true, title });
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.enqueue(update);
    });
  }

  /** The whole board from the server, then the updates that came meanwhile. */
  async start(early: string[]): Promise<void> {
    const r = await this.host.session.call({ type: "board_sync" });
    if (r.type === "board_state") Y.applyUpdate(this.doc, fromBase64(r.update), REMOTE);
    for (const u of early) this.remote(u);
    this.canvas.fit();
  }

  /** After a reconnection: catch up, and give the server what it missed of ours. */
  async resync(): Promise<void> {
    try {
      const r = await this.host.session.call({ type: "board_sync" });
      if (r.type !== "board_state") return;
      const server = fromBase64(r.update);
      Y.applyUpdate(this.doc, server, REMOTE);
      const missing = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVectorFromUpdate(server));
      if (missing.length > Y.encodeStateAsUpdate(new Y.Doc()).length) this.enqueue(missing);
    } catch {
      /* the next reconnection tries again */
    }
  }

  remote(update: string): void {
    try {
      Y.applyUpdate(this.doc, fromBase64(update), REMOTE);
    } catch (e) {
      console.warn("board: bad update", e);
    }
  }

  private enqueue(update: Uint8Array): void {
    this.queue.push(update);
    if (!this.timer) this.timer = window.setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = 0;
    if (this.disposed || !this.queue.length) return;
    if (this.host.session.ws?.readyState !== WebSocket.OPEN) {
      this.timer = window.setTimeout(() => this.flush(), 1000);
      return;
    }
    const merged = this.queue.length === 1 ? this.queue[0]! : Y.mergeUpdates(this.queue);
    this.queue = [];
    if (merged.length > MAX_UPDATE) {
      // Too big for one message (a long freehand line): its parts go one by one.
      console.warn("board: an update over the limit was not shared");
      return;
    }
    this.host.session.send({ type: "board_update", update: toBase64(merged) });
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.timer);
    this.canvas.destroy();
    this.doc.destroy();
  }
}
