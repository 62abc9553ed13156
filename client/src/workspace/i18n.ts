// The workspace's words in French and English (strings.ts), following the page's language
// (../i18n.ts: the browser's by default, switchable). A component that calls t() re-renders
// when the language changes, since t() reads the `lang` signal.

import { signal } from "@preact/signals";
import { getLang, onLangChange, type Lang } from "../i18n";
import { en, fr, type Key } from "./strings";

export type { Key };

export const lang = signal<Lang>(getLang());
onLangChange(() => {
  lang.value = getLang();
});

const dicts: Record<Lang, Record<Key, string>> = { en, fr };

function fill(s: string, vars?: Record<string, string | number>): string {
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  return fill(dicts[lang.value][key] ?? en[key] ?? key, vars);
}

type Plural<K> = K extends `${infer B}.one` ? B : never;
export type PluralKey = Plural<Key>;

/** A count in words: "1 unread" / "2 unread", "0 non lu" in French (where 0 is singular). */
export function tn(key: PluralKey, n: number, vars?: Record<string, string | number>): string {
  const rule = new Intl.PluralRules(lang.value).select(n) === "one" ? "one" : "other";
  const k = `${key}.${rule}` as Key;
  const num = new Intl.NumberFormat(lang.value).format(n);
  return t(k, { n: num, ...vars });
}
