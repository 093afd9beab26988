// Kept equal to package.json's version by a test (the bundle manifest records it).
export const TOOL_VERSION = '0.2.0';
