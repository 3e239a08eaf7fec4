/**
 * A minimal Prometheus remote-write client for tests: the WriteRequest protobuf and its snappy block, written by
 * hand (literal-only snappy is valid snappy), so a test can push samples for a tenant without starting Prometheus.
 */
import { request } from 'node:http';

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited protobuf field. */
function field(no: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes]);
}

function sample(value: number, timestampMs: number): Buffer {
  const v = Buffer.alloc(8);
  v.writeDoubleLE(value);
  return Buffer.concat([Buffer.from([(1 << 3) | 1]), v, Buffer.from([(2 << 3) | 0, ...varint(timestampMs)])]);
}

/** One series with one sample, as a `prometheus.WriteRequest`. */
export function writeRequest(labels: Record<string, string>, value: number, timestampMs: number): Buffer {
  const ls = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([n, v]) => field(1, Buffer.concat([field(1, Buffer.from(n)), field(2, Buffer.from(v))])));
  return field(1, Buffer.concat([...ls, field(2, sample(value, timestampMs))]));
}

/** The snappy block format with literals only (up to 64 KiB per literal). */
export function snappyLiteral(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from(varint(data.length))];
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536);
    const n = chunk.length - 1;
    parts.push(Buffer.from([61 << 2, n & 0xff, n >> 8]), chunk);
  }
  return Buffer.concat(parts);
}

/** Pushes one sample to a plaintext remote-write URL as `tenant` (in `header`); resolves to the HTTP status. */
export function pushSample(
  url: string,
  { header, tenant, labels, value }: { header: string; tenant: string; labels: Record<string, string>; value: number },
): Promise<number> {
  const body = snappyLiteral(writeRequest(labels, value, Date.now()));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          [header]: tenant,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
