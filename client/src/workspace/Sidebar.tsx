// The side navigation: the person's spaces with their unread counts, the channels of the
// space open, the direct conversations. At phone width it opens over the page (☰).

import { useEffect } from "preact/hooks";
import { t, tn } from "./i18n";
import { route, paths } from "./router";
import { channels, directs, loadChannels, me, personName, spaces, spaceCounts } from "./store";
import type { Channel } from "./types";
import { Badge, Icon, Link } from "./ui";

export function directTitle(d: Channel): string {
  const others = d.members.filter((p) => p.name !== me.value?.name);
  return (others.length ? others : d.members).map(personName).join(", ") || d.name;
}

export function Sidebar({ onClose }: { onClose: () => void }) {
  const r = route.value;
  const current = "space" in r ? r.space : undefined;
  const channelId = "channel" in r ? r.channel : undefined;
  useEffect(() => {
    if (current !== undefined && !channels.value[current]) void loadChannels(current).catch(() => {});
  }, [current]);
  const list = spaces.value ?? [];
  return (
    <nav
      id="ws-nav"
      class="ws-nav"
      aria-label={t("nav.label")}
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <h2 class="ws-nav-title">
        <Link href={paths.home()}>{t("nav.spaces")}</Link>
      </h2>
      <ul class="ws-nav-list">
        {list.map((s) => {
          const c = spaceCounts(s);
          const here = s.id === current;
          return (
            <li key={s.id}>
              <Link
                href={paths.space(s.id)}
                class={here ? "current" : ""}
                aria-current={here && r.name === "space" ? "page" : undefined}
              >
                <span class="ws-nav-name">{s.name}</span>
                <Badge n={c.mentions} mention label={tn("count.mentions", c.mentions)} />
                <Badge n={c.mentions ? 0 : c.unread} label={tn("count.unread", c.unread)} />
              </Link>
              {here && (
                <ul class="ws-nav-sub" aria-label={t("space.channels")}>
                  {(channels.value[s.id] ?? []).map((ch) => (
                    <li key={ch.id}>
                      <Link
                        href={paths.channel(s.id, ch.id)}
                        aria-current={ch.id === channelId ? "page" : undefined}
                        class={ch.unread ? "unread" : ""}
                      >
                        <Icon name={ch.private ? "lock" : "hash"} />
                        <span class="ws-nav-name">{ch.name}</span>
                        <Badge n={ch.mentions ?? 0} mention label={tn("count.mentions", ch.mentions ?? 0)} />
                        <Badge n={ch.mentions ? 0 : ch.unread ?? 0} label={tn("count.unread", ch.unread ?? 0)} />
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
      <h2 class="ws-nav-title">
        <Link href={paths.directs()} aria-current={r.name === "directs" ? "page" : undefined}>
          {t("nav.directs")}
        </Link>
      </h2>
      <ul class="ws-nav-list">
        {(directs.value ?? []).map((d) => (
          <li key={d.id}>
            <Link href={paths.direct(d.id)} aria-current={d.id === channelId ? "page" : undefined}>
              <span class="ws-nav-name">{directTitle(d)}</span>
              <Badge n={d.unread ?? 0} label={tn("count.unread", d.unread ?? 0)} />
            </Link>
          </li>
        ))}
      </ul>
      <h2 class="ws-nav-title">
        <Link href={paths.search("")}>{t("nav.search")}</Link>
      </h2>
      <TransfersLink current={r.name === "transfers"} />
      {me.value?.operator && <UsageLink current={r.name === "usage"} />}
    </nav>
  );
}

function TransfersLink({ current }: { current: boolean }) {
  return (
    <h2 class="ws-nav-title">
      <Link href={paths.transfers()} aria-current={current ? "page" : undefined}>
        {t("nav.transfers")}
      </Link>
    </h2>
  );
}

/** The installation's usage statistics, for its operators only. */
function UsageLink({ current }: { current: boolean }) {
  return (
    <h2 class="ws-nav-title">
      <Link href={paths.usage()} aria-current={current ? "page" : undefined}>
        {t("nav.usage")}
      </Link>
    </h2>
  );
}
