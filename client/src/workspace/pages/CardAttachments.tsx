// A card's attachments: files of its space, listed with a download link (the files API)
// and, for one who changes the board, detached or picked from the space's files (a folder
// at a time, filtered by name).

import { useState } from "preact/hooks";
import * as filesApi from "../files/api";
import { fmtSize } from "../files/upload";
import * as api from "../planning/api";
import type { Attachment } from "../planning/api";
import { tp } from "../planning/strings";
import { ErrorNote, useAction, useLoad } from "../ui";

export function CardAttachments(props: {
  space: number; card: number; items: Attachment[]; writable: boolean; onChanged: () => void;
}) {
  const detach = useAction(async (file: string) => {
    await api.detachFile(props.card, file);
    props.onChanged();
  });
  const [picking, setPicking] = useState(false);
  return (
    <section aria-labelledby="card-attachments">
      <h3 id="card-attachments">{tp("boards.attachments")}</h3>
      {props.items.length === 0 && <p class="ws-muted">{tp("boards.noAttachment")}</p>}
      <ul class="ws-list" id="card-attachment-list">
        {props.items.map((a) => (
          <li key={a.file} class="ws-row">
            <a href={`${a.url}?download=1`} download={a.name}>{a.name}</a>
            <span class="ws-muted"> · {fmtSize(a.size)}</span>
            {props.writable && (
              <button type="button" class="btn" aria-label={tp("boards.detach", { name: a.name })}
                disabled={detach.busy} onClick={() => void detach.run(a.file)}>×</button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNote error={detach.error} />
      {props.writable && !picking && (
        <button type="button" class="btn" id="card-attach" onClick={() => setPicking(true)}>
          {tp("boards.attach")}
        </button>
      )}
      {props.writable && picking && (
        <FilePicker space={props.space} attached={props.items.map((a) => a.file)}
          onPick={async (file) => { await api.attachFile(props.card, file); props.onChanged(); }} />
      )}
    </section>
  );
}

function FilePicker(props: { space: number; attached: string[]; onPick: (file: string) => Promise<void> }) {
  const [folder, setFolder] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const listing = useLoad(() => filesApi.listFolder(props.space, folder), [props.space, folder]);
  const pick = useAction(props.onPick);
  const wanted = filter.trim().toLocaleLowerCase();
  const items = (listing.data?.items ?? []).filter(
    (f) => !props.attached.includes(f.id) && (!wanted || f.name.toLocaleLowerCase().includes(wanted)),
  );
  return (
    <fieldset class="ws-slots" id="card-file-picker">
      <legend>{tp("boards.attach")}</legend>
      <Crumbs path={listing.data?.path ?? []} onGo={setFolder} />
      <label for="card-file-filter" class="sr-only">{tp("boards.filterFiles")}</label>
      <input id="card-file-filter" type="search" placeholder={tp("boards.filterFiles")} value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)} />
      <ErrorNote error={listing.error ?? pick.error} />
      {listing.data && items.length === 0 && <p class="ws-muted">{tp("boards.noFile")}</p>}
      <ul class="ws-list">
        {items.map((f) => (
          <li key={f.id}>
            {f.kind === "folder" ? (
              <button type="button" class="btn" aria-label={tp("boards.openFolder", { name: f.name })}
                onClick={() => { setFolder(f.id); setFilter(""); }}>📁 {f.name}</button>
            ) : (
              <button type="button" class="btn" aria-label={tp("boards.attachThis", { name: f.name })}
                disabled={pick.busy} onClick={() => void pick.run(f.id)}>{f.name} · {fmtSize(f.size)}</button>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function Crumbs(props: { path: filesApi.Crumb[]; onGo: (folder: string | null) => void }) {
  return (
    <nav class="ws-row" aria-label={tp("boards.filesTop")}>
      <button type="button" class="btn" onClick={() => props.onGo(null)}>{tp("boards.filesTop")}</button>
      {props.path.map((c) => (
        <button type="button" class="btn" key={c.id} onClick={() => props.onGo(c.id)}>/ {c.name}</button>
      ))}
    </nav>
  );
}
