'use strict';
// A ts-node transpiler (tsconfig.json "ts-node"."transpiler") that keeps swc's output on disk, keyed by the source and
// everything that shapes the output: ts-node still loads every .ts file, but a file unchanged since an earlier run is
// not transpiled again, and swc's native binary is not even loaded when nothing changed. Issue 17: swc's transforms
// were ~0.25 s of every cold run of the main job (BENCHMARKS.md, benchmark 1).
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const CACHE_DIR = process.env.SUITE_TRANSPILE_CACHE || join(__dirname, '../../node_modules/.cache/k3s-acceptance-transpile');

/** What else decides swc's output besides the source: both tools' versions and the compiler options. */
function configurationKey(options) {
  const version = (name) => {
    try {
      return require(`${name}/package.json`).version;
    } catch {
      return 'none';
    }
  };
  return JSON.stringify([version('ts-node'), version('@swc/core'), options.service.config.options, options.nodeModuleEmitKind]);
}

exports.create = function create(options) {
  const configuration = configurationKey(options);
  let swc;
  const transpileWithSwc = (input, transpileOptions) => {
    swc ??= require('ts-node/transpilers/swc').create(options);
    return swc.transpile(input, transpileOptions);
  };
  return {
    transpile(input, transpileOptions) {
      const key = createHash('sha256').update(configuration).update('\0').update(transpileOptions.fileName).update('\0').update(input).digest('hex');
      const file = join(CACHE_DIR, key.slice(0, 2), `${key}.json`);
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // Not cached yet (or unreadable): transpile and keep it.
      }
      const output = transpileWithSwc(input, transpileOptions);
      try {
        mkdirSync(join(CACHE_DIR, key.slice(0, 2)), { recursive: true });
        // Written whole, then renamed: a parallel run reads either nothing or the whole entry.
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify({ outputText: output.outputText, sourceMapText: output.sourceMapText }));
        renameSync(temporary, file);
      } catch {
        // A read-only tree (the container image) transpiles every time, as ts-node alone would.
      }
      return output;
    },
  };
};
