// The desktop app's main process: one hardened window, the app and media protocols, native dialogs, and a session
// (workspace + JobRunner + API handlers) wired to the renderer through ipc.ts. Jobs run in worker processes.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, shell } from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openWorkspace, isInside, type Workspace } from '../native-workers/store/workspace.ts';
import { JobRunner } from '../native-workers/jobs/runner.ts';
import { loadWorker } from '../native-workers/workers/registry.ts';
import { createHandlers, type Handlers } from '../native-workers/api/handlers/index.ts';
import { MediaRefused, mediaType, resolveMediaFile } from '../native-workers/server/media.ts';
import { relayRunnerEvents } from '../native-workers/server/events.ts';
import { EVENT, registerApi, type DesktopHandlers } from './ipc.ts';
import { setSettingDefault } from '../native-workers/config/settings.ts';
import { unpackedPath } from './native-paths.ts';

const APP_SCHEME = 'imagenot-app';
const MEDIA_SCHEME = 'imagenot-media';
const APP_ORIGIN = `${APP_SCHEME}://app`;
/** dist/electron/main.cjs -> dist/ */
const distDir = resolve(__dirname, '..');
const rendererDir = join(distDir, 'renderer');
setSettingDefault('migrationsDir', join(distDir, 'migrations'));
// better-sqlite3 built for Electron's ABI (scripts/electron-native.ts), loaded here and, through the inherited
// environment, by the worker processes; node_modules' own build stays system Node's (store/sqlite-binding.ts).
setSettingDefault('electronSqlite', unpackedPath(join(distDir, 'electron-native', 'better_sqlite3.node')));

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
  `img-src 'self' ${MEDIA_SCHEME}: blob: data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true } },
]);

interface Session {
  ws: Workspace;
  runner: JobRunner;
  handlers: Handlers;
  stopRelay(): void;
}

let current: Session | null = null;
let win: BrowserWindow | null = null;

const settingsFile = () => join(app.getPath('userData'), 'settings.json');
function lastWorkspace(): string | null {
  try {
    return (JSON.parse(readFileSync(settingsFile(), 'utf8')) as { workspace?: string }).workspace ?? null;
  } catch {
    return null;
  }
}
function rememberWorkspace(dir: string): void {
  mkdirSync(dirname(settingsFile()), { recursive: true });
  writeFileSync(settingsFile(), JSON.stringify({ workspace: dir }, null, 2));
}

async function openSession(dir: string, create: boolean): Promise<void> {
  const ws = openWorkspace(dir, { create });
  // Worker processes are forked from this binary; they must run as plain Node.
  const runner = new JobRunner(ws, { workers: loadWorker, env: { ELECTRON_RUN_AS_NODE: '1' } }).start();
  const stopRelay = relayRunnerEvents(runner, (name, payload) => win?.webContents.send(EVENT, name, payload));
  if (current) await closeSession();
  current = { ws, runner, handlers: createHandlers({ ws, runner }), stopRelay };
  rememberWorkspace(ws.paths.root);
  win?.setTitle(`ImageNot Studio — ${ws.paths.root}`);
}

async function closeSession(): Promise<void> {
  const s = current;
  current = null;
  if (!s) return;
  s.stopRelay();
  await s.runner.stop();
  s.ws.close();
}

/** Native dialog: choose an existing workspace or a folder for a new one. Returns the folder or null. */
async function chooseWorkspace(create: boolean): Promise<string | null> {
  const r = await dialog.showOpenDialog(win!, {
    title: create ? 'Create a workspace (choose an empty folder)' : 'Open a workspace',
    properties: ['openDirectory', 'createDirectory'],
  });
  if (r.canceled || !r.filePaths[0]) return null;
  return r.filePaths[0];
}

async function switchWorkspace(create: boolean): Promise<{ path: string } | null> {
  const dir = await chooseWorkspace(create);
  if (!dir) return null;
  try {
    await openSession(dir, create || !existsSync(join(dir, 'workspace.db')));
  } catch (err) {
    dialog.showErrorBox('Cannot open workspace', (err as Error).message);
    return null;
  }
  return { path: current!.ws.paths.root };
}

const desktopHandlers: DesktopHandlers = {
  'app.pickPaths': async ({ mode }) => {
    const r = await dialog.showOpenDialog(win!, {
      title:
        mode === 'files' ? 'Choose metadata files, tar shards or URL lists' : 'Choose an image or img2dataset folder',
      properties: mode === 'files' ? ['openFile', 'multiSelections'] : ['openDirectory', 'multiSelections'],
    });
    return r.canceled ? [] : r.filePaths;
  },
  'app.openWorkspace': async ({ create }) => switchWorkspace(create),
};

function apiHandlers(): Handlers {
  if (!current) throw new Error('no workspace is open: use File › Open workspace…');
  return current.handlers;
}

function registerProtocols(): void {
  protocol.handle(APP_SCHEME, (req) => {
    const url = new URL(req.url);
    const file = resolve(rendererDir, '.' + decodeURIComponent(url.pathname));
    if (url.host !== 'app' || !isInside(rendererDir, file)) return new Response('not found', { status: 404 });
    const target =
      existsSync(file) && !file.endsWith('/') && file !== rendererDir ? file : join(rendererDir, 'index.html');
    return net.fetch(pathToFileURL(target).href).then((res) => {
      const headers = new Headers(res.headers);
      if (target.endsWith('.html')) headers.set('content-security-policy', CSP);
      return new Response(res.body, { status: res.status, headers });
    });
  });
  protocol.handle(MEDIA_SCHEME, async (req) => {
    if (!current) return new Response('no workspace', { status: 404 });
    try {
      const rel = decodeURIComponent(new URL(req.url).pathname.replace(/^\//, ''));
      const file = resolveMediaFile(current.ws.paths.root, rel);
      const res = await net.fetch(pathToFileURL(file).href);
      return new Response(res.body, { status: 200, headers: { 'content-type': mediaType(file) } });
    } catch (err) {
      const status = err instanceof MediaRefused ? err.status : 400;
      return new Response((err as Error).message, { status });
    }
  });
}

function harden(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the web open in the user's browser, never in the app.
      if (/^https?:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

function buildMenu(): void {
  const template: Electron.MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Workspace…',
          accelerator: 'CmdOrCtrl+O',
          click: () => void switchWorkspace(false).then((r) => r && win?.reload()),
        },
        {
          label: 'New Workspace…',
          accelerator: 'CmdOrCtrl+N',
          click: () => void switchWorkspace(true).then((r) => r && win?.reload()),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 640,
    title: 'ImageNot Studio',
    show: false,
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

function workspaceFromArgs(): string | null {
  const i = process.argv.indexOf('--workspace');
  return i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : null;
}

app.enableSandbox();
void app.whenReady().then(async () => {
  harden();
  registerProtocols();
  registerApi(ipcMain, apiHandlers, desktopHandlers, (url) => url.startsWith(`${APP_ORIGIN}/`));
  buildMenu();
  await createWindow();
  const dir = workspaceFromArgs() ?? lastWorkspace();
  try {
    if (dir) await openSession(dir, true);
  } catch (err) {
    dialog.showErrorBox('Cannot open workspace', (err as Error).message);
  }
  if (!current && !(await switchWorkspace(true))) {
    app.quit();
    return;
  }
  win?.reload();
});

app.on('window-all-closed', () => {
  void closeSession().finally(() => app.quit());
});
