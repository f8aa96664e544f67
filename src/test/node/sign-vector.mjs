// Independent signer for the interchange's FHIR signature (spec §5), using npm jose and canonicalize
// rather than any of the gateway's code. Signs a Bundle JSON file as a compact detached JWS over the
// RFC 8785 (JCS) form of the Bundle without its `signature` element.
//
// Usage: node sign-vector.mjs <bundle.json> <pkcs8-key.pem> <chain.pem> <RS256|PS256|ES256> <out-prefix>
// Writes <out-prefix>.jcs (the detached payload), <out-prefix>.jws (header..signature) and
// <out-prefix>.signed.json (the Bundle with signature.data = base64 of the JWS).
import { readFileSync, writeFileSync } from 'node:fs';
import { CompactSign, importPKCS8 } from 'jose';
import canonicalize from 'canonicalize';

const [bundlePath, keyPath, chainPath, alg, outPrefix] = process.argv.slice(2);
if (!outPrefix || !['RS256', 'PS256', 'ES256'].includes(alg)) {
  console.error('usage: node sign-vector.mjs <bundle.json> <pkcs8-key.pem> <chain.pem> <RS256|PS256|ES256> <out-prefix>');
  process.exit(2);
}

const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
const unsigned = { ...bundle };
delete unsigned.signature;
const payload = Buffer.from(canonicalize(unsigned), 'utf8');

// x5c: standard base64 DER of each certificate, signer first, exactly as in the PEM file.
const x5c = [...readFileSync(chainPath, 'ascii').matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)]
  .map((m) => m[1].replace(/\s+/g, ''));
const key = await importPKCS8(readFileSync(keyPath, 'ascii'), alg);

const attached = await new CompactSign(payload).setProtectedHeader({ alg, x5c }).sign(key);
const [header, , signature] = attached.split('.');
const detached = `${header}..${signature}`;

const signed = { ...bundle, signature: { ...(bundle.signature ?? {}), data: Buffer.from(detached, 'ascii').toString('base64') } };
writeFileSync(`${outPrefix}.jcs`, payload);
writeFileSync(`${outPrefix}.jws`, detached);
writeFileSync(`${outPrefix}.signed.json`, JSON.stringify(signed, null, 2) + '\n');
console.log(`${alg}: wrote ${outPrefix}.jcs, .jws, .signed.json`);
