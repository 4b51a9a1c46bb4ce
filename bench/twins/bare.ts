// The bare twin of REST single publish and of the REST pull: node:http + ioredis, nothing
// else (no framework, no router, no validation, no leases). Publish: reads the JSON body, one
// XADD, answers 201 {"ids":[id]}. Pull: `{"consumer", "count", "ack"}`, the acks and the read
// sent together (XACK then XREADGROUP, one pipeline, one round trip as the gateway's pull
// script), answered as the gateway's JSON (`acked` with the count only: a plain XACK does not
// say which IDs were not pending). What Node's own HTTP stack and ioredis cost per request,
// below any framework: the floor a Node gateway cannot go under, to set beside webdis (C) and
// beside the gateway. Run by the benchmark as its own process:
// `node --import tsx bench/twins/bare.ts` with REDIS_URL and PORT; prints `listening <port>`.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const PREFIX = '/v1/streams/';
const SUFFIX = '/messages';
const PULL = /^\/v1\/streams\/([^/]+)\/groups\/([^/]+)\/pull$/;

type Entries = [id: string, kv: string[]][];

function answer(res: import('node:http').ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

function pull(stream: string, group: string, body: { consumer: string; count: number; ack?: string[] }, res: import('node:http').ServerResponse): void {
  const p = redis.pipeline();
  const acking = body.ack !== undefined && body.ack.length > 0;
  if (acking) p.xack(stream, group, ...body.ack!);
  p.xreadgroup('GROUP', group, body.consumer, 'COUNT', body.count, 'STREAMS', stream, '>');
  p.exec().then(
    (replies) => {
      if (!replies || replies.some(([err]) => err)) return answer(res, 500, '{}');
      const read = replies.at(-1)![1] as [string, Entries][] | null;
      const messages = (read?.[0]?.[1] ?? []).map(([id, kv]) => {
        const fields: Record<string, string> = {};
        for (let i = 0; i < kv.length; i += 2) fields[kv[i]!] = kv[i + 1]!;
        return { id, fields, deliveryCount: 1 };
      });
      const out = body.ack === undefined ? { messages } : { messages, acked: { acked: acking ? replies[0]![1] : 0, notPending: [] } };
      answer(res, 200, JSON.stringify(out));
    },
    () => answer(res, 500, '{}'),
  );
}

const server = createServer((req, res) => {
  const url = req.url ?? '';
  const pulling = req.method === 'POST' ? PULL.exec(url) : null;
  if (pulling) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => pull(decodeURIComponent(pulling[1]!), decodeURIComponent(pulling[2]!), JSON.parse(Buffer.concat(chunks).toString('utf8')), res));
    return;
  }
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
      (id) => answer(res, 201, JSON.stringify({ ids: [id] })),
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
