// The document editor, loaded only when a document opens (a dynamic import: TipTap, Yjs and
// the providers stay out of the workspace's first load). TipTap 3 bound to the Yjs document
// through its Collaboration extension (y-prosemirror's layout, XmlFragment "default"), synced
// with the server by the stock y-websocket provider on /api/yjs, kept offline in IndexedDB
// (y-indexeddb) so edits made without a connection merge when it comes back.
//
// "Saved": the server sends message type 100 (its durable state vector) to a connection that
// asked with ?saved=1 (docs/documents.md); the page is saved when that vector covers every
// change this browser made.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import * as decoding from "lib0/decoding";
import { Editor, Extension, Node, mergeAttributes } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { TableKit } from "@tiptap/extension-table";
import { TaskItem, TaskList } from "@tiptap/extension-list";
import Image from "@tiptap/extension-image";
import Mention from "@tiptap/extension-mention";
import { NodeSelection, Plugin, PluginKey } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from "@tiptap/y-tiptap";

export type Status = "connecting" | "saving" | "saved" | "offline" | "refused";
export const SAVED_MESSAGE = 100;

export interface Anchor {
  anchor_start: string;
  anchor_end: string;
  quote: string;
}

export interface Person {
  id: string;
  label: string;
}

export interface EditorOptions {
  element: HTMLElement;
  documentId: string;
  label: string; // the editing area's accessible name (the document's title)
  writable: boolean;
  user: { name: string; color: string };
  people: () => Person[];
  onStatus: (status: Status) => void;
  onChange?: () => void;
}

export interface EditorHandle {
  editor: Editor;
  doc: Y.Doc;
  selectionAnchor(): Anchor | null;
  setComments(comments: { id: number; anchor_start: string; anchor_end: string; resolved: boolean }[]): void;
  insertImage(src: string, alt: string): void;
  insertSpaceFile(file: { id: string; name: string; image: boolean }): void;
  insertTable(): void;
  text(): string;
  destroy(): void;
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const commentsKey = new PluginKey<DecorationSet>("palabre-comments");

/** Only this server's addresses are kept as an image's src (a pasted page's third-party
 * image is dropped: nothing is ever fetched from elsewhere). */
export function ownSrc(src: unknown): string | null {
  if (typeof src !== "string" || !src.startsWith("/") || src.startsWith("//")) return null;
  return src;
}

/** An image of the space's files carries the file's id beside its src (/api/files/ID/content). */
const SpaceImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      src: { default: null, parseHTML: (el: HTMLElement) => ownSrc(el.getAttribute("src")) },
      file: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute("data-file"),
        renderHTML: (attrs: Record<string, unknown>) => (attrs.file ? { "data-file": attrs.file } : {}),
      },
    };
  },
});

/** A link to a file of the space: an inline atom holding the file's id and name, shown as a
 * link to its download (the files API decides who may have it). */
