// One document: the editor (loaded on opening: documents/editor.ts), its saved state, a
// formatting toolbar, and the side panels of comments and versions.

import { useEffect, useRef, useState } from "preact/hooks";
import * as docs from "../documents/api";
import type { Comment, DocPage, DiffLine, Version } from "../documents/api";
import type { EditorHandle, Status } from "../documents/editor";
import { BoardView } from "../documents/BoardView";
import { ExportMenu } from "../documents/transfer";
import { fmtDate } from "../format";
import { t, type Key } from "../i18n";
import { onLiveEvent } from "../live";
import { paths } from "../router";
import { FilePicker } from "../files/Picker";
import { loadMembers, me, members, personById, personName, spaceById } from "../store";
import { ErrorNote, Link, Loading, useAction, useLoad } from "../ui";

const COLORS = ["#b3261e", "#1d6fa5", "#2e7d32", "#8e24aa", "#c25e00", "#00796b", "#5d4037", "#3949ab"];

export function DocumentPage({ space, document: id }: { space: number; document: string }) {
  const page = useLoad(() => docs.getDocument(id), [id]);
  useEffect(() => {
    void loadMembers(space).catch(() => {});
  }, [space]);
  if (page.error)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("docs.unknown")}</h1>
        <ErrorNote error={page.error} />
        <Link href={paths.documents(space)}>{t("docs.back")}</Link>
      </section>
    );
  if (!page.data) return <Loading />;
  return <Opened space={space} page={page.data} />;
}

function Opened({ space, page }: { space: number; page: DocPage }) {
  const { document: doc } = page;
  const writable = page.writable;
  const host = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<EditorHandle | null>(null);
  const [status, setStatus] = useState<Status>("connecting");
  const [panel, setPanel] = useState<"comments" | "versions" | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [, setTick] = useState(0);
  const title = doc.title || t("docs.untitled");
  useEffect(() => {
    if (doc.kind !== "text" || !host.current) return;
    let live = true;
    let opened: EditorHandle | null = null;
    const myId = me.value?.id ?? 0;
    import("../documents/editor").then(({ openEditor }) => {
      if (!live || !host.current) return;
      opened = openEditor({
        element: host.current,
        documentId: doc.id,
        label: title,
        writable,
        user: { name: me.value?.displayName || me.value?.name || "?", color: COLORS[myId % COLORS.length] },
        people: () => (members.value[space] ?? []).map((m) => ({ id: String(m.id), label: m.display_name })),
        onStatus: setStatus,
        onChange: () => setTick((n) => n + 1),
      });
      setHandle(opened);
    }, setFailed);
    return () => {
      live = false;
      opened?.destroy();
    };
  }, [doc.id]);
  return (
    <div class={panel ? "ws-document with-panel" : "ws-document"}>
      <section class="ws-card ws-doc-main" aria-labelledby="doc-title">
        <div class="ws-head">
          <h1 id="doc-title" tabIndex={-1}>
            {title}
          </h1>
          <span class={`ws-doc-status ${status}`} role="status" id="doc-status">
            {t(`status.${status}` as Key)}
          </span>
        </div>
        <p class="ws-muted">
          <Link href={paths.documents(space)}>{t("docs.back")}</Link>
          {" · "}
          <button type="button" class="btn" id="comments-toggle" aria-pressed={panel === "comments"}
            onClick={() => setPanel(panel === "comments" ? null : "comments")}>
            {t("comments.title")}
          </button>{" "}
          <button type="button" class="btn" id="versions-toggle" aria-pressed={panel === "versions"}
            onClick={() => setPanel(panel === "versions" ? null : "versions")}>
            {t("versions.title")}
          </button>{" "}
          {doc.kind === "text" && <ExportMenu docId={doc.id} />}
        </p>
        {!writable && <p class="ws-warning">{doc.trashed_at ? t("docs.trashed") : t("docs.readOnly")}</p>}
        {doc.kind === "board" && <BoardView docId={doc.id} title={title} writable={writable} onStatus={setStatus}
          user={{ name: me.value?.displayName || me.value?.name || "?", color: COLORS[(me.value?.id ?? 0) % COLORS.length]! }} />}
        <ErrorNote error={failed} />
        {doc.kind === "text" && writable && handle && <Toolbar handle={handle} docId={doc.id} space={space} onComment={() => setPanel("comments")} />}
        {doc.kind === "text" && !handle && !failed && <p class="ws-muted">{t("docs.loadingEditor")}</p>}
        <div ref={host} class="ws-editor" id="editor" />
      </section>
      {panel === "comments" && <Comments docId={doc.id} space={space} handle={handle} writable={writable} />}
      {panel === "versions" && <Versions docId={doc.id} writable={writable} />}
    </div>
  );
}

