import type { ServiceSpec, VariantProfile } from 'wavegate/simulator';

/** The current pipeline: answers in about 0.7 s, rarely fails. */
const classic: VariantProfile = { errorRate: 0.001, latencyMs: { kind: 'lognormal', median: 700, p95: 1400 } };

/** The new pipeline when healthy: re-ranking costs a little time, still well under 2 s. */
const rerank: VariantProfile = { errorRate: 0.001, latencyMs: { kind: 'lognormal', median: 800, p95: 1500 } };

/** The new pipeline with an unindexed vector collection: slow answers (p95 ≈ 3.5 s), some timeouts. */
const slowRerank: VariantProfile = { errorRate: 0.004, latencyMs: { kind: 'lognormal', median: 1800, p95: 3500 } };

/** The Q&A service behind the chat widget: each request is one question of a user. */
export function chatService(options: { faulty?: boolean } = {}): ServiceSpec {
  return {
    name: 'chat-qa',
    flag: 'answer-pipeline',
    users: 5000,
    profiles: { classic, 'rerank-v2': options.faulty === true ? slowRerank : rerank },
  };
}
