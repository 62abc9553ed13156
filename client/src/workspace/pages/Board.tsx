// A board: its lists side by side (one under the other at phone width), their cards; a card
// moves by drag and drop, or from the keyboard (Alt + arrows on the focused card) or with its
// buttons; every change by anyone reloads the board live (board.changed).

import { useEffect, useState } from "preact/hooks";
import { fmtDate } from "../format";
import { onLiveEvent } from "../live";
import * as api from "../planning/api";
import type { BoardInfo, CardInfo, ListInfo } from "../planning/api";
import { tp } from "../planning/strings";
import { announce } from "../store";
import { paths } from "../router";
import { ErrorNote, Link, Loading, useAction, useLoad } from "../ui";
import { CardPanel } from "./CardPanel";

interface Filters {
  mine?: string;
  due?: string;
  label?: string;
}

export function BoardPage({ space, board: id }: { space: number; board: number }) {
  const [filters, setFilters] = useState<Filters>({});
  const board = useLoad(() => api.getBoard(id, filters), [id, filters.mine, filters.due, filters.label]);
  useEffect(() => onLiveEvent((e) => {
    if (e.type === "board.changed" && e.board === id) board.reload();
  }), [id]);
  const b = board.data;
  return (
    <section class="ws-card ws-board" aria-labelledby="board-title">
      <div class="ws-head">
        <h1 id="board-title" tabIndex={-1}>{b?.title ?? tp("boards.title")}</h1>
        <Link href={paths.boards(space)} class="btn">{tp("boards.back")}</Link>
      </div>
      <FilterBar filters={filters} setFilters={setFilters} />
      <ErrorNote error={board.error} />
      {!b ? board.loading && <Loading /> : <Columns board={b} onChange={board.reload} />}
    </section>
  );
}

function FilterBar({ filters, setFilters }: { filters: Filters; setFilters: (f: Filters) => void }) {
  return (
    <div class="ws-inline-form" role="group" aria-label={tp("boards.label")}>
      <label class="ws-check">
        <input type="checkbox" checked={!!filters.mine}
          onChange={(e) => setFilters({ ...filters, mine: e.currentTarget.checked ? "1" : undefined })} />{" "}
        {tp("boards.mine")}
      </label>
      <label class="ws-check">
        <input type="checkbox" checked={!!filters.due}
          onChange={(e) => setFilters({ ...filters, due: e.currentTarget.checked ? "7" : undefined })} />{" "}
        {tp("boards.dueSoon")}
      </label>
      <label for="board-label" class="sr-only">{tp("boards.label")}</label>
      <input id="board-label" placeholder={tp("boards.label")} value={filters.label ?? ""}
        onChange={(e) => setFilters({ ...filters, label: e.currentTarget.value.trim() || undefined })} />
    </div>
  );
}

/** Where a card lands when moved by `dx` lists or `dy` places: (list, after). */
function target(board: BoardInfo, card: CardInfo, dx: number, dy: number): [ListInfo, number | null] | null {
  const li = board.lists.findIndex((l) => l.id === card.list_id);
  const list = board.lists[li + dx];
  if (!list) return null;
  if (dx) return [list, list.cards.length ? list.cards[list.cards.length - 1].id : null];
  const others = list.cards.filter((c) => c.id !== card.id);
  const at = list.cards.findIndex((c) => c.id === card.id) + dy;
  if (at < 0 || at > others.length) return null;
  return [list, at === 0 ? null : others[at - 1].id];
}

function Columns({ board, onChange }: { board: BoardInfo; onChange: () => void }) {
  const [open, setOpen] = useState<number | null>(null);
  const move = useAction(async (card: CardInfo, dx: number, dy: number) => {
    const to = target(board, card, dx, dy);
    if (!to) return;
    await api.moveCard(card.id, to[0].id, to[1]);
    announce(tp("boards.moved", { card: card.title, list: to[0].title }));
    onChange();
    requestAnimationFrame(() => document.getElementById(`card-${card.id}`)?.focus());
  });
  const drop = useAction(async (cardId: number, list: ListInfo) => {
    const last = list.cards.filter((c) => c.id !== cardId).pop();
    await api.moveCard(cardId, list.id, last ? last.id : null);
    onChange();
  });
  return (
    <>
      {board.writable ? <p class="ws-muted" id="board-keys">{tp("boards.keys")}</p> : <p class="ws-muted">{tp("boards.readonly")}</p>}
      <ErrorNote error={move.error || drop.error} />
      <div class="ws-columns">
        {board.lists.map((l) => (
          <Column key={l.id} board={board} list={l} onChange={onChange}
            onMove={(c, dx, dy) => void move.run(c, dx, dy)} onDrop={(c) => void drop.run(c, l)} onOpen={setOpen} />
        ))}
        {board.writable && <NewList board={board.id} onChange={onChange} />}
      </div>
      {open !== null && (
        <CardPanel space={board.space} card={open} writable={board.writable}
          onClose={() => { setOpen(null); onChange(); }} />
      )}
    </>
  );
}

