export * from './columns.js';
export * from './tables.js';
export * from './artifacts.js';
export * from './timeline.js';
export * from './time.js';
