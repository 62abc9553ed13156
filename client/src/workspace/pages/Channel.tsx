// A channel of a space, or a direct conversation: its history, the composer, who is typing,
// the thread and pinned panels, and its notification level.

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "../api";
import { type Conversation, conversation } from "../conversation";
import { t } from "../i18n";
import { viewing } from "../live";
import { channelPath, go } from "../router";
import {
  directs,
  findChannel,
  loadDirects,
  loadMembers,
  members,
  patchChannel,
} from "../store";
import type { Channel, ChannelNotify, Message, Person, Space } from "../types";
import { ErrorNote, Icon, Loading, Menu } from "../ui";
import { Composer } from "../channel/Composer";
import { History } from "../channel/History";
import { PinsPanel, ThreadPanel } from "../channel/Panels";
import { directTitle } from "../Sidebar";
import { MeetingBox, useSpace } from "./Space";

const NOTIFY: ChannelNotify[] = ["default", "all", "mentions", "none"];

interface ChannelProps {
  space?: number;
  channel: number;
  thread?: number;
  message?: number;
}

/** The channel's record (its name, topic, notification level, read position), fetched as
 * the page opens, and the conversation loaded or caught up; the people it may mention
 * loaded; the channel marked as the one being viewed. */
function useChannelInfo(props: ChannelProps, conv: Conversation) {
  const [info, setInfo] = useState<Channel | null>(findChannel(props.channel) ?? null);
  const [error, setError] = useState<unknown>(null);
  // Where the person had read to when the page opened: the "new messages" line stays there.
  const readAtOpen = useRef<number | null>(null);

  useEffect(() => {
    viewing.value = props.channel;
    api.getChannel(props.channel).then(
      (c) => {
        setInfo(c);
        if (readAtOpen.current === null) readAtOpen.current = c.read_seq;
        if (!conv.loaded.value) void conv.loadLatest(c.last_seq);
        else void conv.catchUp().catch(() => conv.loadLatest(c.last_seq));
      },
      (e) => {
        setError(e);
      },
    );
    if (props.space) void loadMembers(props.space).catch(() => {});
    else if (!directs.value) void loadDirects().catch(() => {});
    return () => {
      if (viewing.value === props.channel) viewing.value = null;
    };
  }, [props.channel]);

  return { info, setInfo, error, setError, readAtOpen };
}

/** Asked for one message (a search result, a link): load back until it is there. */
function useLoadUntil(conv: Conversation, target: number | undefined) {
  useEffect(() => {
    if (target === undefined || !conv.loaded.value) return;
    let stop = false;
    (async () => {
      for (let i = 0; i < 200 && !stop; i++) {
        const list = conv.messages.value;
        if (list.some((m) => m.id === target)) return;
        if (conv.complete.value || !(await conv.loadOlder())) return;
      }
    })();
    return () => {
      stop = true;
    };
  }, [target, conv.loaded.value]);
}

/** The channel's notification level: a menu of the levels, the current one checked. */
function NotifyMenu(props: { info: Channel; setInfo: (c: Channel) => void; setError: (e: unknown) => void }) {
  const { info } = props;
  return (
    <Menu
      label={t("notify.channel")}
      icon={<Icon name="bell" />}
      items={NOTIFY.map((level) => ({
        label: t(("notify." + level) as "notify.all"),
        checked: (info.notify ?? "default") === level,
        onSelect: () =>
          void api.setChannelNotify(info.id, level).then(
            () => {
              props.setInfo({ ...info, notify: level });
              patchChannel(info.id, { notify: level });
            },
            props.setError,
          ),
      }))}
    />
  );
}

/** The channel's head: its name (a lock or a hash for a channel), topic, the space's
 * meeting, the pinned messages' button and the notification menu. */
function ChannelHead(props: {
  info: Channel;
  title: string;
  direct: boolean;
  space: Space | undefined;
  pinsOpen: boolean;
  togglePins: () => void;
  children: ComponentChildren;
}) {
  const { info } = props;
  return (
    <header class="ws-channel-head">
      <div class="ws-channel-name">
        <h1 id="channel-title" tabIndex={-1}>
          {!props.direct && <Icon name={info.private ? "lock" : "hash"} />}
          {props.title}
        </h1>
        {info.topic && <p class="ws-muted ws-topic">{info.topic}</p>}
      </div>
      <div class="ws-channel-tools">
        {props.space && <MeetingBox space={props.space} compact />}
        <button type="button" class="btn small" id="open-pins" aria-expanded={props.pinsOpen} onClick={props.togglePins}>
          <Icon name="pin" /> {t("pins.open")}
        </button>
        {props.children}
      </div>
    </header>
  );
}

