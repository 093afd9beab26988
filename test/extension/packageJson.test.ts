import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { CMD, TREE_ONLY_COMMANDS, TIMELINE_VIEW_TYPE, VIEW_CONTAINER_ID, VIEW_ID } from '../../src/host/ids.js';
import { commandHandlers } from '../../src/commands/registerCommands.js';
import { RESTRICTED_SETTINGS, SECTION, SETTING_KEYS } from '../../src/host/settings.js';
import { VIEW_ITEM } from '../../src/host/treeNodes.js';
import { ARTIFACT_IDS } from '../../src/core/schema/artifacts.js';
import { DEFAULT_COLLECT_OPTIONS } from '../../src/core/collectors/types.js';

interface Pkg {
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  activationEvents?: string[];
  main: string;
  icon: string;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, { description?: string; default?: unknown; items?: { enum?: string[] } }> };
  };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Pkg;
const c = pkg.contributes;

test('every command is contributed in the KubeForenSys category and has a handler; tree-only ones are hidden from the palette', () => {
  const ids = Object.values(CMD).sort();
  assert.deepEqual(c.commands.map((x) => x.command).sort(), ids);
  assert.ok(c.commands.every((x) => x.category === 'KubeForenSys' && x.title.length > 0));
  assert.deepEqual(Object.keys(commandHandlers({ refresh: () => undefined })).sort(), ids);
  const hidden = c.menus.commandPalette!.filter((m) => m.when === 'false').map((m) => m.command).sort();
  assert.deepEqual(hidden, [...TREE_ONLY_COMMANDS].sort());
  const titles = Object.fromEntries(c.commands.map((x) => [x.command, x.title]));
  assert.equal(titles[CMD.collect], 'Collect Forensic Snapshot');
  assert.equal(titles[CMD.exportTimeline], 'Export Timeline (CSV, JSONL)');
});

test('menus only name contributed commands and existing viewItem context values', () => {
  const ids = new Set(Object.values(CMD) as string[]);
  const values = new Set<string>(Object.values(VIEW_ITEM));
  for (const [menu, items] of Object.entries(c.menus)) {
    for (const m of items) {
      assert.ok(ids.has(m.command), `${menu}: ${m.command}`);
      for (const [, v] of (m.when ?? '').matchAll(/viewItem == ([\w.]+)/g)) assert.ok(values.has(v!), `${menu}: viewItem ${v}`);
      for (const [, alt] of (m.when ?? '').matchAll(/viewItem =~ \/\^kfs\\\.\(([^)]+)\)\$\//g)) {
        for (const a of alt!.split('|')) assert.ok(values.has(`kfs.${a}`), `${menu}: viewItem kfs.${a}`);
      }
    }
  }
  const containerMenu = c.menus['view/item/context']!.filter((m) => m.when?.includes('kfs.container') || m.when?.includes('container|'));
  assert.deepEqual(new Set(containerMenu.map((m) => m.command)), new Set([CMD.showLogs, CMD.showCommandHistory, CMD.showInTimeline]));
});

test('the view lives in its own activity bar container, with a welcome that offers collection', () => {
  assert.equal(c.viewsContainers.activitybar[0]!.id, VIEW_CONTAINER_ID);
  assert.ok(existsSync(c.viewsContainers.activitybar[0]!.icon));
  assert.deepEqual(c.views[VIEW_CONTAINER_ID]!.map((v) => v.id), [VIEW_ID]);
  const welcome = c.viewsWelcome.find((w) => w.view === VIEW_ID)!;
  assert.ok(welcome.contents.includes(`(command:${CMD.collect})`));
  assert.ok(welcome.contents.includes(`(command:${CMD.openBundle})`));
  assert.ok(existsSync(pkg.icon) && pkg.icon.endsWith('.png'), 'vsce wants a PNG icon');
});

test('every setting is declared with a description and a default', () => {
  const declared = Object.keys(c.configuration.properties).sort();
  assert.deepEqual(declared, SETTING_KEYS.map((k) => `${SECTION}.${k}`).sort());
  for (const [k, v] of Object.entries(c.configuration.properties)) {
    assert.ok(v.description && v.description.length > 20, `${k} description`);
    assert.ok('default' in v, `${k} default`);
  }
  assert.equal(c.configuration.properties['kubeforensys.sinceHours']!.default, 24);
  assert.equal(c.configuration.properties['kubeforensys.concurrency']!.default, DEFAULT_COLLECT_OPTIONS.concurrency, 'the setting and the CLI share one default');
  assert.equal(c.configuration.properties['kubeforensys.azure.workspaceName']!.default, 'KubeForenSys-LAW');
  assert.equal(c.configuration.properties['kubeforensys.collection.execEnabled']!.default, true);
  assert.deepEqual(c.configuration.properties['kubeforensys.artifacts']!.items!.enum, [...ARTIFACT_IDS]);
});

test('activation is lazy, trust is limited for the kubeconfig and evidence paths, and the engine matches @types/vscode', () => {
  const events = pkg.activationEvents ?? [];
  assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
  assert.deepEqual(events, [`onWebviewPanel:${TIMELINE_VIEW_TYPE}`]);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), RESTRICTED_SETTINGS.map((k) => `${SECTION}.${k}`).sort());
  assert.equal(pkg.engines.vscode, '^1.95.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '1.95.0');
  assert.equal(pkg.main, './dist/extension.cjs');
});

test('.vscodeignore keeps sources, tests, node_modules and source maps out of the package', () => {
  const rules = readFileSync('.vscodeignore', 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(rules[0], '**', 'everything is excluded unless listed');
  const included = rules.filter((r) => r.startsWith('!'));
  assert.ok(included.every((r) => /^!(dist\/|media\/|package\.json|README\.md|CHANGELOG\.md|LICENSE)/.test(r)), included.join(' '));
  assert.ok(rules.includes('**/*.map'));
});
