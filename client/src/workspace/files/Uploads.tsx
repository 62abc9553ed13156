// New folders, and uploads: files picked (several at once), a folder picked, or files and
// folders dropped on the page (drop.ts); the folders are made (or found) in the space, each
// file sent with tus, a progress bar with its speed and the time left.

import { useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import { t } from "../i18n";
import { ErrorNote, useAction } from "../ui";
import * as files from "./api";
import { fromInput, type Pick } from "./drop";
import { type Progress, progressText, uploadFile } from "./upload";

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

/** The folder `name` under `parent`: made, or the one already there. */
async function ensureFolder(space: number, parent: string | null, name: string): Promise<string> {
  try {
    return (await files.makeFolder(space, name, parent)).id;
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e;
    const listing = await files.listFolder(space, parent);
    const found = listing.items.find((i) => i.kind === "folder" && i.name === name);
    if (!found) throw e;
    return found.id;
  }
}

/** Uploads' state and the function sending picks into the current folder. */
export function useUploads(space: number, folder: string | null, onDone: () => void) {
  const [progress, setProgress] = useState<Record<string, Progress>>({});
  const [error, setError] = useState<unknown>(null);
  const send = async (picks: Pick[]) => {
    setError(null);
    const made = new Map<string, string | null>([["", folder]]);
    const folderFor = async (path: string[]) => {
      let parent = folder;
      for (let i = 0; i < path.length; i++) {
        const key = path.slice(0, i + 1).join("/");
        let id = made.get(key);
        if (id === undefined) {
          id = await ensureFolder(space, parent, path[i]);
          made.set(key, id);
        }
        parent = id;
      }
      return parent;
    };
    for (const pick of picks) {
      try {
        const into = await folderFor(pick.folders);
        if (!pick.file) continue;
        const file = pick.file;
        const key = `${pick.folders.join("/")}/${file.name}:${file.size}:${file.lastModified}`;
        const track = (p: Progress) =>
          setProgress((all) => ({ ...all, [key]: { ...p, name: [...pick.folders, file.name].join("/") } }));
        try {
          await uploadFile(space, into, file, track);
        } catch {
          /* said in its progress line */
        }
      } catch (e) {
        setError(e); // a folder that could not be made
      }
      onDone();
    }
    if (picks.length) onDone();
  };
  return { progress, error, send };
}

export function UploadButtons(props: { send: (picks: Pick[]) => Promise<void> }) {
  const picker = useRef<HTMLInputElement>(null);
  const folderPicker = useRef<HTMLInputElement>(null);
  return (
    <div class="ws-uploads">
      <button type="button" class="btn primary" id="upload-button" onClick={() => picker.current?.click()}>
        {t("files.upload")}
      </button>
      <input ref={picker} id="file-upload" type="file" multiple hidden aria-label={t("files.upload")}
        onChange={(e) => {
          const picks = fromInput(e.currentTarget.files);
          e.currentTarget.value = "";
          void props.send(picks);
        }} />
      <button type="button" class="btn" id="upload-folder-button" onClick={() => folderPicker.current?.click()}>
        {t("files.uploadFolder")}
      </button>
      <input ref={folderPicker} id="folder-upload" type="file" multiple hidden aria-label={t("files.uploadFolder")}
        {...{ webkitdirectory: true }}
        onChange={(e) => {
          const picks = fromInput(e.currentTarget.files);
          e.currentTarget.value = "";
          void props.send(picks);
        }} />
    </div>
  );
}

export function UploadList(props: { progress: Record<string, Progress>; error: unknown }) {
  const entries = Object.entries(props.progress);
  return (
    <>
      <ErrorNote error={props.error} />
      {entries.length > 0 && (
        <ul class="ws-upload-list" aria-label={t("files.uploads")}>
          {entries.map(([key, p]) => (
            <UploadLine key={key} p={p} />
          ))}
        </ul>
      )}
    </>
  );
}

function UploadLine({ p }: { p: Progress }) {
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
            : progressText(p.sent, p.total, p.bytesPerSecond)}
      </span>
      {p.error && <ErrorNote error={new Error(p.error)} />}
    </li>
  );
}
