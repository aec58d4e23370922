// The launch form's fields: what the user typed, checked field by field (the message sits under the field, and Train
// stays disabled until every field is valid), and the request it becomes. Empty means "the recipe's value".
import type { RunDefaults, RunStartRequest, TrainingProfile } from '../../api/types.ts';

export const FIELDS = ['epochs', 'batch', 'lr', 'patience', 'seed'] as const;
export type Field = (typeof FIELDS)[number];
export type FormValues = Record<Field, string>;

export const LABELS: Record<Field, string> = {
  epochs: 'epochs',
  batch: 'batch size',
  lr: 'learning rate',
  patience: 'patience',
  seed: 'seed',
};

const RULES: Record<Field, { integer: boolean; min: number; exclusive?: boolean; max?: number }> = {
  epochs: { integer: true, min: 1, max: 10000 },
  batch: { integer: true, min: 1, max: 65536 },
  lr: { integer: false, min: 0, exclusive: true, max: 100 },
  patience: { integer: true, min: 1, max: 10000 },
  seed: { integer: true, min: 0, max: 2 ** 31 - 1 },
};

/** Why a field's text is not acceptable, in words; null when it is (empty is: the recipe decides). */
export function fieldError(field: Field, text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  const v = Number(t);
  const r = RULES[field];
  if (!Number.isFinite(v)) return 'enter a number';
  if (r.integer && !Number.isInteger(v)) return 'enter a whole number';
  if (r.exclusive ? v <= r.min : v < r.min) return r.exclusive ? `must be above ${r.min}` : `at least ${r.min}`;
  if (r.max != null && v > r.max) return `at most ${r.max.toLocaleString('en-US')}`;
  return null;
}

export function formErrors(values: FormValues): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const f of FIELDS) {
    const e = fieldError(f, values[f]);
    if (e) out[f] = e;
  }
  return out;
}

/** The values each chosen architecture will train with: its recipe, with what the user typed on top. */
export function resolved(
  defaults: readonly RunDefaults[],
  archs: readonly string[],
  values: FormValues,
): (RunDefaults & { overridden: Field[] })[] {
  return defaults
    .filter((d) => archs.includes(d.arch))
    .map((d) => {
      const overridden = FIELDS.filter((f) => values[f].trim() !== '' && !fieldError(f, values[f]));
      const out = { ...d, overridden };
      for (const f of overridden) out[f] = Number(values[f]);
      return out;
    });
}

/** The placeholder of a field: the recipe's value, or its range over the chosen architectures. */
export function placeholder(defaults: readonly RunDefaults[], archs: readonly string[], field: Field): string {
  const values = [...new Set(defaults.filter((d) => archs.includes(d.arch)).map((d) => d[field]))].sort(
    (a, b) => a - b,
  );
  if (!values.length) return 'recipe';
  if (values.length === 1) return `recipe: ${values[0]}`;
  return `recipe: ${values[0]}–${values[values.length - 1]}`;
}

export function startRequest(
  archs: string[],
  profile: TrainingProfile,
  engine: NonNullable<RunStartRequest['engine']>,
  dataset: string | null,
  values: FormValues,
): RunStartRequest {
  const req: RunStartRequest = { archs, profile, engine };
  if (dataset) req.dataset = dataset;
  for (const f of FIELDS) if (values[f].trim() !== '' && !fieldError(f, values[f])) req[f] = Number(values[f]);
  return req;
}
