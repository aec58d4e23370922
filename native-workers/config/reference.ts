// docs/configuration.md, rendered from the declarations in settings.ts (`npm run docs:config` writes it; a unit test
// fails when the file and this rendering differ).
import { AUDIENCES, SETTINGS, type Audience, type Setting } from './settings.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function row(s: Setting<unknown>): string {
  const names = [`\`${s.name}\``, ...(s.deprecatedNames ?? []).map((n) => `(deprecated: \`${n}\`)`)].join(' ');
  const doc = s.readBy ? `${s.doc} Read by ${s.readBy}.` : s.doc;
  return `| ${names} | ${cell(s.type)} | ${cell(s.default)} | ${cell(doc)} |`;
}

export function configurationReference(): string {
  const settings = Object.values(SETTINGS) as Setting<unknown>[];
  const sections = (Object.keys(AUDIENCES) as Audience[]).map((audience) =>
    [
      `## ${AUDIENCES[audience]}`,
      '',
      '| variable | type | default | what it does |',
      '| --- | --- | --- | --- |',
      ...settings.filter((s) => s.audience === audience).map(row),
    ].join('\n'),
  );
  return [
    '# Configuration: environment variables',
    '',
    '<!-- Generated from native-workers/config/settings.ts by `npm run docs:config`; edit that file, not this one. -->',
    '',
    'ImageNot Studio reads these variables (and no other `IMAGENOT_*`). A deprecated name still works when the',
    'current one is unset, with a warning.',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
