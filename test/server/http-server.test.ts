/**
 * A keep-alive connection outlives a client that is slow to read: the answer is handed to the
 * kernel at once, the client reads it seconds later and asks again on the same connection.
 */
import express from 'express';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { listen } from '../../server/http-server.ts';

/** Everything the socket has received until `until` says it is enough, or the socket ends. */
function readUntil(sock: Socket, until: (text: string) => boolean): Promise<{ text: string; ended: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const done = (ended: boolean) => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.off('close', onEnd);
      sock.off('error', onEnd);
      sock.pause();
      resolve({ text, ended });
    };
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (until(text)) done(false);
    };
    const onEnd = () => done(true);
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.once('close', onEnd);
    // a connection reset by the server ends the exchange like a close
    sock.once('error', onEnd);
    sock.resume();
  });
}

describe('listen', () => {
  it('keeps a connection whose client reads its answer six seconds late (past Node’s default idle timeout of 5 s)', async () => {
    const app = express();
    const body = 'x'.repeat(200_000);
    app.get('/big', (_req, res) => {
      res.type('text/plain').send(body);
    });
    const server = await listen(app, 0);
    const sock = connect(server.port, '127.0.0.1');
    try {
      await new Promise((r) => sock.once('connect', r));
      sock.pause();
      const ask = () => sock.write(`GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
      const whole = (text: string) => text.length >= text.indexOf('\r\n\r\n') + 4 + body.length && text.includes('\r\n\r\n');
      ask();
      // the answer sits in the socket's buffers while the client does something else
      await new Promise((r) => setTimeout(r, 6000));
      const first = await readUntil(sock, whole);
      expect(first.text.startsWith('HTTP/1.1 200')).toBe(true);
      ask();
      const second = await readUntil(sock, whole);
      expect(second.ended).toBe(false);
      expect(second.text.startsWith('HTTP/1.1 200')).toBe(true);
    } finally {
      sock.destroy();
      await server.close();
    }
  }, 20_000);
});
