// Large transfers (/api/transfers, the sender's; /api/t/<token>, a recipient's link, no
// account): a draft gets files (tus uploads: send.ts), then is sent to e-mail addresses.

import { ApiError, call } from "../api";

export interface TransferFile {
  id: string;
  name: string;
  size: number;
  sha256: string;
  content_type: string;
  /** clean, too_large (not scanned: past the scanner's size), unscanned (no scanner), encrypted */
  scan: string;
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
  encrypted: boolean;
  files: TransferFile[];
  recipients: Recipient[];
  /** Names of files the virus scanner refused (not kept). */
  refused: string[];
  /** Only in the answer to sending an encrypted transfer: each recipient's link (no key). */
  links: { email: string; path: string }[];
}
export interface Received {
  sender_name: string;
  message: string;
  expires_at: string | null;
  encrypted: boolean;
  files: TransferFile[];
}

const T = (id: string) => `/api/transfers/${encodeURIComponent(id)}`;

export const listTransfers = () => call<Transfer[]>("GET", "/api/transfers");
export const createTransfer = (message: string, days: number, encrypted = false) =>
  call<Transfer>("POST", "/api/transfers", { message, days, encrypted });
export const sendTransfer = (id: string, recipients: string[]) =>
  call<Transfer>("POST", `${T(id)}/send`, { recipients });
export const extendTransfer = (id: string, days: number) => call<Transfer>("POST", `${T(id)}/extend`, { days });
export const revokeTransfer = (id: string) => call<Transfer>("DELETE", T(id));
export const auditUrl = (id: string) => `${T(id)}/audit.csv`;

export async function checked(res: Response): Promise<Response> {
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? String(res.status), body?.error?.message ?? res.statusText);
}

/** Where a draft's files go with tus (the sender's), or a voucher's (an outsider's). */
export const tusUrl = (id: string) => `${T(id)}/tus`;

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
export const voucherTusUrl = (token: string) => `${V(token)}/tus`;

/** The voucher's files (sent with tus) go to the voucher's agent. */
export async function voucherDone(token: string, who: { name: string; email: string; message: string }) {
  const headers = { "Content-Type": "application/json" };
  await checked(await fetch(`${V(token)}/send`, { method: "POST", body: JSON.stringify(who), headers, credentials: "omit" }));
}
