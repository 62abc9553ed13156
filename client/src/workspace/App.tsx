// The workspace's frame: the top bar, the side navigation (spaces, channels, direct
// conversations), the page of the route, and the live connection while signed in.

import { useEffect, useRef, useState } from "preact/hooks";
import { setLang, type Lang } from "../i18n";
import { t, tn, lang, type Key } from "./i18n";
import { liveState, startLive } from "./live";
import { route, go, paths, type Route } from "./router";
import { announcement, loadDirects, loadMe, loadNotices, loadSpaces, me, unreadNotices } from "./store";
import { Sidebar } from "./Sidebar";
import { ErrorNote, Icon, Link, Loading } from "./ui";
import { HomePage } from "./pages/Home";
import { SpacePage } from "./pages/Space";
import { ChannelPage } from "./pages/Channel";
import { DirectsPage } from "./pages/Directs";
import { SearchPage } from "./pages/Search";
import { NotificationsPage } from "./pages/Notifications";
import { SettingsPage } from "./pages/Settings";
import { AdminPage } from "./pages/Admin";
import { InvitePage } from "./pages/Invite";
import { DocumentsPage } from "./pages/Documents";
import { FilesPage } from "./pages/Files";
import { SharedPage } from "./pages/Shared";
import { ReceivedPage } from "./pages/Received";
import { TransfersPage } from "./pages/Transfers";
import { UsagePage } from "./pages/Usage";
import { VoucherPage } from "./pages/Voucher";
import { DocumentPage } from "./pages/Document";
import { CalendarPage } from "./pages/Calendar";
import { BoardsPage } from "./pages/Boards";
import { BoardPage } from "./pages/Board";
import { PollsPage } from "./pages/Polls";
import { MyTasksPage } from "./pages/MyTasks";
import { PollPage } from "./pages/Poll";

export function App() {
  const r = route.value;
  const [error, setError] = useState<unknown>(null);
  const [navOpen, setNavOpen] = useState(false);
  const m = me.value;

  useEffect(() => {
    loadMe().catch(setError);
  }, []);

  const signedIn = !!m?.signedIn;
  useEffect(() => {
    if (!signedIn) return;
    void loadSpaces().catch(setError);
    void loadDirects().catch(() => {});
    void loadNotices().catch(() => {});
    return startLive();
  }, [signedIn]);

  // A new page: its heading takes the focus (not on the first load), the menu closes.
  const first = useRef(true);
  const main = useRef<HTMLElement>(null);
  const key = routeKey(r);
  useEffect(() => {
    setNavOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
  }, [key]);

  useEffect(() => {
    document.title = `${t(TITLES[r.name])} · Palabre`;
  }, [key, lang.value]);

  const solo = soloPage(r);
  if (solo)
    return (
      <Frame signedIn={signedIn}>
        <main id="main" class="ws-main solo" ref={main}>
          {solo}
        </main>
      </Frame>
    );
  if (error && !m)
    return (
      <Frame signedIn={false}>
        <main id="main" class="ws-main solo">
          <ErrorNote error={error} />
        </main>
      </Frame>
    );
  if (!m) return <Loading />;
  if (!m.signedIn)
    return (
      <Frame signedIn={false}>
        <main id="main" class="ws-main solo">
          <SignIn />
        </main>
      </Frame>
    );

  return (
    <Frame signedIn navOpen={navOpen} onNav={() => setNavOpen(!navOpen)}>
      <div class={navOpen ? "ws-shell nav-open" : "ws-shell"}>
        <Sidebar onClose={() => setNavOpen(false)} />
        <main id="main" class="ws-main" ref={main}>
          {liveState.value === "closed" && (
            <p class="ws-offline" role="status">
              {t("live.offline")}
            </p>
          )}
          <Page r={r} />
        </main>
      </div>
    </Frame>
  );
}

/** The pages shown on their own, to people who may have no account: an invitation, a link. */
function soloPage(r: Route) {
  if (r.name === "invite") return <InvitePage token={r.token} />;
  if (r.name === "shared") return <SharedPage token={r.token} />;
  if (r.name === "received") return <ReceivedPage token={r.token} />;
  if (r.name === "voucher") return <VoucherPage token={r.token} />;
  return null;
}

const TITLES: Record<Route["name"], Key> = {
  home: "title.home",
  space: "title.space",
  channel: "title.channel",
  admin: "title.admin",
  documents: "title.documents",
  document: "title.document",
  files: "title.files",
  calendar: "title.calendar",
  boards: "title.boards",
  board: "title.boards",
  polls: "title.polls",
  mycalendar: "title.calendar",
  mytasks: "title.boards",
  poll: "title.polls",
  directs: "title.directs",
  direct: "title.direct",
  search: "title.search",
  notifications: "title.notifications",
  settings: "title.settings",
  invite: "title.invite",
  shared: "title.shared",
  transfers: "title.transfers",
  usage: "title.usage",
  received: "title.received",
  voucher: "title.voucher",
  notfound: "title.notfound",
};

function routeKey(r: Route): string {
  switch (r.name) {
    case "space":
    case "admin":
    case "documents":
    case "calendar":
    case "boards":
      return `${r.name}:${r.space}`;
    case "files":
      return `${r.name}:${r.space}:${r.folder ?? ""}:${r.trash ? 1 : 0}`;
    case "board":
      return `${r.name}:${r.board}`;
    case "poll":
      return `${r.name}:${r.poll}`;
    case "document":
      return `${r.name}:${r.document}`;
    case "channel":
    case "direct":
      return `${r.name}:${r.channel}`;
    default:
      return r.name;
  }
}

