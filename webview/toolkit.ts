// The ONE module that imports @vscode/webview-ui-toolkit (deprecated upstream; successor
// @vscode-elements/elements). Everything else asks this module for controls, so a swap
// touches this file only.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

/** Defines the toolkit's elements once (the browser's registry remembers it: no module state here). */
export function registerToolkit(): void {
  if (customElements.get('vscode-button')) return;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeTextField());
}

/** The properties the app uses from a toolkit text field. */
export interface TextFieldElement extends HTMLElement {
  value: string;
  placeholder: string;
}

/** The properties the app uses from a toolkit dropdown. */
export interface DropdownElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface ButtonElement extends HTMLElement {
  disabled: boolean;
}

export function textField(opts: { id?: string; placeholder: string; label: string }): TextFieldElement {
  const el = document.createElement('vscode-text-field') as TextFieldElement;
  if (opts.id) el.id = opts.id;
  el.setAttribute('placeholder', opts.placeholder);
  el.setAttribute('aria-label', opts.label);
  return el;
}

export function button(opts: { id?: string; text: string; title?: string; secondary?: boolean; onClick: () => void }): ButtonElement {
  const el = document.createElement('vscode-button') as ButtonElement;
  if (opts.id) el.id = opts.id;
  el.textContent = opts.text;
  if (opts.title) el.title = opts.title;
  if (opts.secondary) el.setAttribute('appearance', 'secondary');
  el.addEventListener('click', () => {
    if (!el.disabled) opts.onClick();
  });
  return el;
}

/** A dropdown of (value, label) options; the first option is the prompt with value ''. */
export function dropdown(opts: { id?: string; label: string; prompt: string; options: { value: string; label: string }[]; onChange: (value: string) => void }): DropdownElement {
  const el = document.createElement('vscode-dropdown') as DropdownElement;
  if (opts.id) el.id = opts.id;
  el.setAttribute('aria-label', opts.label);
  setDropdownOptions(el, opts.prompt, opts.options);
  el.addEventListener('change', () => opts.onChange(el.value));
  return el;
}

export function setDropdownOptions(el: DropdownElement, prompt: string, options: { value: string; label: string }[]): void {
  el.replaceChildren(...[{ value: '', label: prompt }, ...options].map(({ value, label }) => {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', value);
    o.textContent = label;
    return o;
  }));
  el.value = '';
}

export function progressRing(): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', 'Loading');
  return el;
}

export interface CheckboxElement extends HTMLElement {
  checked: boolean;
}

export function checkbox(opts: { id?: string; text: string; title?: string; onChange: (checked: boolean) => void }): CheckboxElement {
  const el = document.createElement('vscode-checkbox') as CheckboxElement;
  if (opts.id) el.id = opts.id;
  el.textContent = opts.text;
  if (opts.title) el.title = opts.title;
  el.addEventListener('change', () => opts.onChange(el.checked));
  return el;
}
