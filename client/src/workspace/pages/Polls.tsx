// Meeting polls: one's polls, and a new one (candidate slots in one's time zone, optional
// deadline, hidden answers, invitees by name and optional e-mail). Invitees answer on the
// page of their link (/poll/<token>, served without script).

import { useState } from "preact/hooks";
import { fmtDateTime } from "../format";
import * as cal from "../planning/api";
import { browserZone, isoDate, localInstant } from "../planning/dates";
import { tp } from "../planning/strings";
import { go, paths } from "../router";
import { ErrorNote, Link, Loading, useAction, useLoad } from "../ui";
import { Field } from "./EventForm";

export function PollsPage({ space }: { space?: number }) {
  const list = useLoad(() => cal.listPolls(), []);
  return (
    <section class="ws-card ws-polls" aria-labelledby="polls-title">
      <h1 id="polls-title" tabIndex={-1}>
        {tp("polls.title")}
      </h1>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : !list.data?.length ? (
        <p>{tp("polls.none")}</p>
      ) : (
        <ul class="ws-list" id="polls-list">
          {list.data.map((p) => (
            <li key={p.id}>
              <Link href={paths.poll(p.id)}>{p.title}</Link>{" "}
              <span class="ws-muted">
                {fmtDateTime(p.created_at)} · {tp("polls.answers", { n: p.answers })}
                {p.closed_at && <> · {tp("polls.closed")}</>}
              </span>
            </li>
          ))}
        </ul>
      )}
      <PollForm space={space} />
    </section>
  );
}

interface SlotDraft {
  date: string;
  from: string;
  to: string;
}

function invitees(text: string): { label: string; email: string | null }[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const email = line.match(/[^\s<>,;]+@[^\s<>,;]+/)?.[0] ?? null;
      const label = (email ? line.replace(email, "") : line).replace(/[<>,;]/g, " ").trim();
      return { label: label || (email ?? ""), email };
    });
}

function PollForm({ space }: { space?: number }) {
  const today = isoDate(new Date());
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [slots, setSlots] = useState<SlotDraft[]>([{ date: today, from: "10:00", to: "11:00" }]);
  const [deadline, setDeadline] = useState("");
  const [hidden, setHidden] = useState(false);
  const [agents, setAgents] = useState(false);
  const [people, setPeople] = useState("");
  const create = useAction(async () => {
    const poll = await cal.createPoll({
      title: title.trim(), description: description.trim(), timezone: browserZone(),
      slots: slots.map((s) => ({ start: localInstant(s.date, s.from), end: localInstant(s.date, s.to) })),
      deadline: deadline ? new Date(deadline).toISOString() : null, hidden_results: hidden,
      space: space ?? null, invites: invitees(people), agents_link: agents,
    });
    go(paths.poll(poll.id));
  });
  return (
    <form class="ws-form" aria-labelledby="poll-new-title"
      onSubmit={(e) => { e.preventDefault(); void create.run(); }}>
      <h2 id="poll-new-title">{tp("polls.new")}</h2>
      <Field id="poll-title" label={tp("polls.name")}>
        <input id="poll-title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field id="poll-description" label={tp("polls.description")}>
        <textarea id="poll-description" rows={3} maxLength={5000} value={description}
          onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <SlotsField slots={slots} setSlots={setSlots} />
      <Field id="poll-deadline" label={tp("polls.deadline")}>
        <input id="poll-deadline" type="datetime-local" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
      </Field>
      <label class="ws-check">
        <input type="checkbox" id="poll-hidden" checked={hidden} onChange={(e) => setHidden(e.currentTarget.checked)} />{" "}
        {tp("polls.hidden")}
      </label>
      <label class="ws-check">
        <input type="checkbox" id="poll-agents" checked={agents} onChange={(e) => setAgents(e.currentTarget.checked)} />{" "}
        {tp("polls.agents")}
      </label>
      <Field id="poll-invitees" label={tp("polls.invitees")}>
        <textarea id="poll-invitees" rows={3} value={people} onInput={(e) => setPeople(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="btn primary" id="poll-create" disabled={create.busy}>{tp("polls.create")}</button>
      <ErrorNote error={create.error} />
    </form>
  );
}

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;

function SlotsField({ slots, setSlots }: { slots: SlotDraft[]; setSlots: (s: SlotDraft[]) => void }) {
  const put = (i: number, patch: Partial<SlotDraft>) =>
    setSlots(slots.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const suggest = useAction(async () => {
    const start = new Date();
    const found = await cal.freeSlots(start, new Date(start.getTime() + 14 * 86_400_000), 60, browserZone());
    if (found.length)
      setSlots(found.slice(0, 6).map((f) => {
        const a = new Date(f.start), b = new Date(f.end);
        return { date: isoDate(a), from: hhmm(a), to: hhmm(b) };
      }));
  });
  return (
    <fieldset class="ws-slots">
      <legend>{tp("polls.slots", { tz: browserZone() })}</legend>
      {slots.map((s, i) => (
        <div class="ws-row" key={i}>
          <label class="sr-only" for={`slot-date-${i}`}>{tp("cal.date")}</label>
          <input id={`slot-date-${i}`} type="date" required value={s.date} onInput={(e) => put(i, { date: e.currentTarget.value })} />
          <label class="sr-only" for={`slot-from-${i}`}>{tp("cal.from")}</label>
          <input id={`slot-from-${i}`} type="time" required value={s.from} onInput={(e) => put(i, { from: e.currentTarget.value })} />
          <label class="sr-only" for={`slot-to-${i}`}>{tp("cal.to")}</label>
          <input id={`slot-to-${i}`} type="time" required value={s.to} onInput={(e) => put(i, { to: e.currentTarget.value })} />
          {slots.length > 1 && (
            <button type="button" class="btn" onClick={() => setSlots(slots.filter((_, j) => j !== i))}>
              {tp("polls.removeSlot")}
            </button>
          )}
        </div>
      ))}
      <button type="button" class="btn" id="poll-add-slot" onClick={() => setSlots([...slots, { ...slots[slots.length - 1] }])}>
        {tp("polls.addSlot")}
      </button>{" "}
      <button type="button" class="btn" id="poll-suggest" onClick={() => void suggest.run()} disabled={suggest.busy}>
        {tp("polls.suggest")}
      </button>
      <ErrorNote error={suggest.error} />
    </fieldset>
  );
}
