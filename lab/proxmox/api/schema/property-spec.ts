/** One parameter or property-string key, in the terms PVE::JSONSchema uses. */
export interface PropertySpec {
  type: 'integer' | 'number' | 'boolean' | 'string';
  optional?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  enum?: string[];
  /** Anchored like JSONSchema's `pattern` (the value must match entirely). */
  pattern?: RegExp;
  /** A property-string format (`name=eth0,bridge=vmbr0`) or a named-format check that throws its message. */
  format?: PropertyStringFormat | ((value: string) => void);
}

export interface PropertyStringFormat {
  keys: Record<string, PropertySpec>;
  /** The key a bare value (no `k=`) belongs to, e.g. `volume` in `local-lvm:50,size=50G`. */
  defaultKey?: string;
}

export type Schema = Record<string, PropertySpec>;
