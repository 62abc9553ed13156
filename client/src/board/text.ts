// The board's words, in English and French (the page's language: <html lang>).

const en = {
  toolbar: "Board tools",
  select: "Select and move",
  pan: "Pan",
  rect: "Rectangle",
  ellipse: "Ellipse",
  text: "Text",
  sticky: "Sticky note",
  path: "Freehand",
  connector: "Connector",
  image: "Image",
  colour: "Colour",
  undo: "Undo",
  redo: "Redo",
  delete: "Delete",
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  zoomReset: "Fit",
  exportSvg: "Export SVG",
  exportPng: "Export PNG",
  canvas: "Board: {title}. {count} shapes.",
  editText: "Text of the shape",
  readOnly: "Read only: you may look at this board but not change it.",
  uploadFailed: "The image could not be added.",
};
const fr: typeof en = {
  toolbar: "Outils du tableau",
  select: "Sélectionner et déplacer",
  pan: "Se déplacer",
  rect: "Rectangle",
  ellipse: "Ellipse",
  text: "Texte",
  sticky: "Note adhésive",
  path: "Main levée",
  connector: "Connecteur",
  image: "Image",
  colour: "Couleur",
  undo: "Annuler",
  redo: "Rétablir",
  delete: "Supprimer",
  zoomIn: "Zoom avant",
  zoomOut: "Zoom arrière",
  zoomReset: "Tout voir",
  exportSvg: "Exporter en SVG",
  exportPng: "Exporter en PNG",
  canvas: "Tableau : {title}. {count} formes.",
  editText: "Texte de la forme",
  readOnly: "Lecture seule : vous pouvez regarder ce tableau mais pas le modifier.",
  uploadFailed: "L’image n’a pas pu être ajoutée.",
};

export type BoardKey = keyof typeof en;

export function bt(key: BoardKey, vars: Record<string, string | number> = {}): string {
  const words = document.documentElement.lang.startsWith("fr") ? fr : en;
  return words[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ""));
}
