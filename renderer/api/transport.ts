// The two ways the renderer reaches the backend: the Electron preload bridge (IPC) or browser mode (HTTP +
// WebSocket with the session token from the page URL). Both carry raw JSON; client.ts validates it.

/** What electron/preload.ts exposes as `window.imagenot`. */
export interface DesktopBridge {
  invoke(channel: string, payload: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: string }>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    imagenot?: DesktopBridge;
  }
}

export interface Transport {
  kind: 'desktop' | 'browser';
  invoke(channel: string, payload: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void, onState?: (connected: boolean) => void): () => void;
  /** URL of a workspace media file (workspace-relative path, e.g. media/thumbs/ab/abcd.jpg). */
  mediaUrl(relPath: string): string;
}

export class ApiCallError extends Error {
  override name = 'ApiCallError';
  constructor(
    readonly channel: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function encodePath(relPath: string): string {
  return relPath.split('/').map(encodeURIComponent).join('/');
}

function desktopTransport(bridge: DesktopBridge): Transport {
  return {
    kind: 'desktop',
    async invoke(channel, payload) {
      const out = await bridge.invoke(channel, payload);
      if (!out.ok) throw new ApiCallError(channel, out.error);
      return out.value;
    },
    subscribe(listener, onState) {
      onState?.(true);
      return bridge.onEvent(listener);
    },
    mediaUrl: (rel) => `imagenot-media://workspace/${encodePath(rel)}`,
  };
}

function browserTransport(token: string): Transport {
  const auth = { authorization: `Bearer ${token}` };
  return {
    kind: 'browser',
    async invoke(channel, payload) {
      let res: Response;
      try {
        res = await fetch(`/api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(payload ?? {}),
        });
      } catch (err) {
        throw new ApiCallError(
          channel,
          `cannot reach the ImageNot server (${(err as Error).message}); is \`imagenot serve\` still running?`,
        );
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        throw new ApiCallError(
          channel,
          `server answered ${res.status} with non-JSON: ${text.slice(0, 200)}`,
          res.status,
        );
      }
      if (!res.ok) {
        const msg = (body as { error?: string } | null)?.error ?? `HTTP ${res.status}`;
        throw new ApiCallError(channel, msg, res.status);
      }
      return body;
    },
    subscribe(listener, onState) {
      let socket: WebSocket | null = null;
      let closed = false;
      let delay = 500;
      const connect = () => {
        const proto = location.protocol === 'https:' ? 'wss' : 'ws';
        socket = new WebSocket(`${proto}://${location.host}/api/events?token=${encodeURIComponent(token)}`);
        socket.onopen = () => {
          delay = 500;
          onState?.(true);
        };
        socket.onmessage = (m) => {
          try {
            const msg = JSON.parse(String(m.data)) as { event: string; payload: unknown };
            listener(msg.event, msg.payload);
          } catch {
            /* a malformed frame is dropped; the next refresh catches up */
          }
        };
        socket.onclose = () => {
          onState?.(false);
          if (closed) return;
          setTimeout(connect, delay);
          delay = Math.min(delay * 2, 8000);
        };
      };
      connect();
      return () => {
        closed = true;
        socket?.close();
      };
    },
    mediaUrl: (rel) => `/media/${encodePath(rel)}?token=${encodeURIComponent(token)}`,
  };
}

/** The token from `?token=` (kept in sessionStorage so in-app navigation and reloads keep it). */
function browserToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('imagenot.token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('imagenot.token');
}

export function pickTransport(): Transport | { error: string } {
  if (window.imagenot) return desktopTransport(window.imagenot);
  const token = browserToken();
  if (!token)
    return {
      error:
        'This page needs its session token. Open the full URL printed by `imagenot serve` (it ends in ?token=...).',
    };
  return browserTransport(token);
}
