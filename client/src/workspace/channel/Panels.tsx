// Side panels of a conversation: a thread (replies to one message) and the pinned messages.
// Beside the history on a wide screen, over it at phone width; Escape closes either.

import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import * as api from "../api";
import type { Conversation } from "../conversation";
import { t } from "../i18n";
import type { Message, Person } from "../types";
import { ErrorNote, Icon, Link, Loading } from "../ui";
import { Composer } from "./Composer";
import { PendingItem } from "./History";
import { MessageItem, authorName } from "./MessageItem";

function Panel(props: { title: string; onClose: () => void; children: ComponentChildren; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), []);
  return (
    <aside
      class="ws-panel"
      id={props.id}
      aria-labelledby={`${props.id}-title`}
      onKeyDown={(e) => {
        if (e.key === "Escape" && !e.defaultPrevented) {
          e.preventDefault();
          props.onClose();
        }
      }}
    >
      <div class="ws-panel-head">
        <h2 id={`${props.id}-title`} tabIndex={-1} ref={heading}>
          {props.title}
        </h2>
        <button type="button" class="btn icon-btn" onClick={props.onClose} aria-label={t("panel.close")}>
          <Icon name="close" />
        </button>
      </div>
      {props.children}
    </aside>
  );
}

export function ThreadPanel(props: {
  conv: Conversation;
  root: number;
  people: Person[];
  canWrite: boolean;
  canModerate: boolean;
  onClose: () => void;
}) {
  const { conv, root } = props;
  const replies = conv.thread(root).value;
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    conv.loadThread(root).catch(setError);
  }, [root]);
  const pending = conv.pending.value.filter((p) => p.thread_id === root);
  const list = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [replies?.length, pending.length]);
  const head = replies && replies[0]?.id === root ? replies[0] : undefined;
  return (
    <Panel title={t("thread.title")} onClose={props.onClose} id="thread-panel">
      <div class="ws-panel-body" ref={list}>
        <ErrorNote error={error} />
        {replies === null ? (
          !error && <Loading />
        ) : (
          <ol class="ws-messages" aria-label={head ? t("thread.of", { name: authorName(head) }) : t("thread.title")}>
            {replies.map((m) => (
              <MessageItem key={m.id} m={m} conv={conv} canWrite={props.canWrite} canModerate={props.canModerate} inThread />
            ))}
            {pending.map((p) => (
              <PendingItem key={p.client_id} p={p} conv={conv} />
            ))}
          </ol>
        )}
      </div>
      <Composer
        conv={conv}
        threadId={root}
        id="thread-composer"
        label={t("thread.reply")}
        people={props.people}
        disabled={!props.canWrite}
        disabledReason={t("composer.readOnly")}
      />
    </Panel>
  );
}

export function PinsPanel(props: { conv: Conversation; linkTo: (m: Message) => string; onClose: () => void }) {
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Pinned or unpinned live: the history's messages say so; ask the server again.
  const changed = props.conv.messages.value.filter((m) => m.pinned_at).map((m) => m.id).join(",");
  useEffect(() => {
    api.pins(props.conv.id).then(setPins, setError);
  }, [changed]);
  return (
    <Panel title={t("pins.title")} onClose={props.onClose} id="pins-panel">
      <div class="ws-panel-body">
        <ErrorNote error={error} />
        {pins === null ? (
          !error && <Loading />
        ) : pins.length === 0 ? (
          <p>{t("pins.none")}</p>
        ) : (
          <ul class="ws-pins">
            {pins.map((m) => (
              <li key={m.id}>
                <span class="ws-msg-who">{authorName(m)}</span>
                <div class="ws-msg-body" dangerouslySetInnerHTML={{ __html: m.html }} />
                <Link href={props.linkTo(m)}>{t("pins.show")}</Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
