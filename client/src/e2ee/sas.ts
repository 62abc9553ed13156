// The short authentication string of a pair of participants: 6 symbols out of 64 (36 bits)
// from SHA-256 over both ECDH public keys, sorted. A man in the middle (the server, say) has
// to give each side a different public key, so the two sides see different symbols: compare
// them by voice.

// Emoji with their names (English, French), to be read aloud.
const SYMBOLS: [string, string, string][] = [
  ["🐶", "dog", "chien"], ["🐱", "cat", "chat"], ["🦁", "lion", "lion"], ["🐴", "horse", "cheval"],
  ["🦄", "unicorn", "licorne"], ["🐷", "pig", "cochon"], ["🐘", "elephant", "éléphant"], ["🐰", "rabbit", "lapin"],
  ["🐼", "panda", "panda"], ["🐓", "rooster", "coq"], ["🐧", "penguin", "manchot"], ["🐢", "turtle", "tortue"],
  ["🐟", "fish", "poisson"], ["🐙", "octopus", "pieuvre"], ["🦋", "butterfly", "papillon"], ["🌷", "flower", "fleur"],
  ["🌳", "tree", "arbre"], ["🌵", "cactus", "cactus"], ["🍄", "mushroom", "champignon"], ["🌏", "globe", "globe"],
  ["🌙", "moon", "lune"], ["☁️", "cloud", "nuage"], ["🔥", "fire", "feu"], ["🍌", "banana", "banane"],
  ["🍎", "apple", "pomme"], ["🍓", "strawberry", "fraise"], ["🌽", "corn", "maïs"], ["🍕", "pizza", "pizza"],
  ["🎂", "cake", "gâteau"], ["❤️", "heart", "cœur"], ["😀", "smiley", "sourire"], ["🤖", "robot", "robot"],
  ["🎩", "hat", "chapeau"], ["👓", "glasses", "lunettes"], ["🔧", "spanner", "clé à molette"], ["🎅", "Santa", "père Noël"],
  ["👍", "thumbs up", "pouce levé"], ["☂️", "umbrella", "parapluie"], ["⌛", "hourglass", "sablier"], ["⏰", "clock", "réveil"],
  ["🎁", "gift", "cadeau"], ["💡", "light bulb", "ampoule"], ["📕", "book", "livre"], ["✏️", "pencil", "crayon"],
  ["📎", "paperclip", "trombone"], ["✂️", "scissors", "ciseaux"], ["🔒", "lock", "cadenas"], ["🔑", "key", "clé"],
  ["🔨", "hammer", "marteau"], ["☎️", "telephone", "téléphone"], ["🏁", "flag", "drapeau"], ["🚂", "train", "train"],
  ["🚲", "bicycle", "vélo"], ["✈️", "aeroplane", "avion"], ["🚀", "rocket", "fusée"], ["🏆", "trophy", "trophée"],
  ["⚽", "ball", "ballon"], ["🎸", "guitar", "guitare"], ["🎺", "trumpet", "trompette"], ["🔔", "bell", "cloche"],
  ["⚓", "anchor", "ancre"], ["🎧", "headphones", "casque"], ["📁", "folder", "dossier"], ["📌", "pin", "punaise"],
];

/** Six indexes (0..63) for the pair of public keys (given sorted). */
export async function sas(lo: Uint8Array, hi: Uint8Array): Promise<number[]> {
  const label = new TextEncoder().encode("palabre-e2ee sas");
  const all = new Uint8Array(label.length + lo.length + hi.length);
  all.set(label);
  all.set(lo, label.length);
  all.set(hi, label.length + lo.length);
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(d[i]!);
  return [0, 1, 2, 3, 4, 5].map((i) => Number((bits >> BigInt(34 - 6 * i)) & 63n));
}

export function sasLabel(code: number[], as: "emoji" | "en" | "fr"): string {
  const col = as === "emoji" ? 0 : as === "en" ? 1 : 2;
  return code.map((i) => SYMBOLS[i]![col]).join(as === "emoji" ? " " : ", ");
}
