// Writes docs/configuration.md from native-workers/config/settings.ts (`npm run docs:config`).
import { writeFileSync } from 'node:fs';
import { configurationReference } from '../native-workers/config/reference.ts';

const out = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(out, configurationReference());
console.log(`wrote ${out.pathname}`);
