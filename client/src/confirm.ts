// An accessible confirmation before an action that cannot be undone (end for all, remove,
// mute everyone): a modal <dialog> (the rest of the page is inert while it is open),
// focus kept inside with Tab, Escape cancels; resolves true only on the confirm button.

import { h } from "./dom";
import { t, tr, type Key } from "./i18n";

export function confirmAction(
  title: Key,
  body: Key,
  confirm: Key,
  vars?: Record<string, string | number>,
): Promise<boolean> {
  const back = document.activeElement as HTMLElement | null;
  const titleId = "confirm-title";
  const bodyId = "confirm-body";
  const ok = tr(h("button", { type: "button", class: "btn danger", id: "confirm-ok" }), confirm);
  const cancel = tr(h("button", { type: "button", class: "btn", id: "confirm-cancel" }), "confirm.cancel");
  const dlg = h(
    "dialog",
    {
      class: "invite confirm",
      id: "confirm-dialog",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": titleId,
      "aria-describedby": bodyId,
    },
    h("h2", { id: titleId }, t(title, vars)),
    h("p", { id: bodyId }, t(body, vars)),
    h("div", { class: "actions" }, cancel, ok),
  );
  return new Promise((resolve) => {
    let answer = false;
    ok.addEventListener("click", () => {
      answer = true;
      dlg.close();
    });
    cancel.addEventListener("click", () => dlg.close());
    dlg.addEventListener("keydown", (e) => {
      if (e.key !== "Tab") return;
      // Keep the focus on the dialog's two buttons (a modal dialog may let it reach the
      // browser's own controls otherwise).
      const order = [cancel, ok];
      const i = order.indexOf(document.activeElement as HTMLButtonElement);
      e.preventDefault();
      order[(i + (e.shiftKey ? order.length - 1 : 1)) % order.length]?.focus();
    });
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (back?.isConnected) back.focus();
      resolve(answer);
    });
    (document.querySelector(".meeting") ?? document.body).append(dlg);
    dlg.showModal();
    cancel.focus(); // the safe choice has the focus
  });
}
