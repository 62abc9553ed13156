// The installation's usage statistics (/spaces/usage), for its operators: meetings,
// participants and minutes per day, as the server keeps them (counts only, no name), with
// the meetings going on now and the period's totals.

import { useState } from "preact/hooks";
import * as api from "../api";
import { fmtNumber } from "../format";
import { lang, t } from "../i18n";
import type { DayUsage, UsageReport } from "../types";
import { ErrorNote, Loading, useLoad } from "../ui";

const RANGES = [7, 30, 90, 365];

/** "2026-12-04" as a local date (not UTC midnight, which is the day before west of Greenwich). */
function localDay(iso: string): Date {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d);
}

function fmtDayShort(iso: string): string {
  return new Intl.DateTimeFormat(lang.value, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(
    localDay(iso),
  );
}

function fmtDayLong(iso: string): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: "long" }).format(localDay(iso));
}

const COLUMNS = [
  ["meetings", "usage.meetings"],
  ["participants", "usage.participants"],
  ["meeting_minutes", "usage.meetingMinutes"],
  ["participant_minutes", "usage.participantMinutes"],
] as const;

type Count = (typeof COLUMNS)[number][0];

export function UsagePage() {
  const [days, setDays] = useState(30);
  const report = useLoad(() => api.usage(days), [days]);
  const forbidden = report.error instanceof api.ApiError && report.error.status === 403;
  return (
    <section class="ws-card ws-usage" aria-labelledby="usage-title">
      <h1 id="usage-title" tabIndex={-1}>
        {t("usage.title")}
      </h1>
      {forbidden ? (
        <p role="alert">{t("usage.forbidden")}</p>
      ) : (
        <>
          <p class="ws-muted">{t("usage.intro")}</p>
          <label for="usage-range">{t("usage.range")}</label>{" "}
          <select id="usage-range" value={String(days)} onChange={(e) => setDays(Number(e.currentTarget.value))}>
            {RANGES.map((n) => (
              <option value={String(n)} key={n}>
                {t("usage.days", { n: fmtNumber(n) })}
              </option>
            ))}
          </select>
          <ErrorNote error={report.error} />
          {report.data ? <Figures report={report.data} /> : !report.error && <Loading />}
        </>
      )}
    </section>
  );
}

function Figures({ report }: { report: UsageReport }) {
  const shown = [...report.days].reverse(); // newest first
  const totals = (key: Count) => shown.reduce((n, d) => n + d[key], 0);
  return (
    <>
      <p id="usage-now" role="status">
        {t("usage.now", { rooms: fmtNumber(report.now.rooms), participants: fmtNumber(report.now.participants) })}
      </p>
      <h2>{t("usage.totals")}</h2>
      <p class="ws-muted">
        {fmtDayLong(report.first)} – {fmtDayLong(report.last)}
      </p>
      <dl class="ws-usage-totals" id="usage-totals">
        {COLUMNS.map(([key, label]) => (
          <div key={key} data-count={key}>
            <dt>{t(label)}</dt>
            <dd>{fmtNumber(totals(key))}</dd>
          </div>
        ))}
      </dl>
      {totals("meetings") === 0 && <p>{t("usage.empty")}</p>}
      <DaysTable days={shown} />
    </>
  );
}

function DaysTable({ days }: { days: DayUsage[] }) {
  return (
    <div class="ws-table-scroll">
      <table class="ws-table ws-usage-table" id="usage-table">
        <caption class="sr-only">{t("usage.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("usage.day")}</th>
            {COLUMNS.map(([key, label]) => (
              <th scope="col" key={key}>
                {t(label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day} data-day={d.day}>
              <th scope="row">
                <time dateTime={d.day}>{fmtDayShort(d.day)}</time>
              </th>
              {COLUMNS.map(([key]) => (
                <td key={key} data-count={key}>
                  {fmtNumber(d[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
