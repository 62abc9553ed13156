// Writing a message: Enter sends, Shift+Enter starts a new line, @ suggests the people of
// the conversation and @channel (a combobox: arrows choose, Enter or Tab takes, Escape
// closes). Others see "typing" at most every few seconds while one types.

import { useId, useMemo, useRef, useState } from "preact/hooks";
import * as api from "../api";
import type { Conversation } from "../conversation";
import { t } from "../i18n";
import { personName } from "../store";
import type { Person } from "../types";

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

export function Composer(props: {
  conv: Conversation;
  label: string;
  people: Person[];
  threadId?: number;
  disabled?: boolean;
  disabledReason?: string;
  id?: string;
}) {
  const [text, setText] = useState("");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const listId = useId();
  const hintId = useId();

  const at = mentionAt(text, caret);
  const suggestions: Suggestion[] = useMemo(() => {
    if (!at || dismissed === at.start) return [];
    const q = at.query;
    const out: Suggestion[] = props.people
      .filter(
        (p) => p.name.toLowerCase().startsWith(q) || personName(p).toLowerCase().split(/\s+/).some((w) => w.startsWith(q)),
      )
      .slice(0, 8)
      .map((p) => ({ insert: p.name, label: personName(p), detail: "@" + p.name }));
    if (!props.threadId && "channel".startsWith(q))
      out.push({ insert: "channel", label: "@channel", detail: t("composer.everyone") });
    return out;
  }, [at?.start, at?.query, props.people, dismissed]);
  const open = suggestions.length > 0;
  const current = Math.min(active, suggestions.length - 1);

  const choose = (s: Suggestion) => {
    if (!at) return;
    const next = text.slice(0, at.start) + "@" + s.insert + " " + text.slice(caret);
    const pos = at.start + s.insert.length + 2;
    setText(next);
    setCaret(pos);
    setActive(0);
    queueMicrotask(() => {
      box.current?.focus();
      box.current?.setSelectionRange(pos, pos);
    });
  };

  const send = () => {
    const body = text.trim();
    if (!body || props.disabled) return;
    props.conv.send(body, props.threadId);
    setText("");
    setCaret(0);
    lastTyping.current = 0;
  };

  const onKey = (e: KeyboardEvent) => {
    if (open) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const n = suggestions.length;
        setActive((current + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        choose(suggestions[current]!);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setDismissed(at!.start);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  };

  const onInput = (e: Event) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    setText(el.value);
    setCaret(el.selectionStart ?? el.value.length);
    setActive(0);
    const now = Date.now();
    if (el.value && now - lastTyping.current > TYPING_EVERY) {
      lastTyping.current = now;
      api.typing(props.conv.id).catch(() => {});
    }
  };

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
          onKeyUp={(e) => setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0)}
          onClick={(e) => setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart ?? 0)}
        />
        <button type="submit" class="btn primary" disabled={props.disabled || !text.trim()}>
          {t("composer.send")}
        </button>
      </div>
      <ul id={listId} role="listbox" class="ws-suggest" hidden={!open} aria-label={t("composer.suggestions")}>
        {suggestions.map((s, i) => (
          <li
            key={s.insert}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === current}
            class={i === current ? "active" : ""}
            onMouseDown={(e) => {
              e.preventDefault();
              choose(s);
            }}
          >
            <strong>{s.label}</strong> <span class="ws-muted">{s.detail}</span>
          </li>
        ))}
      </ul>
      <p id={hintId} class="ws-hint">
        {t("composer.hint")}
      </p>
    </form>
  );
}
