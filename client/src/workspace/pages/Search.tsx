// Search over the messages the person may read; each result links to its message.

import { useEffect, useState } from "preact/hooks";
import * as api from "../api";
import { fmtDateTime, fmtNumber } from "../format";
import { t } from "../i18n";
import { channelPath, go, paths } from "../router";
import { markAbsent, spaces, absent } from "../store";
import type { SearchHit } from "../types";
import { Absent, ErrorNote, Link, Loading } from "../ui";
import { authorName } from "../channel/MessageItem";

export function SearchPage({ q, space }: { q: string; space?: number }) {
  const [text, setText] = useState(q);
  const [scope, setScope] = useState(space ? String(space) : "");
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setText(q);
    setHits(null);
    setError(null);
    if (!q.trim()) return;
    api.search(q, space).then(
      (answer) => setHits(answer),
      (e) => {
        if (!markAbsent("search", e)) setError(e);
      },
    );
  }, [q, space]);
  return (
    <section class="ws-card">
      <h1 tabIndex={-1}>{t("search.title")}</h1>
      <form
        class="ws-form ws-search-page"
        onSubmit={(e) => {
          e.preventDefault();
          go(paths.search(text.trim(), scope ? Number(scope) : undefined));
        }}
      >
        <label for="search-q">{t("search.label")}</label>
        <input id="search-q" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <label for="search-space">{t("search.in")}</label>
        <select id="search-space" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
          <option value="">{t("search.everywhere")}</option>
          {(spaces.value ?? []).map((s) => (
            <option value={String(s.id)} key={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <div class="ws-actions">
          <button type="submit" class="btn primary" id="search-go">
            {t("search.go")}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {absent.value.has("search") && <Absent what={t("search.title")} />}
      {q.trim() && hits === null && !error && !absent.value.has("search") && <Loading />}
      {hits && (
        <>
          <p role="status">{hits.length ? t("search.count", { n: fmtNumber(hits.length) }) : t("search.none")}</p>
          <ol class="ws-results">
            {hits.map((h) => {
              const m = h.message;
              const spaceName = spaces.value?.find((s) => s.id === h.space)?.name;
              const where = [spaceName, h.channel_name && "#" + h.channel_name].filter(Boolean).join(" · ");
              const href = channelPath(
                h.space,
                h.channel,
                m.thread_id ? { thread: m.thread_id, message: m.id } : { message: m.id },
              );
              return (
                <li key={m.id} class="ws-result">
                  <Link href={href} class="ws-result-link">
                    <span class="ws-msg-who">{authorName(m)}</span>
                    {where && <span class="ws-muted"> — {where}</span>}
                    <time class="ws-muted" dateTime={m.created_at}>
                      {" "}
                      · {fmtDateTime(m.created_at)}
                    </time>
                  </Link>
                  <div class="ws-msg-body" dangerouslySetInnerHTML={{ __html: h.excerpt || m.html }} />
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
