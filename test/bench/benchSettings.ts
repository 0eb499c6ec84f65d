/** The benchmark's settings, from the environment (README "Benchmark" lists them all). */
function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  return value;
}

/** A comma-separated list of whole numbers, e.g. BENCH_DIRECTORY_SIZES=100,10000,100000. */
function list(name: string, fallback: number[], min: number, max: number): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isInteger(value) || value < min || value > max)) throw new Error(`${name} must be whole numbers from ${min} to ${max}, separated by commas (got "${raw}").`);
  return values.toSorted((a, b) => a - b);
}

export const settings = {
  signIns: setting('BENCH_SIGNINS', 200, 1, 20_000),
  concurrency: setting('BENCH_CONCURRENCY', 8, 1, 64),
  warmUp: setting('BENCH_WARMUP', 20, 0, 2_000),
  refreshes: setting('BENCH_REFRESHES', 300, 1, 100_000),
  clientCredentials: setting('BENCH_CLIENT_CREDENTIALS', 500, 1, 100_000),
  grantWarmUp: setting('BENCH_GRANT_WARMUP', 20, 0, 2_000),
  totpChecks: setting('BENCH_TOTP_CHECKS', 300, 1, 20_000),
  hashes: setting('BENCH_HASHES', 40, 1, 2_000),
  wrongPasswords: setting('BENCH_WRONG_PASSWORDS', 100, 2, 5_000),
  pin: setting('BENCH_PIN', 1, 0, 1) === 1,
  /** Directory sizes the sign-in rate is measured at; an empty list (BENCH_DIRECTORY_SIZES=0) skips that part. */
  directorySizes: list('BENCH_DIRECTORY_SIZES', [100, 10_000], 0, 1_000_000).filter((size) => size > 0),
  directorySignIns: setting('BENCH_DIRECTORY_SIGNINS', 30, 1, 10_000),
  earlierSignIns: setting('BENCH_EARLIER_SIGNINS', 0, 0, 1_000_000),
  earlierRealSignIns: setting('BENCH_EARLIER_REAL_SIGNINS', 200, 1, 1_000_000),
  timeLimitSeconds: setting('BENCH_TIME_LIMIT_SECONDS', 900, 10, 14_400),
};
export type BenchSettings = typeof settings;
