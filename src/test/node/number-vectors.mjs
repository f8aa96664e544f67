// Writes ECMAScript Number.prototype.toString results for a fixed pseudo-random set of doubles
// (plus edge cases) as "<16 hex digits of the IEEE-754 bits> <string>" lines.
// Usage: node number-vectors.mjs > ../resources/vectors/es-numbers.txt
const view = new DataView(new ArrayBuffer(8));
let seed = 0x2545F4914F6CDD1Dn;
function next64() { // xorshift64*, fixed seed: the output is reproducible
  seed ^= seed >> 12n; seed ^= (seed << 25n) & 0xFFFFFFFFFFFFFFFFn; seed ^= seed >> 27n;
  return (seed * 0x2545F4914F6CDD1Dn) & 0xFFFFFFFFFFFFFFFFn;
}
const lines = [];
function emit(bits) {
  view.setBigUint64(0, bits);
  const d = view.getFloat64(0);
  if (!Number.isFinite(d)) return;
  lines.push(bits.toString(16).padStart(16, '0') + ' ' + String(d));
}
const edges = [0, -0, 1, -1, 0.1, 0.2, 0.3, 1e21, 1e-6, 1e-7, 999999999999999900000, 1e20, 123e18, 5e-324,
  Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 63, 2 ** 64, 1 / 3, 2 / 3, 100, 1e23,
  4.35, 0.002, 1e30, 0.000001, 0.0000012345, 123456789012345680000, 1.5e300, 2.225073858507201e-308];
for (const e of edges) { view.setFloat64(0, e); emit(view.getBigUint64(0)); }
for (let i = 0; i < 3000; i++) emit(next64());                      // any exponent
for (let i = 0; i < 3000; i++) {                                     // exponents near the plain/exponent switch
  const r = next64();
  const exponent = BigInt(1023 - 30 + Number(r % 110n));             // about 1e-9 .. 1e24
  emit(((r >> 11n) & 0x000FFFFFFFFFFFFFn) | (exponent << 52n) | (r & 0x8000000000000000n));
}
for (let i = 0; i < 500; i++) {                                      // short decimals
  const r = next64();
  const d = Number(r % 100000n) / 10 ** Number((r >> 20n) % 12n);
  view.setFloat64(0, d); emit(view.getBigUint64(0));
}
process.stdout.write(lines.join('\n') + '\n');
