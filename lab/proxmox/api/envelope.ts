import type { ServerResponse } from 'node:http';

/** pve-http-server answers JSON with exactly this type; proxmox-api only parses bodies that carry it verbatim. */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

/**
 * An error the API answers with (PVE::Exception): the HTTP code, the message (its first line becomes the reason
 * phrase), and per-parameter errors for a 400.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 400 as PVE::JSONSchema::validate and raise_param_exc raise it. */
export function parameterError(errors: Record<string, string>): ApiError {
  return new ApiError(400, 'Parameter verification failed.', errors);
}

/** 403 as raise_perm_exc raises it: `Permission check failed (/vms/102, VM.Allocate)`. */
export function permissionError(what: string): ApiError {
  return new ApiError(403, `Permission check failed (${what})`);
}

/** Auth-layer failures: an empty body, the reason in the status line only. */
export class AuthError extends ApiError {}

export function sendData(res: ServerResponse, data: unknown, extra: Record<string, unknown> = {}): void {
  const body = JSON.stringify({ data: data === undefined ? null : data, ...extra });
  res.writeHead(200, 'OK', { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  const reason = firstLine(error.message);
  if (error instanceof AuthError) {
    res.writeHead(error.status, reason, { 'Content-Length': 0 });
    res.end();
    return;
  }
  // PVE 8.3+ adds "message" (with its trailing newline) next to data:null; older servers only set the reason.
  const body = JSON.stringify({
    data: null,
    message: error.message.endsWith('\n') ? error.message : `${error.message}\n`,
    ...(error.errors ? { errors: error.errors } : {}),
  });
  res.writeHead(error.status, reason, { 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function firstLine(message: string): string {
  // A reason phrase may not carry control characters; Node refuses to write one that does.
  return message.split('\n')[0].replace(/[^\x20-\x7e]/g, ' ');
}
