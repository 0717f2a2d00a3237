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

/**
 * Downloads what a canvas shows as a PNG, on `background` (a chart drawn on a transparent canvas
 * would otherwise lose its dark backdrop and its light text in most image viewers).
 */
export function downloadCanvasPng(
  fileName: string,
  canvas: HTMLCanvasElement,
  background: string,
): Promise<void> {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return Promise.reject(new Error('This browser cannot draw the chart to an image.'));
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return new Promise((resolve, reject) => {
    out.toBlob((blob) => {
      if (!blob) {
        reject(new Error('The chart could not be encoded as PNG.'));
        return;
      }
      downloadBlob(fileName, blob);
      resolve();
    }, 'image/png');
  });
}
