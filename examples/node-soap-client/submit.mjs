// Example vendor client for the Safeguarding Interchange SOAP binding, written with the npm `soap` package (not CXF).
// It signs a SubmitMessage with WS-Security exactly as docs/soap-binding.md requires (X.509 BinarySecurityToken,
// RSA-SHA256, exclusive C14N, SHA-256 digests, a 5-minute wsu:Timestamp, signed Body, Timestamp and WS-Addressing
// headers) and sends it over mutual TLS.
//
//   node submit.mjs <endpoint> <tls-and-signing-name> <SubmitMessage.xml> [certs-dir]
//   node submit.mjs https://localhost:8443/soap/v1 acme-safeguard ../../schemas/examples/soap/01-safeguarding-referral.xml
//
// Prints one JSON line: {"status":"ok","trackingId":"...","senderMessageId":"..."} (exit 0), or the gateway's fault
// {"fault":"SIG-010", ...} (exit 2).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import soap from 'soap';

const here = path.dirname(fileURLToPath(import.meta.url));
const [endpoint, name, bodyFile, certsArg] = process.argv.slice(2);
if (!endpoint || !name || !bodyFile) {
  console.error('usage: node submit.mjs <endpoint> <cert-name> <SubmitMessage.xml> [certs-dir]');
  process.exit(64);
}
const certs = certsArg ?? path.join(here, '..', '..', 'certs-dev');
const read = (file) => readFileSync(path.join(certs, file), 'utf8');

// Mutual TLS: the organisation's certificate chain and key; the interchange root as the only trusted CA.
const agent = new https.Agent({
  cert: read(`${name}.chain.pem`),
  key: read(`${name}.key.pem`),
  ca: read('root-ca.crt.pem'),
  minVersion: 'TLSv1.2',
});

const WSA = 'http://www.w3.org/2005/08/addressing';
const messageId = `urn:uuid:${randomUUID()}`;
const utc = (date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const created = new Date();
const expires = new Date(created.getTime() + 5 * 60 * 1000);

// The gateway accepts a timestamp lifetime of at most 5 minutes; `soap` writes 10, so this client supplies its own
// wsu:Timestamp (hasTimeStamp: false + appendElement) and adds it to the signed references.
const security = new soap.WSSecurityCert(read(`${name}.key.pem`), read(`${name}.crt.pem`), '', {
  hasTimeStamp: false,
  appendElement:
    `<wsu:Timestamp><wsu:Created>${utc(created)}</wsu:Created>` + `<wsu:Expires>${utc(expires)}</wsu:Expires></wsu:Timestamp>`,
  signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  signatureTransformations: ['http://www.w3.org/2001/10/xml-exc-c14n#'],
  additionalReferences: ['wsu:Timestamp', 'wsa:Action', 'wsa:MessageID', 'wsa:To'],
  signerOptions: { idMode: 'wssecurity' },
});

// The contract from the repository (the same WSDL the gateway serves at <endpoint>?wsdl).
const wsdl = path.join(here, '..', '..', 'schemas', 'soap', 'interchange.wsdl');
const client = await soap.createClientAsync(wsdl, { forceSoap12Headers: true });
client.setEndpoint(endpoint);
client.setSecurity(security);
client.addSoapHeader(`<wsa:Action xmlns:wsa="${WSA}">urn:interchange:soap:v1:SubmitMessage</wsa:Action>`);
client.addSoapHeader(`<wsa:MessageID xmlns:wsa="${WSA}">${messageId}</wsa:MessageID>`);
client.addSoapHeader(`<wsa:To xmlns:wsa="${WSA}">${endpoint}</wsa:To>`);

// The body as XML (the schemas/examples/soap files), without its prolog and comments.
const body = readFileSync(path.resolve(bodyFile), 'utf8')
  .replace(/<\?xml[^>]*\?>/, '')
  .replace(/<!--[\s\S]*?-->/g, '')
  .trim();

try {
  const [result] = await client.SubmitMessageAsync({ _xml: body }, { httpsAgent: agent });
  console.log(JSON.stringify({ status: result.status, trackingId: result.trackingId, senderMessageId: messageId }));
} catch (error) {
  const detail = error?.root?.Envelope?.Body?.Fault?.Detail?.GatewayFaultDetail;
  console.log(JSON.stringify({ fault: detail?.code ?? 'unknown', detail: detail?.detail ?? String(error.message) }));
  process.exit(2);
}
