// A month as a grid of weeks (Monday first): each day's number and how many events it
// holds; choosing a day opens it. The month's agenda follows the grid.

import { lang } from "../i18n";
import type { CalEvent } from "../planning/api";
import { addDays, dayOf, isoDate, weekStart } from "../planning/dates";
import { tp } from "../planning/strings";

export function MonthGrid(props: { start: Date; events: CalEvent[]; onDay: (d: Date) => void }) {
  const first = weekStart(props.start);
  const weeks: Date[][] = [];
  for (let w = first; w < addDays(props.start, 31) && (weeks.length === 0 || w.getMonth() === props.start.getMonth()); w = addDays(w, 7))
    weeks.push([0, 1, 2, 3, 4, 5, 6].map((n) => addDays(w, n)));
  const count = new Map<string, number>();
  for (const e of props.events) count.set(dayOf(e.start), (count.get(dayOf(e.start)) ?? 0) + 1);
  const names = new Intl.DateTimeFormat(lang.value, { weekday: "short" });
  const today = isoDate(new Date());
  return (
    <table class="ws-month" id="cal-month">
      <thead>
        <tr>
          {weeks[0].map((d) => (
            <th scope="col" key={d.getDay()}>{names.format(d)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week) => (
          <tr key={isoDate(week[0])}>
            {week.map((d) => {
              const n = count.get(isoDate(d)) ?? 0;
              const other = d.getMonth() !== props.start.getMonth();
              const month = d.toLocaleDateString(lang.value, { month: "long" });
              return (
                <td key={isoDate(d)} class={[other ? "other" : "", isoDate(d) === today ? "today" : ""].join(" ")}>
                  <button type="button" class="ws-month-day" onClick={() => props.onDay(d)}>
                    <span>
                      {d.getDate()}
                      <span class="sr-only"> {month}</span>
                    </span>
                    {n > 0 && (
                      <span class="ws-month-count">
                        {n}
                        <span class="sr-only"> {tp("cal.eventsWord")}</span>
                      </span>
                    )}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
