/**
 * A published ranking is a frozen snapshot: the inputs (in canonical order), the parameters (seed, B, band, trim rule,
 * flat-judge policy), the results, and a SHA-256 over the canonical JSON of all of them with the method name. Anyone
 * holding a snapshot can recompute the results from its inputs and parameters and check both the results and the
 * hash (verifySnapshot); the hash, recorded in the audit log when the office publishes, pins the snapshot itself.
 *
 * Canonical JSON follows RFC 8785 (JCS) for the values we store: object keys sorted by UTF-16 code units, no spaces,
 * numbers in ECMAScript's shortest round-trip form, strings as JSON.stringify writes them. Hashing uses WebCrypto
 * (crypto.subtle), present on Node and on Workers, hence async.
 */
import { sha256Hex } from '../../platform/hash';
import {
  RANKING_METHOD,
  checkParameters,
  checkRankingInput,
  type RankingParameters,
  type TrackRankingInput,
} from './rankings.input';
import { computeTrackRanking, type TrackRanking } from './rankings.method';

export interface RankingSnapshot {
  readonly method: string;
  readonly inputs: TrackRankingInput;
  readonly parameters: RankingParameters;
  readonly results: TrackRanking;
  /** Lower-case hex SHA-256 of canonicalJson({ method, inputs, parameters, results }). */
  readonly hash: string;
}

/** JCS-style canonical JSON. Refuses what JSON cannot carry faithfully (undefined, NaN, ±Infinity, functions …). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (
    typeof value === 'object' &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(
    `canonicalJson: cannot encode ${typeof value === 'object' ? Object.prototype.toString.call(value) : typeof value}`,
  );
}

const hashOf = (s: Omit<RankingSnapshot, 'hash'>) =>
  sha256Hex(canonicalJson({ method: s.method, inputs: s.inputs, parameters: s.parameters, results: s.results }));

/** Computes a track's ranking and freezes it with its inputs, parameters and hash. Throws RankingInputError. */
export async function freezeRanking(input: TrackRankingInput, parameters: RankingParameters): Promise<RankingSnapshot> {
  const inputs = checkRankingInput(input);
  const params = checkParameters(parameters);
  const results = computeTrackRanking(inputs, params);
  // A JSON round trip drops the readonly view types and proves the snapshot survives storage unchanged.
  const body = JSON.parse(JSON.stringify({ method: RANKING_METHOD, inputs, parameters: params, results })) as Omit<
    RankingSnapshot,
    'hash'
  >;
  return { ...body, hash: await hashOf(body) };
}

export type SnapshotCheck =
  | { readonly ok: true; readonly hash: string }
  | {
      readonly ok: false;
      /** unknown-method: made by another version of the method; invalid-inputs: cannot be recomputed at all;
       *  results-differ: recomputing gives other results; hash-mismatch: the hash does not cover this content. */
      readonly problem: 'unknown-method' | 'invalid-inputs' | 'results-differ' | 'hash-mismatch';
      readonly detail: string;
    };

/** Recomputes a snapshot (for instance one read back from the database or an export) and checks results and hash. */
export async function verifySnapshot(snapshot: RankingSnapshot): Promise<SnapshotCheck> {
  if (snapshot.method !== RANKING_METHOD) {
    return {
      ok: false,
      problem: 'unknown-method',
      detail: `snapshot was made by ${snapshot.method}; this code computes ${RANKING_METHOD}`,
    };
  }
  let recomputed: TrackRanking;
  try {
    recomputed = computeTrackRanking(snapshot.inputs, snapshot.parameters);
  } catch (e) {
    return { ok: false, problem: 'invalid-inputs', detail: e instanceof Error ? e.message : String(e) };
  }
  const stored = canonicalJson(snapshot.results);
  const fresh = canonicalJson(JSON.parse(JSON.stringify(recomputed)));
  if (stored !== fresh) return { ok: false, problem: 'results-differ', detail: firstDifference(stored, fresh) };
  const hash = await hashOf(snapshot);
  if (hash !== snapshot.hash)
    return { ok: false, problem: 'hash-mismatch', detail: `stored ${snapshot.hash}, content hashes to ${hash}` };
  return { ok: true, hash };
}

/** Where two canonical texts part, with a little context either side: enough to find the tampered value. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `stored …${a.slice(from, i + 40)}… recomputed …${b.slice(from, i + 40)}…`;
}