const SpaceFile = Node.create({
  name: "spaceFile",
  group: "inline",
  inline: true,
  atom: true,
  selectable: true,
  addAttributes() {
    return {
      file: { default: null, parseHTML: (el: HTMLElement) => el.getAttribute("data-file"), renderHTML: () => ({}) },
      name: {
        default: "",
        parseHTML: (el: HTMLElement) => (el.textContent ?? "").replace(/^📎 /u, ""),
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML() {
    return [{ tag: "a[data-space-file]" }];
  },
  renderHTML({ node, HTMLAttributes }) {
    const file = String(node.attrs.file ?? "");
    return ["a", mergeAttributes(HTMLAttributes, {
      "data-space-file": "", "data-file": file, class: "ws-file-chip",
      href: `/api/files/${encodeURIComponent(file)}/content?download=1`, target: "_blank", rel: "noopener",
    }), `📎 ${String(node.attrs.name ?? "")}`];
  },
  renderText({ node }) {
    return String(node.attrs.name ?? "");
  },
});

type Anchored = { id: number; start: Y.RelativePosition; end: Y.RelativePosition; resolved: boolean };
type Mapping = NonNullable<ReturnType<typeof ySyncPluginKey.getState>>["binding"]["mapping"];

export function openEditor(o: EditorOptions): EditorHandle {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment("default");
  const offline = new IndexeddbPersistence(`palabre-doc-${o.documentId}`, doc);
  const provider = connect(o, doc, offline);
  let comments: Anchored[] = [];
  // Set once the editor is made (its plugins run before: nothing to map yet).
  let made: Editor | null = null;
  const mapping = (): Mapping | undefined => (made ? ySyncPluginKey.getState(made.state)?.binding?.mapping : undefined);
  const editor = new Editor({
    element: o.element,
    editable: o.writable,
    injectCSS: false, // a <style> element of its own would break the CSP: workspace.css has it
    extensions: [
      // Undo is Yjs's (per person) with Collaboration; a read-only page adds no trailing
      // paragraph of its own (its update would be refused).
      StarterKit.configure({ undoRedo: false, trailingNode: o.writable ? undefined : false, link: { openOnClick: false } }),
      TableKit.configure({ table: { resizable: false } }),
      TaskList,
      TaskItem.configure({ nested: true }),
      SpaceImage,
      SpaceFile,
      Mention.configure({
        HTMLAttributes: { class: "ws-mention" },
        suggestion: mentionSuggestion(o.people),
      }),
      Collaboration.configure({ document: doc, field: "default" }),
      // Another's selection as a class, not an inline style (the page's CSP allows none).
      CollaborationCaret.configure({ provider, user: o.user, selectionRender: () => ({ class: "ws-remote-selection" }) }),
      commentsExtension(doc, fragment, () => comments, mapping),
    ],
    editorProps: { attributes: { class: "ws-editor-body", "aria-label": o.label, role: "textbox", "aria-multiline": "true" } },
  });
  made = editor;
  const destroy = () => {
    editor.destroy();
    provider.destroy();
    void offline.destroy();
    doc.destroy();
  };
  return {
    ...editingCommands(editor, fragment, mapping),
    editor,
    doc,
    setComments(list) {
      comments = anchored(list);
      editor.view.dispatch(editor.state.tr.setMeta(commentsKey, true));
    },
    destroy,
  };
}

/** The stock y-websocket provider on /api/yjs, and the status it implies: "saved" once the
 * server's durable state vector (message 100) covers every change made in this browser. */
function connect(o: EditorOptions, doc: Y.Doc, offline: IndexeddbPersistence): WebsocketProvider {
  const base = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/yjs";
  const provider = new WebsocketProvider(base, o.documentId, doc, {
    params: { saved: "1" },
    // Refused (signed out, no access, read-only write): asking again would not help.
    shouldReconnect: (event) => ![4401, 4403, 4404].includes(event.code),
  });
  let status: Status = "connecting";
  const set = (s: Status) => {
    if (s !== status) {
      status = s;
      o.onStatus(s);
    }
  };
  o.onStatus(status);
  let acknowledged = 0; // the server's durable clock of this browser's changes
  const covered = () => acknowledged >= Y.getState(doc.store, doc.clientID);
  provider.messageHandlers[SAVED_MESSAGE] = (_encoder, decoder) => {
    const vector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    acknowledged = Math.max(acknowledged, vector.get(doc.clientID) ?? 0);
    if (covered()) set("saved");
  };
  provider.on("status", ({ status: s }) => {
    if (s === "connected") set(covered() ? "saved" : "saving");
    else if (s === "disconnected") set("offline");
  });
  provider.on("connection-close", (event) => {
    if (event && [4401, 4403, 4404].includes(event.code)) set("refused");
  });
  provider.on("sync", (synced) => {
    if (synced && covered()) set("saved");
  });
  doc.on("update", (_update, origin) => {
    if (origin !== provider && origin !== offline && provider.wsconnected) set("saving");
    o.onChange?.();
  });
  return provider;
}

/** The comments' anchors as Yjs relative positions (those that do not decode are left out). */
function anchored(list: Parameters<EditorHandle["setComments"]>[0]): Anchored[] {
  return list.flatMap((c) => {
    try {
      return [{
        id: c.id,
        start: Y.decodeRelativePosition(unb64(c.anchor_start)),
        end: Y.decodeRelativePosition(unb64(c.anchor_end)),
        resolved: c.resolved,
      }];
    } catch {
      return [];
    }
  });
}

/** Comments shown as decorations over their anchors, mapped through the Yjs binding so they
 * follow the text others edit. */
function commentsExtension(doc: Y.Doc, fragment: Y.XmlFragment, comments: () => Anchored[], mapping: () => Mapping | undefined) {
  const decorate = (state: Editor["state"]) => {
    const map = mapping();
    if (!map) return DecorationSet.empty;
    const marks: Decoration[] = [];
    for (const c of comments()) {
      const from = relativePositionToAbsolutePosition(doc, fragment, c.start, map);
      const to = relativePositionToAbsolutePosition(doc, fragment, c.end, map);
      if (from === null || to === null || from >= to) continue;
      marks.push(
        Decoration.inline(from, to, {
          class: c.resolved ? "ws-commented resolved" : "ws-commented",
          "data-comment": String(c.id),
        }),
      );
    }
    return DecorationSet.create(state.doc, marks);
  };
  return Extension.create({
    name: "palabreComments",
    addProseMirrorPlugins() {
      return [
        new Plugin({
          key: commentsKey,
          state: {
            init: () => DecorationSet.empty,
            apply: (tr, old, _before, after) =>
              tr.docChanged || tr.getMeta(commentsKey) ? decorate(after) : old.map(tr.mapping, tr.doc),
          },
          props: { decorations: (state) => commentsKey.getState(state) },
        }),
      ];
    },
  });
}

/** What the page asks of the editor: the selection as an anchor, insertions, the text. */
function editingCommands(editor: Editor, fragment: Y.XmlFragment, mapping: () => Mapping | undefined) {
  return {
    selectionAnchor(): Anchor | null {
      const { from, to, empty } = editor.state.selection;
      const map = mapping();
      if (empty || !map) return null;
      const start = absolutePositionToRelativePosition(from, fragment, map);
      const end = absolutePositionToRelativePosition(to, fragment, map);
      return {
        anchor_start: b64(Y.encodeRelativePosition(start)),
        anchor_end: b64(Y.encodeRelativePosition(end)),
        quote: editor.state.doc.textBetween(from, to, " ").slice(0, 2000),
      };
    },
    insertImage(src: string, alt: string) {
      editor.chain().focus().setImage({ src, alt }).run();
    },
    insertSpaceFile(f: { id: string; name: string; image: boolean }) {
      const src = `/api/files/${encodeURIComponent(f.id)}/content`;
      const content = f.image
        ? { type: "image", attrs: { src, alt: f.name, file: f.id } }
        : [{ type: "spaceFile", attrs: { file: f.id, name: f.name } }, { type: "text", text: " " }];
      // A node chosen (the image just put in) stays: the new one goes after it.
      const { selection } = editor.state;
      if (selection instanceof NodeSelection) editor.chain().focus().insertContentAt(selection.to, content).run();
      else editor.chain().focus().insertContent(content).run();
    },
    insertTable() {
      editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run();
    },
    text() {
      return editor.getText();
    },
  };
}

/** The @-mention list: the space's members, filtered as one types (a small popup by hand:
 * TipTap leaves its rendering to the page). */
function mentionSuggestion(people: () => Person[]) {
  return {
    items: ({ query }: { query: string }) =>
      people()
        .filter((p) => p.label.toLowerCase().includes(query.toLowerCase()))
        .slice(0, 8),
    render: () => {
      let box: HTMLDivElement | null = null;
      let items: Person[] = [];
      let chosen = 0;
      let pick: (p: Person) => void = () => {};
      const draw = () => {
        if (!box) return;
        box.replaceChildren(
          ...items.map((p, i) => {
            const b = document.createElement("button");
            b.type = "button";
            b.role = "option";
            b.textContent = p.label;
            b.className = i === chosen ? "chosen" : "";
            b.setAttribute("aria-selected", String(i === chosen));
            b.onmousedown = (e) => {
              e.preventDefault();
              pick(p);
            };
            return b;
          }),
        );
      };
      const place = (rect: DOMRect | null | undefined) => {
        if (box && rect) {
          box.style.left = `${rect.left + scrollX}px`;
          box.style.top = `${rect.bottom + scrollY + 4}px`;
        }
      };
      type Props = { items: Person[]; command: (p: Person) => void; clientRect?: (() => DOMRect | null) | null };
      return {
        onStart: (props: Props) => {
          box = document.createElement("div");
          box.className = "ws-mention-list";
          box.role = "listbox";
          document.body.append(box);
          items = props.items;
          pick = props.command;
          chosen = 0;
          draw();
          place(props.clientRect?.());
        },
        onUpdate: (props: Props) => {
          items = props.items;
          pick = props.command;
          chosen = 0;
          draw();
          place(props.clientRect?.());
        },
        onKeyDown: ({ event }: { event: KeyboardEvent }) => {
          if (!items.length) return false;
          if (event.key === "ArrowDown" || event.key === "ArrowUp") {
            chosen = (chosen + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
            draw();
            return true;
          }
          if (event.key === "Enter") {
            pick(items[chosen]);
            return true;
          }
          return false;
        },
        onExit: () => {
          box?.remove();
          box = null;
        },
      };
    },
  };
}
