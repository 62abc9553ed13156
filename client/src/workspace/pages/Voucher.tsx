// The page a guest voucher opens (/v/<token>), for someone without an account: their name,
// e-mail address and message, and the files they send to the agent who made the voucher.

import { useState } from "preact/hooks";
import { progressText } from "../files/upload";
import { t } from "../i18n";
import { voucherSend } from "../transfers/send";
import { ErrorNote, useAction } from "../ui";

export function VoucherPage({ token }: { token: string }) {
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState("");
  const [done, setDone] = useState(false);
  const [sent, setSent] = useState<[number, number, number] | null>(null);
  const send = useAction(async () => {
    await voucherSend(token, files, { name, email, message }, (n, total, rate) => setSent([n, total, rate]));
    setDone(true);
  });
  if (done)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("voucher.done")}</h1>
      </section>
    );
  return (
    <section class="ws-card" aria-labelledby="voucher-title">
      <h1 id="voucher-title" tabIndex={-1}>
        {t("voucher.title")}
      </h1>
      <form class="ws-form ws-transfer-new" onSubmit={(e) => (e.preventDefault(), void send.run())}>
        <label for="voucher-name">{t("voucher.name")}</label>
        <input id="voucher-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <label for="voucher-email">{t("voucher.email")}</label>
        <input id="voucher-email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="voucher-message">{t("transfers.message")}</label>
        <textarea id="voucher-message" rows={3} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        <label for="voucher-files">{t("transfers.files")}</label>
        <input id="voucher-files" type="file" multiple onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])} />
        <button type="submit" class="btn primary" id="voucher-send" disabled={send.busy || !files.length || !name}>
          {send.busy ? t("transfers.sending") : t("transfers.send")}
        </button>
        {sent && send.busy && (
          <p class="ws-upload" role="status">
            <progress max={sent[1]} value={sent[0]} aria-label={t("transfers.sending")} /> {progressText(...sent)}
          </p>
        )}
        <ErrorNote error={send.error} />
      </form>
    </section>
  );
}
