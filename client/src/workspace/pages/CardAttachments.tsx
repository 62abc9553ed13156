// A card's attachments: files of its space, listed with a download link (the files API)
// and, for one who changes the board, detached or picked from the space's files (the
// shared picker, files/Picker.tsx: folders navigated, filtered by name).

import { useState } from "preact/hooks";
import { FilePicker } from "../files/Picker";
import { fmtSize } from "../files/upload";
import * as api from "../planning/api";
import type { Attachment } from "../planning/api";
import { tp } from "../planning/strings";
import { ErrorNote, useAction } from "../ui";

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
        <FilePicker space={props.space} id="card-file-picker" label={tp("boards.attach")}
          exclude={props.items.map((a) => a.file)} onClose={() => setPicking(false)}
          onPick={async (file) => { await api.attachFile(props.card, file.id); props.onChanged(); }} />
      )}
    </section>
  );
}
