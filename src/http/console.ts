import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayError } from '../contract/errors.js';
import type { Core } from '../core/core.js';

/**
 * The web console (docs/api.md#web-console): a few static files (plain ES modules, no build
 * step, nothing fetched from elsewhere) served at /console/, which talk to the REST API with
 * the key the user types in. The files are read once, at start, from src/http/console (dist/
 * http/console once built); only those names are served, so no path can reach another file.
 * Plus one helper route, /console/api/access, answering which scopes the caller's key has on
 * a stream, so the console can disable the buttons the key may not press (the API still
 * checks every call). Nothing here is stored server-side.
 */

export const CONSOLE_PREFIX = '/console';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Only this origin's scripts, styles and API; no inline script, no frame, no form posting
 * elsewhere. The page's own SVG chart is inline markup, which `img-src` does not govern.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

function loadAssets(dir: URL): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(new URL(name, dir));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, type, etag });
  }
  return assets;
}

function sendAsset(reply: FastifyReply, asset: Asset, ifNoneMatch: string | undefined): FastifyReply {
  // Revalidated on each load (a 304 costs one small request), so an upgraded gateway's files
  // are picked up at once and a page never mixes modules of two versions.
  reply
    .header('cache-control', 'no-cache')
    .header('etag', asset.etag)
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

export function registerConsole(app: FastifyInstance, core: Core, dir = new URL('./console/', import.meta.url)): void {
  const assets = loadAssets(dir);
  const notFound = (url: string) => new GatewayError('NOT_FOUND', `no console file ${url.slice(0, 256)}`);
  const hide = { schema: { hide: true } };

  // Relative module URLs need the trailing slash.
  app.get(CONSOLE_PREFIX, hide, async (req, reply) => {
    const query = req.url.indexOf('?');
    return reply.redirect(`${CONSOLE_PREFIX}/${query < 0 ? '' : req.url.slice(query)}`, 302);
  });
  app.get(`${CONSOLE_PREFIX}/`, hide, async (req, reply) => {
    const index = assets.get('index.html');
    if (!index) throw notFound(req.url);
    return sendAsset(reply, index, req.headers['if-none-match']);
  });
  app.get<{ Params: { file: string } }>(`${CONSOLE_PREFIX}/:file`, hide, async (req, reply) => {
    const asset = assets.get(req.params.file);
    if (!asset) throw notFound(req.url);
    return sendAsset(reply, asset, req.headers['if-none-match']);
  });

  // The caller's key (from the same Authorization header the API takes) and its scopes on
  // `stream`: {key, authEnabled, scopes}. 401 as on the API without a valid key.
  app.get<{ Querystring: { stream?: unknown } }>(`${CONSOLE_PREFIX}/api/access`, hide, async (req, reply) => {
    const principal = core.access.authenticate(req.headers.authorization);
    const stream = typeof req.query.stream === 'string' ? req.query.stream : undefined;
    reply.header('cache-control', 'no-store');
    return {
      key: principal.name,
      authEnabled: core.access.enabled,
      ...(stream === undefined ? {} : { stream, scopes: core.access.scopesOn(principal, stream) }),
    };
  });
}
