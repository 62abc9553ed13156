// The items of a folder: folders open, files download; rename and trash from a menu.

import { useState } from "preact/hooks";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { paths } from "../router";
import { ErrorNote, Link, Menu, useAction } from "../ui";
import * as files from "./api";
import type { FileItem } from "./api";
import { Shares } from "./Shares";
import { fmtSize } from "./upload";

export function FileList(props: { space: number; items: FileItem[]; writable: boolean; onChange: () => void }) {
  return (
    <ul class="ws-files-list" id="files-list">
      {props.items.map((f) => (
        <li key={f.id} data-file={f.id}>
          <Row {...props} file={f} />
        </li>
      ))}
    </ul>
  );
}

function Row(props: { space: number; file: FileItem; writable: boolean; onChange: () => void }) {
  const { file } = props;
  const [renaming, setRenaming] = useState(false);
  const [sharing, setSharing] = useState(false);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    setRenaming(false);
    props.onChange();
  });
  const items = [
    { label: t("files.download"), onSelect: () => location.assign(files.downloadUrl(file)) },
    ...(props.writable
      ? [
          { label: t("files.rename"), onSelect: () => setRenaming(true) },
          { label: t("shares.share"), onSelect: () => setSharing(true) },
          { label: t("files.toTrash"), danger: true, onSelect: () => void act.run(() => files.trash(file.id)) },
        ]
      : []),
  ];
  return (
    <div class="ws-file-row">
      {file.kind === "folder" ? (
        <Link href={paths.files(props.space, file.id)} class="ws-file-name">
          <span aria-hidden="true">📁 </span>
          <span class="ws-file-label">{file.name}</span>
        </Link>
      ) : (
        <a href={files.downloadUrl(file)} class="ws-file-name" download={file.name}>
          <span aria-hidden="true">📄 </span>
          <span class="ws-file-label">{file.name}</span>
        </a>
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
