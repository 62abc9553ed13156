// The page a share link opens (/s/<token>), for people without an account: the password if
// the link has one; then the file to download, the folder's files (and the whole as a ZIP),
// or, for a drop box, a place to send files.

import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../api";
import { fmtSize } from "../files/upload";
import * as shared from "../files/shared";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { ErrorNote, Loading, useAction } from "../ui";

export function SharedPage({ token }: { token: string }) {
  const [password, setPassword] = useState("");
  const [tried, setTried] = useState("");
  const [folder, setFolder] = useState<string | undefined>(undefined);
  const [info, setInfo] = useState<shared.ShareInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    // Only the answer to the latest password and folder counts: a wrong password's answer
    // arriving after the right one's would lock the page again.
    let latest = true;
    setError(null);
    shared.openShare(token, tried, folder).then(
      (found) => latest && setInfo(found),
      (e: unknown) => latest && setError(e),
    );
    return () => {
      latest = false;
    };
  }, [token, tried, folder]);
  const locked = error instanceof ApiError && error.code === "password";
  if (locked || (!info && !error))
    return locked ? <PasswordForm wrong={!!tried} value={password} onInput={setPassword} onSubmit={() => setTried(password)} /> : <Loading />;
  if (!info)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("shared.bad")}</h1>
        <ErrorNote error={error} />
      </section>
    );
  return (
    <section class="ws-card ws-files" aria-labelledby="shared-title">
      <h1 id="shared-title" tabIndex={-1}>
        {info.name}
      </h1>
      <p class="ws-muted">
        {info.expires_at ? t("shared.until", { date: fmtDate(info.expires_at) }) : t("shared.shared")}
        {info.downloads_left !== null ? ` · ${t("shared.left", { n: info.downloads_left })}` : ""}
      </p>
      {info.mode === "upload" ? (
        <DropBox token={token} password={tried} />
      ) : (
        <Downloads token={token} password={tried} info={info} folder={folder} onOpen={setFolder} />
      )}
    </section>
  );
}

function PasswordForm(props: { wrong: boolean; value: string; onInput: (v: string) => void; onSubmit: () => void }) {
  return (
    <section class="ws-card">
      <h1 tabIndex={-1}>{t("shared.locked")}</h1>
      <form class="ws-inline-form" onSubmit={(e) => (e.preventDefault(), props.onSubmit())}>
        <label for="share-password">{t("shared.password")}</label>
        <input id="share-password" type="password" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
        <button type="submit" class="btn primary" id="share-open">
          {t("shared.open")}
        </button>
      </form>
      {props.wrong && <p class="ws-error" role="alert">{t("shared.wrong")}</p>}
    </section>
  );
}

function Downloads(props: { token: string; password: string; info: shared.ShareInfo; folder?: string; onOpen: (f?: string) => void }) {
  const { token, password, info } = props;
  const save = useAction((url: string, name: string) => shared.saveWithPassword(url, password, name));
  const link = (url: string, name: string, label: string, id?: string) =>
    password ? (
      <button type="button" class="btn" id={id} onClick={() => void save.run(url, name)}>
        {label}
      </button>
    ) : (
      <a class="btn" id={id} href={url} download={name}>
        {label}
      </a>
    );
  if (info.kind === "file")
    return (
      <p>
        {fmtSize(info.size)} {link(shared.contentUrl(token), info.name, t("files.download"), "shared-download")}
        <ErrorNote error={save.error} />
      </p>
    );
  return (
    <>
      {props.folder && (
        <button type="button" class="btn" onClick={() => props.onOpen(undefined)}>
          {t("files.top")}
        </button>
      )}
      <ul class="ws-files-list" id="shared-list">
        {info.items.map((f) => (
          <li key={f.id} class="ws-file-row">
            {f.kind === "folder" ? (
              <button type="button" class="btn ws-file-name" onClick={() => props.onOpen(f.id)}>
                📁 {f.name}
              </button>
            ) : (
              <>
                <span class="ws-file-name">{f.name}</span>
                <span class="ws-muted ws-file-meta">{fmtSize(f.size)}</span>
                {link(shared.contentUrl(token, f.id), f.name, t("files.download"))}
              </>
            )}
          </li>
        ))}
      </ul>
      {link(shared.zipUrl(token), `${info.name}.zip`, t("shared.zip"), "shared-zip")}
      <ErrorNote error={save.error} />
    </>
  );
}

function DropBox({ token, password }: { token: string; password: string }) {
  const [sent, setSent] = useState<string[]>([]);
  const send = useAction(async (files: FileList | null) => {
    for (const file of [...(files ?? [])]) {
      await shared.drop(token, password, file);
      setSent((s) => [...s, file.name]);
    }
  });
  return (
    <>
      <p>{t("shared.dropHelp")}</p>
      <label for="drop-files">{t("files.upload")}</label>{" "}
      <input id="drop-files" type="file" multiple disabled={send.busy} onChange={(e) => void send.run(e.currentTarget.files)} />
      <ErrorNote error={send.error} />
      {sent.length > 0 && (
        <ul aria-label={t("files.uploads")} id="drop-sent">
          {sent.map((n, i) => (
            <li key={i}>{t("shared.sent", { name: n })}</li>
          ))}
        </ul>
      )}
    </>
  );
}
