// The bare HTTP/2 twin of gRPC unary: node:http2 alone answering a unary gRPC call (any path)
// with one PublishResponse-shaped message (`ids: ["0-1"]`) and `grpc-status: 0`, reading the
// request's frames without decoding them, no Redis. What Node's HTTP/2 stack costs per call
// below grpc-js: set beside the grpc-js echo twin, it shows what grpc-js itself adds. Run by
// the benchmark as its own process: `node --import tsx bench/twins/h2echo.ts` with PORT;
// prints `listening <port>` once it serves.
import { createServer } from 'node:http2';

// A gRPC message: flag 0, 4-byte length, then PublishResponse { ids: "0-1" } (field 1, string).
const id = Buffer.from('0-1');
const body = Buffer.concat([Buffer.from([0x0a, id.length]), id]);
const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, body.length]), body]);

const server = createServer();
server.on('stream', (stream) => {
  stream.on('data', () => {
    // The request's bytes are read and dropped: a gRPC server reads them too.
  });
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(frame);
  });
  stream.on('error', () => {
    // a reset stream: nothing to answer
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
