// Shapes shared by the pages and the meeting.

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

export interface Participant {
  id: string;
  name: string;
  role?: "moderator" | "participant";
  audioMuted: boolean;
  videoMuted: boolean;
  /** Its connection dropped; the server keeps its seat for a while. */
  reconnecting?: boolean;
}

export type Source = "microphone" | "camera" | "screen";

export interface RemoteTrackInfo {
  mid: string;
  track: string;
  participant: string;
  kind: "audio" | "video";
  source: Source;
}
