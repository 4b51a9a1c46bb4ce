// The grpc-js echo twin: unary (answers a Publish-shaped request with one id, no Redis) and
// server streaming (sends `count` messages of the benchmark's payload). The grpc-js ceiling:
// run by the benchmark as its own process, `node --import tsx bench/twins/echo.ts` with PORT;
// prints `listening <port>` once it serves.
import { Server, ServerCredentials, type ServerUnaryCall, type ServerWritableStream, type sendUnaryData } from '@grpc/grpc-js';
import { PAYLOAD_BUFFERS } from '../lib/clients.js';
import { echoService } from './echo-proto.js';

interface StreamRequest {
  count: number;
  batch: number;
}

const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
const ids = ['0-1'];
server.addService(echoService<{ service: Parameters<Server['addService']>[0] }>().service, {
  Unary: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => callback(null, { ids }),
  ServerStream: (call: ServerWritableStream<StreamRequest, unknown>) => {
    const { count } = call.request;
    const batch = Math.max(1, call.request.batch);
    const reply = { messages: Array.from({ length: batch }, () => ({ fields: PAYLOAD_BUFFERS })) };
    let sent = 0;
    const more = () => {
      while (sent < count) {
        const n = Math.min(batch, count - sent);
        sent += n;
        const ok = call.write(n === batch ? reply : { messages: reply.messages.slice(0, n) });
        if (!ok) {
          call.once('drain', more);
          return;
        }
      }
      call.end();
    };
    more();
  },
});
const port = await new Promise<number>((res, rej) =>
  server.bindAsync(`127.0.0.1:${process.env.PORT ?? 0}`, ServerCredentials.createInsecure(), (err, p) => (err ? rej(err) : res(p))),
);
process.stdout.write(`listening ${port}\n`);
const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
