/** One `json-header` message: the decoded JSON header object and the body bytes. */
export interface JsonHeaderMessage {
  /** The JSON header, including its body-length field (filled in by `encode` if absent). */
  header: Record<string, unknown>;
  /** The body. */
  body: Uint8Array;
}
