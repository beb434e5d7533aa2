/** Stable codes of {@link WavegateWebError}. */
export type WavegateWebErrorCode =
  | 'UNAUTHENTICATED'
  | 'HTTP_ERROR'
  | 'RATE_LIMITED'
  | 'NETWORK'
  | 'BAD_DATA'
  | 'STREAM_LOST'
  | 'STREAM_REFUSED'
  | 'READY_TIMEOUT'
  | 'CLOSED'
  | 'METRICS';

/** An error of the browser SDK: reported on the `error` event or by `ready()`; evaluation never throws. */
export class WavegateWebError extends Error {
  /** A stable code to branch on. */
  readonly code: WavegateWebErrorCode;
  /** The HTTP status, when the error is an HTTP answer. */
  readonly status: number | undefined;

  constructor(code: WavegateWebErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WavegateWebError';
    this.code = code;
    this.status = options.status;
  }
}
