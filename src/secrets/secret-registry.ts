/**
 * Every secret the suite handles is registered here the moment it is read, and every text that leaves the suite
 * (console, cucumber messages, Allure attachments, error messages, the change record) passes through `mask` first.
 * One per run, handed to whatever reads secrets or writes output.
 */
const MASK = '***';
// Fragments shorter than this would mask ordinary words; real secrets here are UUIDs, tokens and keys.
const MIN_SECRET_LENGTH = 6;

export class SecretRegistry {
  private readonly secrets = new Set<string>();

  register(secret: string | undefined): void {
    if (!secret) return;
    const trimmed = secret.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) this.secrets.add(trimmed);
    // A multi-line secret (a private key) may be printed line by line; mask each substantial line too.
    for (const line of trimmed.split('\n')) {
      const part = line.trim();
      if (part.length >= 16 && !part.startsWith('-----')) this.secrets.add(part);
    }
  }

  mask(text: string): string {
    let masked = text;
    // Longest first, so a token that contains a registered password is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      masked = masked.split(secret).join(MASK);
    }
    return masked;
  }

  /** The registered secrets, for the report scanner that proves none leaked. */
  list(): readonly string[] {
    return [...this.secrets];
  }
}
