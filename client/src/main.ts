// Entry point: a single-page app routed on location.pathname.
//   /        home: new meeting, join by name, link or code
//   /<room>  prejoin, then the meeting (loaded lazily)
//   /spaces/..., /invite/<token>  the workspace (client/src/workspace/, loaded lazily)

import "./style.css";
import {
  activeFor,
  enterMeeting,
  enterWorkspace,
  isWorkspacePath,
  mount,
  roomFromPath,
  setRouter,
} from "./app";
import { renderHome } from "./home";
import { renderPrejoin } from "./prejoin";
import { registerServiceWorker } from "./pwa/register";

const app = document.getElementById("app")!;

function route(): void {
  if (isWorkspacePath(location.pathname)) {
    void enterWorkspace(app);
    return;
  }
  const room = roomFromPath();
  if (room === null) {
    document.title = "Palabre";
    mount(app, renderHome);
    return;
  }
  const active = activeFor(room);
  if (active) void enterMeeting(app, active);
  else mount(app, (root) => renderPrejoin(root, room));
}

setRouter(route);
route();
registerServiceWorker();
