// The documents API (docs/workspace-api.md, "Documents"): the tree, versions, comments,
// images, search. The content itself goes over /api/yjs/{id} (editor.ts).

import { ApiError, call, csrfToken } from "../api";

export interface Doc {
  id: string;
  space: number;
  parent: string | null;
  kind: "text" | "board";
  title: string;
  position: number;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  trashed_at: string | null;
}

export interface DocPage {
  document: Doc;
  writable: boolean;
  admin: boolean;
}

export interface Version {
  id: number;
  document: string;
  name: string | null;
  authors: number[];
  created_by: number | null;
  created_at: string;
}

export interface VersionContent {
  version: Version;
  text: string;
  state: string;
}

export interface DiffLine {
  op: "same" | "added" | "removed";
  text: string;
}

export interface Comment {
  id: number;
  document: string;
  thread: number | null;
  author: number | null;
  body: string;
  anchor_start: string;
  anchor_end: string;
  quote: string;
  created_at: string;
  resolved_at: string | null;
  resolved_by: number | null;
}

const D = (id: string) => `/api/documents/${encodeURIComponent(id)}`;

export const listDocuments = (space: number, trash = false) =>
  call<Doc[]>("GET", `/api/spaces/${space}/documents`, undefined, { trash: trash ? 1 : undefined });
export const createDocument = (space: number, body: { title: string; kind?: string; parent?: string | null }) =>
  call<Doc>("POST", `/api/spaces/${space}/documents`, body);
export const getDocument = (id: string) => call<DocPage>("GET", D(id));
export const editDocument = (id: string, body: { title?: string; parent?: string | null; after?: string | null }) =>
  call<Doc>("PATCH", D(id), body);
export const duplicateDocument = (id: string) => call<Doc>("POST", D(id) + "/duplicate");
export const trashDocument = (id: string) => call<Doc>("POST", D(id) + "/trash");
export const restoreDocument = (id: string) => call<Doc>("POST", D(id) + "/restore");
export const deleteDocument = (id: string) => call<void>("DELETE", D(id));

export const listVersions = (id: string) => call<Version[]>("GET", D(id) + "/versions");
export const nameVersion = (id: string, name: string) => call<Version>("POST", D(id) + "/versions", { name });
export const getVersion = (id: string, v: number) => call<VersionContent>("GET", D(id) + `/versions/${v}`);
export const diffVersion = (id: string, v: number) => call<DiffLine[]>("GET", D(id) + `/versions/${v}/diff`);
export const restoreVersion = (id: string, v: number) => call<void>("POST", D(id) + `/versions/${v}/restore`);

export const listComments = (id: string) => call<Comment[]>("GET", D(id) + "/comments");
export const addComment = (
  id: string,
  body: { body: string; anchor_start?: string; anchor_end?: string; quote?: string; thread?: number },
) => call<Comment>("POST", D(id) + "/comments", body);
export const editComment = (id: string, c: number, body: { body?: string; resolved?: boolean }) =>
  call<Comment>("PATCH", D(id) + `/comments/${c}`, body);
export const deleteComment = (id: string, c: number) => call<void>("DELETE", D(id) + `/comments/${c}`);

/** Upload an image file; the path to put in the document's image node. */
export async function uploadImage(id: string, file: Blob): Promise<string> {
  const token = await csrfToken();
  const res = await fetch(D(id) + "/images", {
    method: "POST",
    headers: { "Content-Type": file.type, ...(token ? { "X-CSRF-Token": token } : {}) },
    body: file,
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as { src?: string; error?: { code: string; message: string } } | null;
  if (!res.ok || !data?.src) throw new ApiError(res.status, data?.error?.code ?? "error", data?.error?.message ?? res.statusText);
  return data.src;
}

export const EXPORT_FORMATS = ["pdf", "odt", "docx", "md", "html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Where the server makes the document (with its sub-pages) as a file: a plain download. */
export const exportUrl = (id: string, format: ExportFormat, subpages: boolean) =>
  `${D(id)}/export?format=${format}${subpages ? "&subpages=1" : ""}`;

/** A new document of the space from a Markdown, ODT or DOCX file (docs/documents.md). */
export async function importDocument(space: number, file: File, parent: string | null = null): Promise<Doc> {
  const token = await csrfToken();
  const query = new URLSearchParams({ name: file.name });
  if (parent) query.set("parent", parent);
  const res = await fetch(`/api/spaces/${space}/documents/import?${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", ...(token ? { "X-CSRF-Token": token } : {}) },
    body: file,
    credentials: "same-origin",
  });
  const data = (await res.json().catch(() => null)) as (Doc & { error?: { code: string; message: string } }) | null;
  if (!res.ok || !data?.id) throw new ApiError(res.status, data?.error?.code ?? "error", data?.error?.message ?? res.statusText);
  return data;
}
