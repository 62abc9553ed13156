// What the page says after a meeting, and which next steps it offers, by why it ended.

import type { Key } from "./i18n";

export interface ExitPage {
  kind: "left" | "denied" | "removed" | "ended" | "lost" | "refused" | "other";
  title: Key;
  rejoin: boolean; // coming back makes sense (not when a moderator decided otherwise)
  newMeeting: boolean;
}

export function exitPage(reason: string): ExitPage {
  switch (reason) {
    case "left":
    case "replaced":
      return { kind: "left", title: "bye.titleLeft", rejoin: true, newMeeting: false };
    case "denied":
      return { kind: "denied", title: "bye.titleDenied", rejoin: false, newMeeting: false };
    case "removed":
      return { kind: "removed", title: "bye.titleRemoved", rejoin: false, newMeeting: false };
    case "ended":
      return { kind: "ended", title: "bye.titleEnded", rejoin: false, newMeeting: true };
    case "media_timeout":
    case "shutdown":
      return { kind: "lost", title: "bye.titleLost", rejoin: true, newMeeting: false };
    case "room_locked":
    case "host_required":
    case "space_meeting_closed":
    case "room_full":
    case "e2ee_required":
    case "token":
      return { kind: "refused", title: "bye.titleRefused", rejoin: true, newMeeting: false };
    default:
      return { kind: "other", title: "bye.titleOther", rejoin: true, newMeeting: false };
  }
}
