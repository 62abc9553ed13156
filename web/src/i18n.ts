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
  "meeting.tileReconnecting": "Reconnecting…",
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
  "meeting.lobbyWaiting": "Waiting for a moderator to let you in…",
  "meeting.passwordTitle": "This meeting has a password",
  "meeting.passwordLabel": "Meeting password",
  "meeting.passwordWrong": "Wrong password. Try again.",
  "meeting.passwordRate": "Too many wrong passwords: wait a minute, then try again.",
  "meeting.passwordJoin": "Join",
  "meeting.cancel": "Cancel",
  "bye.left": "You left the meeting",
  "bye.removed": "A moderator removed you from the meeting.",
  "bye.denied": "A moderator did not let you in.",
  "bye.ended": "The meeting has ended.",
  "bye.replaced": "You joined this meeting from another tab.",
  "bye.room_locked": "This meeting is locked: nobody new can join.",
  "bye.host_required": "This meeting has not started: a host must open it first.",
  "bye.room_full": "This meeting is full.",
  "bye.e2ee_required":
    "This meeting is encrypted end to end, and this browser cannot encrypt video calls. Join with a recent Chrome, Edge, Firefox or Safari.",
  "bye.other": "You are no longer in the meeting ({reason}).",
  "mod.mutedYou": "A moderator turned off your microphone.",
  "mod.stoppedYourVideo": "A moderator turned off your camera.",
  "mod.askAudio": "{name} asks you to turn on your microphone.",
  "mod.askVideo": "{name} asks you to turn on your camera.",
  "mod.accept": "Turn on",
  "mod.dismiss": "Dismiss",
  "mod.actionsFor": "Actions for {name}",
  "mod.mute": "Mute microphone",
  "mod.stopVideo": "Turn off camera",
  "mod.askUnmute": "Ask to unmute",
  "mod.makeModerator": "Make moderator",
  "mod.remove": "Remove from meeting",
  "mod.moderator": "moderator",
  "mod.panel": "Security and moderation",
  "mod.close": "Close panel",
  "mod.lobby": "Lobby: newcomers wait to be let in",
  "mod.lock": "Lock the meeting",
  "mod.e2ee": "End-to-end encryption (every browser must support it)",
  "mod.e2eeRefused": "End-to-end encryption cannot be turned on: some browsers here cannot encrypt.",
  "mod.startAudioMuted": "Everyone joins with microphone off",
  "mod.startVideoMuted": "Everyone joins with camera off",
  "mod.password": "Password",
  "mod.passwordSet": "Set password",
  "mod.passwordClear": "Remove password",
  "mod.passwordIsSet": "A password protects this meeting.",
  "mod.passwordNone": "No password.",
  "mod.muteAll": "Mute everyone",
  "mod.endAll": "End meeting for all",
  "mod.waiting": "Waiting in the lobby",
  "mod.nobodyWaiting": "Nobody is waiting.",
  "mod.admit": "Admit",
  "mod.deny": "Deny",
  "mod.knock": "{name} is waiting in the lobby",
  "mod.forbidden": "Only moderators can do that.",
  "chat.title": "Chat",
  "chat.open": "Chat",
  "chat.unread": "{n} unread",
  "chat.empty": "No messages yet.",
  "chat.to": "To",
  "chat.everyone": "Everyone",
  "chat.message": "Message",
  "chat.send": "Send",
  "chat.private": "private",
  "chat.privateTo": "private to {name}",
  "chat.you": "You",
  "chat.newFrom": "New message from {name}",
  "people.title": "Participants",
  "people.open": "Participants",
  "people.hand": "hand raised ({n})",
  "people.lowerHand": "Lower {name}’s hand",
  "people.talkTime": "Talk time",
  "people.refreshStats": "Speaker statistics",
  "people.camOff": "camera off",
  "hand.raise": "Raise hand",
  "hand.raised": "{name} raised their hand",
  "react.open": "Reactions",
  "react.send": "Send {emoji}",
  "view.toggle": "Speaker view",
  "view.fullscreen": "Full screen",
  "view.quality": "Video quality",
  "quality.off": "Audio only",
  "quality.low": "Low",
  "quality.standard": "Standard",
  "quality.high": "High",
  "keys.title": "Keyboard shortcuts",
  "keys.open": "Keyboard shortcuts",
  "keys.m": "Microphone on or off",
  "keys.v": "Camera on or off",
  "keys.d": "Share the screen",
  "keys.r": "Raise or lower your hand",
  "keys.c": "Open or close the chat",
  "keys.t": "Tile or speaker view",
  "keys.f": "Full screen",
  "keys.space": "Hold to talk while muted",
  "keys.help": "List the shortcuts",
  "panel.close": "Close",
  "auth.signIn": "Sign in",
  "auth.signOut": "Sign out",
  "auth.signedInAs": "Signed in as {name}",
  "bye.token": "This invitation link cannot be used: {msg}",
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
  "meeting.tileReconnecting": "Reconnexion…",
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
  "meeting.lobbyWaiting": "En attente qu’un modérateur vous fasse entrer…",
  "meeting.passwordTitle": "Cette réunion a un mot de passe",
  "meeting.passwordLabel": "Mot de passe de la réunion",
  "meeting.passwordWrong": "Mot de passe incorrect. Réessayez.",
  "meeting.passwordRate": "Trop de mots de passe incorrects : attendez une minute, puis réessayez.",
  "meeting.passwordJoin": "Rejoindre",
  "meeting.cancel": "Annuler",
  "bye.left": "Vous avez quitté la réunion",
  "bye.removed": "Un modérateur vous a retiré de la réunion.",
  "bye.denied": "Un modérateur ne vous a pas fait entrer.",
  "bye.ended": "La réunion est terminée.",
  "bye.replaced": "Vous avez rejoint cette réunion depuis un autre onglet.",
  "bye.room_locked": "Cette réunion est verrouillée : personne ne peut plus entrer.",
  "bye.host_required": "Cette réunion n’a pas commencé : un hôte doit d’abord l’ouvrir.",
  "bye.room_full": "Cette réunion est complète.",
  "bye.e2ee_required":
    "Cette réunion est chiffrée de bout en bout et ce navigateur ne sait pas chiffrer les appels vidéo. Rejoignez-la avec un Chrome, Edge, Firefox ou Safari récent.",
  "bye.other": "Vous n’êtes plus dans la réunion ({reason}).",
  "mod.mutedYou": "Un modérateur a coupé votre micro.",
  "mod.stoppedYourVideo": "Un modérateur a coupé votre caméra.",
  "mod.askAudio": "{name} vous demande d’activer votre micro.",
  "mod.askVideo": "{name} vous demande d’activer votre caméra.",
  "mod.accept": "Activer",
  "mod.dismiss": "Ignorer",
  "mod.actionsFor": "Actions pour {name}",
  "mod.mute": "Couper le micro",
  "mod.stopVideo": "Couper la caméra",
  "mod.askUnmute": "Demander d’activer le micro",
  "mod.makeModerator": "Nommer modérateur",
  "mod.remove": "Retirer de la réunion",
  "mod.moderator": "modérateur",
  "mod.panel": "Sécurité et modération",
  "mod.close": "Fermer le panneau",
  "mod.lobby": "Salle d’attente : les arrivants attendent d’être admis",
  "mod.lock": "Verrouiller la réunion",
  "mod.e2ee": "Chiffrement de bout en bout (tous les navigateurs doivent le permettre)",
  "mod.e2eeRefused": "Impossible d’activer le chiffrement de bout en bout : certains navigateurs présents ne savent pas chiffrer.",
  "mod.startAudioMuted": "Tout le monde arrive micro coupé",
  "mod.startVideoMuted": "Tout le monde arrive caméra coupée",
  "mod.password": "Mot de passe",
  "mod.passwordSet": "Définir le mot de passe",
  "mod.passwordClear": "Supprimer le mot de passe",
  "mod.passwordIsSet": "Un mot de passe protège cette réunion.",
  "mod.passwordNone": "Pas de mot de passe.",
  "mod.muteAll": "Couper tous les micros",
  "mod.endAll": "Terminer la réunion pour tous",
  "mod.waiting": "En salle d’attente",
  "mod.nobodyWaiting": "Personne n’attend.",
  "mod.admit": "Admettre",
  "mod.deny": "Refuser",
  "mod.knock": "{name} attend dans la salle d’attente",
  "mod.forbidden": "Seuls les modérateurs peuvent faire cela.",
  "chat.title": "Discussion",
  "chat.open": "Discussion",
  "chat.unread": "{n} non lus",
  "chat.empty": "Aucun message pour l’instant.",
  "chat.to": "À",
  "chat.everyone": "Tout le monde",
  "chat.message": "Message",
  "chat.send": "Envoyer",
  "chat.private": "privé",
  "chat.privateTo": "privé pour {name}",
  "chat.you": "Vous",
  "chat.newFrom": "Nouveau message de {name}",
  "people.title": "Participants",
  "people.open": "Participants",
  "people.hand": "main levée ({n})",
  "people.lowerHand": "Baisser la main de {name}",
  "people.talkTime": "Temps de parole",
  "people.refreshStats": "Statistiques de parole",
  "people.camOff": "caméra coupée",
  "hand.raise": "Lever la main",
  "hand.raised": "{name} lève la main",
  "react.open": "Réactions",
  "react.send": "Envoyer {emoji}",
  "view.toggle": "Vue orateur",
  "view.fullscreen": "Plein écran",
  "view.quality": "Qualité vidéo",
  "quality.off": "Audio seul",
  "quality.low": "Basse",
  "quality.standard": "Standard",
  "quality.high": "Haute",
  "keys.title": "Raccourcis clavier",
  "keys.open": "Raccourcis clavier",
  "keys.m": "Activer ou couper le micro",
  "keys.v": "Activer ou couper la caméra",
  "keys.d": "Partager l’écran",
  "keys.r": "Lever ou baisser la main",
  "keys.c": "Ouvrir ou fermer la discussion",
  "keys.t": "Vue mosaïque ou orateur",
  "keys.f": "Plein écran",
  "keys.space": "Maintenir pour parler micro coupé",
  "keys.help": "Lister les raccourcis",
  "panel.close": "Fermer",
  "auth.signIn": "Se connecter",
  "auth.signOut": "Se déconnecter",
  "auth.signedInAs": "Connecté en tant que {name}",
  "bye.token": "Ce lien d’invitation ne peut pas être utilisé : {msg}",
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
