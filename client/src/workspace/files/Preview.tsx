// A file's preview in a dialog: an image or a PDF's first page as the server's large
// thumbnail, a text's first KB as text (never markup), what the virus scanner said, and
// its download. Nothing of the file runs in the page: HTML, SVG and the rest have none.

import { t } from "../i18n";
import { Dialog, ErrorNote, Loading, useLoad } from "../ui";
import * as files from "./api";
import type { FileItem } from "./api";
import { fmtSize } from "./upload";

export function scanLabel(f: FileItem): string {
  switch (f.scan) {
    case "clean":
      return t("files.scanClean");
    case "unscanned":
      return t("files.scanNone");
    case "too_large":
      return t("files.scanTooLarge");
    default:
      return t("files.scanOld");
  }
}

export function PreviewDialog(props: { file: FileItem; onClose: () => void }) {
  const { file } = props;
  const preview = useLoad(() => files.preview(file.id), [file.id]);
  const p = preview.data;
  return (
    <Dialog title={t("files.previewOf", { name: file.name })} onClose={props.onClose} wide>
      <div class="ws-preview" id="file-preview">
        {preview.loading && !p && <Loading />}
        <ErrorNote error={preview.error} />
        {p?.thumbnail && (
          <img src={files.thumbnailUrl(file, "large")} alt={t("files.previewOf", { name: file.name })}
            class="ws-preview-image" id="preview-image" />
        )}
        {p?.kind === "text" && (
          <pre class="ws-preview-text" id="preview-text" tabIndex={0}>
            {p.text}
            {p.truncated ? `\n${t("files.textMore")}` : ""}
          </pre>
        )}
        {p?.kind === "none" && <p>{t("files.noPreview")}</p>}
      </div>
      <p class="ws-muted">
        {fmtSize(file.size)} · <span id="preview-scan">{scanLabel(file)}</span>
      </p>
      <div class="ws-dialog-actions">
        <a class="btn primary" href={files.downloadUrl(file)} download={file.name}>
          {t("files.download")}
        </a>
        <button type="button" class="btn" id="preview-close" onClick={props.onClose}>
          {t("files.close")}
        </button>
      </div>
    </Dialog>
  );
}
