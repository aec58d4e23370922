// Channels only the desktop app has (native dialogs), checked with zod like the shared contract. The renderer
// calls them through the same bridge; browser mode has no such channels (the user types server-side paths).
import { z } from 'zod';
import { channel } from '../native-workers/api/channel.ts';

export const desktopChannels = {
  'app.pickPaths': channel(
    z.object({ mode: z.enum(['files', 'folder']) }),
    z.array(z.string()),
    'Ask the user for input files or a folder with the native dialog; [] when cancelled.',
  ),
  'app.openWorkspace': channel(
    z.object({ create: z.boolean().default(false) }),
    z.object({ path: z.string() }).nullable(),
    'Choose (or create) a workspace folder with the native dialog and switch the app to it; null when cancelled.',
  ),
};
export type DesktopChannelName = keyof typeof desktopChannels;
