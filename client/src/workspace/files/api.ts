// The files API (docs/files.md): folders, files, the trash; uploads go over tus
// (upload.ts), downloads are plain links to /api/files/{id}/content.

import { call } from "../api";

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
