// Choosing files of a space: its folders navigated (breadcrumbs, "up"), filtered by name,
// one file taken at a time (a message or a card may take several in turn). Keyboard: the
// filter has the focus when it opens, the arrows move between the items (a folder opened puts
// it on its first), Tab reaches every button, Escape closes; it wraps at phone width. Messages, documents and task cards use it.

import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";
import { ErrorNote, useAction, useLoad } from "../ui";
import * as api from "./api";
import type { FileItem } from "./api";
import { fmtSize } from "./upload";

export interface PickerProps {
  space: number;
  label: string; // what picking does ("Attach a file"), the picker's name
  onPick: (file: FileItem) => Promise<void> | void;
  onClose?: () => void;
  exclude?: string[]; // files not to offer (already attached)
  accept?: (file: FileItem) => boolean; // files to offer (all by default)
  id?: string;
}

export function FilePicker(props: PickerProps) {
  const [folder, setFolder] = useState<string | null>(null);
  const [filter, setFilter] = useState("");
  const listing = useLoad(() => api.listFolder(props.space, folder), [props.space, folder]);
  const pick = useAction(async (f: FileItem) => props.onPick(f));
  const list = useRef<HTMLUListElement>(null);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  const id = props.id ?? "file-picker";
  const wanted = filter.trim().toLocaleLowerCase();
  const items = (listing.data?.items ?? []).filter(
    (f) =>
      (f.kind === "folder" || ((props.accept?.(f) ?? true) && !props.exclude?.includes(f.id))) &&
      (!wanted || f.name.toLocaleLowerCase().includes(wanted)),
  );
  const path = listing.data?.path ?? [];
  const go = (to: string | null) => {
    setFolder(to);
    setFilter("");
  };
  useEffect(() => {
    if (folder !== null && listing.data) list.current?.querySelector("button")?.focus();
  }, [listing.data]);

  const onKey = (e: KeyboardEvent) => onPickerKey(e, list.current, props.onClose);

  return (
    <fieldset class="ws-picker" id={id} onKeyDown={onKey}>
      <legend>{props.label}</legend>
      <Crumbs path={path} go={go} />
      <div class="ws-row">
        <label for={`${id}-filter`} class="sr-only">{t("picker.filter")}</label>
        <input id={`${id}-filter`} ref={search} type="search" placeholder={t("picker.filter")} value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)} />
        {props.onClose && (
          <button type="button" class="btn small" onClick={props.onClose}>{t("picker.close")}</button>
        )}
      </div>
      <ErrorNote error={listing.error ?? pick.error} />
      {listing.data && items.length === 0 && <p class="ws-muted">{t("picker.empty")}</p>}
      <ul class="ws-picker-items" ref={list}>
        {path.length > 0 && (
          <li>
            <button type="button" class="btn" onClick={() => go(path.length > 1 ? path[path.length - 2]!.id : null)}>
              ↑ {t("picker.up")}
            </button>
          </li>
        )}
        {items.map((f) => (
          <li key={f.id}>
            {f.kind === "folder" ? (
              <button type="button" class="btn" data-folder={f.name} aria-label={t("picker.open", { name: f.name })}
                onClick={() => go(f.id)}>📁 {f.name}</button>
            ) : (
              <button type="button" class="btn" data-file={f.name}
                disabled={pick.busy} onClick={() => void pick.run(f)}>
                <span class="ws-picker-name">{f.name}</span> <span class="ws-muted">{fmtSize(f.size)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** Escape closes; the arrows move between the list's buttons, round. */
function onPickerKey(e: KeyboardEvent, list: HTMLUListElement | null, onClose?: () => void) {
  if (e.key === "Escape" && onClose) {
    e.preventDefault();
    e.stopPropagation();
    onClose();
    return;
  }
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const buttons = [...(list?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
  if (!buttons.length) return;
  e.preventDefault();
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next = at < 0 ? 0 : (at + (e.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length;
  buttons[next]!.focus();
}

/** Where the picker is: the top, then each folder down to the open one. */
function Crumbs({ path, go }: { path: { id: string; name: string }[]; go: (to: string | null) => void }) {
  return (
    <nav aria-label={t("picker.where")} class="ws-picker-crumbs">
      <button type="button" class="btn small" aria-current={path.length === 0 ? "location" : undefined}
        onClick={() => go(null)}>{t("picker.top")}</button>
      {path.map((c, i) => (
        <button type="button" class="btn small" key={c.id} onClick={() => go(c.id)}
          aria-current={i === path.length - 1 ? "location" : undefined}>/ {c.name}</button>
      ))}
    </nav>
  );
}
