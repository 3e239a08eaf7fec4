/** CIDR ranges as numbers: the network a range names, so that host bits set by mistake are found. */

/** The address as a bigint and its width in bits, or undefined when it is not an IPv4 or IPv6 address. */
function addressBits(address: string): { value: bigint; bits: number } | undefined {
  if (address.includes('.')) {
    const octets = address.split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bits: 32 };
  }
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), bits: 128 };
}

/** Whether the range is an IPv6 one. */
export const isIpv6Cidr = (cidr: string): boolean => cidr.includes(':');

/**
 * The range with its host bits cleared when any is set (`10.0.0.1/8` → `10.0.0.0/8`), else undefined: the address
 * of a range must be its network, or the range is not what its writer thought (Kubernetes and the AWS load
 * balancer controller read `10.0.0.1/8` as 10.0.0.0/8, a range 2^24 addresses wide).
 */
export function networkOf(cidr: string): string | undefined {
  const [address = '', prefixText = ''] = cidr.split('/');
  const parsed = addressBits(address);
  const prefix = Number(prefixText);
  if (!parsed || !Number.isInteger(prefix) || prefix < 0 || prefix > parsed.bits) return undefined;
  const hostBits = BigInt(parsed.bits - prefix);
  const network = (parsed.value >> hostBits) << hostBits;
  if (network === parsed.value) return undefined;
  return `${formatAddress(network, parsed.bits)}/${prefix}`;
}

function formatAddress(value: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // The longest run of zero groups (two or more) becomes `::`, as RFC 5952 writes it.
  let best = { at: -1, length: 1 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length) best = { at: i, length: j - i };
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}
