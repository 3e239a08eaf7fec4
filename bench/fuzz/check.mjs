// One fuzz case: an environment document through the whole pipeline (load, rules, render, the object checks the
// pipeline runs itself). A case passes when the file is refused with every problem located (a file, a line and a
// column inside the file) or rendered into objects; anything else (an internal error: exit 3) fails it.
import { stringify } from 'yaml';

/**
 * `render(files)` is the CLI's renderEnvironments; `isInvalid(err)` tells an InvalidEnvironmentError. Returns
 * `{ outcome: 'refused' | 'rendered' | 'crashed' | 'unlocated', detail, ms, text }`.
 */
export function runCase(doc, { render, isInvalid }) {
  const name = typeof doc?.name === 'string' && /^[a-z0-9-]{1,40}$/.test(doc.name) ? doc.name : 'fuzz';
  const path = `environments/${name}.yaml`;
  const text = stringify(doc, { lineWidth: 0 });
  const lines = text.split('\n').length;
  const started = performance.now();
  try {
    const out = render([{ path, text }]);
    return { outcome: 'rendered', detail: `${out.length} environment(s)`, ms: performance.now() - started, text };
  } catch (err) {
    const ms = performance.now() - started;
    if (!isInvalid(err)) return { outcome: 'crashed', detail: String(err?.stack ?? err), ms, text };
    const unlocated = err.problems.filter(
      (p) => p.file !== path || !(p.line >= 1 && p.line <= lines + 1) || !(p.column >= 1) || p.message.length === 0,
    );
    if (unlocated.length > 0) {
      return { outcome: 'unlocated', detail: JSON.stringify(unlocated.slice(0, 3)), ms, text };
    }
    return { outcome: 'refused', detail: err.problems[0]?.message ?? '', ms, text };
  }
}
