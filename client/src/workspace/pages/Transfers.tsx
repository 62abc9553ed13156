// The sender's transfers (/spaces/transfers): a new transfer (files, recipients' e-mail
// addresses, a message, an expiry of 1, 7 or 30 days, optionally encrypted end to end), then the list of transfers with, per
// recipient, when they opened the page and downloaded each file; extend or revoke.

import { useEffect, useState } from "preact/hooks";
import { fmtSize, progressText } from "../files/upload";
import { fmtDate, fmtDateTime } from "../format";
import { type Key, t } from "../i18n";
import * as api from "../transfers/api";
import * as transfers from "../transfers/send";
import { ErrorNote, Loading, useAction, useLoad } from "../ui";

const DAYS = [1, 7, 30];

export function TransfersPage() {
  const list = useLoad(api.listTransfers, []);
  return (
    <section class="ws-card ws-transfers" aria-labelledby="transfers-title">
      <h1 id="transfers-title" tabIndex={-1}>
        {t("transfers.title")}
      </h1>
      <NewTransfer onSent={list.reload} />
      <h2>{t("transfers.sent")}</h2>
      {list.loading && !list.data && <Loading />}
      <ErrorNote error={list.error} />
      {list.data?.length === 0 && <p class="ws-muted">{t("transfers.none")}</p>}
      <ul class="ws-transfer-list">
        {(list.data ?? []).map((x) => (
          <TransferItem key={x.id} transfer={x} onChange={list.reload} />
        ))}
      </ul>
      <Vouchers />
    </section>
  );
}

type Sent = [number, number, number]; // bytes sent, total, bytes per second

function NewTransfer({ onSent }: { onSent: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [to, setTo] = useState("");
  const [message, setMessage] = useState("");
  const [days, setDays] = useState(7);
  const [encrypt, setEncrypt] = useState(false);
  const [sent, setSent] = useState<Sent | null>(null);
  const [links, setLinks] = useState<{ email: string; url: string }[]>([]);
  const send = useAction(async () => {
    const recipients = to.split(/[\s,;]+/).filter((s) => s.includes("@"));
    const out = { files, to: recipients, message, days, encrypt };
    setLinks(await transfers.send(out, (n, total, rate) => setSent([n, total, rate])).finally(() => setSent(null)));
    setFiles([]);
    setTo("");
    setMessage("");
    onSent();
  });
  return (
    <form class="ws-form ws-transfer-new" onSubmit={(e) => (e.preventDefault(), void send.run())}>
      <label for="transfer-files">{t("transfers.files")}</label>
      <input id="transfer-files" type="file" multiple onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])} />
      {files.length > 0 && <p class="ws-muted">{files.map((f) => `${f.name} (${fmtSize(f.size)})`).join(", ")}</p>}
      <label for="transfer-to">{t("transfers.to")}</label>
      <input id="transfer-to" type="text" inputMode="email" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      <label for="transfer-message">{t("transfers.message")}</label>
      <textarea id="transfer-message" rows={3} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      <label for="transfer-days">{t("transfers.expiry")}</label>
      <select id="transfer-days" value={days} onChange={(e) => setDays(Number(e.currentTarget.value))}>
        {DAYS.map((d) => (
          <option key={d} value={d}>
            {t(d === 1 ? "transfers.day" : "transfers.days", { n: d })}
          </option>
        ))}
      </select>
      <label class="ws-check">
        <input id="transfer-encrypt" type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.currentTarget.checked)} />{" "}
        {t("transfers.encrypt")}
      </label>
      {encrypt && <p class="ws-muted">{t("transfers.encryptHelp")}</p>}
      <button type="submit" class="btn primary" id="transfer-send" disabled={send.busy || !files.length || !to}>
        {send.busy ? t("transfers.sending") : t("transfers.send")}
      </button>
      {sent && (
        <p class="ws-upload" role="status">
          <progress max={sent[1]} value={sent[0]} aria-label={t("transfers.sending")} /> {progressText(...sent)}
        </p>
      )}
      <ErrorNote error={send.error} />
      <SentLinks links={links} />
    </form>
  );
}

