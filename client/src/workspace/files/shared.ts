// What a share link's visitor calls (/api/s/<token>, no account): the password, if any, in
// the X-Share-Password header, never in the address.

import { ApiError } from "../api";

export interface SharedItem {
  id: string;
  kind: "folder" | "file";
  name: string;
  size: number;
  content_type: string;
  updated_at: string;
}

export interface ShareInfo {
  name: string;
  kind: "folder" | "file";
  mode: "read" | "upload";
  size: number;
  items: SharedItem[];
  downloads_left: number | null;
  expires_at: string | null;
}

const base = (token: string) => `/api/s/${encodeURIComponent(token)}`;

async function ask(url: string, password: string, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (password) headers["X-Share-Password"] = password;
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers, credentials: "omit" });
  } catch (e) {
    throw new ApiError(0, "network", String(e));
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? String(res.status), body?.error?.message ?? res.statusText);
  }
  return res;
}

export async function openShare(token: string, password: string, folder?: string): Promise<ShareInfo> {
  const q = folder ? `?folder=${encodeURIComponent(folder)}` : "";
  return (await (await ask(base(token) + q, password)).json()) as ShareInfo;
}

/** A plain link when there is no password; else the bytes fetched with it. */
export function contentUrl(token: string, file?: string): string {
  return `${base(token)}/content?download=1${file ? `&file=${encodeURIComponent(file)}` : ""}`;
}
export const zipUrl = (token: string) => `${base(token)}/zip`;

export async function saveWithPassword(url: string, password: string, name: string): Promise<void> {
  const blob = await (await ask(url, password)).blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

export async function drop(token: string, password: string, file: File): Promise<void> {
  await ask(`${base(token)}/upload?name=${encodeURIComponent(file.name)}`, password, { method: "POST", body: file });
}
