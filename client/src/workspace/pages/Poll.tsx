// One poll as its organiser sees it: the invitation links, the table of answers with the
// counts and the best slots, the CSV, and closing on a slot (the event, its meeting room
// with the lobby on, the invitations by e-mail).

import { fmtDateTime, fmtTime } from "../format";
import * as cal from "../planning/api";
import type { Poll, Slot } from "../planning/api";
import { tp } from "../planning/strings";
import { go, paths } from "../router";
import { ErrorNote, Link, Loading, useAction, useLoad } from "../ui";

const slotLabel = (s: Slot) => `${fmtDateTime(s.start)}–${fmtTime(s.end)}`;

export function PollPage({ poll: id }: { poll: string }) {
  const poll = useLoad(() => cal.getPoll(id), [id]);
  const remove = useAction(async () => {
    await cal.deletePoll(id);
    go(paths.polls());
  });
  const p = poll.data;
  return (
    <section class="ws-card ws-poll" aria-labelledby="poll-title">
      <div class="ws-head">
        <h1 id="poll-title" tabIndex={-1}>
          {p?.title ?? tp("polls.title")}
        </h1>
        <Link href={paths.polls()} class="btn">
          {tp("polls.back")}
        </Link>
      </div>
      <ErrorNote error={poll.error || remove.error} />
      {!p ? (
        poll.loading && <Loading />
      ) : (
        <>
          {p.description && <p class="ws-desc">{p.description}</p>}
          {p.closed_at && p.room && (
            <p role="status" id="poll-closed">
              {tp("polls.closedOn", { room: `${location.origin}/${p.room}` })}
            </p>
          )}
          <Links poll={p} />
          <Table poll={p} onClosed={poll.reload} />
          <p>
            <a class="btn" href={cal.pollCsvUrl(p.id)} download>
              {tp("polls.csv")}
            </a>{" "}
            <button type="button" class="btn" onClick={() => void remove.run()}>
              {tp("polls.delete")}
            </button>
          </p>
        </>
      )}
    </section>
  );
}

function Links({ poll }: { poll: Poll }) {
  if (!poll.invites.length && !poll.agents_link) return null;
  return (
    <>
      <h2>{tp("polls.links")}</h2>
      {poll.agents_link && (
        <p>
          <label for="poll-agents-link">{tp("polls.agentsLink")}</label>{" "}
          <input id="poll-agents-link" readOnly value={poll.agents_link} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
      <ul class="ws-list" id="poll-links">
        {poll.invites.map((i) => (
          <li key={i.id}>
            <label for={`invite-${i.id}`}>{tp("polls.copy", { label: i.label || String(i.id) })}</label>{" "}
            <input id={`invite-${i.id}`} readOnly value={i.link} onFocus={(e) => e.currentTarget.select()} />
            {i.answered && <span aria-hidden="true"> ✓</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

function Table({ poll, onClosed }: { poll: Poll; onClosed: () => void }) {
  const close = useAction(async (slot: number) => {
    await cal.closePoll(poll.id, slot);
    onClosed();
  });
  return (
    <>
      <h2>{tp("polls.table")}</h2>
      <div class="ws-table-scroll">
        <table class="ws-table" id="poll-table">
          <thead>
            <tr>
              <th scope="col">{tp("polls.slot")}</th>
              {poll.answers.map((a, n) => (
                <th scope="col" key={n}>{a.name}</th>
              ))}
              <th scope="col">{tp("polls.yes")}</th>
              <th scope="col">{tp("polls.maybe")}</th>
              {!poll.closed_at && <th scope="col"><span class="sr-only">{tp("polls.close")}</span></th>}
            </tr>
          </thead>
          <tbody>
            {poll.slots.map((s) => (
              <SlotRow key={s.id} poll={poll} slot={s} onClose={() => void close.run(s.id)} busy={close.busy} />
            ))}
          </tbody>
        </table>
      </div>
      <ErrorNote error={close.error} />
    </>
  );
}

function SlotRow(props: { poll: Poll; slot: Slot; onClose: () => void; busy: boolean }) {
  const { poll, slot } = props;
  const best = poll.best_slots.includes(slot.id);
  const chosen = poll.chosen_slot === slot.id;
  return (
    <tr class={best ? "best" : undefined}>
      <th scope="row">
        {slotLabel(slot)}
        {best && <span class="ws-muted"> ({tp("polls.best")})</span>}
        {chosen && <span aria-hidden="true"> ✓</span>}
      </th>
      {poll.answers.map((a, n) => (
        <td key={n}>{tp(`polls.${a.choices[String(slot.id)] ?? "no"}` as "polls.no")}</td>
      ))}
      <td>{slot.yes}</td>
      <td>{slot.maybe}</td>
      {!poll.closed_at && (
        <td>
          <button type="button" class="btn" onClick={props.onClose} disabled={props.busy}>
            {tp("polls.close")}
          </button>
        </td>
      )}
    </tr>
  );
}
