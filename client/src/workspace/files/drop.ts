// What a person gives to upload: files picked, a folder picked (webkitdirectory: each file
// knows its relative path), or files and folders dropped on the page (webkitGetAsEntry,
// folders walked to the end). Each becomes a file with the folders it goes into.

export interface Pick {
  file: File | null; // null: an empty folder, made all the same
  folders: string[]; // the folders to make (or find) under the current one, outermost first
}

/** Files of an <input>: with webkitdirectory each carries its path ("Folder/sub/a.txt"). */
export function fromInput(list: FileList | null): Pick[] {
  return [...(list ?? [])].map((file) => {
    const parts = (file.webkitRelativePath || file.name).split("/").filter(Boolean);
    return { file, folders: parts.slice(0, -1) };
  });
}

/** Files and folders dropped: read before the event ends (its items go away after). */
export async function fromDrop(data: DataTransfer): Promise<Pick[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of [...data.items]) {
    if (item.kind !== "file") continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  const picks: Pick[] = loose.map((file) => ({ file, folders: [] }));
  for (const entry of entries) await walk(entry, [], picks);
  return picks;
}

async function walk(entry: FileSystemEntry, folders: string[], out: Pick[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, folders });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const inside = [...folders, entry.name];
  // readEntries gives a batch at a time (100 in Chromium): read until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const child of batch) await walk(child, inside, out);
  }
  if (!out.some((p) => p.folders.length >= inside.length && inside.every((n, i) => p.folders[i] === n))) {
    out.push({ file: null, folders: inside });
  }
}
