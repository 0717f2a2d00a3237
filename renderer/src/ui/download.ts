/** Offers data as a file download (exports, saved frames, charts) through a temporary object URL. */

/** Starts the download of a blob as `fileName`. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; give it a moment before the URL goes (revoking
  // at once makes some browsers cancel it).
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Starts the download of `text` as `fileName`. */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  downloadBlob(fileName, new Blob([text], { type }));
}
