// One's open cards across one's spaces, by due date.

import { fmtDate } from "../format";
import * as api from "../planning/api";
import { tp } from "../planning/strings";
import { paths } from "../router";
import { ErrorNote, Link, Loading, useLoad } from "../ui";

export function MyTasksPage() {
  const list = useLoad(() => api.myTasks(), []);
  return (
    <section class="ws-card" aria-labelledby="my-tasks-title">
      <h1 id="my-tasks-title" tabIndex={-1}>
        {tp("tasks.mine")}
      </h1>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : !list.data?.length ? (
        <p>{tp("tasks.none")}</p>
      ) : (
        <ul class="ws-list" id="my-tasks">
          {list.data.map((t) => (
            <li key={t.card.id}>
              <Link href={paths.board(t.space, t.card.board)}>{t.card.title}</Link>{" "}
              <span class="ws-muted">
                {t.board_title}
                {t.card.due_at && <> · {tp("boards.due", { date: fmtDate(t.card.due_at) })}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
