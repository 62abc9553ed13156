// A channel of a space, or a direct conversation: its history, the composer, who is typing,
// the thread and pinned panels, and its notification level.

import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "../api";
import { conversation } from "../conversation";
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
import type { Channel, ChannelNotify, Message, Person } from "../types";
import { ErrorNote, Icon, Loading, Menu } from "../ui";
import { Composer } from "../channel/Composer";
import { History } from "../channel/History";
import { PinsPanel, ThreadPanel } from "../channel/Panels";
import { directTitle } from "../Sidebar";
import { MeetingBox, useSpace } from "./Space";

const NOTIFY: ChannelNotify[] = ["default", "all", "mentions", "none"];

export function ChannelPage(props: { space?: number; channel: number; thread?: number; message?: number }) {
  const conv = conversation(props.channel);
  const [info, setInfo] = useState<Channel | null>(findChannel(props.channel) ?? null);
  const [error, setError] = useState<unknown>(null);
  const [pinsOpen, setPinsOpen] = useState(false);
  const { space } = useSpace(props.space);
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

  // Asked for one message (a search result, a link): load back until it is there.
  useEffect(() => {
    const target = props.message;
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
  }, [props.message, conv.loaded.value]);

  if (error && !info)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("channel.unknown")}</h1>
        <ErrorNote error={error} />
      </section>
    );
  if (!info) return <Loading />;

  const direct = directs.value?.find((d) => d.id === props.channel);
  const people: Person[] = props.space ? members.value[props.space] ?? [] : direct?.members ?? info.members ?? [];
  const title = direct ? directTitle(direct) : info.name;
  const archived = !!(space?.archived_at || info.archived_at);
  const canWrite = !archived && (!space || space.access.chat === "write");
  const canModerate = !!space && (space.role === "owner" || space.role === "admin");
  const here = (extra?: { thread?: number; message?: number }) => channelPath(props.space, props.channel, extra);
  const openThread = (m: Message) => go(here({ thread: m.id }));
  const closeThread = () => {
    const root = props.thread;
    go(here());
    queueMicrotask(() => document.querySelector<HTMLElement>(`[data-thread="${root}"], #m-${root}`)?.focus());
  };
  const typing = conv.typing.value;
  const sidePanel = props.thread !== undefined || pinsOpen;
  const label = direct ? t("direct.label", { name: title }) : t("channel.label", { name: title });

  return (
    <div class={sidePanel ? "ws-channel with-panel" : "ws-channel"}>
      <section class="ws-conversation" aria-labelledby="channel-title">
        <header class="ws-channel-head">
          <div class="ws-channel-name">
            <h1 id="channel-title" tabIndex={-1}>
              {!direct && <Icon name={info.private ? "lock" : "hash"} />}
              {title}
            </h1>
            {info.topic && <p class="ws-muted ws-topic">{info.topic}</p>}
          </div>
          <div class="ws-channel-tools">
            {space && <MeetingBox space={space} compact />}
            <button
              type="button"
              class="btn small"
              id="open-pins"
              aria-expanded={pinsOpen}
              onClick={() => setPinsOpen(!pinsOpen)}
            >
              <Icon name="pin" /> {t("pins.open")}
            </button>
            <Menu
              label={t("notify.channel")}
              icon={<Icon name="bell" />}
              items={NOTIFY.map((level) => ({
                label: t(("notify." + level) as "notify.all"),
                checked: (info.notify ?? "default") === level,
                onSelect: () =>
                  void api.setChannelNotify(info.id, level).then(
                    () => {
                      setInfo({ ...info, notify: level });
                      patchChannel(info.id, { notify: level });
                    },
                    setError,
                  ),
              }))}
            />
          </div>
        </header>
        <ErrorNote error={error} />
        {archived && <p class="ws-warning">{t("channel.archived")}</p>}
        {!conv.loaded.value && !conv.error.value ? (
          <Loading />
        ) : (
          <History
            conv={conv}
            label={label}
            readSeq={readAtOpen.current}
            canWrite={canWrite}
            canModerate={canModerate}
            onThread={openThread}
            onSeen={(seq) => conv.markRead(Math.max(seq, findChannel(info.id)?.last_seq ?? 0))}
            highlight={props.message}
          />
        )}
        <p class="ws-typing" aria-live="polite">
          {typing.length === 1
            ? t("typing.one", { name: typing[0]!.name })
            : typing.length > 1
              ? t("typing.many", { names: typing.map((x) => x.name).join(", ") })
              : ""}
        </p>
        <Composer
          conv={conv}
          label={direct ? t("composer.toDirect", { name: title }) : t("composer.toChannel", { name: title })}
          people={people}
          disabled={!canWrite}
          disabledReason={archived ? t("channel.archived") : t("composer.readOnly")}
        />
      </section>
      {props.thread !== undefined && (
        <ThreadPanel
          key={props.thread}
          conv={conv}
          root={props.thread}
          people={people}
          canWrite={canWrite}
          canModerate={canModerate}
          onClose={closeThread}
        />
      )}
      {pinsOpen && props.thread === undefined && (
        <PinsPanel
          conv={conv}
          linkTo={(m) => here(m.thread_id ? { thread: m.thread_id, message: m.id } : { message: m.id })}
          onClose={() => {
            setPinsOpen(false);
            document.getElementById("open-pins")?.focus();
          }}
        />
      )}
    </div>
  );
}
