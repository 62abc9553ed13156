// French and English; the browser's language by default, switchable and remembered.

const en = {
  "app.tagline": "Video meetings that stay on your own server.",
  "lang.label": "Language",
  "home.title": "Start or join a meeting",
  "home.new": "New meeting",
  "home.newHint": "Creates a meeting with a name that is easy to read and hard to guess.",
  "home.joinLabel": "Meeting name, link or code",
  "home.joinPlaceholder": "e.g. town-council or 123 456 789",
  "home.join": "Join",
  "home.errEmpty": "Type a meeting name, a link or a code.",
  "home.errCode": "No meeting has this code.",
  "home.errName": "This meeting name is not valid.",
  "home.errNetwork": "The server cannot be reached. Try again.",
  "prejoin.title": "Ready to join?",
  "prejoin.name": "Your name",
  "prejoin.preview": "Camera preview",
  "prejoin.noCamera": "Camera off",
  "prejoin.level": "Microphone level",
  "prejoin.camera": "Camera",
  "prejoin.microphone": "Microphone",
  "prejoin.speaker": "Speaker",
  "prejoin.devices": "Devices",
  "prejoin.join": "Join meeting",
  "prejoin.audioOnly": "Join audio only",
  "prejoin.errName": "Please type your name.",
  "prejoin.errMedia": "Camera or microphone unavailable: {msg}",
  "prejoin.code": "Meeting code: {code}",
  "prejoin.back": "Back to home",
  "prejoin.badRoom": "This meeting name is not valid.",
  "prejoin.default": "Default",
  "meeting.you": "{name} (you)",
  "meeting.screenOf": "Screen of {name}",
  "meeting.yourScreen": "Your screen",
  "meeting.tiles": "Participants",
  "meeting.toolbar": "Meeting controls",
  "meeting.mic": "Microphone",
  "meeting.micOff": "Microphone off",
  "meeting.cam": "Camera",
  "meeting.camOff": "Camera off",
  "meeting.screen": "Share screen",
  "meeting.invite": "Copy invitation",
  "meeting.leave": "Leave",
  "meeting.muted": "Muted",
  "meeting.count": "{n} participants",
  "meeting.count1": "1 participant",
  "meeting.codeLabel": "Code {code}",
  "meeting.reconnecting": "Connection lost. Reconnecting…",
  "meeting.connecting": "Connecting…",
  "meeting.joinedAnn": "{name} joined",
  "meeting.leftAnn": "{name} left",
  "meeting.copied": "Invitation copied to the clipboard",
  "meeting.inviteText": "Join the meeting “{room}”: {link}\nMeeting code: {code}",
  "meeting.inviteTitle": "Invitation",
  "meeting.close": "Close",
  "meeting.left": "You left the meeting",
  "meeting.rejoin": "Rejoin",
  "meeting.home": "Home",
  "meeting.ended": "The meeting ended: {reason}",
  "meeting.replaced": "You joined this meeting from another tab.",
  "meeting.error": "Error: {msg}",
  "meeting.playAudio": "Enable sound",
  "meeting.speaking": "speaking",
};

type Key = keyof typeof en;
type Dict = Record<Key, string>;

