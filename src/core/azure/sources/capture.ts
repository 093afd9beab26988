// Azure responses as raw evidence: an SDK pipeline policy, placed per retry, that takes each
// answer's body as the transport delivered it (before the SDK parses anything), records the
// attempt in the bundle's acquisition index like a Kubernetes response, and hands the SDK the
// same bytes to parse. Nothing is re-serialised. Only method, URL, status and the body are
// kept: no request or response header, so no Authorization token ever reaches the bundle.
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { AzureRef, RawStore } from '../../evidence/raw.js';

/** Everything one attempt recorded (what the sources need to decide what to ask next). */
export interface CapturedAttempt {
  seq: number;
  status: number;
  body: Buffer;
}

/** Upper bound of one captured body: past it the answer is refused rather than held in memory. */
const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer | string>) {
    const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    size += b.length;
    if (size > MAX_CAPTURE_BYTES) throw new Error(`the answer is larger than ${MAX_CAPTURE_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, size);
}

/** Records Azure requests into one bundle's raw/ folder. */
export class AzureRecorder {
  /** Attempt numbers per request object (the SDK's retry policy re-sends the same object). */
  private readonly attempts = new WeakMap<PipelineRequest, number>();
  /** Body bytes recorded so far (for the coverage report's figures). */
  bytes = 0;

  constructor(private readonly store: RawStore) {}

  /** A policy that records every attempt of the client it is given to under `ref`. */
  policy(ref: AzureRef, onAttempt?: (a: CapturedAttempt) => void): PipelinePolicy {
    return {
      name: 'kubeforensysEvidenceCapture',
      sendRequest: (request, next) => this.capture(ref, request, next, onAttempt),
    };
  }

  private async capture(ref: AzureRef, request: PipelineRequest, next: (r: PipelineRequest) => Promise<PipelineResponse>, onAttempt?: (a: CapturedAttempt) => void): Promise<PipelineResponse> {
    const attempt = (this.attempts.get(request) ?? 0) + 1;
    this.attempts.set(request, attempt);
    const seq = this.store.nextSeq();
    const startedAt = new Date().toISOString();
    // The body is asked for as a stream so the bytes are ours before anything decodes them;
    // the SDK's own setting is put back for its deserializer.
    const own = request.streamResponseStatusCodes;
    request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY]);
    let response: PipelineResponse;
    let body: Buffer = Buffer.alloc(0);
    try {
      response = await next(request);
      if (response.readableStreamBody) body = await readAll(response.readableStreamBody);
      else if (typeof response.bodyAsText === 'string') body = Buffer.from(response.bodyAsText, 'utf8');
    } catch (err) {
      request.streamResponseStatusCodes = own;
      const status = (err as { statusCode?: number }).statusCode ?? 0;
      await this.record(seq, body, ref, { method: request.method, url: request.url, attempt, startedAt, status, error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    request.streamResponseStatusCodes = own;
    await this.record(seq, body, ref, { method: request.method, url: request.url, attempt, startedAt, status: response.status, error: null });
    onAttempt?.({ seq, status: response.status, body });
    const streamed = own?.has(response.status) || own?.has(Number.POSITIVE_INFINITY);
    if (streamed) {
      const { Readable } = await import('node:stream');
      return { ...response, readableStreamBody: Readable.from([body]) };
    }
    return { ...response, readableStreamBody: undefined, bodyAsText: body.toString('utf8') };
  }

  private async record(seq: number, body: Buffer, ref: AzureRef, a: { method: string; url: string; attempt: number; startedAt: string; status: number; error: string | null }): Promise<void> {
    this.bytes += body.length;
    const ok = a.error === null && a.status >= 200 && a.status <= 299;
    await this.store.recordBody(seq, 'json', body, {
      method: a.method,
      path: a.url,
      attempt: a.attempt,
      startedAt: a.startedAt,
      endedAt: new Date().toISOString(),
      status: a.status,
      reason: ok ? null : errorCode(body) ?? (a.status === 0 ? 'TransportError' : `HTTP ${a.status}`),
      complete: a.error === null,
      error: ok ? null : (a.error ?? errorMessage(body) ?? `HTTP ${a.status}`),
      ref,
    });
  }
}

/** The ARM / Log Analytics error code of an error body ({error:{code}}), when it has one. */
export function errorCode(body: Buffer): string | null {
  return parseError(body)?.code ?? null;
}

function errorMessage(body: Buffer): string | null {
  return parseError(body)?.message ?? null;
}

function parseError(body: Buffer): { code?: string; message?: string } | null {
  if (body.length === 0 || body.length > 1024 * 1024) return null;
  try {
    const j = JSON.parse(body.toString('utf8')) as { error?: { code?: unknown; message?: unknown } };
    const e = j?.error;
    if (!e || typeof e !== 'object') return null;
    return { code: typeof e.code === 'string' ? e.code : undefined, message: typeof e.message === 'string' ? e.message : undefined };
  } catch {
    return null;
  }
}
