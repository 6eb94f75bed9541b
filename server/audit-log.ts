/**
 * One line per open, accept, close, denial and refused upgrade: time, event, then
 * key=value fields (values with spaces quoted). Request URLs are never logged, so the
 * token cannot leak into logs.
 */
export class AuditLog {
  constructor(private readonly sink: ((line: string) => void) | null) {}

  readonly write = (event: string, fields: Record<string, string | number | undefined>): void => {
    if (!this.sink) return;
    const parts = [new Date().toISOString(), event];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined || v === '') continue;
      const s = String(v);
      parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
    }
    this.sink(parts.join(' '));
  };
}
