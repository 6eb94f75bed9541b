/** A WebSocket close reason is at most 123 bytes of UTF-8: longer text is cut at a character boundary and ends in `…`. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let out = '';
  for (const ch of text) {
    if (Buffer.byteLength(out + ch) > 120) break;
    out += ch;
  }
  return out + '…';
}
