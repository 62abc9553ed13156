// What the browser tests read of a meeting (window.__palabre): the session, its peer
// connections and the tracks received.

import type { E2ee } from "../e2ee";
import type { RemoteTrack, Session } from "../session";
import type { PeerToPeer } from "./p2p";

export function exposeForTests(
  session: Session,
  e2ee: () => E2ee | null,
  remote: () => RemoteTrack[],
  p2p: () => PeerToPeer,
): void {
  const hook = {
    get session() {
      return session;
    },
    get pub() {
      return session.pub;
    },
    get sub() {
      return session.sub;
    },
    /** The direct connection of a two-person meeting (peer-to-peer), if any, and whether the
     * tiles show its tracks. */
    get p2p() {
      return p2p().connection;
    },
    get p2pActive() {
      return p2p().active;
    },
    get you() {
      return session.you;
    },
    get e2ee() {
      return e2ee();
    },
    /** ICE restarts made, and `joined` received (first join and resumes): tests tell an ICE
     * restart from a new join by these. */
    get iceRestarts() {
      return session.iceRestarts;
    },
    get joins() {
      return session.joins;
    },
    get remote() {
      return remote().map((r) => ({
        mid: r.mid,
        participant: r.participant,
        kind: r.kind,
        source: r.source,
        trackId: r.media.id,
      }));
    },
  };
  (window as unknown as { __palabre: unknown }).__palabre = hook;
}
