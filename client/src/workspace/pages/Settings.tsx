// The person's settings: language, notification level per space and per channel, who they
// are, and personal access tokens for scripts and bots.

import { useEffect, useState } from "preact/hooks";
import { setLang, type Lang } from "../../i18n";
import * as api from "../api";
import { fmtDate } from "../format";
import { lang, t } from "../i18n";
import { absent, channels, loadChannels, markAbsent, me, patchChannel, spaces, upsertSpace } from "../store";
import type { ChannelNotify, NotifyLevel, Preferences, PreferencesEdit, Space, Token } from "../types";
import { Absent, Confirm, ErrorNote, Loading, useAction } from "../ui";

const SPACE_LEVELS: NotifyLevel[] = ["all", "mentions", "none"];
const CHANNEL_LEVELS: ChannelNotify[] = ["default", "all", "mentions", "none"];

export function SettingsPage() {
  const m = me.value;
  return (
    <>
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("settings.title")}</h1>
        <h2>{t("settings.you")}</h2>
        <p>
          {m?.displayName} <span class="ws-muted">@{m?.name}</span>
        </p>
        <p>
          <a href="/auth/logout" id="settings-sign-out">
            {t("account.signOut")}
          </a>
        </p>
        <label for="settings-lang">{t("lang.label")}</label>
        <select id="settings-lang" value={lang.value} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
          <option value="en" lang="en">
            English
          </option>
          <option value="fr" lang="fr">
            Français
          </option>
        </select>
        <MailLanguage />
        <Profile />
      </section>
      <section class="ws-card" aria-labelledby="notify-title">
        <h2 id="notify-title">{t("settings.notify")}</h2>
        <p class="ws-hint">{t("settings.notifyHint")}</p>
        {(spaces.value ?? []).map((s) => (
          <SpaceNotify key={s.id} space={s} />
        ))}
      </section>
      <Tokens />
    </>
  );
}

/** The name the people of the person's spaces see, and whether they see the e-mail address. */
function Profile() {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [name, setName] = useState("");
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.getPreferences().then(
      (p) => {
        setPrefs(p);
        setName(p.display_name);
      },
      (e) => {
        if (!markAbsent("preferences", e)) setError(e);
      },
    );
  }, []);
  if (prefs === null) return <ErrorNote error={error} />;
  const change = (edit: PreferencesEdit) =>
    api.setPreferences(edit).then((p) => {
      setPrefs(p);
      setName(p.display_name);
      setError(null);
      setSaved(true);
      if (me.value) me.value = { ...me.value, displayName: p.display_name };
    }, setError);
  return (
    <>
      <form
        class="ws-form"
        onSubmit={(e) => {
          e.preventDefault();
          void change({ display_name: name });
        }}
      >
        <label for="settings-name">{t("settings.displayName")}</label>
        <input
          id="settings-name"
          value={name}
          maxLength={128}
          required
          onInput={(e) => {
            setName(e.currentTarget.value);
            setSaved(false);
          }}
        />
        <button type="submit">{t("settings.saveName")}</button>
        {saved && <span role="status">{t("settings.saved")}</span>}
      </form>
      <p class="ws-hint">{t("settings.youHint")}</p>
      {prefs.email && (
        <label class="ws-check">
          <input
            type="checkbox"
            id="settings-show-email"
            checked={prefs.email_visible}
            onChange={(e) => void change({ email_visible: e.currentTarget.checked })}
          />
          {t("settings.showEmail", { email: prefs.email })}
        </label>
      )}
      <ErrorNote error={error} />
    </>
  );
}

/** The language the server writes e-mail (invitations, digests) to the person in. */
function MailLanguage() {
  const [value, setValue] = useState<"" | "fr" | "en" | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.getPreferences().then(
      (p) => setValue(p.language ?? ""),
      (e) => {
        if (!markAbsent("preferences", e)) setError(e);
      },
    );
  }, []);
  if (value === null) return <ErrorNote error={error} />;
  return (
    <>
      <label for="settings-mail-lang">{t("settings.mailLang")}</label>
      <select
        id="settings-mail-lang"
        value={value}
        onChange={(e) => {
          const next = e.currentTarget.value as "" | "fr" | "en";
          api.setPreferences({ language: next || null }).then(() => setValue(next), setError);
        }}
      >
        <option value="">{t("settings.mailLangDefault")}</option>
        <option value="en" lang="en">
          English
        </option>
        <option value="fr" lang="fr">
          Français
        </option>
      </select>
      <ErrorNote error={error} />
    </>
  );
}

