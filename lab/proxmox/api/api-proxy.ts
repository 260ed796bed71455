import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where pveproxy forwards a request for another node: that node's API, trusted through the cluster's CA. */
export interface ProxyTarget {
  port: number;
  caPem: string;
}

/** Set on a forwarded request, so the node that receives it handles it instead of forwarding again. */
export const DISABLE_PROXY_HEADER = 'pvedisableproxy';

/** The path's node when it names one: `/nodes/pve2/lxc` -> 'pve2'. */
export function nodeOfPath(path: string): string | undefined {
  return path.match(/^\/nodes\/([^/]+)(?:\/|$)/)?.[1];
}

/**
 * pve-http-server AnyEvent.pm proxy_request: a call for another cluster node is sent on to that node's API with the
 * caller's credentials (ticket cookie and CSRF token, or the API token) and the parameters as a form, and its answer
 * goes back as it came. When the node does not answer, AnyEvent::HTTP's connection error comes back:
 * `595 Connection refused`.
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, body: string, target: ProxyTarget): Promise<void> {
  const headers: Record<string, string> = { [DISABLE_PROXY_HEADER]: 'true' };
  for (const name of ['authorization', 'cookie', 'csrfpreventiontoken', 'content-type']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  if (body) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve) => {
    const forwarded = https.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, ca: target.caPem, agent: false },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const data = Buffer.concat(chunks);
          const kept: Record<string, string> = { 'Content-Length': String(data.length) };
          if (answer.headers['content-type']) kept['Content-Type'] = answer.headers['content-type'];
          res.writeHead(answer.statusCode ?? 500, answer.statusMessage, kept);
          res.end(data);
          resolve();
        });
      },
    );
    forwarded.on('error', (error: NodeJS.ErrnoException) => {
      if (!res.headersSent) {
        res.writeHead(595, error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message, { 'Content-Length': 0 });
        res.end();
      }
      resolve();
    });
    forwarded.end(body);
  });
}
