import type { ServerResponse } from 'node:http';
import { TABLE_CONTENT_TYPE } from './table-output';

/** A JSON answer; warnings go out as `Warning: 299 - "<text>"` headers, which kubectl prints as `Warning: <text>`. */
export function sendJson(response: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  if (warnings.length) response.setHeader('Warning', warnings.map((warning) => `299 - ${JSON.stringify(warning)}`));
  sendRaw(response, code, 'application/json', JSON.stringify(body));
}

export function sendTable(response: ServerResponse, table: unknown): void {
  sendRaw(response, 200, TABLE_CONTENT_TYPE, JSON.stringify(table));
}

export function sendRaw(response: ServerResponse, code: number, contentType: string, text: string): void {
  response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  response.end(text);
}

/** Plain text as Go's http handlers write it (the supervisor's answers, health checks). */
export function sendText(response: ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff' });
  response.end(text);
}
