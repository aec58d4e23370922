// `imagenot init WS` and `imagenot status WS [--json]`.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DB_FILE, openWorkspace } from '../../store/workspace.ts';
import { workspaceStatus } from '../../store/status.ts';
import { printJson, withWorkspace } from '../context.ts';

export function register(program: Command): void {
  program
    .command('init')
    .description(
      'create a workspace folder (or open an existing one; refuses a non-empty folder that is not a workspace)',
    )
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print {"workspace", "created", "schema_version"}')
    .action((dir: string, o: { json?: boolean }) => {
      const created = !existsSync(join(resolve(dir), DB_FILE));
      const ws = openWorkspace(dir, { create: true });
      try {
        if (o.json)
          printJson({
            workspace: ws.paths.root,
            created,
            schema_version: ws.db.pragma('user_version', { simple: true }) as number,
          });
        else process.stdout.write(`workspace ready: ${ws.paths.root}\n`);
      } finally {
        ws.close();
      }
    });

  program
    .command('status')
    .description('summarise a workspace: samples, images, rejections, matches, selection, runs, jobs')
    .argument('<ws>', 'workspace folder')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, opts: { json?: boolean }) => {
      await withWorkspace(dir, (ws) => {
        const s = workspaceStatus(ws);
        if (opts.json) return printJson(s);
        const lines = [
          `workspace        ${s.workspace} (schema ${s.schema_version})`,
          `samples          ${s.samples}`,
          `images           ${s.images}`,
          `rejected         ${s.rejected.length}`,
          `fetch            ${
            Object.entries(s.fetch)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ') || '-'
          }`,
          `eligible synsets ${s.synsets_eligible}`,
          `matched          ${s.matched} (ambiguous ${s.ambiguous})`,
          `text filter      ${s.text_encoder ? `${s.text_encoder} > ${s.threshold}: ${s.above_threshold} above the threshold, ${s.kept} kept (flags, images, decisions applied)` : 'not run'}`,
          `selection        ${s.classes_selected} classes, ${s.train_images} train / ${s.test_images} test`,
          `runs             ${s.runs.map((r) => `${r.arch}${r.engine === 'tfjs' ? '' : `[${r.engine}]`}:${r.status}${r.top1 != null ? ` ${r.top1.toFixed(2)}%` : ''}`).join(', ') || '-'}`,
          `jobs             ${
            s.jobs
              .slice(0, 5)
              .map((j) => `#${j.id} ${j.kind} ${j.state}`)
              .join(', ') || '-'
          }`,
        ];
        process.stdout.write(lines.join('\n') + '\n');
      });
    });
}
