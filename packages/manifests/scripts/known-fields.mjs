#!/usr/bin/env node
// Generates src/data/known-fields.json: the field names that the kubernetes-models type declarations (.d.ts) allow
// for a fixed list of kinds, as a graph of named types. src/strict-fields.ts uses it to reject unknown fields, which
// the packages' own validate() accepts silently.
//
//   node packages/manifests/scripts/known-fields.mjs           # (re)write the JSON
//   node packages/manifests/scripts/known-fields.mjs --check   # exit 1 if the JSON on disk is stale
//   node packages/manifests/scripts/known-fields.mjs --verbose # also list the fields treated as free-form
//   --out <file>                                               # write/check <file> instead
//
// Output shape (keys sorted):
//   { "kinds": { "<apiVersion>/<kind>": "<TypeName>" },
//     "types": { "<TypeName>": { "<field>": <ref> } } }
// where <ref> is
//   null               a scalar, a union of scalars (IntOrString, Quantity) or a free-form value
//   "<TypeName>"       a nested object with a fixed set of fields
//   "*"                a map: any keys, free values (labels, annotations, nodeSelector, ConfigMap data, ...)
//   { "*": <ref> }     a map whose values are described by <ref>
// Arrays are unwrapped: the ref describes each element.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUTPUT = path.join(PACKAGE_DIR, 'src', 'data', 'known-fields.json');

// The kinds to describe. Each kind is imported as the interface `I<Kind>` from `<module>/<apiVersion>/<Kind>`
// (the kubernetes-models layout, shared by the @kubernetes-models/* third-party packages); `module` must be a
// dependency of @thanos-gitops/manifests. Core-group kinds use apiVersion 'v1' (-> kubernetes-models/v1/<Kind>).
const KINDS = [
  {
    module: 'kubernetes-models',
    apiVersion: 'v1',
    kinds: ['ConfigMap', 'Namespace', 'PersistentVolumeClaim', 'Secret', 'Service', 'ServiceAccount'],
  },
  { module: 'kubernetes-models', apiVersion: 'apps/v1', kinds: ['Deployment', 'StatefulSet'] },
  { module: 'kubernetes-models', apiVersion: 'autoscaling/v2', kinds: ['HorizontalPodAutoscaler'] },
  { module: 'kubernetes-models', apiVersion: 'networking.k8s.io/v1', kinds: ['NetworkPolicy'] },
  { module: 'kubernetes-models', apiVersion: 'policy/v1', kinds: ['PodDisruptionBudget'] },
  {
    module: 'kubernetes-models',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  },
  {
    module: '@kubernetes-models/prometheus-operator',
    apiVersion: 'monitoring.coreos.com/v1',
    kinds: ['PodMonitor', 'PrometheusRule', 'ServiceMonitor'],
  },
  {
    module: '@kubernetes-models/argo-cd',
    apiVersion: 'argoproj.io/v1alpha1',
    kinds: ['Application', 'ApplicationSet'],
  },
  { module: '@kubernetes-models/flux-cd', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kinds: ['Kustomization'] },
  { module: '@kubernetes-models/flux-cd', apiVersion: 'source.toolkit.fluxcd.io/v1', kinds: ['GitRepository'] },
  {
    module: '@kubernetes-models/grafana-operator',
    apiVersion: 'grafana.integreatly.org/v1beta1',
    kinds: ['GrafanaDashboard'],
  },
  {
    module: '@kubernetes-models/prometheus-operator',
    apiVersion: 'monitoring.coreos.com/v1',
    kinds: ['Prometheus'],
  },
  { module: '@kubernetes-models/cert-manager', apiVersion: 'cert-manager.io/v1', kinds: ['Certificate', 'Issuer'] },
  { module: '@kubernetes-models/gateway-api', apiVersion: 'gateway.networking.k8s.io/v1', kinds: ['TLSRoute'] },
  { module: '@kubernetes-models/external-secrets', apiVersion: 'external-secrets.io/v1', kinds: ['ExternalSecret'] },
  // TO EXTEND: add the package to packages/manifests/package.json, add its kinds here, rerun this script.
];

