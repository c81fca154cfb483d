// Error types callers can tell apart with `instanceof` or `err.code`.

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

