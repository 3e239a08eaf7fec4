// Compiles the environment validator ahead of time (ajv standalone code) into dist/environment-validator.cjs, so the
// command loads it instead of compiling the schema at every start. Run by `pnpm build` after tsc.
import { writeFileSync } from 'node:fs';

const { validatorSource, PRECOMPILED } = await import('../dist/validator.js');
writeFileSync(new URL(`../dist/${PRECOMPILED.replace('./', '')}`, import.meta.url), validatorSource());
