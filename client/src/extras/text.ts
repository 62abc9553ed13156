// French and English strings of the shared notes and the connection-quality indicator,
// kept apart from i18n.ts but following its language and its switches.

import { getLang, onLangChange } from "../i18n";

const en = {
  "notes.open": "Shared notes",
  "notes.openChanged": "Shared notes (changed)",
  "notes.changed": " (changed)",
  "notes.none": "",
  "notes.title": "Shared notes",
  "notes.close": "Close",
  "notes.notice":
    "The document used during the meeting is destroyed at the end of the session. Export it to keep a copy.",
  "notes.loading": "Loading the editor…",
  "notes.failed": "The notes could not be loaded.",
  "notes.label": "Notes, edited together",
  "notes.authors": "Authors",
  "notes.noAuthors": "Nobody has written yet.",
  "notes.export": "Export",
  "notes.md": "Markdown",
  "notes.html": "HTML",
  "notes.txt": "Text",
  "notes.exportAs": "Export the notes as {format}",
  "notes.edited": "{name} is editing the notes",
  "notes.tooLarge": "The notes are full: this change was not shared.",
  "notes.file": "notes",
  "notes.kept":
    "A moderator will save these notes as a document of the space when the meeting ends.",
  "board.open": "Whiteboard",
  "board.title": "Whiteboard",
  "board.close": "Close",
  "board.notice": "This whiteboard is destroyed at the end of the meeting. Export it to keep a copy.",
  "board.kept": "A moderator will save this whiteboard as a board of the space when the meeting ends.",
  "board.loading": "Loading the whiteboard…",
  "board.failed": "The whiteboard could not be loaded.",
  "netq.good": "good",
  "netq.fair": "fair",
  "netq.poor": "poor",
  "netq.unknown": "measuring",
  "netq.button": "Connection quality: {level}. Show details",
  "netq.title": "Connection",
  "netq.bitrate": "Bitrate",
  "netq.loss": "Packet loss",
  "netq.rtt": "Round trip to the server",
  "netq.resolution": "Resolution",
  "netq.codec": "Codec",
  "netq.none": "—",
  "netq.sent": "sent",
  "netq.received": "received",
};

type XKey = keyof typeof en;

const fr: Record<XKey, string> = {
  "notes.open": "Notes partagées",
  "notes.openChanged": "Notes partagées (modifiées)",
  "notes.changed": " (modifiées)",
  "notes.none": "",
  "notes.title": "Notes partagées",
  "notes.close": "Fermer",
  "notes.notice":
    "Le document utilisé pendant la réunion est détruit à la fin de la session. Exportez-le pour en garder une copie.",
  "notes.loading": "Chargement de l'éditeur…",
  "notes.failed": "Les notes n'ont pas pu être chargées.",
  "notes.label": "Notes, rédigées ensemble",
  "notes.authors": "Auteurs",
  "notes.noAuthors": "Personne n'a encore écrit.",
  "notes.export": "Exporter",
  "notes.md": "Markdown",
  "notes.html": "HTML",
  "notes.txt": "Texte",
  "notes.exportAs": "Exporter les notes en {format}",
  "notes.edited": "{name} modifie les notes",
  "notes.tooLarge": "Les notes sont pleines : cette modification n'a pas été partagée.",
  "notes.file": "notes",
  "notes.kept":
    "Un modérateur enregistrera ces notes comme document de l’espace à la fin de la réunion.",
  "board.open": "Tableau blanc",
  "board.title": "Tableau blanc",
  "board.close": "Fermer",
  "board.notice": "Ce tableau blanc est détruit à la fin de la réunion. Exportez-le pour en garder une copie.",
  "board.kept": "Un modérateur enregistrera ce tableau blanc dans l’espace à la fin de la réunion.",
  "board.loading": "Chargement du tableau blanc…",
  "board.failed": "Le tableau blanc n’a pas pu être chargé.",
  "netq.good": "bonne",
  "netq.fair": "moyenne",
  "netq.poor": "mauvaise",
  "netq.unknown": "mesure en cours",
  "netq.button": "Qualité de connexion : {level}. Afficher les détails",
  "netq.title": "Connexion",
  "netq.bitrate": "Débit",
  "netq.loss": "Perte de paquets",
  "netq.rtt": "Aller-retour jusqu'au serveur",
  "netq.resolution": "Résolution",
  "netq.codec": "Codec",
  "netq.none": "—",
  "netq.sent": "envoyé",
  "netq.received": "reçu",
};

export type { XKey };

export function xt(key: XKey, vars?: Record<string, string | number>): string {
  let s = (getLang() === "fr" ? fr : en)[key] ?? en[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

type Binding = {
  el: Element;
  key: XKey;
  vars?: Record<string, string | number>;
  attr?: string;
  /** Was in the page at a language switch: dropped once it has left it. */
  seen?: boolean;
};
let bindings: Binding[] = [];

function apply(b: Binding): void {
  const s = xt(b.key, b.vars);
  if (b.attr) b.el.setAttribute(b.attr, s);
  else b.el.textContent = s;
}

/** Sets an element's text (or attribute) and keeps it translated when the language changes. */
export function xtr<E extends Element>(
  el: E,
  key: XKey,
  vars?: Record<string, string | number>,
  attr?: string,
): E {
  bindings = bindings.filter((b) => !(b.el === el && b.attr === attr));
  const b: Binding = { el, key, vars, attr };
  bindings.push(b);
  apply(b);
  return el;
}

onLangChange(() => {
  bindings = bindings.filter((b) => b.el.isConnected || !b.seen);
  for (const b of bindings) {
    b.seen ||= b.el.isConnected;
    apply(b);
  }
});
