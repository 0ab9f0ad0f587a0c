// The dependency direction of ARCHITECTURE.md, checked on every import (npm run lint, run by
// npm test):
//   lib/        imports nothing of ours          sample/   lib/ only
//   pipelines/  lib/; another stage only through its index.ts
//   server/     lib/ only                        app/      everything (the only place that wires them)
//   test/, bench/ mirror the tree and may reach anything.
import tseslint from 'typescript-eslint';

const STAGES = ['ingest', 'transform', 'quality', 'jobs', 'approval', 'export', 'delivery'];
const up = String.raw`^(\.\./)+`;

/** no-restricted-imports patterns naming the folders a file may not import. */
const forbid = (folders, why) => ({ regex: `${up}(${folders.join('|')})/`, message: why });

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench/results/**', 'dashboards/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [forbid(['pipelines', 'server', 'app', 'sample'], 'lib/ imports nothing of ours outside lib/')] }],
    },
  },
  {
    files: ['sample/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [forbid(['pipelines', 'server', 'app'], 'sample/ imports lib/ only')] }] },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [forbid(['pipelines', 'app', 'sample'], 'server/ imports lib/ only; app/ wires it to the pipelines')] }],
    },
  },
  ...STAGES.map((stage) => ({
    files: [`pipelines/${stage}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(['server', 'app', 'sample'], 'pipelines/ import lib/ and earlier stages only'),
            {
              regex: `${up}(pipelines/)?(${STAGES.filter((s) => s !== stage).join('|')})/(?!index\\.ts$)`,
              message: 'another stage is reached through its index.ts only',
            },
          ],
        },
      ],
    },
  })),
);
