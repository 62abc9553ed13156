// What is in the space's files' trash: restore it (deleting forever is for admins, later).

import { fmtDate } from "../format";
import { t } from "../i18n";
import { ErrorNote, Loading, useAction, useLoad } from "../ui";
import * as files from "./api";

export function FilesTrash({ space }: { space: number }) {
  const list = useLoad(() => files.listTrash(space), [space]);
  const act = useAction(async (id: string) => {
    await files.restore(id);
    list.reload();
  });
  if (list.loading && !list.data) return <Loading />;
  return (
    <>
      <ErrorNote error={act.error || list.error} />
      {!list.data?.length ? (
        <p>{t("files.trashEmpty")}</p>
      ) : (
        <ul class="ws-files-list" id="files-trash">
          {list.data.map((f) => (
            <li key={f.id} class="ws-file-row" data-file={f.id}>
              <span class="ws-file-name">{f.name}</span>
              {f.trashed_at && <span class="ws-muted ws-file-meta">{fmtDate(f.trashed_at)}</span>}
              <button type="button" class="btn" disabled={act.busy} onClick={() => void act.run(f.id)}>
                {t("files.restore")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
