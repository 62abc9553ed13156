// Dates, times and numbers in the page's language (Intl): "14:05" and "lundi 3 mars" in
// French, "2:05 PM" and "Monday, March 3" in English.

import { lang } from "./i18n";

const DAY = 86_400_000;

function dateOf(iso: string | Date): Date {
  return iso instanceof Date ? iso : new Date(iso);
}

export function fmtTime(iso: string | Date): string {
  return new Intl.DateTimeFormat(lang.value, { hour: "numeric", minute: "2-digit" }).format(dateOf(iso));
}

export function fmtDateTime(iso: string | Date): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: "medium", timeStyle: "short" }).format(
    dateOf(iso),
  );
}

export function fmtDate(iso: string | Date): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: "long" }).format(dateOf(iso));
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** A day separator in a history: "today", "yesterday", else the full date. */
export function fmtDay(iso: string | Date, now = new Date()): string {
  const d = dateOf(iso);
  const days = Math.round((startOfDay(d) - startOfDay(now)) / DAY);
  if (days === 0 || days === -1) {
    const s = new Intl.RelativeTimeFormat(lang.value, { numeric: "auto" }).format(days, "day");
    return s.charAt(0).toLocaleUpperCase(lang.value) + s.slice(1);
  }
  return new Intl.DateTimeFormat(lang.value, {
    weekday: "long",
    day: "numeric",
    month: "long",
    ...(d.getFullYear() !== now.getFullYear() ? { year: "numeric" } : {}),
  }).format(d);
}

export function sameDay(a: string, b: string): boolean {
  return startOfDay(new Date(a)) === startOfDay(new Date(b));
}

/** "in 6 days", "dans 6 jours": how far a moment is from now. */
export function fmtRelative(iso: string | Date, now = Date.now()): string {
  const ms = dateOf(iso).getTime() - now;
  const rtf = new Intl.RelativeTimeFormat(lang.value, { numeric: "auto" });
  const abs = Math.abs(ms);
  if (abs < 3_600_000) return rtf.format(Math.round(ms / 60_000), "minute");
  if (abs < DAY) return rtf.format(Math.round(ms / 3_600_000), "hour");
  return rtf.format(Math.round(ms / DAY), "day");
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(lang.value).format(n);
}

function unit(n: number, name: string): string {
  const digits = n < 10 ? 1 : 0;
  return new Intl.NumberFormat(lang.value, { style: "unit", unit: name, maximumFractionDigits: digits }).format(n);
}

function scaled(bytes: number, suffix: string): string {
  const names = ["kilobyte", "megabyte", "gigabyte", "terabyte"];
  if (bytes < 1000) return unit(Math.round(bytes), "byte" + suffix);
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < names.length - 1) {
    n /= 1000;
    i++;
  }
  return unit(n, names[i] + suffix);
}

/** "12.5 MB", "12,5 Mo": a size for people, in the page's language. */
export function fmtSize(bytes: number): string {
  return scaled(bytes, "");
}

/** "3.2 MB/s", "3,2 Mo/s". */
export function fmtRate(bytesPerSecond: number): string {
  return scaled(bytesPerSecond, "-per-second");
}

/** "1 h 5 min", "2 min 5 s", "40 s": a duration, in the page's language. */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const n = (v: number, u: string) => new Intl.NumberFormat(lang.value, { style: "unit", unit: u, unitDisplay: "short" }).format(v);
  if (s >= 3600) return `${n(Math.floor(s / 3600), "hour")} ${n(Math.floor((s % 3600) / 60), "minute")}`;
  if (s >= 60) return `${n(Math.floor(s / 60), "minute")} ${n(s % 60, "second")}`;
  return n(s, "second");
}