/** An encrypted transfer's complete links (with the key), for the sender to give out. */
function SentLinks({ links }: { links: { email: string; url: string }[] }) {
  if (!links.length) return null;
  return (
    <div class="ws-transfer-links" role="region" aria-label={t("transfers.links")}>
      <p>{t("transfers.links")}</p>
      {links.map((l) => (
        <p key={l.email}>
          <label>
            {t("transfers.linkFor", { email: l.email })}
            <input class="ws-transfer-link" data-email={l.email} readOnly value={l.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
        </p>
      ))}
    </div>
  );
}

function TransferItem({ transfer: x, onChange }: { transfer: api.Transfer; onChange: () => void }) {
  const act = useAction(async (fn: () => Promise<unknown>) => {
    await fn();
    onChange();
  });
  const live = x.state === "sent";
  const names = useNames(x);
  return (
    <li class="ws-transfer" data-transfer={x.id}>
      <p>
        <strong>{x.files.map((f) => names[f.id]).join(", ") || t("transfers.purged")}</strong>{" "}
        <span class={`ws-transfer-state ${x.state}`}>{t(`transfers.state.${x.state}`)}</span>
        {x.encrypted && <span class="ws-muted"> · 🔒 {t("transfers.encrypted")}</span>}
      </p>
      {x.expires_at && <p class="ws-muted">{t("transfers.until", { date: fmtDate(x.expires_at) })}</p>}
      <ul class="ws-transfer-scans">
        {x.files.map((f) => (
          <li key={f.id} class="ws-muted" data-scan={f.scan}>
            {names[f.id]}: {t(`transfers.scan.${f.scan}` as Key)}
          </li>
        ))}
      </ul>
      {x.refused.length > 0 && <p class="ws-error">{t("transfers.refused", { names: x.refused.join(", ") })}</p>}
      <ul class="ws-receipts">
        {x.recipients.map((r) => (
          <RecipientLine key={r.id} recipient={r} files={x.files} names={names} />
        ))}
      </ul>
      <div class="ws-actions">
        {live && (
          <button type="button" class="btn" onClick={() => void act.run(() => api.extendTransfer(x.id, 30))}>
            {t("transfers.extend")}
          </button>
        )}
        {live && (
          <button type="button" class="btn danger" onClick={() => void act.run(() => api.revokeTransfer(x.id))}>
            {t("transfers.revoke")}
          </button>
        )}
        <a class="btn" href={api.auditUrl(x.id)} download>
          {t("transfers.audit")}
        </a>
      </div>
      <ErrorNote error={act.error} />
    </li>
  );
}

/** The files' names: an encrypted transfer's opened with the key this browser kept. */
function useNames(x: api.Transfer): Record<string, string> {
  const plain = Object.fromEntries(x.files.map((f) => [f.id, f.name]));
  const [names, setNames] = useState<Record<string, string>>(x.encrypted ? {} : plain);
  useEffect(() => {
    if (!x.encrypted) setNames(plain);
    else void transfers.openNames(x.files, transfers.keptKey(x.id)).then(setNames);
  }, [x.id, x.files.length]);
  return names;
}

function RecipientLine({ recipient: r, files, names }: { recipient: api.Recipient; files: api.TransferFile[]; names: Record<string, string> }) {
  const opened = r.receipts.find((x) => x.action === "open");
  const firstOf = (id: string) => r.receipts.find((x) => x.action === "download" && x.file_id === id);
  return (
    <li class="ws-receipt" data-recipient={r.email}>
      <span class="ws-receipt-who">{r.email}</span>{" "}
      <span class="ws-muted">
        {opened ? t("transfers.opened", { at: fmtDateTime(opened.at) }) : t("transfers.notOpened")}
      </span>
      <ul>
        {files.map((f) => {
          const got = firstOf(f.id);
          return (
            <li key={f.id} class={got ? "ws-downloaded" : undefined}>
              {names[f.id]}: {got ? t("transfers.downloaded", { at: fmtDateTime(got.at) }) : t("transfers.notDownloaded")}
            </li>
          );
        })}
      </ul>
    </li>
  );
}

/** Vouchers: a link for one outsider to send me files. */
export function Vouchers() {
  const list = useLoad(api.listVouchers, []);
  const [made, setMade] = useState("");
  const make = useAction(async () => {
    const v = await api.makeVoucher("", 7);
    setMade(location.origin + v.path);
    list.reload();
  });
  return (
    <div class="ws-vouchers">
      <h2>{t("voucher.heading")}</h2>
      <p class="ws-muted">{t("voucher.help")}</p>
      <button type="button" class="btn" id="voucher-make" disabled={make.busy} onClick={() => void make.run()}>
        {t("voucher.make")}
      </button>
      {made && (
        <p>
          <input id="voucher-link" readOnly value={made} aria-label={t("voucher.link")} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
      <ErrorNote error={make.error} />
      <p class="ws-muted">{t("voucher.count", { n: (list.data ?? []).filter((v) => !v.used_at).length })}</p>
    </div>
  );
}
