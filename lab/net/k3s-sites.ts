import { createHash } from 'node:crypto';
import { releaseAssets } from './k3s-release-assets';
import type { K3sChannels } from './k3s-releases';
import type { OutsideRequest, OutsideResponse, OutsideSite } from './outside-world';

const GITHUB_RELEASES = '/k3s-io/k3s/releases';
const ASSET_HOST = 'release-assets.githubusercontent.com';

const text = (status: number, body: string, type = 'text/plain; charset=utf-8'): OutsideResponse => ({ status, headers: { 'content-type': type }, body: Buffer.from(body) });
const redirect = (location: string): OutsideResponse => ({ status: 302, headers: { location, 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(`<a href="${location}">Found</a>.\n\n`) });

/**
 * k3s's download infrastructure as install.sh meets it:
 * - get.k3s.io serves install.sh;
 * - update.k3s.io/v1-release/channels/<name> answers 302 to github.com/k3s-io/k3s/releases/tag/<version>
 *   (rancher/channelserver pkg/server/store/channel ByID: http.Redirect ... StatusFound), an unknown channel 404;
 * - github.com/k3s-io/k3s/releases/download/<version>/<asset> answers 302 to a signed release-assets URL for a
 *   published release, 404 "Not Found" for anything else (a version that was never released).
 */
export function k3sSites(channels: K3sChannels, installScript: string): Record<string, OutsideSite> {
  const signed = new Map<string, { version: string; asset: string }>();
  const assetsOf = new Map<string, Map<string, Buffer>>();
  const assets = (version: string) => {
    if (!assetsOf.has(version)) assetsOf.set(version, releaseAssets(version));
    return assetsOf.get(version)!;
  };
  return {
    'get.k3s.io': ({ url }) => (url.pathname === '/' ? text(200, installScript, 'text/x-sh') : text(404, '404: Not Found')),

    'update.k3s.io': ({ url }) => {
      const channel = /^\/v1-release\/channels\/([^/]+)$/.exec(url.pathname)?.[1];
      const version = channel === undefined ? undefined : channels.latest(decodeURIComponent(channel));
      if (!version) return text(404, '{"type":"error","status":"404","code":"NotFound"}', 'application/json');
      return redirect(`https://github.com${GITHUB_RELEASES}/tag/${version}`);
    },

    'github.com': ({ url }: OutsideRequest) => {
      const path = decodeURIComponent(url.pathname);
      const tag = new RegExp(`^${GITHUB_RELEASES}/tag/([^/]+)$`).exec(path)?.[1];
      if (tag !== undefined) return channels.published(tag) ? text(200, `<!DOCTYPE html>\n<title>Release ${tag} · k3s-io/k3s · GitHub</title>\n`, 'text/html; charset=utf-8') : text(404, 'Not Found');
      const download = new RegExp(`^${GITHUB_RELEASES}/download/([^/]+)/([^/]+)$`).exec(path);
      if (!download || !channels.published(download[1]) || !assets(download[1]).has(download[2])) return text(404, 'Not Found');
      const [, version, asset] = download;
      const id = createHash('sha256').update(`${version}/${asset}`).digest('hex');
      const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`;
      signed.set(uuid, { version, asset });
      const query = `sp=r&sv=2018-11-09&sr=b&spr=https&filename=${encodeURIComponent(asset)}&response-content-disposition=${encodeURIComponent(`attachment; filename=${asset}`)}&response-content-type=application%2Foctet-stream`;
      return redirect(`https://${ASSET_HOST}/github-production-release-asset/135516270/${uuid}?${query}`);
    },

    [ASSET_HOST]: ({ url }) => {
      const uuid = /^\/github-production-release-asset\/\d+\/([0-9a-f-]+)$/.exec(url.pathname)?.[1];
      const found = uuid ? signed.get(uuid) : undefined;
      if (!found) return text(403, '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code></Error>', 'application/xml');
      return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: assets(found.version).get(found.asset)! };
    },
  };
}
