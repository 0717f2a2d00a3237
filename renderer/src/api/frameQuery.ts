/** The query string of a frame-server URL, shared by both transports. */

/** `?index=N[&width=W&height=H]`: the query of a frame URL. */
export function frameQuery(index: number, size?: { width: number; height: number }): string {
  const sized = size ? `&width=${size.width}&height=${size.height}` : '';
  return `?index=${index}${sized}`;
}
