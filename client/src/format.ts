// Numbers and times in the page's language (Intl): "0,0 %" and 14:05 in French,
// "0.0%" and 2:05 PM in English.

import { getLang } from "./i18n";

export function formatPercent(value: number, digits = 1): string {
  return new Intl.NumberFormat(getLang(), {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value / 100);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(getLang()).format(value);
}

export function formatTime(date: Date): string {
  return new Intl.DateTimeFormat(getLang(), {
    hour: "2-digit",
    minute: "2-digit",
    ...(getLang() === "fr" ? { hourCycle: "h23" as const } : {}),
  }).format(date);
}
