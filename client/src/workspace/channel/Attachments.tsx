// The files attached to a message, and the composer's part in attaching them: picked from
// the space's files (files/Picker.tsx) or uploaded from the computer into the space's
// "Attachments" folder, then sent as references with the message.
//
// What a reader sees (files/policy.py): every reader of the channel sees an attachment's
// name, size and type; "file removed" once it was trashed or deleted; "no access" when the
// space does not let them read its files (the files API would refuse them anyway); else a
// link to open it (a preview in the browser when safe), a download, and a thumbnail of an
// image or a PDF, all from the files API.

import { useRef, useState } from "preact/hooks";
import * as filesApi from "../files/api";
import { FilePicker } from "../files/Picker";
import { fmtSize } from "../files/upload";
import { t } from "../i18n";
import { en, fr } from "../strings";
import { findChannel, spaceById } from "../store";
import type { Attachment, Level } from "../types";
import { ErrorNote, useAction } from "../ui";

/** The uploads' folder, as French and English speakers name it: one folder for both. */
const FOLDER_NAMES = [en["attach.folder"], fr["attach.folder"]];

export interface Attached {
  id: string;
  name: string;
  size: number;
}

/** The space of a conversation and what the person may do with its files ("none" for a
 * direct conversation, which holds no files). */
export function filesOf(channel: number): { space: number | null; level: Level } {
  const space = findChannel(channel)?.space ?? null;
  if (space === null) return { space, level: "none" };
  return { space, level: spaceById(space)?.access.files ?? "none" };
}

export function AttachmentList(props: { items: Attachment[]; channel: number; messageId?: number }) {
  if (!props.items.length) return null;
  const readable = filesOf(props.channel).level !== "none";
  return (
    <ul class="ws-attachments" aria-label={t("attach.list")}>
      {props.items.map((a, i) => (
        <li key={`${a.file}-${i}`} class={a.state === "ok" && readable ? "ws-attachment" : "ws-attachment removed"}
          data-attachment={a.name}>
          {a.state !== "ok" || !a.url ? (
            <span><span class="ws-attachment-name">{a.name}</span> <span class="ws-muted">({t("attach.removed")})</span></span>
          ) : !readable ? (
            <span><span class="ws-attachment-name">{a.name}</span> <span class="ws-muted">({t("attach.noAccess")})</span></span>
          ) : (
            <>
              {a.thumbnail && a.content_type.startsWith("image/") && (
                <a href={a.url} target="_blank" rel="noopener" tabIndex={-1} aria-hidden="true">
                  <img src={a.thumbnail} alt="" loading="lazy" width={48} height={48} />
                </a>
              )}
              <a href={a.url} target="_blank" rel="noopener" class="ws-attachment-name">{a.name}</a>
              <span class="ws-muted">{fmtSize(a.size)}</span>
              <a href={`${a.url}?download=1`} download={a.name} aria-label={t("attach.download", { name: a.name })}>⤓</a>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The composer's files: the ones chosen so far (removable), the picker, the upload. */
export function useComposerFiles(channel: number) {
  const [files, setFiles] = useState<Attached[]>([]);
  const [picking, setPicking] = useState(false);
  const add = (f: Attached) => setFiles((list) => (list.some((x) => x.id === f.id) ? list : [...list, f]));
  return { files, picking, setPicking, add, clear: () => setFiles([]),
           remove: (id: string) => setFiles((list) => list.filter((x) => x.id !== id)), channel };
}

export function ComposerFiles(props: { state: ReturnType<typeof useComposerFiles>; disabled?: boolean; idPrefix: string }) {
  const { state } = props;
  const { space, level } = filesOf(state.channel);
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState<string | null>(null);
  const upload = useAction(async (list: File[]) => {
    if (space === null) return;
    const folder = await filesApi.topFolder(space, t("attach.folder"), FOLDER_NAMES);
    for (const f of list) {
      setSending(f.name);
      try {
        const made = await filesApi.uploadSmall(space, folder, f);
        state.add({ id: made.id, name: made.name, size: made.size });
      } finally {
        setSending(null);
      }
    }
  });
  if (space === null || level === "none" || props.disabled) return null;
  return (
    <div class="ws-composer-files">
      {state.files.map((f) => (
        <span class="ws-attachment" key={f.id} data-chosen={f.name}>
          <span class="ws-attachment-name">{f.name}</span> <span class="ws-muted">{fmtSize(f.size)}</span>
          <button type="button" class="btn small" aria-label={t("attach.remove", { name: f.name })}
            onClick={() => state.remove(f.id)}>×</button>
        </span>
      ))}
      <button type="button" class="btn small" id={`${props.idPrefix}-attach`} aria-expanded={state.picking}
        onClick={() => state.setPicking(!state.picking)}>📎 {t("attach.space")}</button>
      {level === "write" && (
        <>
          <button type="button" class="btn small" id={`${props.idPrefix}-upload`} disabled={upload.busy}
            onClick={() => input.current?.click()}>{t("attach.upload")}</button>
          <input ref={input} type="file" multiple hidden id={`${props.idPrefix}-upload-input`}
            aria-label={t("attach.upload")}
            onChange={(e) => {
              const list = [...(e.currentTarget.files ?? [])];
              e.currentTarget.value = "";
              if (list.length) void upload.run(list);
            }} />
        </>
      )}
      {sending && <span class="ws-muted" role="status">{t("attach.sending", { name: sending })}</span>}
      <ErrorNote error={upload.error} />
      {state.picking && (
        <FilePicker space={space} id={`${props.idPrefix}-picker`} label={t("attach.space")}
          exclude={state.files.map((f) => f.id)}
          onClose={() => {
            state.setPicking(false);
            document.getElementById(`${props.idPrefix}-attach`)?.focus();
          }}
          onPick={(f) => state.add({ id: f.id, name: f.name, size: f.size })} />
      )}
    </div>
  );
}
