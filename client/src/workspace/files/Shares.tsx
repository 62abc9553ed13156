// An item's share links: make one (read, or upload into a folder; a password, an expiry),
// see each link's downloads and uses, revoke it.

import { useState } from "preact/hooks";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { ErrorNote, useAction, useLoad } from "../ui";
import * as files from "./api";
import type { FileItem } from "./api";

const DAYS = [0, 1, 7, 30];

export function Shares({ file, onClose }: { file: FileItem; onClose: () => void }) {
  const list = useLoad(() => files.listShares(file.id), [file.id]);
  const [made, setMade] = useState<string | null>(null);
  const revoke = useAction(async (id: string) => {
    await files.revokeShare(id);
    list.reload();
  });
  return (
    <div class="ws-shares" role="group" aria-label={t("shares.of", { name: file.name })}>
      <NewShareForm file={file} onMade={(path) => (setMade(location.origin + path), list.reload())} />
      {made && (
        <p class="ws-share-made">
          <label for={`share-url-${file.id}`}>{t("shares.link")}</label>{" "}
          <input id={`share-url-${file.id}`} readOnly value={made} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
      <ul class="ws-files-list">
        {(list.data ?? []).map((s) => (
          <li key={s.id} class="ws-file-row">
            <span class="ws-file-name">
              {t(s.mode === "upload" ? "shares.upload" : "shares.read")}
              {s.password ? ` · ${t("shares.withPassword")}` : ""}
            </span>
            <span class="ws-muted ws-file-meta">
              {s.revoked_at
                ? t("shares.revoked")
                : t("shares.stats", { downloads: s.downloads, uses: s.uses }) +
                  (s.expires_at ? ` · ${t("shares.until", { date: fmtDate(s.expires_at) })}` : "")}
            </span>
            {!s.revoked_at && (
              <button type="button" class="btn" onClick={() => void revoke.run(s.id)}>
                {t("shares.revoke")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNote error={revoke.error || list.error} />
      <button type="button" class="btn" onClick={onClose}>
        {t("shares.close")}
      </button>
    </div>
  );
}

function NewShareForm({ file, onMade }: { file: FileItem; onMade: (path: string) => void }) {
  const [mode, setMode] = useState<"read" | "upload">("read");
  const [password, setPassword] = useState("");
  const [days, setDays] = useState(7);
  const make = useAction(async () => {
    const done = await files.createShare(file.id, {
      mode,
      ...(password ? { password } : {}),
      ...(days ? { expires_in: days * 86400 } : {}),
    });
    setPassword("");
    onMade(done.path);
  });
  const id = file.id;
  return (
    <form class="ws-inline-form" onSubmit={(e) => (e.preventDefault(), void make.run())}>
      {file.kind === "folder" && (
        <>
          <label for={`share-mode-${id}`}>{t("shares.mode")}</label>
          <select id={`share-mode-${id}`} value={mode} onChange={(e) => setMode(e.currentTarget.value as "read" | "upload")}>
            <option value="read">{t("shares.read")}</option>
            <option value="upload">{t("shares.upload")}</option>
          </select>
        </>
      )}
      <label for={`share-password-${id}`}>{t("shares.password")}</label>
      <input id={`share-password-${id}`} type="password" value={password} autoComplete="new-password"
        onInput={(e) => setPassword(e.currentTarget.value)} />
      <label for={`share-days-${id}`}>{t("shares.expires")}</label>
      <select id={`share-days-${id}`} value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
        {DAYS.map((d) => (
          <option value={String(d)} key={d}>
            {d ? t("shares.days", { n: d }) : t("shares.never")}
          </option>
        ))}
      </select>
      <button type="submit" class="btn primary" id={`share-make-${id}`} disabled={make.busy}>
        {t("shares.make")}
      </button>
      <ErrorNote error={make.error} />
    </form>
  );
}
