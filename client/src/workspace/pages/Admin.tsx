// A space's administration: members and roles, e-mail invitations, the space itself
// (rename, archive, delete with its grace period), the activity feed, the report.

import { useEffect, useState } from "preact/hooks";
import * as api from "../api";
import { fmtDate, fmtDateTime, fmtNumber, fmtRelative } from "../format";
import { t } from "../i18n";
import { paths } from "../router";
import { loadMembers, markAbsent, members, me, personName, upsertSpace, absent } from "../store";
import { ROLES, type Activity, type DirectoryEntry, type Invitation, type Member, type Report, type Role, type Space } from "../types";
import { Absent, Confirm, ErrorNote, Link, Loading, useAction } from "../ui";
import { useSpace } from "./Space";

const TABS = ["members", "invitations", "space", "activity", "report"] as const;
type Tab = (typeof TABS)[number];

export function AdminPage({ space: id, tab }: { space: number; tab?: string }) {
  const { space, error } = useSpace(id);
  const current: Tab = (TABS as readonly string[]).includes(tab ?? "") ? (tab as Tab) : "members";
  if (!space) return error ? <ErrorNote error={error} /> : <Loading />;
  const admin = space.role === "owner" || space.role === "admin";
  return (
    <div class="ws-admin">
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("admin.title", { name: space.name })}</h1>
        <p>
          <Link href={paths.space(space.id)}>{t("admin.back")}</Link>
        </p>
        <nav aria-label={t("admin.sections")} class="ws-tabs">
          {TABS.filter((x) => admin || x === "activity").map((x) => (
            <Link key={x} href={paths.admin(space.id, x)} aria-current={x === current ? "page" : undefined} class="btn">
              {t(("admin.tab." + x) as "admin.tab.members")}
            </Link>
          ))}
        </nav>
      </section>
      {current === "members" && admin && <MembersAdmin space={space} />}
      {current === "invitations" && admin && <Invitations space={space} />}
      {current === "space" && admin && <SpaceAdmin space={space} />}
      {current === "activity" && <ActivityFeed space={space} />}
      {current === "report" && admin && <ReportView space={space} />}
    </div>
  );
}

function roleName(r: Role): string {
  return t(("role." + r) as "role.owner");
}

function MembersAdmin({ space }: { space: Space }) {
  const list = members.value[space.id];
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  useEffect(() => {
    void loadMembers(space.id).catch(setError);
  }, [space.id]);
  const owner = space.role === "owner";
  const roles = ROLES.filter((r) => owner || (r !== "owner" && r !== "admin"));
  return (
    <section class="ws-card" aria-labelledby="members-admin-title">
      <h2 id="members-admin-title">{t("admin.tab.members")}</h2>
      <ErrorNote error={error} />
      {absent.value.has("members") ? (
        <Absent what={t("admin.tab.members")} />
      ) : !list ? (
        <Loading />
      ) : (
        <table class="ws-table">
          <caption class="sr-only">{t("admin.tab.members")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("admin.person")}</th>
              <th scope="col">{t("admin.role")}</th>
              <th scope="col">
                <span class="sr-only">{t("tokens.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <MemberRow key={p.id} p={p} space={space} roles={roles} onError={setError} onRemove={setRemoving} />
            ))}
          </tbody>
        </table>
      )}
      <AddMember space={space} roles={roles} />
      {removing && (
        <Confirm
          title={t("admin.removeTitle", { name: personName(removing) })}
          body={<p>{t("admin.removeBody", { name: personName(removing) })}</p>}
          ok={t("admin.remove")}
          danger
          onClose={() => setRemoving(null)}
          onOk={async () => {
            await api.removeMember(space.id, removing.id);
            await loadMembers(space.id);
          }}
        />
      )}
    </section>
  );
}

/** One member in the members table: who, their role (a select, locked for oneself and, but
 * for an owner, for owners and admins) and "Remove". */
