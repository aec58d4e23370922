// The typed API client the screens use: `api.call('curation.classes', {threshold})`. Every type comes from the one
// contract (native-workers/api/contract.ts, plus the desktop-only map): a request is what the channel's schema
// accepts (z.input), a response what it produces (z.output). Requests are checked against the schema before they
// leave, responses and events when they arrive, so a shape mismatch shows up as an error naming the channel and
// field instead of a broken screen.
import type { z } from 'zod';
import { channels, events, type Channels, type EventName, type EventOf } from '../../native-workers/api/contract.ts';
import { issuesText } from '../../native-workers/api/channel.ts';
import { desktopChannels } from '../../electron/desktop-channels.ts';
import { ApiCallError, pickTransport, type Transport } from './transport.ts';

export { ApiCallError };

type ClientChannels = Channels & typeof desktopChannels;
export type ClientChannel = keyof ClientChannels;
/** What a screen sends on a channel (defaults may be left out). */
export type ClientRequest<C extends ClientChannel> = z.input<ClientChannels[C]['request']>;
/** What a channel answers, after validation. */
export type ClientResponse<C extends ClientChannel> = z.output<ClientChannels[C]['response']>;
/** One handler per event, each given its payload already validated against the event's schema. */
export type EventHandlers = { [E in EventName]?: (payload: EventOf<E>) => void };

type SchemaPair = { request: z.ZodType; response: z.ZodType };
const sharedChannels = channels as Record<string, SchemaPair | undefined>;
const eventMap = events as Record<string, z.ZodType | undefined>;

export interface ApiClient {
  readonly kind: Transport['kind'];
  call<C extends ClientChannel>(channel: C, request: ClientRequest<C>): Promise<ClientResponse<C>>;
  /** Whether this transport knows a channel (browser mode has no desktop-only channels). */
  has(channel: string): boolean;
  subscribe(handlers: EventHandlers, onState?: (connected: boolean) => void): () => void;
  mediaUrl(relPath: string): string;
}

export function createClient(transport: Transport): ApiClient {
  const channelMap: Record<string, SchemaPair | undefined> =
    transport.kind === 'desktop' ? { ...sharedChannels, ...desktopChannels } : sharedChannels;
  return {
    kind: transport.kind,
    has: (channel) => !!channelMap[channel],
    async call(channel, request) {
      const def = channelMap[channel];
      if (!def) throw new ApiCallError(channel, `this build has no API channel '${channel}'`);
      const req = def.request.safeParse(request ?? {});
      if (!req.success) throw new ApiCallError(channel, `invalid request for ${channel}: ${issuesText(req.error)}`);
      const raw = await transport.invoke(channel, request ?? {});
      const res = def.response.safeParse(raw);
      if (!res.success)
        throw new ApiCallError(channel, `unexpected response from ${channel}: ${issuesText(res.error)}`);
      return res.data as ClientResponse<typeof channel>;
    },
    subscribe(handlers, onState) {
      return transport.subscribe((event, payload) => {
        const schema = eventMap[event];
        const handler = handlers[event as EventName] as ((p: unknown) => void) | undefined;
        if (!schema || !handler) return;
        const parsed = schema.safeParse(payload);
        if (parsed.success) handler(parsed.data);
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
