// A space: what it is, its meeting one click away, its channels, members and modules.

import { useEffect, useState } from "preact/hooks";
import * as api from "../api";
import { fmtDate, fmtNumber } from "../format";
import { t, tn } from "../i18n";
import { tp } from "../planning/strings";
import { go, paths } from "../router";
import {
  channels,
  loadChannels,
  loadMembers,
  markAbsent,
  meetings,
  members,
  personName,
  spaceById,
  upsertSpace,
  absent,
  me,
} from "../store";
import { MODULES, type Level, type Member, type Space } from "../types";
import { Badge, ErrorNote, Icon, Link, Listing, Loading, useAction } from "../ui";

export function useSpace(id: number | undefined) {
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (id !== undefined) api.getSpace(id).then(upsertSpace, setError);
  }, [id]);
  return { space: id === undefined ? undefined : spaceById(id), error };
}

export function SpacePage({ space: id }: { space: number }) {
  const { space, error } = useSpace(id);
  useEffect(() => {
    void loadChannels(id).catch(() => {});
    void loadMembers(id).catch(() => {});
  }, [id]);
  if (!space)
    return error ? (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("space.unknown")}</h1>
        <ErrorNote error={error} />
      </section>
    ) : (
      <Loading />
    );
  const admin = space.role === "owner" || space.role === "admin";
  return (
    <div class="ws-space">
      <section class="ws-card">
        <div class="ws-head">
          <h1 tabIndex={-1}>{space.name}</h1>
          {admin && (
            <Link href={paths.admin(space.id)} class="btn" id="space-admin-link">
              {t("space.admin")}
            </Link>
          )}
        </div>
        {space.description && <p class="ws-desc">{space.description}</p>}
        <p class="ws-muted">
          {t("space.yourRole", { role: t(("role." + space.role) as "role.owner") })}
          {space.archived_at && <> · {t("space.archivedOn", { date: fmtDate(space.archived_at) })}</>}
        </p>
        {space.delete_at && (
          <p class="ws-warning" role="status">
            {t("space.deleting", { date: fmtDate(space.delete_at) })}
          </p>
        )}
        <MeetingBox space={space} />
      </section>
      <ChannelsBox space={space} />
      {space.access.documents !== "none" && (
        <section class="ws-card" aria-labelledby="space-docs-title">
          <h2 id="space-docs-title">{t("docs.title")}</h2>
          <Link href={paths.documents(space.id)} class="btn" id="space-documents">
            {t("docs.open")}
          </Link>
        </section>
      )}
      {space.access.files !== "none" && (
        <section class="ws-card" aria-labelledby="space-files-title">
          <h2 id="space-files-title">{t("files.title")}</h2>
          <Link href={paths.files(space.id)} class="btn" id="space-files">
            {t("files.open")}
          </Link>
        </section>
      )}
      <PlanningBox space={space} />
      <MembersBox space={space} />
      <ModulesBox space={space} />
    </div>
  );
}

function PlanningBox({ space }: { space: Space }) {
  if (space.access.calendar === "none" && space.access.tasks === "none") return null;
  return (
    <section class="ws-card" aria-labelledby="space-cal-title">
      <h2 id="space-cal-title">{tp("cal.title")}</h2>
      {space.access.tasks !== "none" && (
        <Link href={paths.boards(space.id)} class="btn" id="space-boards">
          {tp("boards.open")}
        </Link>
      )}{" "}
      {space.access.calendar !== "none" && (
        <Link href={paths.calendar(space.id)} class="btn" id="space-calendar">
          {tp("cal.open")}
        </Link>
      )}{" "}
      {space.access.calendar === "write" && (
        <Link href={paths.polls(space.id)} class="btn" id="space-poll">
          {tp("polls.open")}
        </Link>
      )}
    </section>
  );
}

export function MeetingBox({ space, compact }: { space: Space; compact?: boolean }) {
  const meeting = meetings.value[space.id];
  useEffect(() => {
    if (space.access.meeting === "none") return;
    api.spaceMeeting(space.id).then(
      (m) => (meetings.value = { ...meetings.value, [space.id]: m }),
      (e) => markAbsent("meeting", e),
    );
  }, [space.id]);
  if (space.access.meeting === "none") return null;
  const room = meeting?.room || space.room;
  const people = meeting?.participants ?? [];
  return (
    <div class={compact ? "ws-meeting compact" : "ws-meeting"} aria-live="polite">
      {meeting?.live ? (
        <p class="ws-live">
          <span class="ws-dot" aria-hidden="true" /> {t("meeting.live")}
          {people.length > 0 && <> — {people.join(", ")}</>}
        </p>
      ) : (
        !compact && <p class="ws-muted">{t("meeting.idle")}</p>
      )}
      <button
        type="button"
        class={compact ? "btn" : "btn primary big"}
        id="start-meeting"
        onClick={() => go("/" + encodeURIComponent(room))}
      >
        {meeting?.live ? t("meeting.join") : t("meeting.start")}
      </button>
    </div>
  );
}