function MemberRow(props: {
  p: Member;
  space: Space;
  roles: Role[];
  onError: (e: unknown) => void;
  onRemove: (p: Member) => void;
}) {
  const { p, space } = props;
  const self = p.name === me.value?.name;
  const locked = self || (space.role !== "owner" && (p.role === "owner" || p.role === "admin"));
  const sel = `role-${p.id}`;
  return (
    <tr>
      <td>
        {personName(p)} <span class="ws-muted">@{p.name}</span>
        {p.email && <div class="ws-muted">{p.email}</div>}
      </td>
      <td>
        <label for={sel} class="sr-only">
          {t("admin.roleOf", { name: personName(p) })}
        </label>
        <select
          id={sel}
          value={p.role}
          disabled={locked}
          onChange={(e) =>
            api
              .editMember(space.id, p.id, { role: e.currentTarget.value as Role })
              .then(() => loadMembers(space.id), props.onError)
          }
        >
          {(locked ? ROLES : props.roles).map((r) => (
            <option value={r} key={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </td>
      <td>
        {!locked && (
          <button type="button" class="btn small" onClick={() => props.onRemove(p)}>
            {t("admin.remove")}
          </button>
        )}
      </td>
    </tr>
  );
}

function AddMember({ space, roles }: { space: Space; roles: Role[] }) {
  const [user, setUser] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [found, setFound] = useState<DirectoryEntry[]>([]);
  useEffect(() => {
    const q = user.trim();
    if (q.length < 2) return setFound([]);
    const timer = setTimeout(() => {
      api.directory(q).then(setFound, (e) => markAbsent("directory", e));
    }, 250);
    return () => clearTimeout(timer);
  }, [user]);
  const add = useAction(async () => {
    await api.addMember(space.id, user.trim(), role);
    setUser("");
    await loadMembers(space.id);
  });
  return (
    <form
      class="ws-form"
      aria-labelledby="add-member-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (user.trim()) void add.run();
      }}
    >
      <h3 id="add-member-title">{t("admin.add")}</h3>
      <label for="add-member-name">{t("admin.addName")}</label>
      <input
        id="add-member-name"
        list="directory-list"
        autoComplete="off"
        value={user}
        onInput={(e) => setUser(e.currentTarget.value)}
      />
      <datalist id="directory-list">
        {found.map((p) => (
          <option value={p.name} key={p.name}>
            {p.display_name}
          </option>
        ))}
      </datalist>
      <label for="add-member-role">{t("admin.role")}</label>
      <select id="add-member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        {roles.map((r) => (
          <option value={r} key={r}>
            {roleName(r)}
          </option>
        ))}
      </select>
      <ErrorNote error={add.error} />
      <div class="ws-actions">
        <button type="submit" class="btn primary" disabled={add.busy || !user.trim()}>
          {t("admin.addGo")}
        </button>
      </div>
    </form>
  );
}

function inviter(i: Invitation): string {
  return i.invited_by ?? "";
}

