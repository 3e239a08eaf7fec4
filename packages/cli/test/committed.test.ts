/**
 * `check`'s comparison through git's index (`src/committed.ts`): where git vouches for a folder, the blob ids
 * decide without reading the files; a dirty, stale or hand-written tree gets the verdict reading it gives
 * (`compareTree`, the oracle here), whatever git's index says.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareTree, type EnvironmentTree, generatedHeader, type TreeChanges } from '@thanos-gitops/output';
import { describe, expect, it, vi } from 'vitest';
import { blobId, committedComparer } from '../src/committed.js';
import { committedVolumes } from '../src/volumes.js';
import { tempDir } from './helpers.js';

const HEADER = generatedHeader('environments/a.yaml');
const TREE: EnvironmentTree = {
  env: 'a',
  files: new Map([
    ['kustomization.yaml', `${HEADER}\nresources: [x/a.yaml, x/b.yaml]\n`],
    ['x/a.yaml', `${HEADER}\nkind: A\n`],
    ['x/b.yaml', `${HEADER}\nkind: B\n`],
  ]),
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A repository with `clusters/a/` holding TREE, committed. */
function committed() {
  const root = tempDir('committed-');
  const clusters = join(root, 'clusters');
  for (const [path, text] of TREE.files) {
    mkdirSync(join(clusters, 'a', path, '..'), { recursive: true });
    writeFileSync(join(clusters, 'a', path), text);
  }
  git(root, 'init', '--quiet');
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', 'base');
  return { root, clusters, a: join(clusters, 'a') };
}

// compareTree, spied on: which folders were read rather than answered from git's index. Handed to the comparer,
// not mocked: the cli tests share their workers (isolate: false), where a module mock does not reach a module
// another test file already loaded.
const reads = vi.fn(compareTree);

const STALE = `${HEADER}\nkind: Old\n`;

/** What check reports from a comparison (the writer's collisions and blocked paths are generate's). */
const verdict = ({ env, added, changed, unchanged, removed, foreign }: TreeChanges) => ({
  env,
  added,
  changed,
  unchanged,
  removed,
  foreign,
});