/** Builds the description; returns { data, notes } where notes lists the fields treated as free-form. */
export function generate() {
  const entries = KINDS.flatMap(({ module, apiVersion, kinds }) =>
    kinds.map((kind) => ({ module, apiVersion, kind, specifier: `${module}/${apiVersion}/${kind}` })),
  );
  // A virtual entry file inside the package, so that its node_modules resolve the imports.
  const entryFile = path.join(PACKAGE_DIR, '__known-fields-entry__.mts');
  const entryText = entries
    .map((e, i) => `import type { I${e.kind} as K${i} } from '${e.specifier}';\nexport type { K${i} };\n`)
    .join('');
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  };
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => f === entryFile || fileExists.call(host, f);
  host.readFile = (f) => (f === entryFile ? entryText : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f === entryFile ? ts.createSourceFile(f, entryText, lang, true) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram({ rootNames: [entryFile], options, host });
  const entry = program.getSourceFile(entryFile);
  const problems = [...program.getSyntacticDiagnostics(entry), ...program.getSemanticDiagnostics(entry)];
  if (problems.length > 0) {
    const text = ts.formatDiagnostics(problems, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => PACKAGE_DIR,
      getNewLine: () => '\n',
    });
    throw new Error(`cannot import the model types (is the package a dependency of manifests?):\n${text}`);
  }
  const checker = program.getTypeChecker();
  const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(entry)).map((s) => [s.name, s]));

  const types = new Map(); // name -> { [field]: ref } (filled in place; a placeholder while being walked)
  const nameOfType = new Map(); // ts.Type -> name
  const notes = new Set();
  const aliasesByFile = new Map();

  // kubernetes-models files end with `export type { IFoo as IIoK8sApi...Foo, Foo as IoK8sApi...Foo }`:
  // name a type after its fully-qualified alias, which is unique across groups and versions.
  function qualifiedName(symbol) {
    const decl = symbol.declarations?.[0];
    const file = decl?.getSourceFile();
    if (!file) return undefined;
    let aliases = aliasesByFile.get(file);
    if (!aliases) {
      aliases = new Map();
      for (const stmt of file.statements) {
        if (!ts.isExportDeclaration(stmt) || !stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) continue;
        for (const el of stmt.exportClause.elements) {
          if (el.propertyName && el.name.text.startsWith('I')) aliases.set(el.propertyName.text, el.name.text.slice(1));
        }
      }
      aliasesByFile.set(file, aliases);
    }
    return aliases.get(symbol.name);
  }

  function isScalar(t) {
    return (t.flags & (ts.TypeFlags.Primitive | ts.TypeFlags.Literal | ts.TypeFlags.Never)) !== 0;
  }

  /** Describes a value of type `t` reached at `where` (for notes). */
  function refOf(t, where) {
    if (t.isUnion()) {
      const members = t.types.filter((m) => !(m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      const structured = members.filter((m) => !isScalar(m));
      if (structured.length === 0) return null;
      if (structured.length === 1) return refOf(structured[0], where);
      notes.add(`${where}: union of ${structured.length} object types (${checker.typeToString(t)}), free-form`);
      return null;
    }
    if (isScalar(t)) return null;
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
      notes.add(`${where}: ${checker.typeToString(t)}, free-form`);
      return null;
    }
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      const args = checker.getTypeArguments(t);
      if (args.length !== 1) {
        notes.add(`${where}: tuple ${checker.typeToString(t)}, free-form`);
        return null;
      }
      return refOf(args[0], where);
    }
    if (!(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection))) {
      notes.add(`${where}: ${checker.typeToString(t)}, free-form`);
      return null;
    }
    const props = checker.getPropertiesOfType(t);
    const index = checker.getIndexInfosOfType(t);
    if (index.length > 0) {
      if (props.length > 0) notes.add(`${where}: fields plus an index signature, treated as a map`);
      const values = index.map((info) => refOf(info.type, `${where}[*]`));
      const value = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0])) ? values[0] : null;
      return value === null ? '*' : { '*': value };
    }
    if (props.length === 0) {
      notes.add(`${where}: ${checker.typeToString(t)} has no declared fields, free-form`);
      return null;
    }
    if (checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0) {
      throw new Error(`${where}: unexpected function type ${checker.typeToString(t)}`);
    }
    const seen = nameOfType.get(t);
    if (seen !== undefined) return seen;
    const symbol = t.aliasSymbol ?? t.getSymbol();
    let name = symbol && qualifiedName(symbol);
    if (!name) {
      // An inline object type with named fields: name it after where it was first reached.
      name = where.replace(/\[\*\]/g, '_').replace(/[^A-Za-z0-9_]/g, '_');
      notes.add(`${where}: inline object type, named ${name}`);
    }
    if (types.has(name)) throw new Error(`two different types are both named ${name} (at ${where})`);
    nameOfType.set(t, name);
    const fields = {};
    types.set(name, fields);
    for (const p of props) {
      fields[p.name] = refOf(checker.getTypeOfSymbol(p), `${name}.${p.name}`);
    }
    return name;
  }

  const kinds = {};
  entries.forEach((e, i) => {
    const alias = exported.get(`K${i}`);
    const t = alias && checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(alias));
    const key = `${e.apiVersion}/${e.kind}`;
    if (!t || t.flags & ts.TypeFlags.Any) throw new Error(`cannot resolve I${e.kind} from ${e.specifier}`);
    for (const [field, expected] of [
      ['apiVersion', e.apiVersion],
      ['kind', e.kind],
    ]) {
      const p = t.getProperty(field);
      const actual = p && checker.getTypeOfSymbol(p);
      if (!actual?.isStringLiteral() || actual.value !== expected) {
        throw new Error(`${e.specifier}: I${e.kind}.${field} is not '${expected}'`);
      }
    }
    const name = refOf(t, key);
    if (typeof name !== 'string' || !types.has(name)) throw new Error(`${key}: not an object type`);
    kinds[key] = name;
  });

  const sortKeys = (o) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  const data = {
    kinds: sortKeys(kinds),
    types: Object.fromEntries([...types.keys()].sort().map((n) => [n, sortKeys(types.get(n))])),
  };
  return { data, notes: [...notes].sort() };
}