function Toolbar({ handle, docId, space, onComment }: { handle: EditorHandle; docId: string; space: number; onComment: () => void }) {
  const e = handle.editor;
  const file = useRef<HTMLInputElement>(null);
  const [picking, setPicking] = useState(false);
  const upload = useAction(async (f: File) => {
    const src = await docs.uploadImage(docId, f);
    handle.insertImage(src, f.name);
  });
  const b = (label: Key, active: boolean, run: () => void, id?: string) => (
    <button type="button" class={active ? "btn on" : "btn"} aria-pressed={active} onClick={run} id={id}
      onMouseDown={(ev) => ev.preventDefault()}>
      {t(label)}
    </button>
  );
  return (
    <div class="ws-toolbar" role="toolbar" aria-label={t("editor.toolbar")}>
      {b("editor.bold", e.isActive("bold"), () => e.chain().focus().toggleBold().run(), "tb-bold")}
      {b("editor.italic", e.isActive("italic"), () => e.chain().focus().toggleItalic().run())}
      {b("editor.underline", e.isActive("underline"), () => e.chain().focus().toggleUnderline().run())}
      {b("editor.strike", e.isActive("strike"), () => e.chain().focus().toggleStrike().run())}
      {b("editor.heading", e.isActive("heading"), () => e.chain().focus().toggleHeading({ level: 2 }).run(), "tb-heading")}
      {b("editor.bullets", e.isActive("bulletList"), () => e.chain().focus().toggleBulletList().run())}
      {b("editor.numbers", e.isActive("orderedList"), () => e.chain().focus().toggleOrderedList().run())}
      {b("editor.tasks", e.isActive("taskList"), () => e.chain().focus().toggleTaskList().run(), "tb-tasks")}
      {b("editor.quote", e.isActive("blockquote"), () => e.chain().focus().toggleBlockquote().run())}
      {b("editor.code", e.isActive("codeBlock"), () => e.chain().focus().toggleCodeBlock().run())}
      {b("editor.link", e.isActive("link"), () => {
        const href = prompt(t("editor.linkPrompt"), (e.getAttributes("link").href as string) ?? "https://");
        if (href === null) return;
        if (href === "") e.chain().focus().unsetLink().run();
        else e.chain().focus().extendMarkRange("link").setLink({ href }).run();
      })}
      {b("editor.table", false, () => handle.insertTable(), "tb-table")}
      {b("editor.image", false, () => file.current?.click(), "tb-image")}
      <input ref={file} type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden id="image-file"
        aria-label={t("editor.image")}
        onChange={(ev) => {
          const f = ev.currentTarget.files?.[0];
          if (f) void upload.run(f);
          ev.currentTarget.value = "";
        }} />
      {b("editor.comment", false, onComment, "tb-comment")}
      {(spaceById(space)?.access.files ?? "none") !== "none" &&
        b("editor.spaceFile", picking, () => setPicking(!picking), "tb-space-file")}
      <ErrorNote error={upload.error} />
      {picking && (
        <FilePicker space={space} id="doc-file-picker" label={t("editor.spaceFileLabel")}
          onClose={() => { setPicking(false); document.getElementById("tb-space-file")?.focus(); }}
          onPick={(f) => {
            handle.insertSpaceFile({ id: f.id, name: f.name, image: f.preview === "image" });
            setPicking(false);
          }} />
      )}
    </div>
  );
}

function Comments(props: { docId: string; space: number; handle: EditorHandle | null; writable: boolean }) {
  const list = useLoad(() => docs.listComments(props.docId), [props.docId]);
  const [body, setBody] = useState("");
  const [showResolved, setShowResolved] = useState(false);
  const [anchor, setAnchor] = useState(() => props.handle?.selectionAnchor() ?? null);
  useEffect(() => onLiveEvent((ev) => {
    if (typeof ev.type === "string" && ev.type.startsWith("comment.") && ev.document === props.docId) list.reload();
  }), [props.docId]);
  useEffect(() => {
    const all = list.data ?? [];
    props.handle?.setComments(all.filter((c) => c.thread === null).map((c) => ({
      id: c.id, anchor_start: c.anchor_start, anchor_end: c.anchor_end, resolved: !!c.resolved_at,
    })));
  }, [list.data, props.handle]);
  useEffect(() => {
    const e = props.handle?.editor;
    if (!e) return;
    const follow = () => setAnchor(props.handle?.selectionAnchor() ?? null);
    e.on("selectionUpdate", follow);
    return () => void e.off("selectionUpdate", follow);
  }, [props.handle]);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    list.reload();
  });
  const threads = (list.data ?? []).filter((c) => c.thread === null && (showResolved || !c.resolved_at));
  const replies = (id: number) => (list.data ?? []).filter((c) => c.thread === id);
  return (
    <aside class="ws-card ws-side" aria-labelledby="comments-title" id="comments-panel">
      <h2 id="comments-title">{t("comments.title")}</h2>
      {props.writable && (
        <form class="ws-form" onSubmit={(e) => {
          e.preventDefault();
          if (!anchor || !body.trim()) return;
          void act.run(async () => {
            await docs.addComment(props.docId, { body, ...anchor });
            setBody("");
          });
        }}>
          {anchor ? <blockquote class="ws-quote">{anchor.quote}</blockquote> : <p class="ws-muted">{t("comments.select")}</p>}
          <label for="comment-body">{t("comments.new")}</label>
          <textarea id="comment-body" value={body} maxLength={10000} onInput={(e) => setBody(e.currentTarget.value)} />
          <button type="submit" class="btn primary" id="comment-send" disabled={!anchor || !body.trim()}>
            {t("comments.send")}
          </button>
        </form>
      )}
      <label class="ws-check">
        <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.currentTarget.checked)} />
        {t("comments.showResolved")}
      </label>
      <ErrorNote error={act.error || list.error} />
      {threads.length === 0 ? <p>{t("comments.none")}</p> : (
        <ul class="ws-comments">
          {threads.map((c) => (
            <Thread key={c.id} c={c} replies={replies(c.id)} writable={props.writable} act={act.run} docId={props.docId} />
          ))}
        </ul>
      )}
    </aside>
  );
}

