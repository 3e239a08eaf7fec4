/**
 * Argo CD ApplicationSet templates with `goTemplate: true`: Go's text/template reads `{{` as the start of an
 * action anywhere in a template field. A literal `{{` is written as the action `{{ "{{" }}`, which prints it.
 */
export function argoTemplateText(value: string): string {
  return value.replaceAll('{{', () => '{{ "{{" }}');
}
