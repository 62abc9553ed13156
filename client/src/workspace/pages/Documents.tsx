// A space's documents: the tree of pages (sub-pages under their parent), a new page or
// board, rename, move, duplicate, the trash (restore, delete forever).

import { useState } from "preact/hooks";
import * as docs from "../documents/api";
import type { Doc } from "../documents/api";
import { ImportButton } from "../documents/transfer";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { go, paths } from "../router";
import { ErrorNote, Link, Loading, Menu, useAction, useLoad } from "../ui";
import { useSpace } from "./Space";

export function DocumentsPage({ space: id, trash }: { space: number; trash: boolean }) {
  const { space } = useSpace(id);
  const list = useLoad(() => docs.listDocuments(id, trash), [id, trash]);
  const writable = !!space && space.access.documents === "write" && !space.archived_at && !space.delete_at;
  const [title, setTitle] = useState("");
  const create = useAction(async (kind: "text" | "board", parent: string | null = null) => {
    const d = await docs.createDocument(id, { title: parent ? t("docs.untitled") : title.trim(), kind, parent });
    setTitle("");
    go(paths.document(id, d.id));
  });
  return (
    <section class="ws-card ws-docs" aria-labelledby="docs-title">
      <div class="ws-head">
        <h1 id="docs-title" tabIndex={-1}>
          {trash ? t("docs.trash") : t("docs.title")}
          {space && <span class="ws-muted"> — {space.name}</span>}
        </h1>
        <Link href={trash ? paths.documents(id) : paths.documents(id, true)} class="btn" id="docs-trash-link">
          {trash ? t("docs.back") : t("docs.trash")}
        </Link>
      </div>
      {!trash && writable && (
        <form
          class="ws-inline-form"
          aria-label={t("docs.new")}
          onSubmit={(e) => {
            e.preventDefault();
            void create.run("text");
          }}
        >
          <label for="new-doc-title" class="sr-only">
            {t("docs.newTitle")}
          </label>
          <input
            id="new-doc-title"
            placeholder={t("docs.newTitle")}
            maxLength={200}
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          <button type="submit" class="btn primary" id="new-doc" disabled={create.busy}>
            {t("docs.new")}
          </button>{" "}
          <button type="button" class="btn" id="new-board" disabled={create.busy} onClick={() => void create.run("board")}>
            {t("docs.newBoard")}
          </button>{" "}
          <ImportButton space={id} />
        </form>
      )}
      <ErrorNote error={create.error || list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : !list.data?.length ? (
        <p>{trash ? t("docs.trashEmpty") : t("docs.none")}</p>
      ) : trash ? (
        <Trash list={list.data} onChange={list.reload} />
      ) : (
        <Tree
          space={id}
          list={list.data}
          writable={writable}
          onChange={list.reload}
          onNewChild={(parent) => void create.run("text", parent)}
        />
      )}
    </section>
  );
}

function Tree(props: {
  space: number;
  list: Doc[];
  writable: boolean;
  onChange: () => void;
  onNewChild: (parent: string) => void;
}) {
  const children = new Map<string | null, Doc[]>();
  const ids = new Set(props.list.map((d) => d.id));
  for (const d of props.list) {
    const parent = d.parent && ids.has(d.parent) ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const branch = (parent: string | null, depth: number) => {
    const items = children.get(parent);
    if (!items) return null;
    return (
      <ul class={depth ? "ws-tree sub" : "ws-tree"} role={depth ? "group" : undefined}>
        {items.map((d) => (
          <li key={d.id}>
            <Item {...props} doc={d} />
            {branch(d.id, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return branch(null, 0);
}

function Item(props: {
  space: number;
  doc: Doc;
  list: Doc[];
  writable: boolean;
  onChange: () => void;
  onNewChild: (parent: string) => void;
}) {
  const { doc } = props;
  const [mode, setMode] = useState<"" | "rename" | "move">("");
  const [value, setValue] = useState(doc.title);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    setMode("");
    props.onChange();
  });
  const title = doc.title || (doc.kind === "board" ? t("docs.untitledBoard") : t("docs.untitled"));
  return (
    <div class="ws-doc-item" data-doc={doc.id}>
      <Link href={paths.document(props.space, doc.id)} class="ws-doc-link">
        {doc.kind === "board" ? "▦ " : "📄 "}
        {title}
      </Link>
      {props.writable && (
        <Menu
          label={t("docs.actions", { title })}
          items={[
            { label: t("docs.newChild"), onSelect: () => props.onNewChild(doc.id) },
            { label: t("docs.rename"), onSelect: () => setMode("rename") },
            { label: t("docs.move"), onSelect: () => setMode("move") },
            { label: t("docs.duplicate"), onSelect: () => void act.run(() => docs.duplicateDocument(doc.id)) },
            { label: t("docs.toTrash"), danger: true, onSelect: () => void act.run(() => docs.trashDocument(doc.id)) },
          ]}
        />
      )}
      {mode === "rename" && (
        <form
          class="ws-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(() => docs.editDocument(doc.id, { title: value }));
          }}
        >
          <label for={`rename-${doc.id}`} class="sr-only">
            {t("docs.rename")}
          </label>
          <input id={`rename-${doc.id}`} value={value} maxLength={200} onInput={(e) => setValue(e.currentTarget.value)} />
          <button type="submit" class="btn primary">
            {t("docs.save")}
          </button>
          <button type="button" class="btn" onClick={() => setMode("")}>
            {t("cancel")}
          </button>
        </form>
      )}
      {mode === "move" && (
        <form class="ws-inline-form" onSubmit={(e) => e.preventDefault()}>
          <label for={`move-${doc.id}`}>{t("docs.moveUnder")}</label>
          <select
            id={`move-${doc.id}`}
            onChange={(e) => {
              const v = e.currentTarget.value;
              void act.run(() => docs.editDocument(doc.id, { parent: v === "" ? null : v }));
            }}
          >
            <option value="-" disabled selected>
              …
            </option>
            <option value="">{t("docs.top")}</option>
            {props.list
              .filter((d) => d.id !== doc.id)
              .map((d) => (
                <option value={d.id} key={d.id}>
                  {d.title || t("docs.untitled")}
                </option>
              ))}
          </select>
          <button type="button" class="btn" onClick={() => setMode("")}>
            {t("cancel")}
          </button>
        </form>
      )}
      <ErrorNote error={act.error} />
    </div>
  );
}

function Trash({ list, onChange }: { list: Doc[]; onChange: () => void }) {
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    onChange();
  });
  return (
    <>
      <ErrorNote error={act.error} />
      <ul class="ws-tree">
        {list.map((d) => (
          <li key={d.id} class="ws-doc-item">
            <span>{d.title || t("docs.untitled")}</span>
            {d.trashed_at && <span class="ws-muted"> · {fmtDate(d.trashed_at)}</span>}
            <button type="button" class="btn" onClick={() => void act.run(() => docs.restoreDocument(d.id))}>
              {t("docs.restore")}
            </button>
            <button type="button" class="btn danger" onClick={() => void act.run(() => docs.deleteDocument(d.id))}>
              {t("docs.deleteForever")}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
