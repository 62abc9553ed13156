// The items of a folder, as a list or a grid of thumbnails: folders open, files open their
// preview; each has a checkbox (shift-click selects a range) and a menu (download, rename,
// share, trash). Sorting and the selection's actions are the page's (Browse.tsx).

import { useState } from "preact/hooks";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { paths } from "../router";
import { ErrorNote, Link, Menu, useAction } from "../ui";
import * as files from "./api";
import type { FileItem } from "./api";
import { Shares } from "./Shares";
import { fmtSize } from "./upload";

export interface ListProps {
  space: number;
  items: FileItem[];
  writable: boolean;
  grid: boolean;
  selected: Set<string>;
  onSelect: (id: string, on: boolean, range: boolean) => void;
  onPreview: (f: FileItem) => void;
  onChange: () => void;
}

export function FileList(props: ListProps) {
  return (
    <ul class={props.grid ? "ws-files-grid" : "ws-files-list"} id="files-list">
      {props.items.map((f) => (
        <li key={f.id} data-file={f.id} class={props.selected.has(f.id) ? "selected" : undefined}>
          <Row {...props} file={f} />
        </li>
      ))}
    </ul>
  );
}

function Thumb({ file }: { file: FileItem }) {
  const [failed, setFailed] = useState(false);
  if (file.kind === "file" && (file.preview === "image" || file.preview === "pdf") && !failed) {
    return (
      <img class="ws-thumb" src={files.thumbnailUrl(file)} alt="" loading="lazy" width={64} height={64}
        onError={() => setFailed(true)} />
    );
  }
  return (
    <span class="ws-thumb ws-thumb-icon" aria-hidden="true">
      {file.kind === "folder" ? "📁" : "📄"}
    </span>
  );
}

function Row(props: ListProps & { file: FileItem }) {
  const { file } = props;
  const [renaming, setRenaming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    setRenaming(false);
    props.onChange();
  });
  const items = [
    ...(file.kind === "file" ? [{ label: t("files.preview"), onSelect: () => props.onPreview(file) }] : []),
    { label: t("files.download"), onSelect: () => location.assign(files.downloadUrl(file)) },
    ...(props.writable
      ? [
          { label: t("files.rename"), onSelect: () => setRenaming(true) },
          { label: t("shares.share"), onSelect: () => setSharing(true) },
          { label: t("files.toTrash"), danger: true, onSelect: () => void act.run(() => files.trash(file.id)) },
        ]
      : []),
  ];
  const box = `select-${file.id}`;
  return (
    <div class="ws-file-row">
      <input type="checkbox" id={box} class="ws-file-check" checked={props.selected.has(file.id)}
        aria-label={t("files.select", { name: file.name })}
        onClick={(e) => props.onSelect(file.id, e.currentTarget.checked, e.shiftKey)} />
      {file.kind === "folder" ? (
        <Link href={paths.files(props.space, file.id)} class="ws-file-name">
          <Thumb file={file} />
          <span class="ws-file-label">{file.name}</span>
        </Link>
      ) : (
        <button type="button" class="ws-file-name ws-file-open" onClick={() => props.onPreview(file)}
          aria-label={`${file.name} — ${t("files.preview")}`}>
          <Thumb file={file} />
          <span class="ws-file-label">{file.name}</span>
        </button>
      )}
      <span class="ws-muted ws-file-meta">
        {file.kind === "file" ? `${fmtSize(file.size)} · ` : ""}
        {fmtDate(file.updated_at)}
      </span>
      <Menu label={t("files.actions", { name: file.name })} items={items} />
      {renaming && <Rename file={file} onSave={(name) => void act.run(() => files.rename(file.id, name))} onCancel={() => setRenaming(false)} />}
      {sharing && <Shares file={file} onClose={() => setSharing(false)} />}
      <ErrorNote error={act.error} />
    </div>
  );
}

function Rename(props: { file: FileItem; onSave: (name: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(props.file.name);
  const id = `rename-${props.file.id}`;
  return (
    <form
      class="ws-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(value);
      }}
    >
      <label for={id} class="sr-only">
        {t("files.rename")}
      </label>
      <input id={id} value={value} maxLength={255} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit" class="btn primary">
        {t("files.save")}
      </button>
      <button type="button" class="btn" onClick={props.onCancel}>
        {t("cancel")}
      </button>
    </form>
  );
}
