// The workload shared by every library: 100,000 distinct units, country cycling VN/US/DE/FR.
export const COUNTRIES = ['VN', 'US', 'DE', 'FR'];

/** Plain descriptions of the units; each library turns them into its own prebuilt context objects. */
export function makeUnits(n) {
  const units = new Array(n);
  for (let i = 0; i < n; i++) units[i] = { userId: `user-${i}`, country: COUNTRIES[i % COUNTRIES.length] };
  return units;
}