function Page({ r }: { r: Route }) {
  switch (r.name) {
    case "home":
      return <HomePage />;
    case "space":
      return <SpacePage key={r.space} space={r.space} />;
    case "documents":
      return <DocumentsPage key={r.space} space={r.space} trash={!!r.trash} />;
    case "files":
      return <FilesPage key={r.space} space={r.space} folder={r.folder} trash={!!r.trash} />;
    case "document":
      return <DocumentPage key={r.document} space={r.space} document={r.document} />;
    case "calendar":
      return <CalendarPage key={r.space} space={r.space} />;
    case "boards":
      return <BoardsPage key={r.space} space={r.space} />;
    case "board":
      return <BoardPage key={r.board} space={r.space} board={r.board} />;
    case "mycalendar":
      return <CalendarPage />;
    case "mytasks":
      return <MyTasksPage />;
    case "transfers":
      return <TransfersPage />;
    case "usage":
      return <UsagePage />;
    case "polls":
      return <PollsPage space={r.space} />;
    case "poll":
      return <PollPage key={r.poll} poll={r.poll} />;
    case "channel":
      return <ChannelPage key={r.channel} space={r.space} channel={r.channel} thread={r.thread} message={r.message} />;
    case "direct":
      return <ChannelPage key={r.channel} channel={r.channel} thread={r.thread} message={r.message} />;
    case "directs":
      return <DirectsPage />;
    case "search":
      return <SearchPage q={r.q} space={r.space} />;
    case "notifications":
      return <NotificationsPage />;
    case "settings":
      return <SettingsPage />;
    case "admin":
      return <AdminPage key={r.space} space={r.space} tab={r.tab} />;
    default:
      return (
        <section class="ws-card">
          <h1 tabIndex={-1}>{t("notfound.title")}</h1>
          <p>
            <Link href={paths.home()}>{t("nav.home")}</Link>
          </p>
        </section>
      );
  }
}

function Frame(props: {
  signedIn: boolean;
  navOpen?: boolean;
  onNav?: () => void;
  children: preact.ComponentChildren;
}) {
  const m = me.value;
  return (
    <div class="ws-root">
      <a class="skip-link" href="#main">
        {t("skip")}
      </a>
      <header class="topbar ws-topbar">
        {props.onNav && (
          <button
            type="button"
            class="btn icon-btn ws-nav-toggle"
            aria-expanded={props.navOpen}
            aria-controls="ws-nav"
            onClick={props.onNav}
          >
            <Icon name="menu" />
            <span class="sr-only">{t("nav.menu")}</span>
          </button>
        )}
        <a href="/" class="brand">
          Palabre
        </a>
        {props.signedIn && <TopbarTools />}
        {m?.signedIn && (
          <div class="account">
            <span class="who">{t("account.as", { name: m.displayName ?? m.name ?? "" })}</span>
            <a href="/auth/logout" id="sign-out">
              {t("account.signOut")}
            </a>
          </div>
        )}
        <LangSwitch />
      </header>
      {props.children}
      <p class="sr-only" aria-live="polite" role="status">
        {announcement.value}
      </p>
    </div>
  );
}

/** Signed out: the way to sign in (and back here). */
function SignIn() {
  return (
    <section class="ws-card">
      <h1 tabIndex={-1}>{t("signin.title")}</h1>
      <p>{t("signin.body")}</p>
      <a class="btn primary" href={`/auth/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
        {t("signin.go")}
      </a>
    </section>
  );
}

/** The top bar's search, notifications and settings, when signed in. */
function TopbarTools() {
  const [q, setQ] = useState("");
  const n = unreadNotices.value;
  return (
    <>
      <form
        class="ws-search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (q.trim()) go(paths.search(q.trim()));
        }}
      >
        <label for="ws-search" class="sr-only">
          {t("search.label")}
        </label>
        <input
          id="ws-search"
          type="search"
          value={q}
          placeholder={t("search.placeholder")}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      </form>
      <Link href={paths.notifications()} class="btn icon-btn ws-bell" id="ws-notifications-link">
        <Icon name="bell" />
        <span class="sr-only">{t("nav.notifications")}</span>
        {n > 0 && (
          <span class="ws-badge mention">
            <span aria-hidden="true">{n}</span>
            <span class="sr-only">{tn("notices.unread", n)}</span>
          </span>
        )}
      </Link>
      <Link href={paths.settings()} class="btn icon-btn" id="ws-settings-link">
        <Icon name="gear" />
        <span class="sr-only">{t("nav.settings")}</span>
      </Link>
    </>
  );
}

function LangSwitch() {
  const current = lang.value;
  return (
    <div class="lang">
      <label for="lang-select" class="sr-only">
        {t("lang.label")}
      </label>
      <select
        id="lang-select"
        class="lang-select"
        value={current}
        onChange={(e) => {
          setLang(e.currentTarget.value as Lang);
        }}
      >
        <option value="en" lang="en">
          English
        </option>
        <option value="fr" lang="fr">
          Français
        </option>
      </select>
    </div>
  );
}
