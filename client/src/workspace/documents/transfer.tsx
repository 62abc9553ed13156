// Export and import (docs/documents.md): the document page's "Export" menu (a download per
// format, with or without the sub-pages) and the document list's "Import" (a file picker).

import { useRef, useState } from "preact/hooks";
import { EXPORT_FORMATS, exportUrl, importDocument } from "./api";
import { t, type Key } from "../i18n";
import { go, paths } from "../router";
import { ErrorNote, useAction } from "../ui";

export function ExportMenu({ docId }: { docId: string }) {
  const [subpages, setSubpages] = useState(false);
  return (
    <details class="ws-export" id="export-menu">
      <summary class="btn">{t("export.title")}</summary>
      <div class="ws-export-list" role="group" aria-label={t("export.title")}>
        <label>
          <input type="checkbox" id="export-subpages" checked={subpages}
            onChange={(e) => setSubpages(e.currentTarget.checked)} />{" "}
          {t("export.subpages")}
        </label>
        <ul>
          {EXPORT_FORMATS.map((f) => (
            <li key={f}>
              <a href={exportUrl(docId, f, subpages)} download id={`export-${f}`}>
                {t(`export.${f}` as Key)}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

export function ImportButton({ space }: { space: number }) {
  const file = useRef<HTMLInputElement>(null);
  const run = useAction(async (f: File) => {
    const made = await importDocument(space, f);
    go(paths.document(space, made.id));
  });
  return (
    <>
      <button type="button" class="btn" id="import-doc" disabled={run.busy} onClick={() => file.current?.click()}>
        {run.busy ? t("import.busy") : t("import.title")}
      </button>
      <input ref={file} type="file" hidden id="import-file" aria-label={t("import.title")}
        accept=".md,.markdown,.txt,.odt,.docx,text/markdown,application/vnd.oasis.opendocument.text,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        onChange={(ev) => {
          const f = ev.currentTarget.files?.[0];
          if (f) void run.run(f);
          ev.currentTarget.value = "";
        }} />
      <ErrorNote error={run.error} />
    </>
  );
}