function SpaceNotify({ space }: { space: Space }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open && !channels.value[space.id]) void loadChannels(space.id).catch(setError);
  }, [open]);
  const id = `notify-space-${space.id}`;
  return (
    <div class="ws-notify-space">
      <label for={id}>{space.name}</label>
      <select
        id={id}
        value={space.notify ?? "all"}
        onChange={(e) => {
          const level = e.currentTarget.value as NotifyLevel;
          api.setSpaceNotify(space.id, level).then(
            () => upsertSpace({ ...space, notify: level }),
            (err) => {
              if (!markAbsent("notify", err)) setError(err);
            },
          );
        }}
      >
        {SPACE_LEVELS.map((l) => (
          <option value={l} key={l}>
            {t(("notify." + l) as "notify.all")}
          </option>
        ))}
      </select>
      <button type="button" class="btn small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t("settings.perChannel")}
      </button>
      <ErrorNote error={error} />
      {absent.value.has("notify") && <Absent what={t("settings.notify")} />}
      {open && (
        <ul class="ws-list">
          {(channels.value[space.id] ?? []).map((c) => {
            const cid = `notify-channel-${c.id}`;
            return (
              <li key={c.id} class="ws-notify-channel">
                <label for={cid}>#{c.name}</label>
                <select
                  id={cid}
                  value={c.notify ?? "default"}
                  onChange={(e) => {
                    const level = e.currentTarget.value as ChannelNotify;
                    api.setChannelNotify(c.id, level).then(() => patchChannel(c.id, { notify: level }), setError);
                  }}
                >
                  {CHANNEL_LEVELS.map((l) => (
                    <option value={l} key={l}>
                      {t(("notify." + l) as "notify.all")}
                    </option>
                  ))}
                </select>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

function Tokens() {
  const [list, setList] = useState<Token[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<Token | null>(null);
  const [revoke, setRevoke] = useState<Token | null>(null);
  const load = () =>
    api.listTokens().then(setList, (e) => {
      if (!markAbsent("tokens", e)) setError(e);
    });
  useEffect(() => {
    void load();
  }, []);
  return (
    <section class="ws-card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t("tokens.title")}</h2>
      <p class="ws-hint">{t("tokens.hint")}</p>
      <ErrorNote error={error} />
      {absent.value.has("tokens") ? (
        <Absent what={t("tokens.title")} />
      ) : list === null ? (
        !error && <Loading />
      ) : (
        <>
          {list.length === 0 ? <p>{t("tokens.none")}</p> : <TokensTable list={list} onRevoke={setRevoke} />}
          {made?.token && <NewToken token={made.token} />}
          <TokenForm setMade={setMade} reload={load} />
        </>
      )}
      {revoke && (
        <Confirm
          title={t("tokens.revokeTitle", { name: revoke.name })}
          body={<p>{t("tokens.revokeBody")}</p>}
          ok={t("tokens.revoke")}
          danger
          onClose={() => setRevoke(null)}
          onOk={async () => {
            await api.deleteToken(revoke.id);
            await load();
          }}
        />
      )}
    </section>
  );
}

/** One's access tokens: name, scopes, expiry, and "Revoke". */
function TokensTable({ list, onRevoke }: { list: Token[]; onRevoke: (tok: Token) => void }) {
  return (
    <table class="ws-table">
      <caption class="sr-only">{t("tokens.title")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("tokens.name")}</th>
          <th scope="col">{t("tokens.scopes")}</th>
          <th scope="col">{t("tokens.expires")}</th>
          <th scope="col">
            <span class="sr-only">{t("tokens.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {list.map((tok) => (
          <tr key={tok.id}>
            <td>{tok.name}</td>
            <td>{tok.scopes === "read" ? t("tokens.readOnly") : t("tokens.readWrite")}</td>
            <td>{tok.expires_at ? fmtDate(tok.expires_at) : t("tokens.never")}</td>
            <td>
              <button type="button" class="btn small" onClick={() => onRevoke(tok)}>
                {t("tokens.revoke")}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A token just made: its value, shown once, to copy. */
function NewToken({ token }: { token: string }) {
  return (
    <div class="ws-secret" role="status">
      <p>{t("tokens.once")}</p>
      <label for="new-token">{t("tokens.value")}</label>
      <input id="new-token" readOnly value={token} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="btn small" onClick={() => void navigator.clipboard?.writeText(token)}>
        {t("tokens.copy")}
      </button>
    </div>
  );
}

/** Making a token: its name, read-only or read-write, and its life in days (none: forever). */
function TokenForm(props: { setMade: (tok: Token) => void; reload: () => Promise<unknown> }) {
  const [name, setName] = useState("");
  const [write, setWrite] = useState(false);
  const [days, setDays] = useState("90");
  const create = useAction(async () => {
    const tok = await api.createToken(name.trim(), write ? "read write" : "read", days ? Number(days) * 86400 : undefined);
    props.setMade(tok);
    setName("");
    await props.reload();
  });
  return (
    <form
      class="ws-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) void create.run();
      }}
    >
      <label for="token-name">{t("tokens.name")}</label>
      <input id="token-name" required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label class="ws-check">
        <input type="checkbox" checked={write} onChange={(e) => setWrite(e.currentTarget.checked)} />
        {t("tokens.write")}
      </label>
      <label for="token-days">{t("tokens.days")}</label>
      <input
        id="token-days"
        type="number"
        min={1}
        max={3650}
        inputMode="numeric"
        value={days}
        onInput={(e) => setDays(e.currentTarget.value)}
      />
      <ErrorNote error={create.error} />
      <div class="ws-actions">
        <button type="submit" class="btn primary" disabled={create.busy || !name.trim()}>
          {t("tokens.create")}
        </button>
      </div>
    </form>
  );
}
