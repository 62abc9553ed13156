// The JSON API of the server: rooms and numeric meeting codes.

export interface RoomInfo {
  room: string;
  code: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: { Accept: "application/json" } });
  } catch (e) {
    throw new ApiError(0, "network", String(e));
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? String(res.status), err?.message ?? res.statusText);
  }
  return body as T;
}

export const createRoom = () => call<RoomInfo>("POST", "/api/rooms");
export const getRoom = (name: string) =>
  call<RoomInfo>("GET", `/api/rooms/${encodeURIComponent(name)}`);
export const roomForCode = (code: string) =>
  call<{ room: string }>("GET", `/api/codes/${encodeURIComponent(code)}`);

/** "123456789" -> "123 456 789" */
export function formatCode(code: string): string {
  return code.replace(/^(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3");
}

export interface Me {
  signedIn: boolean;
  name: string | null;
  displayName: string | null;
  host: boolean;
  oidc: boolean;
  secureDomain: boolean;
}

let meCache: Promise<Me | null> | null = null;
/** Who is signed in on this browser (asked once per page load); null if the server can't say. */
export function me(): Promise<Me | null> {
  meCache ??= call<Me>("GET", "/api/me").catch(() => null);
  return meCache;
}

/** The display name an invitation token carries, if any (read, not verified: the server does). */
export function tokenName(token: string): string | null {
  try {
    const part = token.split(".")[1] ?? "";
    const bin = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as {
      name?: unknown;
      context?: { user?: { name?: unknown } };
    };
    const name = claims.name ?? claims.context?.user?.name;
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}
