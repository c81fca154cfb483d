// Error types callers can tell apart with `instanceof` or `err.code` (docs/js-api-errors.md).

// The bytes are not a usable rule bundle. `detail` is the core's message ("invalid bundle: …",
// the core words it). A later subclass (e.g. a checksum mismatch) keeps `instanceof BundleError`
// true for existing callers.
export class BundleError extends Error {
  constructor(detail, code = 'BASKETLIFT_INVALID_BUNDLE') {
    super(`basketlift: ${detail}`);
    this.name = 'BundleError';
    this.code = code;
    this.detail = detail;
  }
}

// The bundle's payload does not match its checksum: damaged in storage or transfer. Storefronts
// catch this one to fall back to the bundle they had (see the README).
export class BundleChecksumError extends BundleError {
  constructor(detail) {
    super(detail, 'BASKETLIFT_CHECKSUM_MISMATCH');
    this.name = 'BundleChecksumError';
  }
}

// The bundle is larger than loadRecommender's maxBundleBytes (a download or file read stops
// there), or than the wasm instance has memory left for. The bytes may be a fine bundle, so a
// caller can tell this from damage and raise the limit or serve a smaller bundle.
export class BundleTooLargeError extends BundleError {
  constructor(detail) {
    super(detail, 'BASKETLIFT_BUNDLE_TOO_LARGE');
    this.name = 'BundleTooLargeError';
  }
}

// The wasm side cannot be used: code 'BASKETLIFT_WASM_MISMATCH' when the wasm file is not this
// package's build; 'BASKETLIFT_WASM_FAILED' when the instance trapped or aborted, after which
// every recommender on it throws this (the next loadRecommender() starts a new instance).
// `cause`: what the wasm side threw.
export class WasmError extends Error {
  constructor(message, code, cause) {
    super(`basketlift: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'WasmError';
    this.code = code;
  }
}
