/** `{ __KFS_LITERALS__: '<json>' }`, ready for esbuild's define. */
export function literalDefine(banner: { js: string }): Promise<Record<string, string>>;
