// Writing a message: Enter sends, Shift+Enter starts a new line, @ suggests the people of
// the conversation and @channel (a combobox: arrows choose, Enter or Tab takes, Escape
// closes). Others see "typing" at most every few seconds while one types.

import type { RefObject } from "preact";
import { useId, useMemo, useRef, useState } from "preact/hooks";
import * as api from "../api";
import type { Conversation } from "../conversation";
import { t } from "../i18n";
import { personName } from "../store";
import type { Person } from "../types";
import { ComposerFiles, useComposerFiles } from "./Attachments";

const TYPING_EVERY = 3000;

interface Suggestion {
  insert: string;
  label: string;
  detail: string;
}

/** The @word being typed just before the caret, if any. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s(])@([\p{L}\p{N}._@-]*)$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]!.toLowerCase() };
}

/** Who (and @channel, outside a thread) an @query may name: at most 8 people, then @channel. */
function suggest(people: Person[], q: string, threadId?: number): Suggestion[] {
  const out: Suggestion[] = people
    .filter(
      (p) => p.name.toLowerCase().startsWith(q) || personName(p).toLowerCase().split(/\s+/).some((w) => w.startsWith(q)),
    )
    .slice(0, 8)
    .map((p) => ({ insert: p.name, label: personName(p), detail: "@" + p.name }));
  if (!threadId && "channel".startsWith(q))
    out.push({ insert: "channel", label: "@channel", detail: t("composer.everyone") });
  return out;
}

/** The @ suggestions of a composer: what is offered for the @word before the caret, which
 * one is active, taking one (it replaces the @word) and the keys of the open list. */
function useMentions(opts: {
  text: string;
  caret: number;
  people: Person[];
  threadId?: number;
  box: RefObject<HTMLTextAreaElement | null>;
  setText: (text: string) => void;
  setCaret: (caret: number) => void;
}) {
  const { text, caret } = opts;
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);

  const at = mentionAt(text, caret);
  const suggestions: Suggestion[] = useMemo(
    () => (!at || dismissed === at.start ? [] : suggest(opts.people, at.query, opts.threadId)),
    [at?.start, at?.query, opts.people, dismissed],
  );
  const open = suggestions.length > 0;
  const current = Math.min(active, suggestions.length - 1);

  const choose = (s: Suggestion) => {
    if (!at) return;
    const next = text.slice(0, at.start) + "@" + s.insert + " " + text.slice(caret);
    const pos = at.start + s.insert.length + 2;
    opts.setText(next);
    opts.setCaret(pos);
    setActive(0);
    queueMicrotask(() => {
      opts.box.current?.focus();
      opts.box.current?.setSelectionRange(pos, pos);
    });
  };

  /** The list's keys while it is open; true when the key was taken. */
  const onKey = (e: KeyboardEvent): boolean => {
    if (!open) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const n = suggestions.length;
      setActive((current + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
      return true;
    }
    if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      choose(suggestions[current]!);
      return true;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setDismissed(at!.start);
      return true;
    }
    return false;
  };

  return { suggestions, open, current, choose, onKey, restart: () => setActive(0) };
}

/** The text being written and where its caret is; sending it; telling the others "typing"
 * at most every TYPING_EVERY ms while one types. */
function useDraft(conv: Conversation, threadId?: number, disabled?: boolean) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const lastTyping = useRef(0);
  const files = useComposerFiles(conv.id);

  const send = () => {
    const body = text.trim();
    if ((!body && !files.files.length) || disabled) return;
    conv.send(body, threadId, files.files);
    files.clear();
    files.setPicking(false);
    setText("");
    setCaret(0);
    lastTyping.current = 0;
  };

  const input = (el: HTMLTextAreaElement) => {
    setText(el.value);
    setCaret(el.selectionStart ?? el.value.length);
    const now = Date.now();
    if (el.value && now - lastTyping.current > TYPING_EVERY) {
      lastTyping.current = now;
      api.typing(conv.id).catch(() => {});
    }
  };

  return { text, caret, setText, setCaret, send, input, files };
}

function Suggestions(props: {
  listId: string;
  suggestions: Suggestion[];
  current: number;
  choose: (s: Suggestion) => void;
}) {
  const { listId, current } = props;
  return (
    <ul
      id={listId}
      role="listbox"
      class="ws-suggest"
      hidden={props.suggestions.length === 0}
      aria-label={t("composer.suggestions")}
    >
      {props.suggestions.map((s, i) => (
        <li
          key={s.insert}
          id={`${listId}-${i}`}
          role="option"
          aria-selected={i === current}
          class={i === current ? "active" : ""}
          onMouseDown={(e) => {
            e.preventDefault();
            props.choose(s);
          }}
        >
          <strong>{s.label}</strong> <span class="ws-muted">{s.detail}</span>
        </li>
      ))}
    </ul>
  );
}

interface ComposerProps {
  conv: Conversation;
  label: string;
  people: Person[];
  threadId?: number;
  disabled?: boolean;
  disabledReason?: string;
  id?: string;
}

export function Composer(props: ComposerProps) {
  const draft = useDraft(props.conv, props.threadId, props.disabled);
  const { text, send } = draft;
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const hintId = useId();
  const mentions = useMentions({ ...draft, people: props.people, threadId: props.threadId, box });
  const { open, current } = mentions;

  const onKey = (e: KeyboardEvent) => {
    if (mentions.onKey(e)) return;
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };
  const onInput = (e: Event) => {
    draft.input(e.currentTarget as HTMLTextAreaElement);
    mentions.restart();
  };
  const setCaret = (e: Event) => draft.setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0);

  const boxId = props.id ?? "composer";
  return (
    <form
      class="ws-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for={boxId} class="sr-only">
        {props.label}
      </label>
      <div class="ws-composer-row">
        <textarea
          id={boxId}
          ref={box}
          rows={Math.min(6, text.split("\n").length)}
          value={text}
          placeholder={props.disabled ? props.disabledReason : props.label}
          disabled={props.disabled}
          aria-autocomplete="list"
          aria-controls={listId}
          aria-activedescendant={open ? `${listId}-${current}` : undefined}
          aria-describedby={hintId}
          onInput={onInput}
          onKeyDown={onKey}
          onKeyUp={setCaret}
          onClick={setCaret}
        />
        <button type="submit" class="btn primary" disabled={props.disabled || (!text.trim() && !draft.files.files.length)}>
          {t("composer.send")}
        </button>
      </div>
      <ComposerFiles state={draft.files} disabled={props.disabled} idPrefix={boxId} />
      <Suggestions listId={listId} suggestions={mentions.suggestions} current={current} choose={mentions.choose} />
      <p id={hintId} class="ws-hint">
        {t("composer.hint")}
      </p>
    </form>
  );
}
