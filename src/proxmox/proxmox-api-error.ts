/**
 * What a Proxmox API error says. `proxmox-api` folds status, reason phrase and body into its Error's message; this
 * reads them back. The body's `message` exists only since PVE 8.3, so the reason phrase is the fallback
 * (pve-http-server puts the message's first line there).
 */
export class ProxmoxApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly parameterErrors: Record<string, string>,
  ) {
    super(`Proxmox API ${status}: ${detail}`);
    this.name = 'ProxmoxApiError';
  }

  static from(error: unknown): ProxmoxApiError | undefined {
    const text = error instanceof Error ? error.message : String(error);
    const match = /(?:return Error|connection failed with) (\d{3}) (.*?)(?: return)?: (\{.*\}|.*)$/s.exec(text);
    if (!match) return undefined;
    let body: { message?: string; errors?: Record<string, string> | string } = {};
    try {
      body = JSON.parse(match[3]);
    } catch {
      // Auth-layer errors have an empty body; the reason phrase is all there is.
    }
    const errors = typeof body.errors === 'object' && body.errors ? body.errors : {};
    const detail = (body.message ?? match[2]).trim();
    return new ProxmoxApiError(Number(match[1]), match[2], detail, errors);
  }

  /** The message plus each parameter error, as an operator would want to read it. */
  describe(): string {
    const params = Object.entries(this.parameterErrors).map(([key, value]) => `${key}: ${value}`);
    return params.length ? `${this.detail} (${params.join('; ')})` : this.detail;
  }
}
