/** Guesses the `WxH:pix_fmt[:fps]` of a raw file from its name, as test sequences are usually named. */

const PIX_FMTS = [
  'yuv420p10le',
  'yuv422p10le',
  'yuv444p10le',
  'yuv420p',
  'yuv422p',
  'yuv444p',
  'nv12',
  'p010le',
  'gray',
];

/** "CiscoVT2people_320x192_12fps.yuv" → "320x192:yuv420p:12"; null when the name has no size. */
export function guessRawSpec(fileName: string): string | null {
  const size = /(?:^|[^0-9])(\d{2,5})[xX](\d{2,5})(?![0-9])/.exec(fileName);
  if (!size) return null;
  const lower = fileName.toLowerCase();
  const pixFmt = PIX_FMTS.find((f) => lower.includes(f)) ?? 'yuv420p';
  const fps = /(\d+(?:\.\d+)?)\s*(?:fps|hz|p(?=[^a-z0-9]|$))/i.exec(
    fileName.slice(size.index + size[0].length),
  );
  return `${size[1]}x${size[2]}:${pixFmt}${fps ? `:${fps[1]}` : ''}`;
}
