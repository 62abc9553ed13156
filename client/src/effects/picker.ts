// The background choice as a group of radio buttons (arrow keys move through it), on the
// prejoin page and in the meeting's settings: none, blur, the bundled images, and the
// person's own image (a file read here, kept in this browser). A status line says when the
// model loads and why a background cannot be had in this browser.

import { h, newId } from "../dom";
import { tr, type Key } from "../i18n";
import { IMAGES, loadBackground, ownImage, saveBackground, setOwnImage, type Background } from "./choice";
import { BackgroundError, unsupported } from "./segmenter";

/** Applies a background to the camera now (or does nothing while it is off); throws
 * BackgroundError when it cannot. */
export type ApplyBackground = (b: Background) => Promise<void>;

function option(name: string, value: Background, label: Key, thumb: HTMLElement): HTMLLabelElement {
  const input = h("input", { type: "radio", name, value, class: "bg-radio" });
  return h("label", { class: "bg-option" }, input, thumb, tr(h("span", { class: "bg-label" }), label));
}

function imageThumb(url: string | null): HTMLElement {
  const box = h("span", { class: "bg-thumb", "aria-hidden": "true" });
  if (url) box.append(h("img", { src: url, alt: "", loading: "lazy" }));
  return box;
}

/** Arrow keys walk through the options, each a change: the newest one wins, applied once the
 * one under way is done (the radios stay enabled, so the focus stays on them); `settled`
 * runs when none is left. */
function newestWins(run: (b: Background) => Promise<void>, settled: () => void): (b: Background) => Promise<void> {
  let wanted: Background | null = null;
  let busy = false;
  return async (b) => {
    wanted = b;
    if (busy) return;
    busy = true;
    while (wanted !== null) {
      const next: Background = wanted;
      wanted = null;
      await run(next);
    }
    busy = false;
    settled();
  };
}

export function backgroundPicker(idPrefix: string, apply: ApplyBackground): HTMLFieldSetElement {
  const name = newId(`${idPrefix}-bg`);
  const status = h("p", { class: "bg-status", role: "status", id: `${idPrefix}-bg-status` });
  const ownThumb = imageThumb(ownImage());
  const options = [
    option(name, "none", "bg.none", h("span", { class: "bg-thumb bg-thumb-none", "aria-hidden": "true" })),
    option(name, "blur", "bg.blur", h("span", { class: "bg-thumb bg-thumb-blur", "aria-hidden": "true" })),
    ...Object.entries(IMAGES).map(([id, img]) => option(name, `image:${id}`, img.label, imageThumb(img.url))),
    option(name, "own", "bg.own", ownThumb),
  ];
  const radios = options.map((o) => o.querySelector("input")!);
  const ownRadio = radios[radios.length - 1]!;
  ownRadio.disabled = !ownImage();
  const file = h("input", { type: "file", accept: "image/*", hidden: true, id: `${idPrefix}-bg-file` });
  const choose = tr(h("button", { type: "button", class: "btn small", id: `${idPrefix}-bg-choose` }), "bg.choose");
  const note = tr(h("p", { class: "hint" }), "bg.local");

  let current = loadBackground();
  const select = (b: Background) => {
    for (const r of radios) r.checked = r.value === b;
  };
  select(current);

  const say = (key: Key | null, error = false) => {
    status.classList.toggle("error", error);
    if (key) tr(status, key);
    else status.textContent = "";
  };

  const applyOne = async (b: Background) => {
    const why = b === "none" ? null : unsupported();
    if (why) return say(why, true);
    say(b === "none" ? null : "bg.loading");
    try {
      await apply(b);
      current = b;
      saveBackground(b);
      say(null);
    } catch (e) {
      say(e instanceof BackgroundError ? e.key : "bg.failed", true);
    }
  };
  const use = newestWins(applyOne, () => select(current));

  for (const r of radios) r.addEventListener("change", () => r.checked && void use(r.value as Background));
  choose.addEventListener("click", () => file.click());
  file.addEventListener("change", async () => {
    const f = file.files?.[0];
    file.value = "";
    if (!f) return;
    try {
      const url = await setOwnImage(f);
      ownThumb.replaceChildren(h("img", { src: url, alt: "" }));
      ownRadio.disabled = false;
    } catch {
      return say("bg.badImage", true);
    }
    select("own");
    await use("own");
  });

  return h(
    "fieldset",
    { class: "backgrounds", id: `${idPrefix}-background`, "aria-describedby": status.id },
    tr(h("legend"), "bg.title"),
    h("div", { class: "bg-options" }, ...options),
    h("div", { class: "bg-own" }, choose, file, note),
    status,
  );
}
