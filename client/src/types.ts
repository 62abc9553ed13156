// Shapes shared by the pages and the meeting. What the server sends is typed in
// protocol.gen.ts, generated from the server's structs (`npm run protocol`).

import type { OfferedTrack, ParticipantView } from "./protocol.gen";

export interface JoinOptions {
  room: string;
  code?: string;
  name: string;
  micOn: boolean;
  camOn: boolean;
  audioOnly: boolean;
  /** An invitation token from the link (`?token=` or `?jwt=`), passed on to the server. */
  token?: string;
}

/** A participant as the server shows it. */
export type Participant = ParticipantView;

/** Which remote track an m-section of the subscribe connection carries. */
export type RemoteTrackInfo = OfferedTrack;

export type Source = OfferedTrack["source"];
