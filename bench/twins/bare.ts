// The bare twin of REST single publish: node:http + ioredis, nothing else (no framework, no
// router, no validation): reads the JSON body, one XADD, answers 201 {"ids":[id]}. What Node's
// own HTTP stack and ioredis cost per request, below any framework: the floor a Node gateway
// cannot go under, to set beside webdis (C). Run by the benchmark as its own process:
// `node --import tsx bench/twins/bare.ts` with REDIS_URL and PORT; prints `listening <port>`.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PREFIX = '/v1/streams/';
const SUFFIX = '/messages';

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (req.method !== 'POST' || !url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) {
    res.writeHead(404).end();
    return;
  }
  const stream = decodeURIComponent(url.slice(PREFIX.length, url.length - SUFFIX.length));
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { fields: Record<string, string> };
    const args: string[] = [];
    for (const [k, v] of Object.entries(body.fields)) args.push(k, v);
    redis.xadd(stream, '*', ...args).then(
      (id) => {
        const text = JSON.stringify({ ids: [id] });
        res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
      },
      () => res.writeHead(500).end(),
    );
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
const stop = () => server.close(() => void redis.quit().finally(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
