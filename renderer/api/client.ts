// The typed API client the screens use: `api.call('curation.classes', {threshold})`. Requests are checked against the
// contract's request schema before they leave, responses and events against theirs when they arrive, so a shape
// mismatch shows up as an error naming the channel and field instead of a broken screen.
import type { z } from 'zod';
import { channels, events } from '../../native-workers/api/contract.ts';
import { desktopChannels } from '../../electron/desktop-channels.ts';
import { ApiCallError, pickTransport, type Transport } from './transport.ts';
import type { UiChannel, UiRequest, UiResponse } from './views.ts';

export { ApiCallError };

const sharedChannels = channels as Record<string, { request: z.ZodType; response: z.ZodType } | undefined>;
const eventMap = events as Record<string, z.ZodType | undefined>;

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export type EventListener = (event: string, payload: unknown) => void;

export interface ApiClient {
  readonly kind: Transport['kind'];
  call<C extends UiChannel>(channel: C, request: UiRequest<C>): Promise<UiResponse<C>>;
  /** Whether the backend knows a channel (rooms land their channels independently). */
  has(channel: string): boolean;
  subscribe(listener: EventListener, onState?: (connected: boolean) => void): () => void;
  mediaUrl(relPath: string): string;
}

export function createClient(transport: Transport): ApiClient {
  const channelMap: Record<string, { request: z.ZodType; response: z.ZodType } | undefined> =
    transport.kind === 'desktop' ? { ...sharedChannels, ...desktopChannels } : sharedChannels;
  return {
    kind: transport.kind,
    has: (channel) => !!channelMap[channel],
    async call(channel, request) {
      const def = channelMap[channel];
      if (!def) throw new ApiCallError(channel, `this build has no API channel '${channel}' yet`);
      const req = def.request.safeParse(request ?? {});
      if (!req.success) throw new ApiCallError(channel, `invalid request for ${channel}: ${issues(req.error)}`);
      const raw = await transport.invoke(channel, request ?? {});
      const res = def.response.safeParse(raw);
      if (!res.success) throw new ApiCallError(channel, `unexpected response from ${channel}: ${issues(res.error)}`);
      return res.data as UiResponse<typeof channel>;
    },
    subscribe(listener, onState) {
      return transport.subscribe((event, payload) => {
        const schema = eventMap[event];
        if (!schema) return;
        const parsed = schema.safeParse(payload);
        if (parsed.success) listener(event, parsed.data);
      }, onState);
    },
    mediaUrl: (rel) => transport.mediaUrl(rel),
  };
}

let current: ApiClient | null = null;
let startupError: string | null = null;

/** The one client of this page (null with a reason when the page cannot reach a backend). */
export function getClient(): ApiClient | null {
  if (current || startupError) return current;
  const t = pickTransport();
  if ('error' in t) startupError = t.error;
  else current = createClient(t);
  return current;
}

export function clientStartupError(): string | null {
  getClient();
  return startupError;
}

export function api(): ApiClient {
  const c = getClient();
  if (!c) throw new Error(startupError ?? 'no API client');
  return c;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
