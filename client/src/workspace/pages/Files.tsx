// A space's files: a folder with its path, new folders, uploads (tus, with progress) of
// files and folders, picked or dropped on the page; its items as a list or a grid, sorted,
// selected, previewed (files/Browse.tsx); the trash with restore (files/*.tsx).

import { useState } from "preact/hooks";
import * as files from "../files/api";
import { Browse } from "../files/Browse";
import { fromDrop } from "../files/drop";
import { FilesTrash } from "../files/Trash";
import { NewFolder, UploadButtons, UploadList, useUploads } from "../files/Uploads";
import { fmtSize } from "../files/upload";
import { t } from "../i18n";
import { paths } from "../router";
import { ErrorNote, Link, Loading, useLoad } from "../ui";
import { useSpace } from "./Space";

export function FilesPage(props: { space: number; folder?: string; trash: boolean }) {
  const { space: id, folder, trash } = props;
  const { space } = useSpace(id);
  const listing = useLoad(() => files.listFolder(id, folder), [id, folder]);
  const usage = useLoad(() => files.usage(id), [id, listing.data]);
  const writable = !!listing.data?.writable;
  const uploads = useUploads(id, folder ?? null, listing.reload);
  const [dragging, setDragging] = useState(false);
  const carriesFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes("Files");
  const dropping = writable && !trash;
  return (
    <section
      class={dragging ? "ws-card ws-files dragging" : "ws-card ws-files"}
      aria-labelledby="files-title"
      onDragOver={(e) => {
        if (!dropping || !carriesFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target || !e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!dropping || !e.dataTransfer || !carriesFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        void fromDrop(e.dataTransfer).then(uploads.send);
      }}
    >
      <div class="ws-head">
        <h1 id="files-title" tabIndex={-1}>
          {trash ? t("files.trash") : t("files.title")}
          {space && <span class="ws-muted"> — {space.name}</span>}
        </h1>
        <Link href={trash ? paths.files(id) : paths.files(id, undefined, true)} class="btn" id="files-trash-link">
          {trash ? t("files.back") : t("files.trash")}
        </Link>
      </div>
      {usage.data && (
        <p class="ws-muted" id="files-usage">
          {t("files.usage", { used: fmtSize(usage.data.used), quota: fmtSize(usage.data.quota) })}
        </p>
      )}
      {listing.data && !listing.data.scanner && !trash && (
        <p class="ws-muted" id="files-no-scanner">
          {t("files.noScanner")}
        </p>
      )}
      {trash ? (
        <FilesTrash space={id} />
      ) : (
        <>
          <Crumbs space={id} listing={listing.data} />
          {writable && (
            <div class="ws-files-tools">
              <NewFolder space={id} folder={folder ?? null} onDone={listing.reload} />
              <UploadButtons send={uploads.send} />
            </div>
          )}
          {writable && (
            <p class="ws-muted ws-drop-hint" aria-hidden={!dragging}>
              {t("files.dropHere")}
            </p>
          )}
          <UploadList progress={uploads.progress} error={uploads.error} />
          <ErrorNote error={listing.error} />
          {listing.loading && !listing.data ? (
            <Loading />
          ) : listing.data && !listing.data.items.length ? (
            <p id="files-empty">{t("files.empty")}</p>
          ) : (
            listing.data && <Browse space={id} listing={listing.data} onChange={listing.reload} />
          )}
        </>
      )}
    </section>
  );
}

function Crumbs({ space, listing }: { space: number; listing?: files.Listing }) {
  const path = listing?.path ?? [];
  return (
    <nav aria-label={t("files.path")} class="ws-crumbs">
      <ol>
        <li>
          {path.length ? <Link href={paths.files(space)}>{t("files.top")}</Link> : <span aria-current="page">{t("files.top")}</span>}
        </li>
        {path.map((c, i) => (
          <li key={c.id}>
            {i === path.length - 1 ? (
              <span aria-current="page">{c.name}</span>
            ) : (
              <Link href={paths.files(space, c.id)}>{c.name}</Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