describe("check's comparison through git's index", () => {
  it('gives the blob id git gives', () => {
    const { root, a } = committed();
    expect(git(root, 'hash-object', join(a, 'x/a.yaml')).trim()).toBe(blobId(`${HEADER}\nkind: A\n`));
    writeFileSync(join(root, 'u.txt'), 'é\n');
    expect(git(root, 'hash-object', 'u.txt').trim()).toBe(blobId('é\n'));
  });

  it('agrees with reading the files, committed or not, for every kind of difference', () => {
    const cases: [string, (c: { root: string; a: string }) => void][] = [
      ['nothing changed', () => {}],
      [
        'a committed hand edit',
        ({ root, a }) => {
          appendFileSync(join(a, 'x/a.yaml'), '# mine\n');
          git(root, 'commit', '--quiet', '-am', 'edit');
        },
      ],
      ['an edit not committed (dirty)', ({ a }) => appendFileSync(join(a, 'x/a.yaml'), '# mine\n')],
      [
        'an edit staged, then undone on disk',
        ({ root, a }) => {
          appendFileSync(join(a, 'x/a.yaml'), '# mine\n');
          git(root, 'add', '-A');
          writeFileSync(join(a, 'x/a.yaml'), `${HEADER}\nkind: A\n`);
        },
      ],
      [
        'a committed stale file',
        ({ root, a }) => {
          writeFileSync(join(a, 'x/old.yaml'), STALE);
          git(root, 'add', '-A');
          git(root, 'commit', '--quiet', '-m', 'stale');
        },
      ],
      ['an untracked stale file', ({ a }) => writeFileSync(join(a, 'x/old.yaml'), STALE)],
      [
        'an ignored stale file',
        ({ root, a }) => {
          writeFileSync(join(root, '.gitignore'), 'old.yaml\n');
          writeFileSync(join(a, 'x/old.yaml'), STALE);
        },
      ],
      [
        'a committed hand-written file',
        ({ root, a }) => {
          writeFileSync(join(a, 'NOTES.md'), 'mine\n');
          git(root, 'add', '-A');
          git(root, 'commit', '--quiet', '-m', 'notes');
        },
      ],
      ['a file deleted, not committed', ({ a }) => rmSync(join(a, 'x/b.yaml'))],
      ['a file deleted and committed', ({ root }) => git(root, 'rm', '--quiet', 'clusters/a/x/b.yaml')],
      [
        'an edit git was told not to look at',
        ({ root, a }) => {
          git(root, 'update-index', '--assume-unchanged', 'clusters/a/x/a.yaml');
          appendFileSync(join(a, 'x/a.yaml'), '# mine\n');
        },
      ],
      [
        'a committed symlink',
        ({ root, a }) => {
          symlinkSync('a.yaml', join(a, 'x/link.yaml'));
          git(root, 'add', '-A');
          git(root, 'commit', '--quiet', '-m', 'link');
        },
      ],
      [
        'line endings converted by git',
        ({ root, a }) => {
          writeFileSync(join(root, '.gitattributes'), '*.yaml text eol=crlf\n');
          writeFileSync(join(a, 'x/a.yaml'), `${HEADER}\r\nkind: A\r\n`);
          git(root, 'add', '-A');
          git(root, 'commit', '--quiet', '-m', 'crlf');
        },
      ],
      [
        'core.autocrlf',
        ({ root, a }) => {
          git(root, 'config', 'core.autocrlf', 'input');
          writeFileSync(join(a, 'x/a.yaml'), `${HEADER}\r\nkind: A\r\n`);
          git(root, 'add', '-A');
          // Staged: git keeps the blob of LF lines, and its stat of the CRLF file on disk.
        },
      ],
    ];
    const verdicts: Record<string, unknown> = {};
    for (const [what, make] of cases) {
      const c = committed();
      make(c);
      const expected = compareTree(c.clusters, TREE);
      expect(verdict(committedComparer(c.clusters)(TREE)), what).toEqual(verdict(expected));
      verdicts[what] = [expected.added, expected.changed, expected.removed].map((l) => l.length);
    }
    // The cases differ as meant: each a verdict check has to get right.
    expect(verdicts).toMatchObject({
      'nothing changed': [0, 0, 0],
      'a committed hand edit': [0, 1, 0],
      'an edit not committed (dirty)': [0, 1, 0],
      'an edit staged, then undone on disk': [0, 0, 0],
      'a committed stale file': [0, 0, 1],
      'an untracked stale file': [0, 0, 1],
      'an ignored stale file': [0, 0, 1],
      'a committed hand-written file': [0, 0, 0],
      'a file deleted, not committed': [1, 0, 0],
      'an edit git was told not to look at': [0, 1, 0],
      'line endings converted by git': [0, 1, 0],
      'core.autocrlf': [0, 1, 0],
    });
  });

  it('reads no file git vouches for, and every folder it cannot', () => {
    const clean = committed();
    writeFileSync(join(clean.a, 'x/old.yaml'), STALE);
    git(clean.root, 'add', '-A');
    git(clean.root, 'commit', '--quiet', '-m', 'stale');
    reads.mockClear();
    expect(committedComparer(clean.clusters, reads)(TREE)).toMatchObject({
      unchanged: [...TREE.files.keys()],
      removed: ['x/old.yaml'],
    });
    expect(reads).not.toHaveBeenCalled();
    appendFileSync(join(clean.a, 'x/b.yaml'), '# mine\n');
    expect(committedComparer(clean.clusters, reads)(TREE).changed).toEqual(['x/b.yaml']);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads a folder only for the attributes by which git converts bytes, not for any attribute', () => {
    const readsWith = (attributes: string) => {
      const c = committed();
      writeFileSync(join(c.root, '.gitattributes'), attributes);
      git(c.root, 'add', '-A');
      git(c.root, 'commit', '--quiet', '-m', 'attributes');
      reads.mockClear();
      expect(verdict(committedComparer(c.clusters, reads)(TREE))).toEqual(verdict(compareTree(c.clusters, TREE)));
      return reads.mock.calls.length;
    };
    expect(readsWith('*.yaml linguist-generated -diff merge=union\n')).toBe(0);
    // Line endings left alone: nothing converts.
    const c = committed();
    git(c.root, 'config', 'core.autocrlf', 'false');
    reads.mockClear();
    expect(committedComparer(c.clusters, reads)(TREE).unchanged).toEqual([...TREE.files.keys()]);
    expect(reads).not.toHaveBeenCalled();
    for (const converting of ['text', 'eol=lf', 'crlf', 'filter=lfs', 'ident', 'working-tree-encoding=ISO-8859-1']) {
      expect(readsWith(`x/b.yaml linguist-generated\nkustomization.yaml ${converting}\n`), converting).toBe(1);
    }
  });

  it('lists a folder git vouches for, so the volume check finds the StatefulSets without walking it', () => {
    const c = committed();
    const set = (size: string) =>
      `${HEADER}\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  volumeClaimTemplates:\n` +
      `    - metadata:\n        name: data\n      spec:\n        resources:\n          requests:\n            storage: ${size}\n`;
    mkdirSync(join(c.a, 'store'));
    writeFileSync(join(c.a, 'store/stateful-set-s.yaml'), set('10Gi'));
    git(c.root, 'add', '-A');
    git(c.root, 'commit', '--quiet', '-m', 'set');
    const { listing } = committedComparer(c.clusters);
    expect(listing('a')).toEqual([...TREE.files.keys(), 'store/stateful-set-s.yaml'].sort());
    const sizes = new Map([['s', new Map([['data', '10Gi']])]]);
    expect(committedVolumes(c.clusters, listing)('a')).toEqual(sizes);
    expect(committedVolumes(c.clusters)('a')).toEqual(sizes);
    // Untracked: git cannot list the folder, which is walked.
    writeFileSync(join(c.a, 'store/stateful-set-t.yaml'), set('5Gi').replace('name: s', 'name: t'));
    const after = committedComparer(c.clusters).listing;
    expect(after('a')).toBeUndefined();
    expect(committedVolumes(c.clusters, after)('a').get('t')).toEqual(new Map([['data', '5Gi']]));
  });

  it("keeps each folder's files apart where names share a start, beside a file at the top", () => {
    const c = committed();
    // Sorted as git lists them: `a-b/…`, `a.b/…` and `a/…` (`-` and `.` before `/`), then `ab/…`.
    const trees = ['a-b', 'a.b', 'ab'].map((env) => ({
      env,
      files: new Map([...TREE.files].map(([path, text]) => [path, text.replace('kind: A', `kind: A-${env}`)])),
    }));
    for (const tree of trees) {
      for (const [path, text] of tree.files) {
        mkdirSync(join(c.clusters, tree.env, path, '..'), { recursive: true });
        writeFileSync(join(c.clusters, tree.env, path), text);
      }
    }
    writeFileSync(join(c.clusters, 'a-b', 'x', 'mine.txt'), 'not generated\n');
    writeFileSync(join(c.clusters, 'README.md'), 'hand-written\n');
    chmodSync(join(c.clusters, 'ab', 'x/a.yaml'), 0o755); // mode 100755: a regular file all the same
    git(c.root, 'add', '-A');
    git(c.root, 'commit', '--quiet', '-m', 'neighbours');
    reads.mockClear();
    const compare = committedComparer(c.clusters, reads);
    for (const tree of [TREE, ...trees]) {
      expect(verdict(compare(tree)), tree.env).toEqual(verdict(compareTree(c.clusters, tree)));
      expect(compare(tree).unchanged, tree.env).toEqual([...TREE.files.keys()]);
    }
    expect(compare(trees[0] as EnvironmentTree).foreign).toEqual(['x/mine.txt']);
    expect(compare(TREE).changed).toEqual([]);
    expect(compare({ ...TREE, files: new Map([...TREE.files].slice(1)) }).removed).toEqual(['kustomization.yaml']);
    expect(compare.listing('ab')).toEqual([...TREE.files.keys()]);
    expect(compare.listing('a-b')).toEqual([...TREE.files.keys(), 'x/mine.txt'].sort());
    expect(reads).not.toHaveBeenCalled();
    // A folder the index does not hold (a new environment): nothing to vouch for, so read (and found missing).
    expect(compare.listing('new')).toEqual([]);
    expect(compare({ ...TREE, env: 'new' }).added).toEqual([...TREE.files.keys()]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('reads the files when clusters/ is not in a git repository', () => {
    const root = tempDir('committed-nogit-');
    const a = join(root, 'clusters', 'a');
    mkdirSync(join(a, 'x'), { recursive: true });
    writeFileSync(join(a, 'x/a.yaml'), `${HEADER}\nkind: A\n`);
    writeFileSync(join(a, 'x/old.yaml'), STALE);
    const changes = committedComparer(join(root, 'clusters'))(TREE);
    expect(changes).toEqual(compareTree(join(root, 'clusters'), TREE));
    expect(changes.removed).toEqual(['x/old.yaml']);
  });
});
