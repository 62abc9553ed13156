// The meeting page: tile grid, toolbar, live joins and leaves, reconnect banner. The parts
// live beside this file, each named for what it holds; meeting.ts wires them together.

import type { Dispose } from "../app";
import type { JoinOptions } from "../types";
import { Meeting } from "./meeting";

export function startMeeting(root: HTMLElement, opts: JoinOptions): Dispose {
  const meeting = new Meeting(root, opts);
  return () => meeting.dispose();
}
