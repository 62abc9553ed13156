// A space's calendar: the week's agenda, day by day (recurrences expanded by the server),
// week by week; a new event (all day or not, repeating, with the space's meeting link in
// one tick, attendees invited by e-mail); deleting an event or one of its occurrences.

import { useEffect, useState } from "preact/hooks";
import { fmtDate, fmtTime } from "../format";
import { lang } from "../i18n";
import { onLiveEvent } from "../live";
import * as cal from "../planning/api";
import type { CalEvent } from "../planning/api";
import { addDays, browserZone, dayOf, isoDate, weekStart } from "../planning/dates";
import { tp } from "../planning/strings";
import { Confirm, ErrorNote, Loading, useAction, useLoad } from "../ui";
import { useSpace } from "./Space";
import { EventForm } from "./EventForm";
import { MonthGrid } from "./MonthGrid";

export function CalendarPage({ space: id }: { space?: number }) {
  return id === undefined ? <Week /> : <SpaceWeek space={id} />;
}

function SpaceWeek({ space: id }: { space: number }) {
  const { space } = useSpace(id);
  return <Week space={id} name={space?.name} />;
}

type Span = "day" | "week" | "month";

function daysFromToday(d: Date): number {
  const now = new Date();
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - today.getTime()) / 86_400_000);
}

/** The first day and the day after the last of the span holding today, moved by `n` spans. */
function range(span: Span, n: number): [Date, Date] {
  const now = new Date();
  if (span === "day") {
    const d = addDays(new Date(now.getFullYear(), now.getMonth(), now.getDate()), n);
    return [d, addDays(d, 1)];
  }
  if (span === "month") return [new Date(now.getFullYear(), now.getMonth() + n, 1), new Date(now.getFullYear(), now.getMonth() + n + 1, 1)];
  const start = weekStart(now, n);
  return [start, addDays(start, 7)];
}

function Week({ space: id, name }: { space?: number; name?: string }) {
  const [week, setWeek] = useState(0);
  const [span, setSpan] = useState<Span>("week");
  const [start, end] = range(span, week);
  const calendars = useLoad(() => cal.listCalendars(), [id]);
  const calendar = calendars.data?.find((c) => (id === undefined ? c.kind === "personal" : c.space === id));
  const events = useLoad(
    () => (calendar ? cal.listEvents(calendar.id, start, end) : Promise.resolve([])),
    [calendar?.id, week, span],
  );
  useEffect(() => onLiveEvent((e) => {
    if (e.type === "calendar.changed" && e.calendar === calendar?.id) events.reload();
  }), [calendar?.id]);
  return (
    <section class="ws-card ws-calendar" aria-labelledby="cal-title">
      <div class="ws-head">
        <h1 id="cal-title" tabIndex={-1}>
          {id === undefined ? tp("cal.mine") : tp("cal.title")}
          {name && <span class="ws-muted"> — {name}</span>}
        </h1>
      </div>
      <nav class="ws-inline-form" aria-label={tp("cal.week", { date: fmtDate(start) })}>
        <label for="cal-span" class="sr-only">{tp("cal.span")}</label>
        <select id="cal-span" value={span} onChange={(e) => { setSpan(e.currentTarget.value as Span); setWeek(0); }}>
          {(["day", "week", "month"] as const).map((s) => <option key={s} value={s}>{tp(`cal.span.${s}`)}</option>)}
        </select>
        <button type="button" class="btn" id="cal-prev" onClick={() => setWeek(week - 1)}>
          {tp(`cal.prev.${span}`)}
        </button>
        <button type="button" class="btn" onClick={() => setWeek(0)} disabled={week === 0}>
          {tp(`cal.today.${span}`)}
        </button>
        <button type="button" class="btn" id="cal-next" onClick={() => setWeek(week + 1)}>
          {tp(`cal.next.${span}`)}
        </button>
      </nav>
      <h2 id="cal-week">{span === "week" ? tp("cal.week", { date: fmtDate(start) }) : span === "day" ? fmtDate(start) : new Intl.DateTimeFormat(lang.value, { month: "long", year: "numeric" }).format(start)}</h2>
      <ErrorNote error={calendars.error || events.error} />
      {events.loading && !events.data ? (
        <Loading />
      ) : (
        <>
          {span === "month" && (
            <MonthGrid start={start} events={events.data ?? []}
              onDay={(d) => { setSpan("day"); setWeek(daysFromToday(d)); }} />
          )}
          <Agenda start={start} end={end} events={events.data ?? []} onChange={events.reload} />
        </>
      )}
      {calendar && !calendar.writable && <p class="ws-muted">{tp("cal.readonly")}</p>}
      {calendar?.writable && (
        <EventForm calendar={calendar.id} spaceCalendar={id !== undefined} onCreated={events.reload} />
      )}
      {calendar && <Exchange calendar={calendar.id} writable={calendar.writable} onChange={events.reload} />}
      <p class="ws-muted">{tp("cal.caldav", { url: `${location.origin}/caldav/` })}</p>
    </section>
  );
}

