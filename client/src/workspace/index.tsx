// The workspace client (/spaces, /invite/<token>): loaded only on those pages, so the
// meeting page's first load does not carry it.

import { render } from "preact";
import "./workspace.css";
import { App } from "./App";
import { setLeave, sync } from "./router";

/** Mounts the workspace in `root`; `leave(path)` goes to a page outside it (a meeting). */
export function mountWorkspace(root: HTMLElement, leave: (path: string) => void): () => void {
  setLeave(leave);
  sync();
  render(<App />, root);
  return () => render(null, root);
}

/** The address changed to another workspace page (Back, Forward). */
export { sync as followAddress };
