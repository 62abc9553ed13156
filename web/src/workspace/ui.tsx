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
        {props.icon ?? <span aria-hidden="true">⋯</span>}
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
