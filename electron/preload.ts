// The only bridge between the sandboxed page and the main process: `window.imagenot.invoke(channel, payload)` and
// `window.imagenot.onEvent(listener)`. Payloads are validated in the main process against the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const INVOKE = 'imagenot:invoke';
const EVENT = 'imagenot:event';

contextBridge.exposeInMainWorld('imagenot', {
  invoke: (channel: string, payload: unknown) => ipcRenderer.invoke(INVOKE, String(channel), payload),
  onEvent: (listener: (event: string, payload: unknown) => void) => {
    const handler = (_e: IpcRendererEvent, event: string, payload: unknown) => listener(event, payload);
    ipcRenderer.on(EVENT, handler);
    return () => {
      ipcRenderer.removeListener(EVENT, handler);
    };
  },
});
