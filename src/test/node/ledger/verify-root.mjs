// Independent cross-check of the gateway's ledger format (decision 0004), written without the Java code:
// recomputes every leaf from the export's fields, the RFC 9162 root over the first `size` leaves, and checks the
// checkpoint's Ed25519 signed-note signature with the verifier key. Node.js built-ins only (no dependencies).
// Usage: node verify-root.mjs EXPORT.jsonl CHECKPOINT.txt KEY.vkey   (exit 0 = root and signature match)
import { createHash, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const [exportFile, checkpointFile, keyFile] = process.argv.slice(2);
const sha256 = (...parts) => createHash("sha256").update(Buffer.concat(parts)).digest();

// JCS (RFC 8785) for flat objects of strings and safe integers: sorted keys, JSON.stringify escaping and numbers.
const jcs = (obj) => "{" + Object.keys(obj).sort().map((k) => JSON.stringify(k) + ":" + JSON.stringify(obj[k])).join(",") + "}";

// MTH per RFC 9162 §2.1.1, recursive.
const mth = (leaves) => {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
};

const note = readFileSync(checkpointFile, "utf8");
const split = note.lastIndexOf("\n\n");
const text = note.slice(0, split + 1);
const [origin, sizeLine, rootLine] = text.split("\n");
const size = Number(sizeLine);

// vkey: <name>+<hash>+<base64>; the name and hash have no '+', the base64 may.
const vkey = readFileSync(keyFile, "utf8").trim();
const first = vkey.indexOf("+");
const second = vkey.indexOf("+", first + 1);
const [name, hash, keyB64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
const typed = Buffer.from(keyB64, "base64");
const keyId = sha256(Buffer.from(name + "\n", "utf8"), typed).subarray(0, 4);
if (typed[0] !== 1 || keyId.toString("hex") !== hash) throw new Error("bad verifier key");
const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: typed.subarray(1).toString("base64url") }, format: "jwk" });

let signed = false;
for (const line of note.slice(split + 2).split("\n").filter((l) => l.length > 0)) {
  const [, keyName, sigB64] = line.match(/^\u2014 (\S+) (\S+)$/) ?? [];
  const blob = Buffer.from(sigB64 ?? "", "base64");
  if (keyName === name && blob.subarray(0, 4).equals(keyId)) {
    if (!verify(null, Buffer.from(text, "utf8"), publicKey, blob.subarray(4))) throw new Error("signature does not verify");
    signed = true;
  }
}
if (!signed || origin !== name) throw new Error("no signature by the key, or origin differs");

const leaves = readFileSync(exportFile, "utf8").split("\n").filter((l) => l.length > 0).slice(0, size).map((line) => {
  const { leafHash, ...entry } = JSON.parse(line);
  return sha256(Buffer.from([0]), Buffer.from(jcs(entry), "utf8"));
});
if (leaves.length !== size) throw new Error(`export has ${leaves.length} entries, checkpoint covers ${size}`);
const root = mth(leaves).toString("base64");
console.log(root === rootLine ? `OK: ${size} entries reproduce the signed root` : `MISMATCH: ${root} != ${rootLine}`);
process.exit(root === rootLine ? 0 : 1);
