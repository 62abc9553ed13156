// The files API (docs/files.md): folders, files, the trash; uploads go over tus
// (upload.ts), downloads are plain links to /api/files/{id}/content.

import { ApiError, call, csrfToken } from "../api";

export interface FileItem {
  id: string;
  space: number;
  parent: string | null;
  kind: "folder" | "file";
  name: string;
  size: number;
  content_type: string;
  sha256: string;
  version: number | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  trashed_at: string | null;
  preview: "image" | "pdf" | "text" | "none";
  scan: "clean" | "unscanned" | "too_large" | "";
}

export interface Preview {
  kind: "image" | "pdf" | "text" | "none";
  thumbnail: boolean;
  inline: boolean;
  text: string | null;
  truncated: boolean;
}

export interface Crumb {
  id: string;
  name: string;
}

export interface Listing {
  folder: FileItem | null;
  path: Crumb[];
  items: FileItem[];
  writable: boolean;
  scanner: boolean;
}

export interface Usage {
  used: number;
  quota: number;
  files: number;
}

const S = (s: number) => `/api/spaces/${encodeURIComponent(String(s))}/files`;
const F = (id: string) => `/api/files/${encodeURIComponent(id)}`;

export const listFolder = (s: number, folder?: string | null) =>
  call<Listing>("GET", S(s), undefined, { folder: folder || undefined });
export const listTrash = (s: number) => call<FileItem[]>("GET", `${S(s)}/trash`);
export const usage = (s: number) => call<Usage>("GET", `${S(s)}/usage`);
export const makeFolder = (s: number, name: string, parent: string | null) =>
  call<FileItem>("POST", `${S(s)}/folders`, { name, parent });
export const rename = (id: string, name: string) => call<FileItem>("PATCH", F(id), { name });
export const trash = (id: string) => call<FileItem>("POST", `${F(id)}/trash`);
export const restore = (id: string) => call<FileItem>("POST", `${F(id)}/restore`);
export const deleteForever = (id: string) => call<void>("DELETE", F(id));
export const downloadUrl = (f: FileItem) =>
  f.kind === "folder" ? `${F(f.id)}/zip` : `${F(f.id)}/content?download=1`;
export const move = (id: string, parent: string | null) => call<FileItem>("PATCH", F(id), { parent });
export const preview = (id: string) => call<Preview>("GET", `${F(id)}/preview`);
/** The thumbnail's address, naming the content so that the browser may keep it. */
export const thumbnailUrl = (f: FileItem, size: "small" | "large" = "small") =>
  `${F(f.id)}/thumbnail?size=${size}&v=${encodeURIComponent(f.sha256)}`;
export const selectionZipUrl = (s: number, ids: string[]) =>
  `${S(s)}/zip?ids=${ids.map(encodeURIComponent).join(",")}`;
export const tusEndpoint = (s: number) => `${S(s)}/tus`;

export interface Share {
  id: string;
  file: string;
  mode: "read" | "upload";
  password: boolean;
  expires_at: string | null;
  max_downloads: number | null;
  downloads: number;
  uses: number;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
}

export interface NewShare {
  mode: "read" | "upload";
  password?: string;
  expires_in?: number;
  max_downloads?: number;
}

export const listShares = (id: string) => call<Share[]>("GET", `${F(id)}/shares`);
export const createShare = (id: string, s: NewShare) =>
  call<{ share: Share; token: string; path: string }>("POST", `${F(id)}/shares`, s);
export const revokeShare = (sid: string) => call<void>("DELETE", `/api/shares/${encodeURIComponent(sid)}`);

/** A file sent in one request (POST .../files/upload), into `folder`: what it became. */
export async function uploadSmall(s: number, folder: string | null, file: File): Promise<FileItem> {
  const token = await csrfToken();
  const q = new URLSearchParams({ name: file.name, ...(folder ? { folder } : {}) });
  const res = await fetch(`${S(s)}/upload?${q}`, {
    method: "POST",
    headers: { "Content-Type": file.type || "application/octet-stream", ...(token ? { "X-CSRF-Token": token } : {}) },
    body: file,
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (FileItem & { error?: { code: string; message: string } }) | null;
  if (!res.ok || !data?.id) throw new ApiError(res.status, data?.error?.code ?? "error", data?.error?.message ?? res.statusText);
  return data;
}

/** A folder at the top of the space's files named `name` or one of `aliases` (the same folder
 * in the other language), made as `name` if absent (a twin made at the same moment by
 * another page is found on the second look). */
export async function topFolder(s: number, name: string, aliases: string[] = []): Promise<string> {
  const names = [name, ...aliases];
  for (let round = 0; ; round++) {
    const top = await listFolder(s, null);
    const found = top.items.find((f) => f.kind === "folder" && names.includes(f.name));
    if (found) return found.id;
    try {
      return (await makeFolder(s, name, null)).id;
    } catch (e) {
      if (round > 0 || !(e instanceof ApiError) || e.status !== 409) throw e;
    }
  }
}

/** The addresses of a file for a page: its content (inline when safe) and a download. */
export const contentUrl = (id: string) => `${F(id)}/content`;
export const fileDownloadUrl = (id: string) => `${F(id)}/content?download=1`;
