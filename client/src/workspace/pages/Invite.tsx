// The page an invitation e-mail links to (/invite/<token>): the space's name, who invited,
// until when; a display name; accept, and land in the space (as a guest if not signed in).

import { useEffect, useState } from "preact/hooks";
import * as api from "../api";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { go, paths } from "../router";
import { loadMe, loadSpaces, me } from "../store";
import type { InvitationInfo } from "../types";
import { ErrorNote, Loading, useAction } from "../ui";

export function InvitePage({ token }: { token: string }) {
  const [info, setInfo] = useState<InvitationInfo | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState("");
  useEffect(() => {
    api.getInvitation(token).then(setInfo, setError);
  }, [token]);
  const m = me.value;
  const accept = useAction(async () => {
    const done = await api.acceptInvitation(token, m?.signedIn ? undefined : name.trim());
    await loadMe();
    await loadSpaces().catch(() => {});
    go(paths.space(done.space.id));
  });
  if (error)
    return (
      <section class="ws-card">
        <h1 tabIndex={-1}>{t("invitation.bad")}</h1>
        <ErrorNote error={error} />
      </section>
    );
  if (!info || !m) return <Loading />;
  const by = info.invited_by;
  return (
    <section class="ws-card">
      <h1 tabIndex={-1}>{t("invitation.title", { name: info.space_name })}</h1>
      {by && <p>{t("invitation.by", { name: by })}</p>}
      <p class="ws-muted">{t("invitation.until", { date: fmtDate(info.expires_at) })}</p>
      <form
        class="ws-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (m.signedIn || name.trim()) void accept.run();
        }}
      >
        {m.signedIn ? (
          <p>{t("invitation.as", { name: m.displayName ?? m.name ?? "" })}</p>
        ) : (
          <>
            <label for="guest-name">{t("invitation.name")}</label>
            <input
              id="guest-name"
              required
              maxLength={64}
              autoComplete="name"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <p class="ws-hint">{t("invitation.nameHint")}</p>
          </>
        )}
        <ErrorNote error={accept.error} />
        <div class="ws-actions">
          <button type="submit" class="btn primary" id="accept-invitation" disabled={accept.busy || (!m.signedIn && !name.trim())}>
            {t("invitation.accept")}
          </button>
        </div>
      </form>
      {!m.signedIn && (
        <p>
          <a href={`/auth/login?next=${encodeURIComponent(location.pathname)}`}>{t("invitation.signIn")}</a>
        </p>
      )}
    </section>
  );
}
