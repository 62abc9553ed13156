// One message: who, when, the text (HTML the server rendered from Markdown, with raw HTML
// off, so safe to insert), edited or deleted, its reactions, its thread, its actions.

import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "../api";
import type { Conversation } from "../conversation";
import { fmtDateTime, fmtTime } from "../format";
import { t, tn } from "../i18n";
import { isMine, myId, personName } from "../store";
import type { Message, Reaction } from "../types";
import { Confirm, ErrorNote, Icon, Menu, type MenuItem } from "../ui";
import { AttachmentList } from "./Attachments";

export const EMOJIS = ["👍", "❤️", "😂", "🎉", "😮", "😢", "👀", "✅"];

export function authorName(m: Message): string {
  return personName(m.author) || t("msg.someone");
}

function mine(r: Reaction): boolean {
  const me = myId.value;
  return me != null && r.users.includes(me);
}

interface MessageItemProps {
  m: Message;
  conv: Conversation;
  canWrite: boolean;
  canModerate: boolean;
  inThread?: boolean;
  onThread?: (m: Message) => void;
  highlight?: boolean;
}

/** Copies the link to a message (this page, ?message=ID) to the clipboard. */
function copyLink(m: Message) {
  const u = new URL(location.href);
  u.search = "";
  u.searchParams.set("message", String(m.id));
  void navigator.clipboard?.writeText(u.toString()).catch(() => {});
}

/** The items of a message's actions menu: reply, pin, edit, delete (as one may), copy link. */
function messageActions(
  props: MessageItemProps,
  act: (p: Promise<Message>) => void,
  edit: () => void,
  remove: () => void,
): MenuItem[] {
  const { m } = props;
  const deleted = m.deleted;
  const own = isMine(m);
  const items: MenuItem[] = [];
  if (!deleted && props.canWrite && !props.inThread && props.onThread)
    items.push({ label: t("msg.reply"), onSelect: () => props.onThread!(m) });
  if (!deleted && props.canWrite)
    items.push({
      label: m.pinned_at ? t("msg.unpin") : t("msg.pin"),
      onSelect: () => void act(api.pin(m.id, !m.pinned_at)),
    });
  if (!deleted && own && props.canWrite) items.push({ label: t("msg.edit"), onSelect: edit });
  if (!deleted && (own || props.canModerate))
    items.push({ label: t("msg.delete"), danger: true, onSelect: remove });
  items.push({ label: t("msg.copyLink"), onSelect: () => copyLink(m) });
  return items;
}

/** A message's head: who, when, pinned, and its menus (react, actions). */
function MessageHead(props: {
  m: Message;
  who: string;
  reactions: Reaction[];
  items: MenuItem[];
  canWrite: boolean;
  act: (p: Promise<Message>) => void;
}) {
  const { m, who, reactions, items } = props;
  const canReact = props.canWrite && !m.deleted;
  return (
    <div class="ws-msg-head">
      <span class="ws-msg-who" id={`m-${m.id}-who`}>
        {who}
      </span>
      <time id={`m-${m.id}-time`} dateTime={m.created_at} title={fmtDateTime(m.created_at)}>
        {fmtTime(m.created_at)}
      </time>
      {m.pinned_at && (
        <span class="ws-pinned" title={t("msg.pinned")}>
          <Icon name="pin" />
          <span class="sr-only">{t("msg.pinned")}</span>
        </span>
      )}
      {(items.length > 0 || canReact) && (
        <div class="ws-msg-actions">
          {canReact && (
            <Menu
              label={t("msg.react", { name: who })}
              icon={<Icon name="smile" />}
              class="ws-react-menu"
              items={EMOJIS.map((e) => {
                const r = reactions.find((x) => x.emoji === e);
                const on = !!r && mine(r);
                return { label: e, checked: on, onSelect: () => void props.act(api.react(m.id, e, !on)) };
              })}
            />
          )}
          <Menu label={t("msg.actions", { name: who })} items={items} />
        </div>
      )}
    </div>
  );
}

