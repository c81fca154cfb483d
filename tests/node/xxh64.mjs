// XXH64 (seed 0) in BigInt, to re-seal deliberately corrupted bundles so they get past the
// checksum and exercise the core's structural checks. Slow, and only for tests.
const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x, r) => ((x << r) | (x >> (64n - r))) & M;
const round = (acc, input) => (rotl((acc + input * P2) & M, 31n) * P1) & M;
const merge = (acc, v) => (((acc ^ round(0n, v)) * P1) & M) + P4 & M;

export function xxh64(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  let at = 0;
  let h;
  if (len >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (-P1) & M;
    for (; at + 32 <= len; at += 32) {
      v1 = round(v1, view.getBigUint64(at, true));
      v2 = round(v2, view.getBigUint64(at + 8, true));
      v3 = round(v3, view.getBigUint64(at + 16, true));
      v4 = round(v4, view.getBigUint64(at + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(len)) & M;
  for (; at + 8 <= len; at += 8) {
    h ^= round(0n, view.getBigUint64(at, true));
    h = (rotl(h, 27n) * P1 + P4) & M;
  }
  if (at + 4 <= len) {
    h ^= (BigInt(view.getUint32(at, true)) * P1) & M;
    h = (rotl(h, 23n) * P2 + P3) & M;
    at += 4;
  }
  for (; at < len; at++) {
    h ^= (BigInt(bytes[at]) * P5) & M;
    h = (rotl(h, 11n) * P1) & M;
  }
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}

// Rewrites the header's checksum (bytes 24..31) over the payload [32, end).
export function reseal(bundle) {
  new DataView(bundle.buffer, bundle.byteOffset).setBigUint64(24, xxh64(bundle.subarray(32)), true);
  return bundle;
}