function Thread(props: { c: Comment; replies: Comment[]; writable: boolean; docId: string; act: (w: () => Promise<unknown>) => Promise<boolean> }) {
  const { c } = props;
  const [reply, setReply] = useState("");
  const name = (id: number | null) => personName(personById(id));
  return (
    <li class={c.resolved_at ? "ws-thread resolved" : "ws-thread"} data-comment={c.id}>
      {c.quote && <blockquote class="ws-quote">{c.quote}</blockquote>}
      {[c, ...props.replies].map((r) => (
        <div class="ws-comment" key={r.id}>
          <strong>{name(r.author)}</strong> <span class="ws-muted">{fmtDate(r.created_at)}</span>
          <p>{r.body}</p>
        </div>
      ))}
      {c.resolved_at && <p class="ws-muted">{t("comments.resolved")} · {name(c.resolved_by)}</p>}
      {props.writable && (
        <>
          <button type="button" class="btn" onClick={() => void props.act(() => docs.editComment(props.docId, c.id, { resolved: !c.resolved_at }))}>
            {c.resolved_at ? t("comments.reopen") : t("comments.resolve")}
          </button>
          <form class="ws-inline-form" onSubmit={(e) => {
            e.preventDefault();
            if (reply.trim()) void props.act(async () => {
              await docs.addComment(props.docId, { body: reply, thread: c.id });
              setReply("");
            });
          }}>
            <label class="sr-only" for={`reply-${c.id}`}>{t("comments.replyLabel")}</label>
            <input id={`reply-${c.id}`} value={reply} placeholder={t("comments.replyLabel")} onInput={(e) => setReply(e.currentTarget.value)} />
            <button type="submit" class="btn">{t("comments.reply")}</button>
          </form>
        </>
      )}
    </li>
  );
}

function Versions({ docId, writable }: { docId: string; writable: boolean }) {
  const list = useLoad(() => docs.listVersions(docId), [docId]);
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ v: Version; text?: string; diff?: DiffLine[] } | null>(null);
  const act = useAction(async (work: () => Promise<unknown>) => {
    await work();
    list.reload();
  });
  return (
    <aside class="ws-card ws-side" aria-labelledby="versions-title" id="versions-panel">
      <h2 id="versions-title">{t("versions.title")}</h2>
      {writable && (
        <form class="ws-inline-form" onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void act.run(async () => {
            await docs.nameVersion(docId, name);
            setName("");
          });
        }}>
          <label class="sr-only" for="version-name">{t("versions.name")}</label>
          <input id="version-name" value={name} maxLength={120} placeholder={t("versions.name")} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit" class="btn" id="version-keep">{t("versions.keep")}</button>
        </form>
      )}
      <ErrorNote error={act.error || list.error} />
      {!list.data?.length ? <p>{t("versions.none")}</p> : (
        <ul class="ws-versions">
          {list.data.map((v) => (
            <li key={v.id} data-version={v.id}>
              <strong>{v.name ?? t("versions.auto")}</strong> <span class="ws-muted">{fmtDate(v.created_at)}</span>
              {v.authors.length > 0 && <span class="ws-muted"> · {t("versions.by", { names: v.authors.map((a) => personName(personById(a))).join(", ") })}</span>}
              <div>
                <button type="button" class="btn" onClick={() => void act.run(async () => setShown({ v, text: (await docs.getVersion(docId, v.id)).text }))}>
                  {t("versions.view")}
                </button>
                <button type="button" class="btn" onClick={() => void act.run(async () => setShown({ v, diff: await docs.diffVersion(docId, v.id) }))}>
                  {t("versions.diff")}
                </button>
                {writable && (
                  <button type="button" class="btn version-restore" onClick={() => void act.run(() => docs.restoreVersion(docId, v.id))}>
                    {t("versions.restore")}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <div class="ws-version-view" id="version-view">
          <h3>{shown.v.name ?? t("versions.auto")} · {fmtDate(shown.v.created_at)}</h3>
          {shown.text !== undefined && <pre>{shown.text}</pre>}
          {shown.diff && (
            <pre class="ws-diff">
              {shown.diff.map((l, i) => (
                <div key={i} class={l.op}>{l.op === "added" ? "+ " : l.op === "removed" ? "− " : "  "}{l.text}</div>
              ))}
            </pre>
          )}
          <button type="button" class="btn" onClick={() => setShown(null)}>{t("versions.close")}</button>
        </div>
      )}
    </aside>
  );
}
