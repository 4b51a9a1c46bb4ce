import { type CallOptions, Client, type ClientDuplexStream, Metadata, type ServiceError, type StatusObject, credentials } from '@grpc/grpc-js';

/**
 * A real grpc-js client that sends request bytes as they are (identity serializer), so the
 * fuzzers can put on the wire what a generated client would refuse to encode. Responses come
 * back as bytes too; the fuzzers decode them with the proto's types.
 */

const identity = (b: Buffer): Buffer => b;

export type UnaryOutcome = { readonly ok: true; readonly response: Buffer } | { readonly ok: false; readonly error: ServiceError };

export class GrpcWire {
  private readonly client: Client;

  constructor(address: string) {
    this.client = new Client(address, credentials.createInsecure());
  }

  unary(path: string, request: Buffer, timeoutMs = 10_000): Promise<UnaryOutcome> {
    return new Promise((resolve) => {
      const options: CallOptions = { deadline: Date.now() + timeoutMs };
      this.client.makeUnaryRequest(path, identity, identity, request, new Metadata(), options, (err, response) => {
        if (err) resolve({ ok: false, error: err });
        else resolve({ ok: true, response: response ?? Buffer.alloc(0) });
      });
    });
  }

  duplex(path: string, timeoutMs = 10_000): ClientDuplexStream<Buffer, Buffer> {
    return this.client.makeBidiStreamRequest(path, identity, identity, new Metadata(), { deadline: Date.now() + timeoutMs });
  }

  close(): void {
    this.client.close();
  }
}

export type { StatusObject };
