/**
 * Grafana provisioning files: Grafana replaces `$NAME` and `${NAME}` with environment variables in every value of a
 * provisioning file (so `$GF_SECURITY_ADMIN_PASSWORD` would read the admin password). `$$` is a literal `$`.
 */
export function grafanaValue(value: string): string {
  return value.replaceAll('$', '$$$$');
}
