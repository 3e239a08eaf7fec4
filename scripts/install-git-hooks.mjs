#!/usr/bin/env node
// Installs the git hooks configured under "simple-git-hooks" in package.json (the pre-commit hook) when
// `pnpm install` runs the root `prepare` script. Skipped, without failing the install:
//   - under CI (CI set to anything but "false" or "0"): CI machines never commit;
//   - with SKIP_INSTALL_SIMPLE_GIT_HOOKS=1 (simple-git-hooks' own switch);
//   - outside a git checkout (an unpacked tarball).
// In a linked worktree (`git worktree add`) the hook goes to the repository's common hooks folder (or
// core.hooksPath), which git shares between all worktrees: simple-git-hooks resolves `.git` files itself.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);

/** Why the hook is not installed in this environment, or undefined when it should be. */
function skipReason(env) {
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return `CI=${ci}`;
  if (['1', 'true'].includes(env.SKIP_INSTALL_SIMPLE_GIT_HOOKS ?? '')) return 'SKIP_INSTALL_SIMPLE_GIT_HOOKS is set';
  return undefined;
}

const reason = skipReason(process.env);
if (reason) {
  console.error(`git hooks: not installed (${reason})`);
} else {
  try {
    // Logs "No `.git` root folder found, skipping" itself outside a checkout.
    await require('simple-git-hooks').setHooksFromConfig(process.cwd(), []);
  } catch (err) {
    // A broken hook setup must never fail an install.
    console.error(`git hooks: not installed (${err})`);
  }
}
