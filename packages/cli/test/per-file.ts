/**
 * The cli project's setup file (vitest `setupFiles`), run before each test file even in a reused worker: the
 * temporary folders of `tempDir()` are removed after every file, not only after the first one of a worker.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './helpers.js';

afterAll(removeTempDirs);
