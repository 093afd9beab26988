// npm run bench:gate [-- --pods N]: the content rules' cost per byte of log, on the collect bench's
// log corpus (the lines the large emulated cluster serves, as bench:collect fetches them), best of
// seven passes, CPU time per byte (the machine is shared: wall time measures the neighbours too).
//   prefilter: the literals derived from the rules (LiteralIndex), alone
//   contentHits: what the seal-time derivation runs per line (prefilter, then the rules it lets through)
//   every rule: the log rules run without the prefilter (what it saves)
//   screening a line from its bytes: the byte gate (byteGate.ts), then decoding and contentHits for
//   the lines it lets through (what screen.ts runs), against decoding every line first (before)
// Then a 10 MB hostile line (near misses all along it) through contentHits, which must stay linear.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { contentHits, LOG_LITERALS, logLineMayHit, ungatedHits } from '../src/core/detections/contentRules.js';
import { LiteralMatcher } from '../src/core/detections/literalIndex.js';
import { generateLargeScenario } from '../test/emulators/kube/large.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '50' } } });
const pods = Number(values.pods);
const scenario = generateLargeScenario({ pods, containersPerPod: 2, linesPerContainer: 1000, now: new Date('2026-11-27T03:00:00Z') });
const lines: string[] = [];
for (const c of scenario.containers.values()) {
  const logs = typeof c.logs === 'function' ? c.logs() : (c.logs ?? []);
  // Fresh flat strings, as the derivation decodes each line from its buffer.
  for (const l of logs) lines.push(Buffer.from(l.text ?? '').toString('utf8'));
}
const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
/** The lines as the screening reads them: one buffer (a stream's bytes) and where each line starts. */
const joined = Buffer.from(lines.join('\n'));
const starts: number[] = [];
for (let i = 0, p = 0; i < lines.length; i++) {
  starts.push(p);
  p += Buffer.byteLength(lines[i]!) + 1;
}

function nsPerByte(f: (line: string, i: number) => unknown): { cpu: number; wall: number } {
  let cpu = Infinity;
  let wall = Infinity;
  for (let r = 0; r < 7; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i++) f(lines[i]!, i);
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / bytes);
    cpu = Math.min(cpu, ((c.user + c.system) * 1000) / bytes);
  }
  return { cpu, wall };
}

/**
 * The hand-written gate the derived prefilter replaced (commit b56656a, LOG_GATE), frozen here as
 * the baseline taken in the same run. It missed hits (c&c, calling home, %26%26id, ;+id, ...);
 * it is timed, not used.
 */
const HAND_GATE = new RegExp("\\b(?:u(?:id=0\\(|n(?:mineable|ion)|pload)|c(?:url|h(?:ainedtransformer|eck(?:-in|in))|3pool|o(?:nnect|mm(?:ix|and=))|all(?:back| home)|2|md=)|w(?:get|fuzz|pscan|3af|hatweb)|in(?:vokertransformer|stantiatetransformer|teract)|t(?:e(?:mplatesimpl|lnet)|cpsocket|unnel)|ysoserial|j(?:ndi|aeles)|s(?:tratum|upportxmr|oc(?:at|ket)|h(?: -i|ell=)|ending to|qlmap|kipfish|cript)|n(?:anopool|i(?:cehash|kto)|c|et(?:cat|sparker)|uclei|map)|m(?:ine(?:xmr|rgate)|onero(?:ocean|hash)|k(?:fifo|nod)|asscan)|2miners|f(?:2pool|sockopen|eroxbuster|uzz faster)|h(?:ashvault|erominers|ydra)|e(?:t(?:hermine|c(?:\\/(?:passwd|shadow)|%2fpasswd))|x(?:fil|ec(?:=|ute=)))|x(?:mr(?:pool|ig)|sstrike)|d(?:warfpool|i(?:al|rbuster)|nslog)|b(?:ash -i|eacon|urpcollaborator)|o(?:pen(?:ssl|vas)|ast)|reverse|z(?:grab|map)|gobuster|a(?:cunetix|rachni))|(?:%(?:2(?:0union|e%2e|4%(?:7bjndi|28))|3(?:cscript|b)|7(?:b%7b|c)|60)|\\+union|\\/(?:\\*\\*\\/union|dev\\/(?:tcp|udp)|inet\\/tcp)|\\.\\.(?:\\/|%2f|\\\\)|<script|\\{\\{|\\$\\{jndi)|(?:;|\\||\\x60|\\$\\(|&&)\\s*(?:\\/bin\\/|\\/usr\\/bin\\/)?(?:id|whoami|uname|cat|wget|curl|nc|bash|sh)\\b", 'i');

const union = new LiteralMatcher(LOG_LITERALS);
const passed = lines.filter((l) => union.test(l)).length;
const fmt = (r: { cpu: number; wall: number }) => `${r.cpu.toFixed(2)} ns/byte CPU (${r.wall.toFixed(2)} wall)`;
console.log(`corpus: ${lines.length.toLocaleString('en-US')} log lines, ${(bytes / 1e6).toFixed(1)} MB (the collect bench's cluster, ${pods} pods × 2 containers)`);
console.log(`prefilter (${LOG_LITERALS.length} derived literals): ${fmt(nsPerByte((l) => union.test(l)))}; ${((100 * passed) / lines.length).toFixed(1)}% of lines pass it`);
const hand = nsPerByte((l) => HAND_GATE.test(l));
console.log(`hand-written gate before (baseline, same run): ${fmt(hand)}; ${((100 * lines.filter((l) => HAND_GATE.test(l)).length) / lines.length).toFixed(1)}% of lines pass it`);
const gated = nsPerByte((l) => contentHits('log', l));
const every = nsPerByte((l) => ungatedHits('log', l));
console.log(`contentHits('log'): ${fmt(gated)}`);
console.log(`every log rule, no prefilter: ${fmt(every)} (${(every.cpu / gated.cpu).toFixed(1)}× the prefiltered cost)`);
const lineEnd = (i: number) => starts[i]! + Buffer.byteLength(lines[i]!);
const decodeAll = nsPerByte((_, i) => contentHits('log', joined.toString('utf8', starts[i], lineEnd(i))));
const fromBytes = nsPerByte((_, i) => logLineMayHit(joined, starts[i]!, lineEnd(i)) && contentHits('log', joined.toString('utf8', starts[i], lineEnd(i))));
const byteGated = lines.filter((_, i) => logLineMayHit(joined, starts[i]!, lineEnd(i))).length;
console.log(`screening a line from its bytes: decode + contentHits (before, same run) ${fmt(decodeAll)}; byte gate first ${fmt(fromBytes)} (${(decodeAll.cpu / fromBytes.cpu).toFixed(1)}×); ${((100 * byteGated) / lines.length).toFixed(1)}% of lines pass the byte gate`);

const near = 'curl http://10.0.0. connect 203.0.113.7 nc -z wget http://192.168.1.1 uid=0 ../.x %3c ${jndi ';
let hostile = '';
while (hostile.length < 10 * 1024 * 1024) hostile += near;
const t0 = process.hrtime.bigint();
const hits = contentHits('log', hostile);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const t1 = process.hrtime.bigint();
const whole = union.test(`${hostile}uid=0(`);
const wholeMs = Number(process.hrtime.bigint() - t1) / 1e6;
console.log(`10 MB hostile line: contentHits ${ms.toFixed(1)} ms (${hits.length} hits; lines are screened on their first 16 KB), prefilter over all 10 MB ${wholeMs.toFixed(0)} ms (found the literal at the end: ${whole})`);
console.log(`load average: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
