/**
 * A real HTTP receiver of pushed packages on 127.0.0.1, in the test process: it checks each
 * request's signature against the consumer's secret, deduplicates on the Idempotency-Key (a
 * replay gets the first receipt again) and behaves per path and try as a test asks: answer,
 * fail with 500, refuse with 400, hang past the sender's timeout, or drop the connection.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | '500' | '400' | 'hang' | 'drop';

export type Received = {
  path: string;
  key: string;
  signatureOk: boolean;
  sha256: string;
  bytes: number;
  answered: string;
  headers: IncomingMessage['headers'];
};

export type Receiver = {
  url: string;
  requests: Received[];
  /** Idempotency key -> the receipt id, the body first accepted, and how many later requests repeated the key (answered with the same receipt). */
  accepted: Map<string, { id: string; duplicates: number; body: Buffer }>;
  /** Called when a request arrives (after its body), e.g. to kill the sender mid-delivery. */
  onRequest?: (r: Received) => void;
  close(): Promise<void>;
};

export async function startReceiver(o: { secret: string; behave?: (path: string, nth: number) => Behaviour }): Promise<Receiver> {
  const seen = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const r: Receiver = {
    url: '',
    requests: [],
    accepted: new Map(),
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
    },
  };
  let next = 1;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const key = String(req.headers['idempotency-key'] ?? '');
      const nth = (seen.get(path) ?? 0) + 1;
      seen.set(path, nth);
      const expected = 'sha256=' + createHmac('sha256', o.secret).update(body).digest('hex');
      const how = o.behave?.(path, nth) ?? 'ok';
      const rec: Received = {
        path,
        key,
        signatureOk: req.headers['x-signature'] === expected,
        sha256: createHash('sha256').update(body).digest('hex'),
        bytes: body.length,
        answered: how,
        headers: req.headers,
      };
      r.requests.push(rec);
      r.onRequest?.(rec);
      if (how === 'hang') {
        hanging.add(res);
        return;
      }
      if (how === 'drop') {
        req.socket.destroy();
        return;
      }
      if (how === '500' || how === '400') {
        res.writeHead(Number(how), { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: how === '500' ? 'busy' : 'bad package' }));
        return;
      }
      if (!rec.signatureOk) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const had = r.accepted.get(key);
      if (had) {
        had.duplicates++;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: had.id, duplicate: true }));
        return;
      }
      const id = `rcpt-${next++}`;
      r.accepted.set(key, { id, duplicates: 0, body });
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
