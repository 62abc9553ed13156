// A board on the document page: client/src/board/ (canvas and y-websocket sync) loaded with a
// dynamic import when the board opens, so neither the workspace's first load nor a text
// document carries it.

import { useEffect, useRef, useState } from "preact/hooks";
import { uploadImage } from "./api";
import type { Status } from "./editor";
import { t } from "../i18n";
import { ErrorNote } from "../ui";

export function BoardView(props: {
  docId: string;
  title: string;
  writable: boolean;
  user: { name: string; color: string };
  onStatus: (s: Status) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let live = true;
    let destroy: (() => void) | null = null;
    import("../../board/board").then(({ openBoard }) => {
      if (!live || !host.current) return;
      const opened = openBoard({
        element: host.current,
        documentId: props.docId,
        title: props.title,
        writable: props.writable,
        user: props.user,
        uploadImage: (f) => uploadImage(props.docId, f),
        onStatus: props.onStatus,
      });
      destroy = opened.destroy;
      setReady(true);
    }, setFailed);
    return () => {
      live = false;
      destroy?.();
    };
  }, [props.docId]);
  return (
    <>
      <ErrorNote error={failed} />
      {!ready && !failed && <p class="ws-muted">{t("docs.loadingBoard")}</p>}
      <div ref={host} id="board" />
    </>
  );
}
