// Preloaded into the CLI by test/tracing/cli.test.ts (NODE_OPTIONS=--import): records every
// module URL the ES module loader resolves (a resolve hook, told back over a MessagePort),
// and on SIGUSR2 prints one JSON line with those that concern tracing, and the
// OpenTelemetry files in the CommonJS module cache (packages resolved to their CommonJS
// builds, whoever imported them).
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;
const { port1, port2 } = new MessageChannel();
const resolved = new Set();
port1.on('message', (url) => resolved.add(url));
port1.unref();
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const cache = createRequire(import.meta.url).cache;
const tracing = (url) => url.includes('/@opentelemetry/') || /\/src\/(core\/tracing-otel|runtime\/tracing)\.[jt]s$/.test(url);
process.on('SIGUSR2', () => {
  process.stdout.write(
    `${JSON.stringify({
      msg: 'loaded modules',
      esm: resolved.size,
      esmTracing: [...resolved].filter(tracing),
      cjsOtel: Object.keys(cache).filter((path) => path.includes('/node_modules/@opentelemetry/')),
    })}\n`,
  );
});
