// A space's files: a folder with its path, new folders, uploads (tus, with progress), and
// each item's download, rename and trash; the trash with restore (files/*.tsx).

import * as files from "../files/api";
import { FileList } from "../files/List";
import { FilesTrash } from "../files/Trash";
import { NewFolder, Uploads } from "../files/Uploads";
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
  return (
    <section class="ws-card ws-files" aria-labelledby="files-title">
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
      {trash ? (
        <FilesTrash space={id} />
      ) : (
        <>
          <Crumbs space={id} listing={listing.data} />
          {writable && (
            <div class="ws-files-tools">
              <NewFolder space={id} folder={folder ?? null} onDone={listing.reload} />
              <Uploads space={id} folder={folder ?? null} onDone={listing.reload} />
            </div>
          )}
          <ErrorNote error={listing.error} />
          {listing.loading && !listing.data ? (
            <Loading />
          ) : listing.data && !listing.data.items.length ? (
            <p id="files-empty">{t("files.empty")}</p>
          ) : (
            listing.data && <FileList space={id} items={listing.data.items} writable={writable} onChange={listing.reload} />
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
