// Direct conversations: the person's, and a new one with people they share a space with.

import { useEffect, useState } from "preact/hooks";
import * as api from "../api";
import { t, tn } from "../i18n";
import { go, paths } from "../router";
import { absent, directs, loadDirects, loadMembers, me, members, personName, spaces } from "../store";
import type { Person } from "../types";
import { Badge, ErrorNote, Link, Listing, useAction } from "../ui";
import { directTitle } from "../Sidebar";

export function DirectsPage() {
  const list = directs.value;
  useEffect(() => {
    void loadDirects().catch(() => {});
    for (const s of spaces.value ?? []) if (!members.value[s.id]) void loadMembers(s.id).catch(() => {});
  }, [spaces.value?.length]);
  return (
    <>
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("directs.title")}</h1>
        <Listing absent={absent.value.has("direct") && t("directs.title")} items={list} empty={t("directs.none")}>
          {(found) => (
            <ul class="ws-list">
              {found.map((d) => (
                <li key={d.id}>
                  <Link href={paths.direct(d.id)}>{directTitle(d)}</Link>
                  <Badge n={d.unread ?? 0} label={tn("count.unread", d.unread ?? 0)} />
                </li>
              ))}
            </ul>
          )}
        </Listing>
      </section>
      {!absent.value.has("direct") && <NewDirect />}
    </>
  );
}

function NewDirect() {
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [filter, setFilter] = useState("");
  const known = new Map<number, Person>();
  for (const list of Object.values(members.value))
    for (const p of list) if (p.name !== me.value?.name) known.set(p.id, p);
  const people = [...known.values()]
    .filter((p) => !filter || `${p.name} ${personName(p)}`.toLowerCase().includes(filter.toLowerCase()))
    .sort((a, b) => personName(a).localeCompare(personName(b)));
  const start = useAction(async () => {
    const d = await api.openDirect([...chosen]);
    await loadDirects();
    go(paths.direct(d.id));
  });
  return (
    <section class="ws-card">
      <h2>{t("directs.new")}</h2>
      <form
        class="ws-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen.size) void start.run();
        }}
      >
        <label for="direct-filter">{t("directs.filter")}</label>
        <input id="direct-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <fieldset class="ws-fieldset">
          <legend>{t("directs.with")}</legend>
          {people.length === 0 && <p class="ws-muted">{t("directs.nobody")}</p>}
          {people.map((p) => (
            <label class="ws-check" key={p.id}>
              <input
                type="checkbox"
                checked={chosen.has(p.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.currentTarget.checked) next.add(p.id);
                  else next.delete(p.id);
                  setChosen(next);
                }}
              />
              {personName(p)} <span class="ws-muted">@{p.name}</span>
            </label>
          ))}
        </fieldset>
        <ErrorNote error={start.error} />
        <div class="ws-actions">
          <button type="submit" class="btn primary" disabled={!chosen.size || start.busy}>
            {t("directs.start")}
          </button>
        </div>
      </form>
    </section>
  );
}
