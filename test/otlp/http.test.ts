import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/otlp/${name}`, import.meta.url));

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ maxBodyBytes: 64 * 1024 });
});
afterEach(async () => {
  await rx.stop();
});

const post = (
  path: string,
  body: BodyInit,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${rx.url}${path}`, { method: 'POST', body, headers });

describe('OTLP/HTTP receiver responses', () => {
  it('answers 200 with partial_success naming the rejected items, and stores the good ones', async () => {
    const res = await post('/v1/logs', fixture('claude-code-logs.json'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    };
    expect(body.partialSuccess.rejectedLogRecords).toBe('1');
    expect(body.partialSuccess.errorMessage).toMatch(/logRecords\[3\]\.attributes\.input_tokens.*negative/);
    await rx.writer.flush();
    const [n] = await rx.db.query('SELECT count(*) AS n FROM usage');
    expect(n?.n).toBe(2);
  });

  it('answers 200 with an empty object when everything was accepted, gzip included', async () => {
    const res = await post('/v1/metrics', gzipSync(fixture('gemini-cli-metrics.json')), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    await rx.writer.flush();
    const [row] = await rx.db.query('SELECT source, input_tokens FROM usage');
    expect(row).toEqual({ source: 'gemini-cli-otel', input_tokens: 6000 });
  });

  it.each([
    ['invalid JSON', '{"resourceLogs": [', /invalid JSON/],
    ['a wrong envelope', '{"resourceLogs": {"a": 1}}', /resourceLogs: expected an array/],
    [
      'a scope that is not an object',
      '{"resourceLogs": [{"scopeLogs": ["x"]}]}',
      /resourceLogs\[0\]\.scopeLogs\[0\]/,
    ],
  ])('answers 400 with the reason for %s', async (_name, body, reason) => {
    const res = await post('/v1/logs', body);
    expect(res.status).toBe(400);
    const status = (await res.json()) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toMatch(reason);
  });

  it('answers 400 for bytes that are not the protobuf message, and for a broken gzip body', async () => {
    const proto = await post('/v1/metrics', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(proto.status).toBe(400);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const gz = await post('/v1/metrics', 'not gzip', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gz.status).toBe(400);
    expect(((await gz.json()) as { message: string }).message).toMatch(/gzip/);
  });

  it('answers 415 for an unknown content type, 413 over the size cap, 404 and 405 elsewhere', async () => {
    expect((await post('/v1/logs', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = await post('/v1/logs', JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(100 * 1024) }));
    expect(big.status).toBe(413);
    const bomb = await post(
      '/v1/logs',
      gzipSync(JSON.stringify({ resourceLogs: [], pad: 'x'.repeat(1024 * 1024) })),
      {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
    );
    expect(bomb.status).toBe(413);
    expect((await post('/v1/nope', '{}')).status).toBe(404);
    expect((await fetch(`${rx.url}/v1/logs`)).status).toBe(405);
  });
});