/** Who is typing: one name, several, or nothing (a polite live region). */
function Typing({ typing }: { typing: { name: string }[] }) {
  return (
    <p class="ws-typing" aria-live="polite">
      {typing.length === 1
        ? t("typing.one", { name: typing[0]!.name })
        : typing.length > 1
          ? t("typing.many", { names: typing.map((x) => x.name).join(", ") })
          : ""}
    </p>
  );
}

/** What the page shows of a channel, or of a direct conversation, and who may do what in it. */
function describe(props: ChannelProps, info: Channel, space: Space | undefined) {
  const direct = directs.value?.find((d) => d.id === props.channel);
  const people: Person[] = props.space ? members.value[props.space] ?? [] : direct?.members ?? info.members ?? [];
  const title = direct ? directTitle(direct) : info.name;
  const archived = !!(space?.archived_at || info.archived_at);
  const canWrite = !archived && (!space || space.access.chat === "write");
  const canModerate = !!space && (space.role === "owner" || space.role === "admin");
  const here = (extra?: { thread?: number; message?: number }) => channelPath(props.space, props.channel, extra);
  return { direct, people, title, archived, canWrite, canModerate, here };
}

type View = ReturnType<typeof describe>;

/** The thread being read, or else (if open) the pinned messages, beside the conversation. */
function SidePanel(props: {
  conv: Conversation;
  view: View;
  thread?: number;
  pinsOpen: boolean;
  closePins: () => void;
}) {
  const { conv, view } = props;
  const closeThread = () => {
    const root = props.thread;
    go(view.here());
    queueMicrotask(() => document.querySelector<HTMLElement>(`[data-thread="${root}"], #m-${root}`)?.focus());
  };
  if (props.thread !== undefined)
    return (
      <ThreadPanel
        key={props.thread}
        conv={conv}
        root={props.thread}
        people={view.people}
        canWrite={view.canWrite}
        canModerate={view.canModerate}
        onClose={closeThread}
      />
    );
  if (!props.pinsOpen) return null;
  return (
    <PinsPanel
      conv={conv}
      linkTo={(m) => view.here(m.thread_id ? { thread: m.thread_id, message: m.id } : { message: m.id })}
      onClose={props.closePins}
    />
  );
}

/** The conversation's history, once its first page is loaded (or failed to). */
function ChannelHistory(props: {
  conv: Conversation;
  view: View;
  info: Channel;
  readSeq: number | null;
  highlight?: number;
}) {
  const { conv, view } = props;
  const { direct, title } = view;
  if (!conv.loaded.value && !conv.error.value) return <Loading />;
  return (
    <History
      conv={conv}
      label={direct ? t("direct.label", { name: title }) : t("channel.label", { name: title })}
      readSeq={props.readSeq}
      canWrite={view.canWrite}
      canModerate={view.canModerate}
      onThread={(m: Message) => go(view.here({ thread: m.id }))}
      onSeen={(seq) => conv.markRead(Math.max(seq, findChannel(props.info.id)?.last_seq ?? 0))}
      highlight={props.highlight}
    />
  );
}

export function ChannelPage(props: ChannelProps) {
  const conv = conversation(props.channel);
  const [pinsOpen, setPinsOpen] = useState(false);
  const { space } = useSpace(props.space);
  const { info, setInfo, error, setError, readAtOpen } = useChannelInfo(props, conv);
  useLoadUntil(conv, props.message);

  if (error && !info)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("channel.unknown")}</h1>
        <ErrorNote error={error} />
      </section>
    );
  if (!info) return <Loading />;

  const view = describe(props, info, space);
  const { direct, title } = view;
  const sidePanel = props.thread !== undefined || pinsOpen;
  return (
    <div class={sidePanel ? "ws-channel with-panel" : "ws-channel"}>
      <section class="ws-conversation" aria-labelledby="channel-title">
        <ChannelHead
          info={info}
          title={title}
          direct={!!direct}
          space={space}
          pinsOpen={pinsOpen}
          togglePins={() => setPinsOpen(!pinsOpen)}
        >
          <NotifyMenu info={info} setInfo={setInfo} setError={setError} />
        </ChannelHead>
        <ErrorNote error={error} />
        {view.archived && <p class="ws-warning">{t("channel.archived")}</p>}
        <ChannelHistory conv={conv} view={view} info={info} readSeq={readAtOpen.current} highlight={props.message} />
        <Typing typing={conv.typing.value} />
        <Composer
          conv={conv}
          label={direct ? t("composer.toDirect", { name: title }) : t("composer.toChannel", { name: title })}
          people={view.people}
          disabled={!view.canWrite}
          disabledReason={view.archived ? t("channel.archived") : t("composer.readOnly")}
        />
      </section>
      <SidePanel
        conv={conv}
        view={view}
        thread={props.thread}
        pinsOpen={pinsOpen}
        closePins={() => {
          setPinsOpen(false);
          document.getElementById("open-pins")?.focus();
        }}
      />
    </div>
  );
}
