// The workspace's few shared pieces: links that route, dialogs, menus, notes. Styling by
// class only (the CSP forbids style attributes written as text).

import type { AnchorHTMLAttributes, ComponentChildren } from "preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";
import { ApiError } from "./api";
import { go } from "./router";
import { t } from "./i18n";

export function Link(
  props: { href: string; children?: ComponentChildren } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href" | "role">,
) {
  const { href, children, onClick, ...rest } = props;
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        go(href);
      }}
    >
      {children}
    </a>
  );
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("error.network");
    if (e.code === "missing") return t("error.missing");
    if (e.status === 403) return t("error.forbidden") + (e.message ? ` (${e.message})` : "");
    if (e.status === 404) return t("error.notFound");
    if (e.status === 409) return t("error.conflict") + (e.message ? ` (${e.message})` : "");
    return e.message || t("error.generic");
  }
  return t("error.generic");
}

export function ErrorNote({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null;
  return (
    <p class="ws-error" role="alert" id={id}>
      {errorText(error)}
    </p>
  );
}

/** Said when a part of the server is not there yet (an endpoint not served). */
export function Absent({ what }: { what: string }) {
  return <p class="ws-absent">{t("absent.part", { what })}</p>;
}

export function Loading() {
  return (
    <p class="ws-loading" role="status">
      {t("loading")}
    </p>
  );
}

/** A list in its four states: a part the server lacks (`absent`: its name), loading
 *  (`items` not there yet), empty (`empty`: what to say, else the list draws itself), and
 *  the list itself, drawn by `children`. */
export function Listing<T>(props: {
  absent?: string | false;
  items: T[] | null | undefined;
  empty?: string;
  children: (items: T[]) => ComponentChildren;
}) {
  if (props.absent) return <Absent what={props.absent} />;
  if (!props.items) return <Loading />;
  if (props.items.length === 0 && props.empty !== undefined) return <p>{props.empty}</p>;
  return <>{props.children(props.items)}</>;
}

export function Badge({ n, mention, label }: { n: number; mention?: boolean; label: string }) {
  if (!n) return null;
  return (
    <span class={mention ? "ws-badge mention" : "ws-badge"}>
      <span aria-hidden="true">{mention ? "@" + n : n}</span>
      <span class="sr-only">{label}</span>
    </span>
  );
}

/** A modal dialog (the browser's <dialog>: focus kept inside, Escape closes). */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  describedBy?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const before = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    return () => before?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.wide ? "ws-dialog wide" : "ws-dialog"}
      aria-labelledby={titleId}
      aria-describedby={props.describedBy}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function Confirm(props: {
  title: string;
  body: ComponentChildren;
  ok: string;
  danger?: boolean;
  onOk: () => void | Promise<void>;
  onClose: () => void;
  disabled?: boolean;
}) {
  const bodyId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title={props.title} onClose={props.onClose} describedBy={bodyId}>
      <div id={bodyId}>{props.body}</div>
      <ErrorNote error={error} />
      <div class="ws-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          {t("cancel")}
        </button>
        <button
          type="button"
          class={props.danger ? "btn danger" : "btn primary"}
          disabled={busy || props.disabled}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await props.onOk();
              props.onClose();
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.ok}
        </button>
      </div>
    </Dialog>
  );
}

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  checked?: boolean;
}

/** A button opening a menu: arrows move, Escape closes and gives the focus back. */
export function Menu(props: { label: string; items: MenuItem[]; icon?: ComponentChildren; class?: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>("[role^=menuitem]")?.focus();
    const away = (e: PointerEvent) => {
      const root = button.current?.parentElement;
      if (root && !root.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", away);
    return () => document.removeEventListener("pointerdown", away);
  }, [open]);
  const close = (focus = true) => {
    setOpen(false);
    if (focus) button.current?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    const items = [...(list.current?.querySelectorAll<HTMLElement>("[role^=menuitem]") ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = items.length;
      items[(i + (e.key === "ArrowDown" ? 1 : n - 1)) % n]?.focus();
    } else if (e.key === "Home" || e.key === "End") {
      e.preventDefault();
      items[e.key === "Home" ? 0 : items.length - 1]?.focus();
    } else if (e.key === "Tab") close(false);
  };
  return (
    <div class={"ws-menu " + (props.class ?? "")}>
      <button
        ref={button}
        type="button"
        class="btn icon-btn"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={props.label}
        title={props.label}
        onClick={() => setOpen(!open)}
      >
        {props.icon ?? <Icon name="more" />}
      </button>
      {open && (
        <div class="ws-menu-list" role="menu" id={id} ref={list} onKeyDown={onKey} aria-label={props.label}>
          {props.items.map((item) => (
            <button
              type="button"
              role={item.checked === undefined ? "menuitem" : "menuitemcheckbox"}
              aria-checked={item.checked === undefined ? undefined : item.checked}
              tabIndex={-1}
              class={item.danger ? "danger" : ""}
              onClick={() => {
                close();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

/** Runs an async action, holding its error and whether it runs. */
export function useAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await fn(...args);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/** Loads once per key; `reload` asks again. */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    fn().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

const ICONS = {
  bell: "M12 22a2.5 2.5 0 0 0 2.5-2.5h-5A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.8V3.5a1.5 1.5 0 0 0-3 0v.7A7 7 0 0 0 5 11v5l-2 2v1h18v-1z",
  gear: "M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.4 7.4 0 0 0-1.7-1L15 3.3h-4l-.4 2.6a7.4 7.4 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.4 7.4 0 0 0 1.7 1l.4 2.6h4l.4-2.6a7.4 7.4 0 0 0 1.7-1l2.5 1 2-3.5zM12 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z",
  pin: "M16 3v2l-1 1v5l3 3v2h-5v5l-1 1-1-1v-5H6v-2l3-3V6L8 5V3z",
  menu: "M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z",
  close: "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z",
  smile:
    "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z",
  more: "M12 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z",
  lock: "M17 9h-1V7a4 4 0 0 0-8 0v2H7a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-9a2 2 0 0 0-2-2zm-7-2a2 2 0 0 1 4 0v2h-4z",
  hash: "M10 3 9.4 8H6v2h3.2l-.5 4H5v2h3.5L8 21h2l.5-5h4l-.5 5h2l.5-5H20v-2h-3.2l.5-4H21V8h-3.5L18 3h-2l-.5 5h-4l.5-5zm1.3 7h4l-.5 4h-4z",
} as const;

/** An icon from the workspace's few (drawn paths: no icon font, no emoji font needed). */
export function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={ICONS[name]} />
    </svg>
  );
}
