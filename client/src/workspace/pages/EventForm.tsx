// A new event: title, date, times (or all day), repetition, location or the space's meeting
// link, attendees invited by e-mail (they get an iMIP invitation with RSVP links).

import { useState } from "preact/hooks";
import * as cal from "../planning/api";
import { browserZone, isoDate } from "../planning/dates";
import { tp } from "../planning/strings";
import { ErrorNote, useAction } from "../ui";

const REPEATS = ["none", "DAILY", "WEEKLY", "MONTHLY"] as const;

interface Draft {
  summary: string;
  date: string;
  from: string;
  to: string;
  allDay: boolean;
  repeat: (typeof REPEATS)[number];
  count: number;
  location: string;
  meetingLink: boolean;
  attendees: string;
  reminder: string;  // minutes before, or ""
}

function toEvent(d: Draft): cal.NewEvent {
  const next = isoDate(new Date(new Date(`${d.date}T12:00`).getTime() + 86_400_000));
  return {
    summary: d.summary.trim(),
    start: d.allDay ? d.date : `${d.date}T${d.from}`,
    end: d.allDay ? next : `${d.date}T${d.to}`,
    timezone: browserZone(),
    all_day: d.allDay,
    location: d.location.trim(),
    rrule: d.repeat === "none" ? null : `FREQ=${d.repeat};COUNT=${Math.max(1, d.count)}`,
    attendees: d.attendees
      .split(/[,;\s]+/)
      .filter((a) => a.includes("@"))
      .map((email) => ({ email })),
    meeting_link: d.meetingLink,
    reminder_minutes: d.reminder ? Number(d.reminder) : null,
  };
}

export function EventForm(props: { calendar: number; spaceCalendar: boolean; onCreated: () => void }) {
  const blank: Draft = { summary: "", date: isoDate(new Date()), from: "10:00", to: "11:00", allDay: false,
    repeat: "none", count: 4, location: "", meetingLink: false, attendees: "", reminder: "" };
  const [d, setD] = useState<Draft>(blank);
  const [done, setDone] = useState(false);
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });
  const create = useAction(async () => {
    await cal.createEvent(props.calendar, toEvent(d));
    setD(blank);
    setDone(true);
    props.onCreated();
  });
  return (
    <form class="ws-form ws-event-form" aria-labelledby="cal-new-title"
      onSubmit={(e) => { e.preventDefault(); setDone(false); void create.run(); }}>
      <h2 id="cal-new-title">{tp("cal.new")}</h2>
      <Field id="ev-summary" label={tp("cal.summary")}>
        <input id="ev-summary" required maxLength={200} value={d.summary}
          onInput={(e) => set({ summary: e.currentTarget.value })} />
      </Field>
      <Field id="ev-date" label={tp("cal.date")}>
        <input id="ev-date" type="date" required value={d.date} onInput={(e) => set({ date: e.currentTarget.value })} />
      </Field>
      <label class="ws-check">
        <input type="checkbox" id="ev-all-day" checked={d.allDay} onChange={(e) => set({ allDay: e.currentTarget.checked })} />{" "}
        {tp("cal.allDay")}
      </label>
      {!d.allDay && <Times d={d} set={set} />}
      <Repeat d={d} set={set} />
      <Field id="ev-location" label={tp("cal.location")}>
        <input id="ev-location" maxLength={500} value={d.location} disabled={d.meetingLink}
          onInput={(e) => set({ location: e.currentTarget.value })} />
      </Field>
      {props.spaceCalendar && (
        <label class="ws-check">
          <input type="checkbox" id="ev-meeting-link" checked={d.meetingLink}
            onChange={(e) => set({ meetingLink: e.currentTarget.checked })} />{" "}
          {tp("cal.meetingLink")}
        </label>
      )}
      <Field id="ev-reminder" label={tp("cal.reminder")}>
        <select id="ev-reminder" value={d.reminder} onChange={(e) => set({ reminder: e.currentTarget.value })}>
          <option value="">{tp("cal.reminder.none")}</option>
          {["10", "30", "60"].map((n) => (
            <option key={n} value={n}>{tp("cal.reminder.minutes", { n })}</option>
          ))}
        </select>
      </Field>
      <Field id="ev-attendees" label={tp("cal.attendees")}>
        <input id="ev-attendees" type="text" inputMode="email" value={d.attendees}
          onInput={(e) => set({ attendees: e.currentTarget.value })} />
      </Field>
      <button type="submit" class="btn primary" id="ev-create" disabled={create.busy}>{tp("cal.create")}</button>
      {done && <p role="status">{tp("cal.created")}</p>}
      <ErrorNote error={create.error} />
    </form>
  );
}

function Times({ d, set }: { d: Draft; set: (p: Partial<Draft>) => void }) {
  return (
    <div class="ws-row">
      <Field id="ev-from" label={tp("cal.from")}>
        <input id="ev-from" type="time" required value={d.from} onInput={(e) => set({ from: e.currentTarget.value })} />
      </Field>
      <Field id="ev-to" label={tp("cal.to")}>
        <input id="ev-to" type="time" required value={d.to} onInput={(e) => set({ to: e.currentTarget.value })} />
      </Field>
    </div>
  );
}

function Repeat({ d, set }: { d: Draft; set: (p: Partial<Draft>) => void }) {
  return (
    <div class="ws-row">
      <Field id="ev-repeat" label={tp("cal.repeat")}>
        <select id="ev-repeat" value={d.repeat}
          onChange={(e) => set({ repeat: e.currentTarget.value as Draft["repeat"] })}>
          {REPEATS.map((r) => (
            <option key={r} value={r}>{tp(`cal.repeat.${r}`)}</option>
          ))}
        </select>
      </Field>
      {d.repeat !== "none" && (
        <Field id="ev-count" label={tp("cal.count")}>
          <input id="ev-count" type="number" min={1} max={366} value={d.count}
            onInput={(e) => set({ count: Number(e.currentTarget.value) })} />
        </Field>
      )}
    </div>
  );
}

export function Field(props: { id: string; label: string; children: preact.ComponentChildren }) {
  return (
    <div class="ws-field">
      <label for={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}
