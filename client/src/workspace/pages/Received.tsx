// The page a transfer's recipient opens (/t/<token>, from their e-mail; no account): who sent
// what, the message, and each file to download (each open and download is a receipt the
// sender sees).

import { fmtSize } from "../files/upload";
import { fmtDate } from "../format";
import { t } from "../i18n";
import * as api from "../transfers/api";
import { ErrorNote, Loading, useLoad } from "../ui";

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
    </section>
  );
}
