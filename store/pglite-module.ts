// Loads PGlite. Its CommonJS build reaches Node built-ins through dynamic `import()`, which a
// vm sandbox without an import hook refuses (Jest without --experimental-vm-modules). In plain
// Node the ordinary require is used; only when that error appears is the same file compiled
// with Node's main-context import loader instead, so embedded mode also runs inside test runners.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import vm from 'node:vm';
import type * as PgliteModule from '@electric-sql/pglite';

type PgliteExports = typeof PgliteModule;
type PGliteInstance = InstanceType<PgliteExports['PGlite']>;

let loaded: Promise<PgliteExports> | null = null;

/** `PGlite.create(dataDir?)`, in memory when `dataDir` is undefined. */
export async function createPglite(dataDir: string | undefined): Promise<PGliteInstance> {
  loaded ??= load();
  const { PGlite } = await loaded;
  return dataDir === undefined ? PGlite.create() : PGlite.create(dataDir);
}

async function load(): Promise<PgliteExports> {
  if (await dynamicImportWorks()) return require('@electric-sql/pglite');
  return loadWithMainContextImports();
}

/** Can code compiled in this realm use `import()`? (Not in a vm sandbox without an import hook.) */
async function dynamicImportWorks(): Promise<boolean> {
  try {
    const probe = new Function('return import("node:path")');
    await probe();
    return true;
  } catch {
    return false;
  }
}

function loadWithMainContextImports(): PgliteExports {
  const file = require.resolve('@electric-sql/pglite');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module: { exports: Partial<PgliteExports> } = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  const { exports } = module;
  if (!isPgliteExports(exports)) throw new Error(`store: ${file} did not export PGlite`);
  return exports;
}

function isPgliteExports(exports: Partial<PgliteExports>): exports is PgliteExports {
  return typeof exports.PGlite === 'function';
}