function ChannelsBox({ space }: { space: Space }) {
  const list = channels.value[space.id];
  const [adding, setAdding] = useState(false);
  const canCreate = space.role !== "guest" && !space.archived_at;
  return (
    <section class="ws-card" aria-labelledby="channels-title">
      <div class="ws-head">
        <h2 id="channels-title">{t("space.channels")}</h2>
        {canCreate && !adding && !absent.value.has("channels") && (
          <button type="button" class="btn" id="new-channel" onClick={() => setAdding(true)}>
            {t("channel.new")}
          </button>
        )}
      </div>
      <Listing absent={absent.value.has("channels") && t("space.channels")} items={list} empty={t("space.noChannels")}>
        {(found) => (
          <ul class="ws-list">
            {found.map((c) => (
              <li key={c.id}>
                <Link href={paths.channel(space.id, c.id)} class="ws-channel-link">
                  <Icon name={c.private ? "lock" : "hash"} />
                  {c.name}
                  {c.private && <span class="sr-only"> ({t("channel.private")})</span>}
                </Link>
                <Badge n={c.mentions ?? 0} mention label={tn("count.mentions", c.mentions ?? 0)} />
                <Badge n={c.unread ?? 0} label={tn("count.unread", c.unread ?? 0)} />
                {c.topic && <span class="ws-muted"> — {c.topic}</span>}
              </li>
            ))}
          </ul>
        )}
      </Listing>
      {adding && <NewChannel space={space} onDone={() => setAdding(false)} />}
    </section>
  );
}

function NewChannel({ space, onDone }: { space: Space; onDone: () => void }) {
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [priv, setPriv] = useState(false);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const people = members.value[space.id] ?? [];
  const create = useAction(async () => {
    const c = await api.createChannel(space.id, {
      name: name.trim(),
      topic: topic.trim() || undefined,
      private: priv,
      members: priv ? [...chosen] : undefined,
    });
    await loadChannels(space.id);
    onDone();
    go(paths.channel(space.id, c.id));
  });
  return (
    <form
      class="ws-form"
      aria-label={t("channel.new")}
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void create.run();
      }}
      onKeyDown={(e) => e.key === "Escape" && onDone()}
    >
      <label for="new-channel-name">{t("channel.name")}</label>
      <input id="new-channel-name" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="new-channel-topic">{t("channel.topic")}</label>
      <input id="new-channel-topic" maxLength={500} value={topic} onInput={(e) => setTopic(e.currentTarget.value)} />
      <label class="ws-check">
        <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.currentTarget.checked)} />
        {t("channel.privateLabel")}
      </label>
      {priv && (
        <fieldset class="ws-fieldset">
          <legend>{t("channel.who")}</legend>
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
              {personName(p)}
            </label>
          ))}
        </fieldset>
      )}
      <ErrorNote error={create.error} />
      <div class="ws-actions">
        <button type="button" class="btn" onClick={onDone}>
          {t("cancel")}
        </button>
        <button type="submit" class="btn primary" id="create-channel" disabled={create.busy || !name.trim()}>
          {t("channel.create")}
        </button>
      </div>
    </form>
  );
}

function MembersBox({ space }: { space: Space }) {
  const list = members.value[space.id];
  return (
    <section class="ws-card" aria-labelledby="members-title">
      <h2 id="members-title">
        {t("space.members")}
        {list && <span class="ws-muted"> ({fmtNumber(list.length)})</span>}
      </h2>
      <Listing absent={absent.value.has("members") && t("space.members")} items={list}>
        {(found) => (
          <ul class="ws-people">
            {found.map((p) => (
              <PersonItem key={p.id} p={p} />
            ))}
          </ul>
        )}
      </Listing>
    </section>
  );
}

function PersonItem({ p }: { p: Member }) {
  const open = useAction(async () => {
    const d = await api.openDirect([p.id]);
    go(paths.direct(d.id));
  });
  return (
    <li>
      <span class="ws-person">{personName(p)}</span>
      <span class="ws-muted">
        {" "}
        @{p.name} · {t(("role." + p.role) as "role.owner")}
        {p.email && <> · {p.email}</>}
      </span>
      {p.name !== me.value?.name && (
        <button
          type="button"
          class="btn small"
          onClick={() => void open.run()}
          aria-label={t("direct.with", { name: personName(p) })}
        >
          {t("direct.write")}
        </button>
      )}
      <ErrorNote error={open.error} />
    </li>
  );
}

const LEVEL_KEYS: Record<Level, "level.none" | "level.read" | "level.write"> = {
  none: "level.none",
  read: "level.read",
  write: "level.write",
};

function ModulesBox({ space }: { space: Space }) {
  return (
    <section class="ws-card" aria-labelledby="modules-title">
      <h2 id="modules-title">{t("space.modules")}</h2>
      <ul class="ws-modules">
        {MODULES.map((m) => {
          const here = m === "chat" || m === "meeting";
          return (
            <li key={m} class={here ? "" : "later"}>
              <strong>{t(("module." + m) as "module.chat")}</strong>
              <span class="ws-muted">
                {" "}
                — {t(LEVEL_KEYS[space.access[m] ?? "none"])}
                {!here && <> · {t("module.later")}</>}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
