// Large transfers (/api/transfers, the sender's; /api/t/<token>, a recipient's link, no
// account): a draft gets files (their bytes POSTed), then is sent to e-mail addresses.

import { ApiError, call, csrfToken } from "../api";

export interface TransferFile {
  id: string;
  name: string;
  size: number;
  sha256: string;
  content_type: string;
}
export interface Receipt {
  action: "open" | "download";
  file_id: string | null;
  name: string;
  at: string;
}
export interface Recipient {
  id: number;
  email: string;
  first_download_at: string | null;
  receipts: Receipt[];
}
export interface Transfer {
  id: string;
  message: string;
  days: number;
  sender_name: string;
  created_at: string;
  sent_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  state: "draft" | "sent" | "expired" | "revoked";
  files: TransferFile[];
  recipients: Recipient[];
}
export interface Received {
  sender_name: string;
  message: string;
  expires_at: string | null;
  files: TransferFile[];
}

const T = (id: string) => `/api/transfers/${encodeURIComponent(id)}`;

export const listTransfers = () => call<Transfer[]>("GET", "/api/transfers");
export const createTransfer = (message: string, days: number) =>
  call<Transfer>("POST", "/api/transfers", { message, days });
export const sendTransfer = (id: string, recipients: string[]) =>
  call<Transfer>("POST", `${T(id)}/send`, { recipients });
export const extendTransfer = (id: string, days: number) => call<Transfer>("POST", `${T(id)}/extend`, { days });
export const revokeTransfer = (id: string) => call<Transfer>("DELETE", T(id));
export const auditUrl = (id: string) => `${T(id)}/audit.csv`;

async function checked(res: Response): Promise<Response> {
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? String(res.status), body?.error?.message ?? res.statusText);
}

/** A file's bytes into a draft; `progress(sent, total)` as they go. */
export async function addFile(id: string, file: File, progress?: (sent: number, total: number) => void): Promise<void> {
  const csrf = await csrfToken();
  const url = `${T(id)}/files?name=${encodeURIComponent(file.name)}`;
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = (e) => progress?.(e.loaded, e.total || file.size);
    xhr.onerror = () => reject(new ApiError(0, "network", "upload failed"));
    xhr.onload = () => {
      if (xhr.status < 300) return resolve();
      let err: { code?: string; message?: string } | undefined;
      try {
        err = (JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } }).error;
      } catch {
        /* not JSON */
      }
      reject(new ApiError(xhr.status, err?.code ?? String(xhr.status), err?.message ?? xhr.statusText));
    };
    xhr.send(file);
  });
}

const R = (token: string) => `/api/t/${encodeURIComponent(token)}`;

export async function openReceived(token: string): Promise<Received> {
  return (await (await checked(await fetch(R(token), { credentials: "omit" }))).json()) as Received;
}
export const fileUrl = (token: string, file: string) => `${R(token)}/files/${encodeURIComponent(file)}`;

export interface Voucher {
  id: string;
  label: string;
  expires_at: string;
  used_at: string | null;
  transfer_id: string | null;
}
export const makeVoucher = (label: string, days: number) =>
  call<{ voucher: Voucher; token: string; path: string }>("POST", "/api/vouchers", { label, days });
export const listVouchers = () => call<Voucher[]>("GET", "/api/vouchers");

const V = (token: string) => `/api/v/${encodeURIComponent(token)}`;

/** An outsider's files, with a voucher (no account), then sent to the voucher's agent. */
export async function voucherSend(token: string, files: File[], who: { name: string; email: string; message: string }) {
  for (const f of files)
    await checked(await fetch(`${V(token)}/files?name=${encodeURIComponent(f.name)}`, { method: "POST", body: f, credentials: "omit" }));
  const headers = { "Content-Type": "application/json" };
  await checked(await fetch(`${V(token)}/send`, { method: "POST", body: JSON.stringify(who), headers, credentials: "omit" }));
}
