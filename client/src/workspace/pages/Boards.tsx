// A space's task boards: the list of them, and a new one.

import { useState } from "preact/hooks";
import * as api from "../planning/api";
import { tp } from "../planning/strings";
import { go, paths } from "../router";
import { ErrorNote, Link, Loading, useAction, useLoad } from "../ui";
import { useSpace } from "./Space";

export function BoardsPage({ space: id }: { space: number }) {
  const { space } = useSpace(id);
  const list = useLoad(() => api.listBoards(id), [id]);
  const [title, setTitle] = useState("");
  const writable = !!space && space.access.tasks === "write" && !space.archived_at && !space.delete_at;
  const create = useAction(async () => {
    const b = await api.createBoard(id, title.trim());
    go(paths.board(id, b.id));
  });
  return (
    <section class="ws-card" aria-labelledby="boards-title">
      <h1 id="boards-title" tabIndex={-1}>
        {tp("boards.title")}
        {space && <span class="ws-muted"> — {space.name}</span>}
      </h1>
      <ErrorNote error={list.error || create.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : !list.data?.length ? (
        <p>{tp("boards.none")}</p>
      ) : (
        <ul class="ws-list" id="boards-list">
          {list.data.map((b) => (
            <li key={b.id}>
              <Link href={paths.board(id, b.id)}>{b.title}</Link>
            </li>
          ))}
        </ul>
      )}
      {writable && (
        <form class="ws-inline-form" aria-label={tp("boards.new")}
          onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
          <label for="new-board" class="sr-only">{tp("boards.new")}</label>
          <input id="new-board" required maxLength={200} placeholder={tp("boards.new")} value={title}
            onInput={(e) => setTitle(e.currentTarget.value)} />
          <button type="submit" class="btn primary" id="create-board" disabled={create.busy}>{tp("boards.create")}</button>
        </form>
      )}
    </section>
  );
}
