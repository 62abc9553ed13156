// The E2EE module's own words, French and English (loaded with it, not on first load).

import { getLang } from "../i18n";

const en = {
  encrypted: "Encrypted end to end",
  unverified: "not verified: {names}",
  noKeyYet: "Exchanging keys…",
  compare: "Compare aloud:",
  markVerified: "Mark as verified",
  verified: "Verified ✓",
  notesOff: "Shared notes are off: this meeting is encrypted end to end and the notes would not be.",
};
export type TextKey = keyof typeof en;
const fr: Record<TextKey, string> = {
  encrypted: "Chiffré de bout en bout",
  unverified: "non vérifiés : {names}",
  noKeyYet: "Échange des clés…",
  compare: "Comparez à voix haute :",
  markVerified: "Marquer comme vérifié",
  verified: "Vérifié ✓",
  notesOff: "Les notes partagées sont désactivées : cette réunion est chiffrée de bout en bout, les notes ne le seraient pas.",
};

export function say(key: TextKey, vars?: Record<string, string>): string {
  let s = (getLang() === "fr" ? fr : en)[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(v);
  return s;
}
