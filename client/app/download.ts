/** Saving what the page built as a file the browser downloads. */

/** A file name for `what` of socket `title`: `sockgate-127.0.0.1_7-2026-12-02T07-10-00-000Z.ext`. */
export function fileName(title: string, ext: string): string {
  return `sockgate-${title.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
}

/** Downloads `parts` as one file (a Blob joins them without another copy in script). */
export function download(parts: BlobPart[], type: string, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob(parts, { type }));
  a.download = name;
  a.click();
  // The download has the Blob once it starts; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
