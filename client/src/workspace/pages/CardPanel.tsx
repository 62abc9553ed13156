// A card opened: its title, Markdown description, due date, labels, checklist, assignees
// (members of the space), attached files of the space (CardAttachments.tsx), comments and
// activity; changes saved with one button.

import { useState } from "preact/hooks";
import * as spacesApi from "../api";
import { fmtDateTime } from "../format";
import * as api from "../planning/api";
import type { CardInfo } from "../planning/api";
import { tp } from "../planning/strings";
import { Dialog, ErrorNote, Loading, useAction, useLoad } from "../ui";
import { CardAttachments } from "./CardAttachments";
import { Field } from "./EventForm";

interface Draft {
  title: string;
  description: string;
  due: string; // yyyy-mm-dd or ""
  labels: string;
  checklist: { text: string; done: boolean }[];
  assignees: number[];
}

const draftOf = (c: CardInfo): Draft => ({
  title: c.title,
  description: c.description,
  due: c.due_at ? c.due_at.slice(0, 10) : "",
  labels: c.labels.join(", "),
  checklist: c.checklist,
  assignees: c.assignees,
});

export function CardPanel(props: { space: number; card: number; writable: boolean; onClose: () => void }) {
  const detail = useLoad(() => api.getCard(props.card), [props.card]);
  const d = detail.data;
  return (
    <Dialog title={d?.card.title ?? tp("boards.card")} onClose={props.onClose} wide>
      <ErrorNote error={detail.error} />
      {!d ? (
        <Loading />
      ) : (
        <>
          <CardForm space={props.space} card={d.card} writable={props.writable} onSaved={detail.reload} />
          <CardAttachments space={props.space} card={d.card.id} items={d.attachments ?? []}
            writable={props.writable} onChanged={detail.reload} />
          <Comments card={d.card.id} comments={d.comments} writable={props.writable} onAdded={detail.reload} />
          <h3>{tp("boards.activity")}</h3>
          <ul class="ws-list ws-muted">
            {d.activity.map((a, n) => (
              <li key={n}>{fmtDateTime(a.created_at)} · {a.verb} {a.detail}</li>
            ))}
          </ul>
        </>
      )}
      <button type="button" class="btn" id="card-close" onClick={props.onClose}>{tp("boards.close")}</button>
    </Dialog>
  );
}

function CardForm(props: { space: number; card: CardInfo; writable: boolean; onSaved: () => void }) {
  const [d, setD] = useState<Draft>(draftOf(props.card));
  const members = useLoad(() => spacesApi.listMembers(props.space), [props.space]);
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });
  const save = useAction(async () => {
    await api.editCard(props.card.id, {
      title: d.title.trim(), description: d.description,
      due_at: d.due ? new Date(`${d.due}T17:00`).toISOString() : null,
      labels: d.labels.split(",").map((l) => l.trim()).filter(Boolean),
      checklist: d.checklist.filter((i) => i.text.trim()), assignees: d.assignees,
    });
    props.onSaved();
  });
  const ro = !props.writable;
  return (
    <form class="ws-form" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      <Field id="card-title" label={tp("polls.name")}>
        <input id="card-title" required disabled={ro} value={d.title} onInput={(e) => set({ title: e.currentTarget.value })} />
      </Field>
      <Field id="card-description" label={tp("boards.description")}>
        <textarea id="card-description" rows={4} disabled={ro} value={d.description}
          onInput={(e) => set({ description: e.currentTarget.value })} />
      </Field>
      <Field id="card-due" label={tp("boards.dueDate")}>
        <input id="card-due" type="date" disabled={ro} value={d.due} onInput={(e) => set({ due: e.currentTarget.value })} />
      </Field>
      <Field id="card-labels" label={tp("boards.labels")}>
        <input id="card-labels" disabled={ro} value={d.labels} onInput={(e) => set({ labels: e.currentTarget.value })} />
      </Field>
      <Checklist items={d.checklist} disabled={ro} onChange={(checklist) => set({ checklist })} />
      <fieldset class="ws-slots">
        <legend>{tp("boards.assignees")}</legend>
        {(members.data ?? []).map((m) => (
          <label class="ws-check" key={m.user_id}>
            <input type="checkbox" disabled={ro} checked={d.assignees.includes(m.user_id)}
              onChange={(e) => set({ assignees: e.currentTarget.checked ? [...d.assignees, m.user_id]
                : d.assignees.filter((a) => a !== m.user_id) })} />{" "}
            {m.display_name}
          </label>
        ))}
      </fieldset>
      {props.writable && <button type="submit" class="btn primary" id="card-save" disabled={save.busy}>{tp("boards.save")}</button>}
      <ErrorNote error={save.error} />
    </form>
  );
}

function Checklist(props: { items: Draft["checklist"]; disabled: boolean; onChange: (i: Draft["checklist"]) => void }) {
  const put = (n: number, patch: Partial<Draft["checklist"][number]>) =>
    props.onChange(props.items.map((item, j) => (j === n ? { ...item, ...patch } : item)));
  return (
    <fieldset class="ws-slots">
      <legend>{tp("boards.checklist")}</legend>
      {props.items.map((item, n) => (
        <div class="ws-row" key={n}>
          <label class="ws-check">
            <input type="checkbox" disabled={props.disabled} checked={item.done} onChange={(e) => put(n, { done: e.currentTarget.checked })} />
            <span class="sr-only">{item.text}</span>
          </label>
          <label for={`check-${n}`} class="sr-only">{tp("boards.checklist")}</label>
          <input id={`check-${n}`} disabled={props.disabled} value={item.text} onInput={(e) => put(n, { text: e.currentTarget.value })} />
        </div>
      ))}
      {!props.disabled && (
        <button type="button" class="btn" onClick={() => props.onChange([...props.items, { text: "", done: false }])}>
          {tp("boards.addItem")}
        </button>
      )}
    </fieldset>
  );
}

function Comments(props: { card: number; comments: api.CardComment[]; writable: boolean; onAdded: () => void }) {
  const [body, setBody] = useState("");
  const add = useAction(async () => {
    await api.commentCard(props.card, body.trim());
    setBody("");
    props.onAdded();
  });
  return (
    <>
      <h3>{tp("boards.comments")}</h3>
      <ul class="ws-list">
        {props.comments.map((c) => (
          <li key={c.id}><span class="ws-muted">{fmtDateTime(c.created_at)}</span> {c.body}</li>
        ))}
      </ul>
      {props.writable && (
        <form class="ws-inline-form" onSubmit={(e) => { e.preventDefault(); void add.run(); }}>
          <label for="card-comment" class="sr-only">{tp("boards.comment")}</label>
          <input id="card-comment" required placeholder={tp("boards.comment")} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          <button type="submit" class="btn" disabled={add.busy}>{tp("boards.send")}</button>
          <ErrorNote error={add.error} />
        </form>
      )}
    </>
  );
}
