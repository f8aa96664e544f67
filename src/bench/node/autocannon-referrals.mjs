// Load from a client we did not write: autocannon (npm) posts distinct pre-signed referrals from
// `./gateway bench corpus` over mutual TLS, at a fixed overall rate (latencies corrected for coordinated omission by
// autocannon) or flat out. Meanwhile, and until every accepted message has been taken, the recipients (LA 850 and the
// MASH) list, fetch and acknowledge their mailboxes, so the run also shows that every accepted message was delivered once.
// Usage: ./gateway bench autocannon [--url https://127.0.0.1:8443] [--corpus target/bench/corpus.ndjson]
//          [--connections 16] [--rate 200 | --max] [--duration 60] [--drain 120] [--out target/bench/autocannon.json]
import autocannon from 'autocannon';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg === '--max') pairs.push(['max', 'true']);
    else if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []),
);
const url = args.url ?? 'https://127.0.0.1:8443';
const certs = args.certs ?? 'certs-dev';
const duration = Number(args.duration ?? 60);
const rate = args.max ? undefined : Number(args.rate ?? 200);
const out = args.out ?? 'target/bench/autocannon.json';
const recipients = (args.recipients ?? 'la-850,mash-850').split(',');
const pem = (name, kind) => fs.readFileSync(path.join(certs, `${name}.${kind}.pem`));
const identity = (name) => ({ cert: pem(name, 'chain'), key: pem(name, 'key'), ca: pem('root-ca', 'crt') });

const bodies = fs.readFileSync(args.corpus ?? 'target/bench/corpus.ndjson', 'utf8').split('\n').filter(Boolean);
const amount = rate ? Math.min(bodies.length, rate * duration) : bodies.length;
if (rate && bodies.length < rate * duration) {
  console.error(`corpus has ${bodies.length} messages, fewer than ${rate}/s x ${duration}s: the run is shorter`);
}

const accepted = new Map(); // trackingId -> time accepted (ms)
const statuses = {};
let next = 0;

// The recipients' side: list, acknowledge, and remember when each message first appeared.
const delivered = Object.fromEntries(recipients.map((r) => [r, new Map()]));
let polling = true;
function call(agent, method, p) {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(p, url), { method, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
async function drain(recipient) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ...identity(recipient) });
  const seen = delivered[recipient];
  while (polling) {
    const listed = await call(agent, 'GET', '/api/v1/mailbox').catch(() => ({ status: 0 }));
    const ids = listed.status === 200 ? JSON.parse(listed.body).messages.map((m) => m.trackingId) : [];
    const now = Date.now();
    await Promise.all(ids.map(async (id) => {
      const entry = seen.get(id) ?? { first: now, acks: 0, listedAfterAck: 0 };
      if (entry.acks > 0) entry.listedAfterAck++;
      seen.set(id, entry);
      // Take it as a recipient system would: fetch the document, then acknowledge.
      const fetched = await call(agent, 'GET', `/api/v1/mailbox/${id}`).catch(() => ({ status: 0 }));
      if (fetched.status !== 200 || !fetched.body) return;
      const ack = await call(agent, 'POST', `/api/v1/mailbox/${id}/ack`).catch(() => ({ status: 0 }));
      if (ack.status === 200) entry.acks++;
    }));
    if (ids.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  agent.destroy();
}
const drains = recipients.map(drain);

const vendor = identity(args.vendor ?? 'acme-safeguard');
const load = await autocannon({
  url,
  connections: Number(args.connections ?? 16),
  amount,
  overallRate: rate,
  timeout: 60,
  tlsOptions: { cert: vendor.cert, key: vendor.key, ca: vendor.ca },
  requests: [{
    method: 'POST',
    path: '/fhir/$process-message',
    headers: { 'content-type': 'application/fhir+json' },
    setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
    onResponse: (status, body) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) accepted.set(JSON.parse(body).identifier.value, Date.now());
    },
  }],
});

// Every accepted message taken by every recipient, or the drain time is up.
const drainUntil = Date.now() + 1000 * Number(args.drain ?? 120);
const allTaken = () => recipients.every((r) => [...accepted.keys()].every((id) => delivered[r].get(id)?.acks > 0));
while (!allTaken() && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 250));
polling = false;
await Promise.all(drains);

const delivery = {};
for (const r of recipients) {
  const seen = delivered[r];
  delivery[r] = {
    missing: [...accepted.keys()].filter((id) => !(seen.get(id)?.acks > 0)).length,
    duplicates: [...seen.values()].filter((e) => e.acks > 1 || e.listedAfterAck > 0).length,
  };
}
const result = {
  client: 'autocannon 8.0.0',
  url,
  mode: rate ? `rate ${rate}/s` : 'flat out',
  connections: load.connections,
  seconds: load.duration,
  sent: load.requests.sent,
  statuses,
  accepted: accepted.size,
  acceptedPerSecond: accepted.size / load.duration,
  errors: load.errors,
  timeouts: load.timeouts,
  latencyMs: { p50: load.latency.p50, p90: load.latency.p90, p99: load.latency.p99, p99_9: load.latency.p99_9,
    max: load.latency.max, mean: load.latency.average },
  delivery,
  load: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
};
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
