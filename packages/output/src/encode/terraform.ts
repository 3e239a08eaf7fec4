/**
 * Terraform JSON (`*.tf.json`): every string is a template in which `${…}` and `%{…}` are evaluated. A value from
 * the environment is written as a literal (`$${`, `%%{`); the references the generator means are built with
 * `tfRef` and kept as they are. `terraformJson` walks a whole document, so no writer can forget a value.
 */
const TF_REF: unique symbol = Symbol('terraform reference');

export interface TerraformRef {
  readonly [TF_REF]: string;
}

/** A template the generator writes on purpose (`tfRef('${aws_iam_role.x.arn}')`): left unescaped. */
export function tfRef(template: string): TerraformRef {
  return { [TF_REF]: template };
}

/** A literal string inside a Terraform template: `${` → `$${`, `%{` → `%%{`. */
export function hclLiteral(value: string): string {
  return value.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

function isRef(value: unknown): value is TerraformRef {
  return typeof value === 'object' && value !== null && TF_REF in value;
}

/**
 * The document with every string value made literal, `tfRef`s turned into their templates. Keys are names the
 * generator derives (`tfName`) and the `//` comment is never evaluated: both are kept.
 */
export function terraformJson(doc: unknown): unknown {
  if (isRef(doc)) return doc[TF_REF];
  if (typeof doc === 'string') return hclLiteral(doc);
  if (Array.isArray(doc)) return doc.map(terraformJson);
  if (typeof doc === 'object' && doc !== null) {
    return Object.fromEntries(
      Object.entries(doc).map(([k, v]) => [k, k === '//' && typeof v === 'string' ? v : terraformJson(v)]),
    );
  }
  return doc;
}
