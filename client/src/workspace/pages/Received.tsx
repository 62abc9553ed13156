// The page a transfer's recipient opens (/t/<token>, from their e-mail; no account): who sent
// what, the message, and each file to download (each open and download is a receipt the
// sender sees). An encrypted transfer's files and names are decrypted here with the key in
// the link's fragment (#...), which the browser never sends; the e-mailed link has none, so
// the page asks for the complete link the sender gave out.

import { useEffect, useState } from "preact/hooks";
import { fmtSize, progressText } from "../files/upload";
import { fmtDate } from "../format";
import { t } from "../i18n";
import * as api from "../transfers/api";
import { keyFrom } from "../transfers/ece";
import { saveDecrypted } from "../transfers/receive";
import { openNames } from "../transfers/send";
import { ErrorNote, Loading, useAction, useLoad } from "../ui";

export function ReceivedPage({ token }: { token: string }) {
  const got = useLoad(() => api.openReceived(token), [token]);
  if (got.loading && !got.data) return <Loading />;
  if (!got.data)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("received.bad")}</h1>
        <ErrorNote error={got.error} />
      </section>
    );
  const r = got.data;
  return (
    <section class="ws-card ws-files" aria-labelledby="received-title">
      <h1 id="received-title" tabIndex={-1}>
        {t("received.title", { name: r.sender_name })}
      </h1>
      {r.message && <p class="ws-transfer-message">{r.message}</p>}
      {r.expires_at && <p class="ws-muted">{t("received.until", { date: fmtDate(r.expires_at) })}</p>}
      {r.encrypted ? (
        <Encrypted token={token} files={r.files} />
      ) : (
        <ul class="ws-transfer-files">
          {r.files.map((f) => (
            <li key={f.id}>
              <a class="btn" href={api.fileUrl(token, f.id)} download={f.name} data-file={f.name}>
                {t("received.download", { name: f.name })}
              </a>
              <span class="ws-muted"> {fmtSize(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Encrypted({ token, files }: { token: string; files: api.TransferFile[] }) {
  const [key, setKey] = useState(() => keyFrom(location.hash));
  const [names, setNames] = useState<Record<string, string> | null>(null);
  useEffect(() => {
    setNames(null);
    if (key) void openNames(files, key).then(setNames);
  }, [key]);
  const wrong = names !== null && Object.values(names).includes("🔒");
  if (!key || wrong) return <KeyPrompt wrong={wrong} onKey={setKey} />;
  return (
    <>
      <p class="ws-muted">🔒 {t("received.encrypted")}</p>
      <ul class="ws-transfer-files">
        {names && files.map((f) => <EncryptedFile key={f.id} token={token} file={f} name={names[f.id]} secret={key} />)}
      </ul>
    </>
  );
}

function KeyPrompt({ wrong, onKey }: { wrong: boolean; onKey: (key: string) => void }) {
  const [text, setText] = useState("");
  const key = keyFrom(text);
  return (
    <form class="ws-form" id="received-key" onSubmit={(e) => (e.preventDefault(), key && onKey(key))}>
      <p role="alert">{t("received.needKey")}</p>
      {wrong && <p class="ws-error">{t("received.badKey")}</p>}
      <label for="received-key-input">{t("received.key")}</label>
      <input id="received-key-input" value={text} onInput={(e) => setText(e.currentTarget.value)} autoComplete="off" />
      <button type="submit" class="btn primary" disabled={!key}>
        {t("received.open")}
      </button>
    </form>
  );
}

function EncryptedFile({ token, file, name, secret }: { token: string; file: api.TransferFile; name: string; secret: string }) {
  const [got, setGot] = useState<[number, number, number] | null>(null);
  const [done, setDone] = useState(false);
  const save = useAction(async () => {
    setDone(false);
    await saveDecrypted(api.fileUrl(token, file.id), secret, name, file.size, (n, total, rate) => setGot([n, total, rate]));
    setDone(true);
  });
  return (
    <li>
      <button type="button" class="btn" data-file={name} disabled={save.busy} onClick={() => void save.run()}>
        {t("received.download", { name })}
      </button>
      <span class="ws-muted"> {fmtSize(file.size)}</span>
      {got && !done && (
        <p class="ws-upload" role="status">
          <progress max={got[1]} value={got[0]} aria-label={t("received.decrypting", { name })} /> {progressText(...got)}
        </p>
      )}
      {done && <p role="status">{t("received.saved", { name })}</p>}
      <ErrorNote error={save.error} />
    </li>
  );
}