function Column(props: {
  board: BoardInfo;
  list: ListInfo;
  onChange: () => void;
  onMove: (c: CardInfo, dx: number, dy: number) => void;
  onDrop: (card: number) => void;
  onOpen: (card: number) => void;
}) {
  const { list, board } = props;
  return (
    <section class="ws-column" aria-labelledby={`list-${list.id}`}
      onDragOver={(e) => board.writable && e.preventDefault()}
      onDrop={(e) => { e.preventDefault(); const c = Number(e.dataTransfer?.getData("text/plain")); if (c) props.onDrop(c); }}>
      <h2 id={`list-${list.id}`}>{list.title}</h2>
      <ul class="ws-cards" aria-labelledby={`list-${list.id}`}>
        {list.cards.map((c) => (
          <CardItem key={c.id} card={c} writable={board.writable} onMove={(dx, dy) => props.onMove(c, dx, dy)}
            onChange={props.onChange} onOpen={() => props.onOpen(c.id)} />
        ))}
      </ul>
      {board.writable && <NewCard list={list} onChange={props.onChange} />}
    </section>
  );
}

const KEYS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

function CardItem(props: {
  card: CardInfo;
  writable: boolean;
  onMove: (dx: number, dy: number) => void;
  onChange: () => void;
  onOpen: () => void;
}) {
  const { card } = props;
  const done = useAction(async () => {
    await api.setDone(card.id, !card.done_at);
    props.onChange();
  });
  return (
    <li class={card.done_at ? "ws-task done" : "ws-task"} id={`card-${card.id}`} tabIndex={0}
      draggable={props.writable} aria-describedby={props.writable ? "board-keys" : undefined}
      onDragStart={(e) => e.dataTransfer?.setData("text/plain", String(card.id))}
      onKeyDown={(e) => {
        const k = KEYS[e.key];
        if (k && e.altKey && props.writable) { e.preventDefault(); props.onMove(k[0], k[1]); }
      }}>
      <button type="button" class="ws-task-title linklike" onClick={() => props.onOpen()}>{card.title}</button>
      {card.due_at && <span class="ws-muted"> · {tp("boards.due", { date: fmtDate(card.due_at) })}</span>}
      {card.labels.map((l) => <span key={l} class="ws-label">{l}</span>)}
      {props.writable && (
        <span class="ws-task-actions">
          <label class="ws-check"><input type="checkbox" checked={!!card.done_at} onChange={() => void done.run()} /> {tp("boards.done")}</label>
          <button type="button" class="btn" aria-label={tp("boards.left")} onClick={() => props.onMove(-1, 0)}>←</button>
          <button type="button" class="btn" aria-label={tp("boards.right")} onClick={() => props.onMove(1, 0)}>→</button>
        </span>
      )}
    </li>
  );
}

function NewCard({ list, onChange }: { list: ListInfo; onChange: () => void }) {
  const [title, setTitle] = useState("");
  const add = useAction(async () => {
    await api.createCard(list.id, title.trim());
    setTitle("");
    onChange();
  });
  const label = tp("boards.newCard", { list: list.title });
  return (
    <form class="ws-inline-form" aria-label={label} onSubmit={(e) => { e.preventDefault(); void add.run(); }}>
      <label for={`new-card-${list.id}`} class="sr-only">{label}</label>
      <input id={`new-card-${list.id}`} required maxLength={500} placeholder={label} value={title}
        onInput={(e) => setTitle(e.currentTarget.value)} />
      <button type="submit" class="btn" disabled={add.busy}>{tp("boards.addCard")}</button>
      <ErrorNote error={add.error} />
    </form>
  );
}

function NewList({ board, onChange }: { board: number; onChange: () => void }) {
  const [title, setTitle] = useState("");
  const add = useAction(async () => {
    await api.createList(board, title.trim());
    setTitle("");
    onChange();
  });
  return (
    <form class="ws-column ws-inline-form" aria-label={tp("boards.newList")}
      onSubmit={(e) => { e.preventDefault(); void add.run(); }}>
      <label for="new-list" class="sr-only">{tp("boards.newList")}</label>
      <input id="new-list" required maxLength={200} placeholder={tp("boards.newList")} value={title}
        onInput={(e) => setTitle(e.currentTarget.value)} />
      <button type="submit" class="btn" id="add-list" disabled={add.busy}>{tp("boards.addList")}</button>
      <ErrorNote error={add.error} />
    </form>
  );
}
