// A folder's items with the page's tools: list or grid, sorting (folders first), and the
// selection (checkboxes, shift-click for a range, select all) with its actions: download as
// one ZIP, move into a folder, put in the trash.

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { t, tn } from "../i18n";
import { ErrorNote, useAction } from "../ui";
import * as files from "./api";
import type { FileItem, Listing } from "./api";
import { FileList } from "./List";
import { PreviewDialog } from "./Preview";

export type SortKey = "name" | "-name" | "-size" | "size" | "-date" | "date";
const SORTS: [SortKey, Parameters<typeof t>[0]][] = [
  ["name", "files.sortName"],
  ["-name", "files.sortNameDesc"],
  ["-date", "files.sortDate"],
  ["date", "files.sortDateAsc"],
  ["-size", "files.sortSize"],
  ["size", "files.sortSizeAsc"],
];

export function sorted(items: FileItem[], key: SortKey): FileItem[] {
  const desc = key.startsWith("-");
  const field = key.replace("-", "");
  const byName = (a: FileItem, b: FileItem) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: "base" });
  const compare = (a: FileItem, b: FileItem) => {
    if (a.kind !== b.kind) return a.kind === "folder" ? -1 : 1; // folders first, always
    const by = field === "size" ? a.size - b.size : field === "date" ? Date.parse(a.updated_at) - Date.parse(b.updated_at) : byName(a, b);
    return (desc ? -by : by) || byName(a, b);
  };
  return [...items].sort(compare);
}

function remembered<T extends string>(key: string, fallback: T, allowed: readonly string[]): T {
  try {
    const v = localStorage.getItem(key);
    return v && allowed.includes(v) ? (v as T) : fallback;
  } catch {
    return fallback;
  }
}

function remember(key: string, value: string) {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* private browsing: not kept */
  }
}

export function Browse(props: { space: number; listing: Listing; onChange: () => void }) {
  const { space, listing } = props;
  const [grid, setGrid] = useState(() => remembered<string>("palabre.files.view", "list", ["list", "grid"]) === "grid");
  const [sort, setSort] = useState<SortKey>(() => remembered("palabre.files.sort", "name", SORTS.map((s) => s[0])));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [previewing, setPreviewing] = useState<FileItem | null>(null);
  const anchor = useRef<string | null>(null);
  const items = useMemo(() => sorted(listing.items, sort), [listing.items, sort]);
  // What is selected stays among what is shown (a change elsewhere may remove an item).
  useEffect(() => {
    setSelected((s) => new Set([...s].filter((id) => listing.items.some((i) => i.id === id))));
  }, [listing.items]);
  useEffect(() => {
    setSelected(new Set());
    anchor.current = null;
  }, [listing.folder?.id]);

  const onSelect = (id: string, on: boolean, range: boolean) => {
    setSelected((before) => {
      const next = new Set(before);
      const from = anchor.current ? items.findIndex((i) => i.id === anchor.current) : -1;
      const to = items.findIndex((i) => i.id === id);
      if (range && from >= 0 && to >= 0) {
        const [a, b] = from < to ? [from, to] : [to, from];
        for (const item of items.slice(a, b + 1)) on ? next.add(item.id) : next.delete(item.id);
      } else {
        on ? next.add(id) : next.delete(id);
      }
      return next;
    });
    anchor.current = id;
  };
  const all = items.length > 0 && items.every((i) => selected.has(i.id));
  const chosen = items.filter((i) => selected.has(i.id));

  return (
    <>
      <div class="ws-files-view" role="group" aria-label={t("files.view")}>
        <label class="ws-files-all">
          <input type="checkbox" id="files-select-all" checked={all} disabled={!items.length}
            onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.map((i) => i.id)) : new Set())} />
          {t("files.selectAll")}
        </label>
        <span class="ws-segmented">
          {([false, true] as const).map((g) => (
            <button type="button" key={String(g)} class="btn" aria-pressed={grid === g} id={g ? "files-grid" : "files-list-view"}
              onClick={() => {
                setGrid(g);
                remember("palabre.files.view", g ? "grid" : "list");
              }}>
              {g ? t("files.viewGrid") : t("files.viewList")}
            </button>
          ))}
        </span>
        <label>
          {t("files.sort")}{" "}
          <select id="files-sort" value={sort}
            onChange={(e) => {
              const v = e.currentTarget.value as SortKey;
              setSort(v);
              remember("palabre.files.sort", v);
            }}>
            {SORTS.map(([k, label]) => (
              <option key={k} value={k}>
                {t(label)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {chosen.length > 0 && (
        <Selection space={space} listing={listing} chosen={chosen} onClear={() => setSelected(new Set())} onChange={props.onChange} />
      )}
      <FileList space={space} items={items} writable={listing.writable} grid={grid} selected={selected}
        onSelect={onSelect} onPreview={setPreviewing} onChange={props.onChange} />
      {previewing && <PreviewDialog file={previewing} onClose={() => setPreviewing(null)} />}
    </>
  );
}

function Selection(props: { space: number; listing: Listing; chosen: FileItem[]; onClear: () => void; onChange: () => void }) {
  const { listing, chosen } = props;
  const ids = chosen.map((i) => i.id);
  // Where to move: the folder above, the top, or a folder here that is not selected.
  const here = listing.folder?.id ?? null;
  const above = listing.path.length >= 2 ? listing.path[listing.path.length - 2].id : null;
  const targets: [string, string][] = [
    ...(here !== null ? ([["", t("files.top2")]] as [string, string][]) : []),
    ...(above !== null ? ([[above, t("files.up") + ` (${listing.path[listing.path.length - 2].name})`]] as [string, string][]) : []),
    ...listing.items.filter((i) => i.kind === "folder" && !ids.includes(i.id)).map((i) => [i.id, i.name] as [string, string]),
  ];
  const [target, setTarget] = useState<string>(targets[0]?.[0] ?? "");
  const act = useAction(async (work: (id: string) => Promise<unknown>) => {
    for (const id of ids) await work(id);
    props.onClear();
    props.onChange();
  });
  return (
    <div class="ws-files-selection" role="region" aria-label={tn("files.selected", chosen.length)}>
      <strong id="files-selected" role="status">
        {tn("files.selected", chosen.length)}
      </strong>
      <a class="btn" id="selection-zip" href={files.selectionZipUrl(props.space, ids)} download="files.zip">
        {t("files.downloadZip")}
      </a>
      {listing.writable && targets.length > 0 && (
        <span class="ws-inline-form">
          <label for="selection-target">{t("files.moveTo")}</label>
          <select id="selection-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            {targets.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
          <button type="button" class="btn" id="selection-move" disabled={act.busy}
            onClick={() => void act.run((id) => files.move(id, target || null))}>
            {t("files.moveHere")}
          </button>
        </span>
      )}
      {listing.writable && (
        <button type="button" class="btn danger" id="selection-trash" disabled={act.busy}
          onClick={() => void act.run((id) => files.trash(id))}>
          {t("files.toTrash")}
        </button>
      )}
      <button type="button" class="btn" id="selection-clear" onClick={props.onClear}>
        {t("files.clearSelection")}
      </button>
      <ErrorNote error={act.error} />
    </div>
  );
}
