// The renderer's typed client over a scripted transport, and the dispatcher's side of the same contract: requests
// are checked before they leave, responses and events when they arrive (a bad one is refused, naming the channel),
// events reach only their own handler; handlers receive the request as the schema parsed it (defaults filled in).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../renderer/api/client.ts';
import type { Transport } from '../../renderer/api/transport.ts';
import { dispatch } from '../../native-workers/api/dispatch.ts';
import type { Handlers } from '../../native-workers/api/handlers/index.ts';

function scripted(answer: (channel: string, payload: unknown) => unknown) {
  const sent: [string, unknown][] = [];
  let emit: (event: string, payload: unknown) => void = () => {};
  const transport: Transport = {
    kind: 'browser',
    async invoke(channel, payload) {
      sent.push([channel, payload]);
      return answer(channel, payload);
    },
    subscribe(listener) {
      emit = listener;
      return () => {};
    },
    mediaUrl: (rel) => `/media/${rel}`,
  };
  return { transport, sent, emit: (e: string, p: unknown) => emit(e, p) };
}

test('call: a valid request goes out, a response that breaks its schema is refused naming channel and field', async () => {
  const settings = { encoder: 'glove', threshold: 0.74, kept: 10, range: [0.2, 0.9], imageEncoder: null };
  const t = scripted((channel) => (channel === 'curation.settings' ? settings : { ...settings, threshold: 'high' }));
  const client = createClient(t.transport);
  assert.deepEqual(await client.call('curation.settings', {}), settings);
  await assert.rejects(
    client.call('curation.setThreshold', { threshold: 0.5 }),
    /unexpected response from curation\.setThreshold: threshold/,
  );
  await assert.rejects(
    client.call('curation.setThreshold', { threshold: 3 }),
    /invalid request for curation\.setThreshold: threshold/,
  );
  assert.equal(t.sent.length, 2, 'the invalid request never left');
  assert.equal(client.has('app.pickPaths'), false, 'browser mode has no desktop channels');
});

test('subscribe: each event reaches its own handler, validated; malformed payloads and unknown events are dropped', () => {
  const t = scripted(() => null);
  const client = createClient(t.transport);
  const progress: number[] = [];
  const logs: string[] = [];
  client.subscribe({
    'job.progress': (p) => progress.push(p.done),
    'job.log': (l) => logs.push(`${l.level}:${l.message}`),
  });
  t.emit('job.progress', { jobId: 1, done: 5, total: 10, message: null });
  t.emit('job.progress', { jobId: 1, done: 'five', total: 10, message: null });
  t.emit('job.log', { jobId: 1, level: 'warn', message: 'slow host' });
  t.emit('job.updated', { id: 1 });
  t.emit('no.such.event', {});
  assert.deepEqual(progress, [5]);
  assert.deepEqual(logs, ['warn:slow host']);
});

test('dispatch hands the handler the parsed request: schema defaults are filled in', async () => {
  let seen: unknown;
  const handlers = {
    'curation.items': async (req: unknown) => {
      seen = req;
      return { total: 0, classTotal: 0, items: [] };
    },
  } as unknown as Handlers;
  await dispatch(handlers, 'curation.items', { wnid: 'n02121808' });
  assert.deepEqual(seen, {
    wnid: 'n02121808',
    sort: 'text',
    order: 'desc',
    offset: 0,
    limit: 100,
    filter: 'all',
    band: 0.02,
  });
  await assert.rejects(
    dispatch(handlers, 'curation.items', { wnid: 'cat' }),
    /invalid request for curation\.items: wnid/,
  );
});