function Agenda(props: { start: Date; end: Date; events: CalEvent[]; onChange: () => void }) {
  const { start, events, onChange } = props;
  const days: Date[] = [];
  for (let d = start; d < props.end; d = addDays(d, 1)) days.push(d);
  if (!events.length) return <p id="cal-empty">{tp("cal.none")}</p>;
  return (
    <ol class="ws-agenda" id="cal-agenda">
      {days.map((day) => {
        const mine = events.filter((e) => dayOf(e.start) === isoDate(day));
        if (!mine.length) return null;
        return (
          <li key={isoDate(day)}>
            <h3 class="ws-agenda-day">{fmtDate(day)}</h3>
            <ul>
              {mine.map((e) => (
                <EventItem key={e.uid + (e.recurrence_id ?? "")} event={e} onChange={onChange} />
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}

function EventItem({ event: e, onChange }: { event: CalEvent; onChange: () => void }) {
  const remove = useAction(async (occurrence?: string) => {
    await cal.deleteEvent(e.calendar, e.uid, occurrence);
    onChange();
  });
  const when = e.all_day ? tp("cal.allDayLabel") : `${fmtTime(e.start)}–${fmtTime(e.end)}`;
  const link = e.url || (e.location.startsWith(location.origin) ? e.location : "");
  return (
    <li class="ws-event">
      <span class="ws-event-time">{when}</span> <strong>{e.summary}</strong>
      {e.recurring && <span class="ws-muted"> · {tp("cal.recurring")}</span>}
      {e.location && !link && <span class="ws-muted"> · {e.location}</span>}
      {link && (
        <>
          {" "}
          <a class="btn" href={link}>
            {tp("cal.join")}
          </a>
        </>
      )}
      {e.writable && (
        <span class="ws-event-actions">
          {e.recurring && e.recurrence_id && (
            <button type="button" class="btn" onClick={() => void remove.run(e.recurrence_id ?? undefined)}>
              {tp("cal.deleteOne")}
            </button>
          )}
          <button type="button" class="btn" onClick={() => void remove.run()}>
            {tp("cal.delete")}
          </button>
        </span>
      )}
      <ErrorNote error={remove.error} />
    </li>
  );
}

/** The calendar's secret subscription address (regenerated: the old one stops), and an
 * .ics file imported. */
function Exchange(props: { calendar: number; writable: boolean; onChange: () => void }) {
  const [url, setUrl] = useState("");
  const [count, setCount] = useState<number | null>(null);
  const show = useAction(async () => setUrl((await cal.subscription(props.calendar)).url));
  const [renewing, setRenewing] = useState(false);
  const load = useAction(async (file: File) => {
    setCount((await cal.importIcs(props.calendar, await file.text())).imported);
    props.onChange();
  });
  return (
    <div class="ws-inline-form">
      <button type="button" class="btn" id="cal-subscribe" onClick={() => void show.run()}>
        {tp("cal.subscribe")}
      </button>
      {url && (
        <>
          <label for="cal-feed" class="sr-only">{tp("cal.subscribe")}</label>
          <input id="cal-feed" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" class="btn" id="cal-renew" onClick={() => setRenewing(true)}>
            {tp("cal.renew")}
          </button>
        </>
      )}
      {props.writable && (
        <span class="ws-field">
          <label for="cal-import">{tp("cal.import")}</label>
          <input id="cal-import" type="file" accept=".ics,text/calendar"
            onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) void load.run(f); }} />
        </span>
      )}
      {count !== null && <p role="status">{tp("cal.imported", { n: count })}</p>}
      {renewing && (
        <Confirm title={tp("cal.renew")} body={tp("cal.renew.confirm")} ok={tp("cal.renew")} danger
          onClose={() => setRenewing(false)}
          onOk={async () => setUrl((await cal.renewSubscription(props.calendar)).url)} />
      )}
      <ErrorNote error={show.error || load.error} />
    </div>
  );
}

export { browserZone };
