// Weeks and local times for the planning pages: the browser's time zone, ISO strings as
// the API takes them.

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** Monday 00:00 (local) of the week holding `d`, moved by `weeks`. */
export function weekStart(d: Date, weeks = 0): Date {
  const day = (d.getDay() + 6) % 7;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - day + 7 * weeks);
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** 2026-12-07 of a local date. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The local day an event's start falls on (an all-day event's date as it is). */
export function dayOf(start: string): string {
  return start.length === 10 ? start : isoDate(new Date(start));
}

/** "2026-12-07" + "10:00" in the browser's zone, as an instant with its offset. */
export function localInstant(date: string, time: string): string {
  return new Date(`${date}T${time}`).toISOString();
}
