// New folders, and uploads: pick files (several at once), each sent with tus, a progress
// bar with its speed and the time left.

import { useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { ErrorNote, useAction } from "../ui";
import * as files from "./api";
import { fmtSize, type Progress, secondsLeft, uploadFile } from "./upload";

export function NewFolder(props: { space: number; folder: string | null; onDone: () => void }) {
  const [name, setName] = useState("");
  const make = useAction(async () => {
    await files.makeFolder(props.space, name.trim(), props.folder);
    setName("");
    props.onDone();
  });
  return (
    <form
      class="ws-inline-form"
      aria-label={t("files.newFolder")}
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void make.run();
      }}
    >
      <label for="new-folder-name" class="sr-only">
        {t("files.folderName")}
      </label>
      <input id="new-folder-name" placeholder={t("files.folderName")} maxLength={255} value={name}
        onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit" class="btn" id="new-folder" disabled={make.busy}>
        {t("files.newFolder")}
      </button>
      <ErrorNote error={make.error} />
    </form>
  );
}

export function Uploads(props: { space: number; folder: string | null; onDone: () => void }) {
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const picker = useRef<HTMLInputElement>(null);
  const send = async (list: FileList | null) => {
    for (const file of [...(list ?? [])]) {
      const key = `${file.name}:${file.size}:${file.lastModified}`;
      const track = (p: Progress) => setProgress((all) => ({ ...all, [key]: p }));
      try {
        await uploadFile(props.space, props.folder, file, track);
      } catch {
        /* said in its progress line */
      }
      props.onDone();
    }
  };
  return (
    <div class="ws-uploads">
      <button type="button" class="btn primary" id="upload-button" onClick={() => picker.current?.click()}>
        {t("files.upload")}
      </button>
      <input ref={picker} id="file-upload" type="file" multiple hidden aria-label={t("files.upload")}
        onChange={(e) => void send(e.currentTarget.files)} />
      {Object.keys(progress).length > 0 && (
        <ul class="ws-upload-list" aria-label={t("files.uploads")}>
          {Object.entries(progress).map(([key, p]) => (
            <UploadLine key={key} p={p} />
          ))}
        </ul>
      )}
    </div>
  );
}

function UploadLine({ p }: { p: Progress }) {
  const left = secondsLeft(p);
  const percent = p.total ? Math.floor((p.sent / p.total) * 100) : 100;
  return (
    <li class="ws-upload">
      <span class="ws-file-name">{p.name}</span>
      <progress max={100} value={percent} aria-label={t("files.progressOf", { name: p.name })} />
      <span class="ws-muted" role="status">
        {p.error
          ? t("files.failed")
          : p.done
            ? t("files.uploaded")
            : `${percent} % · ${fmtSize(p.bytesPerSecond)}/s${left !== null ? " · " + t("files.left", { s: left }) : ""}`}
      </span>
      {p.error && <ErrorNote error={new Error(p.error)} />}
    </li>
  );
}
