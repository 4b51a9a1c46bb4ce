// The naive twin of REST single publish: fastify + ioredis, one XADD per request, no
// validation, no hooks, no metrics. The floor every gateway must beat. Run by the benchmark
// as its own process: `node --import tsx bench/twins/naive.ts` with REDIS_URL and PORT;
// prints `listening <port>` once it accepts requests.
import Fastify from 'fastify';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const app = Fastify({ logger: false });

app.post<{ Params: { stream: string }; Body: { fields: Record<string, string> } }>('/v1/streams/:stream/messages', async (req, reply) => {
  const args: string[] = [];
  for (const [k, v] of Object.entries(req.body.fields)) args.push(k, v);
  const id = await redis.xadd(req.params.stream, '*', ...args);
  return reply.code(201).send({ ids: [id] });
});

const port = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write(`listening ${new URL(port).port}\n`);
const stop = () => void app.close().then(() => redis.quit()).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
