export declare const CHROMIUM_EXECUTABLE: string;
export declare function missingChromium(): string | null;
