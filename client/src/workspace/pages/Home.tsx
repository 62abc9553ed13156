// The person's spaces, with what they have not read, and a new space.

import { useState } from "preact/hooks";
import * as api from "../api";
import { fmtDate } from "../format";
import { t, tn } from "../i18n";
import { go, paths } from "../router";
import { me, spaces, spaceCounts, upsertSpace } from "../store";
import { ErrorNote, Link, Loading, useAction } from "../ui";
import { tp } from "../planning/strings";

/** One's calendar, one's tasks, one's meeting polls (polls: organisation accounts). */
function PlanningLinks() {
  return (
    <nav class="ws-card ws-inline-form" aria-label={tp("planning.title")}>
      <Link href={paths.myCalendar()} class="btn" id="home-calendar">{tp("cal.mine")}</Link>
      <Link href={paths.myTasks()} class="btn" id="home-tasks">{tp("tasks.mine")}</Link>
      {!me.value?.guest && <Link href={paths.polls()} class="btn" id="home-polls">{tp("polls.title")}</Link>}
    </nav>
  );
}

export function HomePage() {
  const list = spaces.value;
  return (
    <>
      <PlanningLinks />
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("home.title")}</h1>
        {list === null ? (
          <Loading />
        ) : list.length === 0 ? (
          <p>{t("home.none")}</p>
        ) : (
          <ul class="ws-spaces" aria-label={t("home.title")}>
            {list.map((s) => {
              const c = spaceCounts(s);
              return (
                <li key={s.id} class="ws-space-item">
                  <Link href={paths.space(s.id)} class="ws-space-link">
                    {s.name}
                  </Link>
                  <span class="ws-muted">
                    {t(("role." + s.role) as "role.owner")}
                    {s.archived_at && <> · {t("space.archived")}</>}
                    {s.delete_at && <> · {t("space.deleting", { date: fmtDate(s.delete_at) })}</>}
                  </span>
                  <span class="ws-counts">
                    {c.unread > 0 && <span class="ws-count">{tn("count.unread", c.unread)}</span>}
                    {c.mentions > 0 && <span class="ws-count mention">{tn("count.mentions", c.mentions)}</span>}
                  </span>
                  {s.description && <p class="ws-desc">{s.description}</p>}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {!me.value?.guest && <NewSpace />}
    </>
  );
}

function NewSpace() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useAction(async () => {
    const space = await api.createSpace(name.trim(), description.trim());
    upsertSpace(space);
    go(paths.space(space.id));
  });
  return (
    <section class="ws-card">
      <h2>{t("home.new")}</h2>
      <form
        class="ws-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void create.run();
        }}
      >
        <label for="new-space-name">{t("home.name")}</label>
        <input
          id="new-space-name"
          required
          maxLength={80}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="new-space-description">{t("home.description")}</label>
        <textarea
          id="new-space-description"
          rows={2}
          maxLength={2000}
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
        />
        <ErrorNote error={create.error} />
        <div class="ws-actions">
          <button type="submit" class="btn primary" id="create-space" disabled={create.busy || !name.trim()}>
            {t("home.create")}
          </button>
        </div>
      </form>
    </section>
  );
}