export function serialize(data) {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** Whether `file` holds `data`; compares the content, not the layout, so a JSON formatter run over it is harmless. */
function isUpToDate(file, data) {
  try {
    return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(data);
  } catch {
    return false;
  }
}

function main(argv) {
  const outIndex = argv.indexOf('--out');
  if (outIndex >= 0 && !argv[outIndex + 1]) throw new Error('--out needs a file name');
  const output = outIndex >= 0 ? path.resolve(argv[outIndex + 1]) : DEFAULT_OUTPUT;
  const shown = path.relative(process.cwd(), output);
  const { data, notes } = generate();
  if (argv.includes('--verbose')) for (const n of notes) console.error(`note: ${n}`);
  const summary = `${Object.keys(data.kinds).length} kinds, ${Object.keys(data.types).length} types`;
  if (argv.includes('--check')) {
    if (isUpToDate(output, data)) {
      console.log(`${shown} is up to date (${summary})`);
    } else {
      const script = path.relative(process.cwd(), fileURLToPath(import.meta.url));
      console.error(`${shown} is not what ${script} generates; rerun it without --check`);
      process.exitCode = 1;
    }
    return;
  }
  const text = serialize(data);
  mkdirSync(path.dirname(output), { recursive: true });
  writeFileSync(output, text);
  console.log(`wrote ${shown} (${summary}, ${text.length} bytes)`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