/** A message's reactions: one button each (emoji and count), pressed when one is one's own. */
function Reactions(props: {
  m: Message;
  reactions: Reaction[];
  canWrite: boolean;
  act: (p: Promise<Message>) => void;
}) {
  return (
    <ul class="ws-reactions" aria-label={t("msg.reactions")}>
      {props.reactions.map((r) => {
        const on = mine(r);
        return (
          <li key={r.emoji}>
            <button
              type="button"
              class={on ? "ws-reaction on" : "ws-reaction"}
              aria-pressed={on}
              disabled={!props.canWrite}
              aria-label={tn("msg.reaction", r.count, { emoji: r.emoji })}
              onClick={() => void props.act(api.react(props.m.id, r.emoji, !on))}
            >
              <span aria-hidden="true">
                {r.emoji} {r.count}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The text of a message: "deleted", the edit box while editing, or its HTML. */
function MessageBody(props: { m: Message; editing: boolean; onEdited: (saved: Message | null) => void }) {
  const { m } = props;
  if (m.deleted) return <p class="ws-msg-body ws-muted">{t("msg.deleted")}</p>;
  if (props.editing) return <EditBox m={m} onDone={props.onEdited} />;
  return <div class="ws-msg-body" dangerouslySetInnerHTML={{ __html: m.html }} />;
}

export function MessageItem(props: MessageItemProps) {
  const { m, conv } = props;
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const deleted = m.deleted;
  const act = (p: Promise<Message>) =>
    p.then((answer) => {
      setError(null);
      conv.apply(answer);
    }, setError);
  const items = messageActions(props, act, () => setEditing(true), () => setConfirmDelete(true));

  const reactions = (m.reactions ?? []).filter((r) => r.count > 0);
  return (
    <li
      class={"ws-msg" + (props.highlight ? " highlight" : "") + (deleted ? " deleted" : "")}
      id={`m-${m.id}`}
      tabIndex={-1}
      data-seq={m.seq}
      data-id={m.id}
      aria-labelledby={`m-${m.id}-who m-${m.id}-time`}
    >
      <MessageHead m={m} who={authorName(m)} reactions={reactions} items={items} canWrite={props.canWrite} act={act} />
      <MessageBody
        m={m}
        editing={editing}
        onEdited={(saved) => {
          setEditing(false);
          if (saved) conv.apply(saved);
        }}
      />
      {!deleted && <AttachmentList items={m.attachments ?? []} channel={m.channel} />}
      {m.edited_at && !deleted && (
        <span class="ws-edited" title={fmtDateTime(m.edited_at)}>
          {t("msg.edited")}
        </span>
      )}
      {reactions.length > 0 && !deleted && (
        <Reactions m={m} reactions={reactions} canWrite={props.canWrite} act={act} />
      )}
      {!props.inThread && m.reply_count > 0 && props.onThread && (
        <button type="button" class="ws-thread-link" onClick={() => props.onThread!(m)} data-thread={m.id}>
          {tn("msg.replies", m.reply_count)}
          {m.last_reply_at && <span class="ws-muted"> · {fmtTime(m.last_reply_at)}</span>}
        </button>
      )}
      <ErrorNote error={error} />
      {confirmDelete && (
        <Confirm
          title={t("msg.deleteTitle")}
          body={<p>{t("msg.deleteBody")}</p>}
          ok={t("msg.delete")}
          danger
          onClose={() => setConfirmDelete(false)}
          onOk={async () => {
            conv.apply(await api.deleteMessage(m.id));
          }}
        />
      )}
    </li>
  );
}

function EditBox({ m, onDone }: { m: Message; onDone: (saved: Message | null) => void }) {
  const [body, setBody] = useState(m.body);
  const [error, setError] = useState<unknown>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => box.current?.focus(), []);
  const save = () => {
    const text = body.trim();
    if (!text || text === m.body) return onDone(null);
    api.editMessage(m.id, text).then(onDone, setError);
  };
  return (
    <form
      class="ws-edit"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label class="sr-only" for={`edit-${m.id}`}>
        {t("msg.editLabel")}
      </label>
      <textarea
        id={`edit-${m.id}`}
        value={body}
        rows={Math.min(8, body.split("\n").length + 1)}
        ref={box}
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onDone(null);
          } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            save();
          }
        }}
      />
      <ErrorNote error={error} />
      <div class="ws-actions">
        <button type="button" class="btn small" onClick={() => onDone(null)}>
          {t("cancel")}
        </button>
        <button type="submit" class="btn small primary">
          {t("msg.save")}
        </button>
      </div>
    </form>
  );
}