function Invitations({ space }: { space: Space }) {
  const [list, setList] = useState<Invitation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    api.listInvitations(space.id).then(setList, (e) => {
      if (!markAbsent("invitations", e)) setError(e);
    });
  useEffect(() => {
    void load();
  }, [space.id]);
  return (
    <section class="ws-card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t("admin.tab.invitations")}</h2>
      {absent.value.has("invitations") ? (
        <Absent what={t("admin.tab.invitations")} />
      ) : (
        <>
          <InviteForm space={space} onSent={load} />
          <h3>{t("invite.pending")}</h3>
          <ErrorNote error={error} />
          {list === null ? (
            !error && <Loading />
          ) : list.length === 0 ? (
            <p>{t("invite.none")}</p>
          ) : (
            <ul class="ws-list" id="pending-invitations">
              {list.map((i) => (
                <li key={i.id}>
                  <strong>{i.email}</strong>{" "}
                  <span class="ws-muted">
                    {roleName(i.role)} · {t("invite.until", { date: fmtDate(i.expires_at) })}
                    {inviter(i) && <> · {t("invite.by", { name: inviter(i) })}</>}
                  </span>{" "}
                  <button
                    type="button"
                    class="btn small"
                    aria-label={t("invite.revokeFor", { email: i.email })}
                    onClick={() => api.revokeInvitation(space.id, i.id).then(load, setError)}
                  >
                    {t("invite.revoke")}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

/** Inviting someone by e-mail with a role (an admin may invite guests and members, an owner
 * admins too); says whether the invitation was mailed or gives its link. */
function InviteForm({ space, onSent }: { space: Space; onSent: () => Promise<unknown> }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("guest");
  const [sent, setSent] = useState("");
  const send = useAction(async () => {
    const to = email.trim();
    const made = await api.invite(space.id, to, role);
    setSent(made.mailed ? t("invite.sent", { email: to }) : t("invite.link", { email: to, link: made.link ?? "" }));
    setEmail("");
    await onSent();
  });
  const roles: Role[] = space.role === "owner" ? ["guest", "member", "admin"] : ["guest", "member"];
  return (
    <form
      class="ws-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (email.trim()) void send.run();
      }}
    >
      <label for="invite-email">{t("invite.email")}</label>
      <input
        id="invite-email"
        type="email"
        required
        autoComplete="off"
        value={email}
        onInput={(e) => setEmail(e.currentTarget.value)}
      />
      <label for="invite-role">{t("admin.role")}</label>
      <select id="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        {roles.map((r) => (
          <option value={r} key={r}>
            {roleName(r)}
          </option>
        ))}
      </select>
      <p class="ws-hint">{t("invite.hint")}</p>
      <ErrorNote error={send.error} />
      {sent && (
        <p role="status" class="ws-ok">
          {sent}
        </p>
      )}
      <div class="ws-actions">
        <button type="submit" class="btn primary" id="send-invitation" disabled={send.busy || !email.trim()}>
          {t("invite.send")}
        </button>
      </div>
    </form>
  );
}

function SpaceAdmin({ space }: { space: Space }) {
  const [confirm, setConfirm] = useState<"archive" | "delete" | null>(null);
  const restore = useAction(async () => upsertSpace(await api.restoreSpace(space.id)));
  const owner = space.role === "owner";
  return (
    <section class="ws-card" aria-labelledby="space-admin-title">
      <h2 id="space-admin-title">{t("admin.tab.space")}</h2>
      <SpaceForm space={space} />
      <h3>{t("admin.archiveTitle")}</h3>
      <p class="ws-hint">{t("admin.archiveHint")}</p>
      <button type="button" class="btn" id="archive-space" onClick={() => setConfirm("archive")}>
        {space.archived_at ? t("admin.unarchive") : t("admin.archive")}
      </button>
      {owner && (
        <>
          <h3>{t("admin.deleteTitle")}</h3>
          {space.delete_at ? (
            <>
              <p class="ws-warning" role="status">
                {t("admin.deletePending", { date: fmtDateTime(space.delete_at), when: fmtRelative(space.delete_at) })}
              </p>
              <ErrorNote error={restore.error} />
              <button type="button" class="btn" id="restore-space" onClick={() => void restore.run()}>
                {t("admin.restore")}
              </button>
            </>
          ) : (
            <>
              <p class="ws-hint">{t("admin.deleteHint")}</p>
              <button type="button" class="btn danger" id="delete-space" onClick={() => setConfirm("delete")}>
                {t("admin.delete")}
              </button>
            </>
          )}
        </>
      )}
      {confirm === "archive" && (
        <Confirm
          title={space.archived_at ? t("admin.unarchive") : t("admin.archiveConfirm", { name: space.name })}
          body={<p>{space.archived_at ? t("admin.unarchiveBody") : t("admin.archiveBody")}</p>}
          ok={space.archived_at ? t("admin.unarchive") : t("admin.archive")}
          onClose={() => setConfirm(null)}
          onOk={async () => {
            upsertSpace(await api.archiveSpace(space.id, !space.archived_at));
          }}
        />
      )}
      {confirm === "delete" && <DeleteSpaceConfirm space={space} onClose={() => setConfirm(null)} />}
    </section>
  );
}

/** A space's name and description, and saving them. */
function SpaceForm({ space }: { space: Space }) {
  const [name, setName] = useState(space.name);
  const [description, setDescription] = useState(space.description);
  const save = useAction(async () => {
    upsertSpace(await api.editSpace(space.id, { name: name.trim(), description: description.trim() }));
  });
  return (
    <form
      class="ws-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <label for="space-name">{t("home.name")}</label>
      <input id="space-name" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="space-description">{t("home.description")}</label>
      <textarea
        id="space-description"
        rows={3}
        value={description}
        onInput={(e) => setDescription(e.currentTarget.value)}
      />
      <ErrorNote error={save.error} />
      <div class="ws-actions">
        <button type="submit" class="btn primary" disabled={save.busy || !name.trim()}>
          {t("admin.save")}
        </button>
      </div>
    </form>
  );
}

/** Deleting a space (after its grace period): the owner types its name to confirm. */
function DeleteSpaceConfirm({ space, onClose }: { space: Space; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  return (
    <Confirm
      title={t("admin.deleteConfirm", { name: space.name })}
      body={
        <>
          <p>{t("admin.deleteBody")}</p>
          <label for="delete-confirm-name">{t("admin.deleteType", { name: space.name })}</label>
          <input
            id="delete-confirm-name"
            autoComplete="off"
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </>
      }
      ok={t("admin.delete")}
      danger
      disabled={typed !== space.name}
      onClose={() => {
        onClose();
        setTyped("");
      }}
      onOk={async () => {
        upsertSpace(await api.deleteSpace(space.id, typed));
      }}
    />
  );
}

function ActivityFeed({ space }: { space: Space }) {
  const [items, setItems] = useState<Activity[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const page = (before?: number) =>
    api.activity(space.id, before, 50).then(
      (answer) => {
        setItems((old) => (before ? [...(old ?? []), ...answer.items] : answer.items));
        setNext(answer.before);
      },
      (e) => {
        if (!markAbsent("activity", e)) setError(e);
      },
    );
  useEffect(() => {
    void page();
  }, [space.id]);
  return (
    <section class="ws-card" aria-labelledby="activity-title">
      <h2 id="activity-title">{t("admin.tab.activity")}</h2>
      <ErrorNote error={error} />
      {absent.value.has("activity") ? (
        <Absent what={t("admin.tab.activity")} />
      ) : items === null ? (
        !error && <Loading />
      ) : items.length === 0 ? (
        <p>{t("activity.none")}</p>
      ) : (
        <ol class="ws-activity">
          {items.map((a) => (
            <li key={a.id}>
              <time class="ws-muted" dateTime={a.created_at}>
                {fmtDateTime(a.created_at)}
              </time>{" "}
              <strong>{personName(a.actor) || t("msg.someone")}</strong> {activityText(a)}
            </li>
          ))}
        </ol>
      )}
      {items && next !== null && (
        <button type="button" class="btn" onClick={() => void page(next)}>
          {t("activity.more")}
        </button>
      )}
    </section>
  );
}

function activityText(a: Activity): string {
  const key = ("activity." + a.verb) as "activity.space.created";
  const s = t(key, { subject: a.subject });
  return s === key ? `${a.verb} ${a.subject}` : s;
}

function ReportView({ space }: { space: Space }) {
  const [weeks, setWeeks] = useState(12);
  const [data, setData] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setData(null);
    api.report(space.id, weeks).then(setData, (e) => {
      if (!markAbsent("report", e)) setError(e);
    });
  }, [space.id, weeks]);
  const memberCount = data ? Object.values(data.members).reduce((a, b) => a + b, 0) : 0;
  return (
    <section class="ws-card" aria-labelledby="report-title">
      <h2 id="report-title">{t("admin.tab.report")}</h2>
      <label for="report-weeks">{t("report.weeks")}</label>
      <select id="report-weeks" value={String(weeks)} onChange={(e) => setWeeks(Number(e.currentTarget.value))}>
        {[4, 12, 26, 52].map((w) => (
          <option value={String(w)} key={w}>
            {fmtNumber(w)}
          </option>
        ))}
      </select>
      <ErrorNote error={error} />
      {absent.value.has("report") ? (
        <Absent what={t("admin.tab.report")} />
      ) : !data ? (
        !error && <Loading />
      ) : (
        <>
          <p>
            {t("report.members", { n: fmtNumber(memberCount) })}{" "}
            <span class="ws-muted">
              ({ROLES.map((r) => `${roleName(r)} ${fmtNumber(data.members[r] ?? 0)}`).join(", ")})
            </span>
          </p>
          <table class="ws-table" id="report-table">
            <caption class="sr-only">{t("admin.tab.report")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("report.week")}</th>
                <th scope="col">{t("report.membersCol")}</th>
                <th scope="col">{t("report.messages")}</th>
                <th scope="col">{t("report.meetings")}</th>
                <th scope="col">{t("report.minutes")}</th>
              </tr>
            </thead>
            <tbody>
              {data.weeks.map((w) => (
                <tr key={w.week_start}>
                  <th scope="row">{fmtDate(w.week_start + "T00:00:00Z")}</th>
                  <td>{fmtNumber(w.members)}</td>
                  <td>{fmtNumber(w.messages)}</td>
                  <td>{fmtNumber(w.meetings)}</td>
                  <td>{fmtNumber(Math.round(w.meeting_minutes))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <a class="btn" href={api.reportCsvUrl(space.id, weeks)} download={`report-${space.id}.csv`} id="report-csv">
              {t("report.csv")}
            </a>
          </p>
        </>
      )}
    </section>
  );
}
