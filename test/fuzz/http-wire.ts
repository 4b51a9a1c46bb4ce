import { Agent, request } from 'node:http';
import type { HttpAnswer } from '../helpers/openapi-check.js';

/**
 * Sends a request over real HTTP (keep-alive, as clients do) exactly as given: path bytes
 * untouched, any body, any content type. A connection that fails or closes before a full
 * answer arrived rejects: the server must never drop a client without an answer.
 */
export class HttpWire {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });

  constructor(private readonly base: URL) {}

  send(method: string, path: string, headers: Record<string, string>, body: Buffer | null, timeoutMs = 15_000): Promise<HttpAnswer> {
    // Node frames a body of GET or DELETE only with an explicit length (no chunking for them).
    const framed = body === null ? headers : { ...headers, 'content-length': String(body.length) };
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request(
        { host: this.base.hostname, port: this.base.port, method, path, headers: framed, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            answered = true;
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (err) => reject(new Error(`connection dropped while reading the answer: ${err.message}`)));
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      // After a full answer, a server may close a socket whose request body it did not read (413).
      req.on('error', (err) => {
        if (!answered) reject(new Error(`connection dropped: ${err.message}`));
      });
      req.end(body ?? undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
