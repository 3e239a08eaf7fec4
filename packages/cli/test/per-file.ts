/**
 * The cli project's setup file (vitest `setupFiles`), run before each test file even in a reused worker: the
 * temporary folders of `tempDir()` are removed after every file, not only after the first one of a worker.
 */
import { afterAll } from 'vitest';
import { v8Flags } from '../src/tier-up.js';
import { removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);

// A render raises V8's optimization budget (tier-up.ts). A worker runs many test files (isolate: false), and every
// later one would run with it: in tests the flags are never set (a plain assignment, which `vi.restoreAllMocks()`
// leaves; tier-up.test.ts watches the calls).
v8Flags.setFlagsFromString = () => undefined;