const fr: Dict = {
  "app.tagline": "Des réunions vidéo qui restent sur votre propre serveur.",
  "lang.label": "Langue",
  "home.title": "Démarrer ou rejoindre une réunion",
  "home.new": "Nouvelle réunion",
  "home.newHint": "Crée une réunion au nom facile à lire et difficile à deviner.",
  "home.joinLabel": "Nom, lien ou code de la réunion",
  "home.joinPlaceholder": "ex. conseil-municipal ou 123 456 789",
  "home.join": "Rejoindre",
  "home.errEmpty": "Saisissez un nom de réunion, un lien ou un code.",
  "home.errCode": "Aucune réunion n’a ce code.",
  "home.errName": "Ce nom de réunion n’est pas valide.",
  "home.errNetwork": "Le serveur est injoignable. Réessayez.",
  "prejoin.title": "Prêt à rejoindre ?",
  "prejoin.name": "Votre nom",
  "prejoin.preview": "Aperçu de la caméra",
  "prejoin.noCamera": "Caméra coupée",
  "prejoin.level": "Niveau du micro",
  "prejoin.camera": "Caméra",
  "prejoin.microphone": "Micro",
  "prejoin.speaker": "Haut-parleur",
  "prejoin.devices": "Périphériques",
  "prejoin.join": "Rejoindre la réunion",
  "prejoin.audioOnly": "Rejoindre en audio seul",
  "prejoin.errName": "Veuillez saisir votre nom.",
  "prejoin.errMedia": "Caméra ou micro indisponible : {msg}",
  "prejoin.code": "Code de la réunion : {code}",
  "prejoin.back": "Retour à l’accueil",
  "prejoin.badRoom": "Ce nom de réunion n’est pas valide.",
  "prejoin.default": "Par défaut",
  "meeting.you": "{name} (vous)",
  "meeting.screenOf": "Écran de {name}",
  "meeting.yourScreen": "Votre écran",
  "meeting.tiles": "Participants",
  "meeting.toolbar": "Commandes de la réunion",
  "meeting.mic": "Micro",
  "meeting.micOff": "Micro coupé",
  "meeting.cam": "Caméra",
  "meeting.camOff": "Caméra coupée",
  "meeting.screen": "Partager l’écran",
  "meeting.invite": "Copier l’invitation",
  "meeting.leave": "Quitter",
  "meeting.muted": "Micro coupé",
  "meeting.count": "{n} participants",
  "meeting.count1": "1 participant",
  "meeting.codeLabel": "Code {code}",
  "meeting.reconnecting": "Connexion perdue. Reconnexion…",
  "meeting.connecting": "Connexion…",
  "meeting.joinedAnn": "{name} a rejoint la réunion",
  "meeting.leftAnn": "{name} a quitté la réunion",
  "meeting.copied": "Invitation copiée dans le presse-papiers",
  "meeting.inviteText": "Rejoignez la réunion « {room} » : {link}\nCode de la réunion : {code}",
  "meeting.inviteTitle": "Invitation",
  "meeting.close": "Fermer",
  "meeting.left": "Vous avez quitté la réunion",
  "meeting.rejoin": "Rejoindre à nouveau",
  "meeting.home": "Accueil",
  "meeting.ended": "La réunion s’est terminée : {reason}",
  "meeting.replaced": "Vous avez rejoint cette réunion depuis un autre onglet.",
  "meeting.error": "Erreur : {msg}",
  "meeting.playAudio": "Activer le son",
  "meeting.speaking": "parle",
};

export type Lang = "en" | "fr";
export type { Key };
const dicts: Record<Lang, Dict> = { en, fr };
const STORE = "palabre.lang";

function detect(): Lang {
  try {
    const saved = localStorage.getItem(STORE);
    if (saved === "en" || saved === "fr") return saved;
  } catch {
    /* storage may be disabled */
  }
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

let lang: Lang = detect();
document.documentElement.lang = lang;

export function getLang(): Lang {
  return lang;
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = dicts[lang][key] ?? en[key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

type Binding = { el: Element; key: Key; vars?: Record<string, string | number>; attr?: string };
// Elements whose text follows the language; entries whose element left the page are dropped.
let bindings: Binding[] = [];

/** Sets an element's text (or attribute) from a key and keeps it translated on a switch. */
export function tr<E extends Element>(
  el: E,
  key: Key,
  vars?: Record<string, string | number>,
  attr?: string,
): E {
  bindings = bindings.filter((b) => !(b.el === el && b.attr === attr));
  bindings.push({ el, key, vars, attr });
  apply({ el, key, vars, attr });
  return el;
}

function apply(b: Binding): void {
  const s = t(b.key, b.vars);
  if (b.attr) b.el.setAttribute(b.attr, s);
  else b.el.textContent = s;
}

const listeners = new Set<() => void>();
export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function setLang(l: Lang): void {
  lang = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(STORE, l);
  } catch {
    /* ignore */
  }
  bindings = bindings.filter((b) => b.el.isConnected);
  for (const b of bindings) apply(b);
  for (const fn of listeners) fn();
}
