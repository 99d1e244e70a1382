import { describe, expect, it } from 'vitest';
import { assignSplit, groupItems, groupSplit, jaccard, minHasher, estimatedJaccard, promptUnit, words, type GroupItem } from './index';

const shares = { train: 0.8, val: 0.1, test: 0.1 };

// a small seeded PRNG, so that a failing case can be rerun
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}
const RESOURCES = 'bucket vpc subnet lambda role policy queue topic cluster redshift instance gateway route zone record key alias table'.split(' ');
// a vocabulary as wide as real prompts' (resource words, plus 600 others), so unrelated prompts share few words
const VOCAB = [...'create deploy an aws with versioning logging encryption public private access rule node'.split(' '), ...RESOURCES, ...Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}`)];
function basePrompt(rand: () => number): string {
  const n = 8 + Math.floor(rand() * 20);
  return Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]!).join(' ') + ` ${Math.floor(rand() * 1e9).toString(36)}`;
}
/** what the 20k corpus of issue 14 varied: a name, a trailing period, case */
function variant(p: string, rand: () => number): string {
  const w = p.split(' ');
  const r = rand();
  if (r < 0.4) w[Math.floor(rand() * w.length)] = `name${Math.floor(rand() * 1000)}`;
  else if (r < 0.7) return `${p}.`;
  else return p.toUpperCase();
  return w.join(' ');
}

describe('MinHash', () => {
  it('estimates Jaccard similarity of word sets within a few points', () => {
    const h = minHasher();
    const rand = prng(1);
    for (let i = 0; i < 50; i++) {
      const a = basePrompt(rand);
      const b = variant(a, rand);
      expect(Math.abs(estimatedJaccard(h.signature(a), h.signature(b)) - jaccard(a, b))).toBeLessThan(0.2);
    }
    expect(jaccard('Create an S3 bucket.', 'create an s3   bucket')).toBe(1);
  });
});

describe('split by group', () => {
  it('no near-duplicate family spans two splits (planted families, 3 seeds)', async () => {
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const items: (GroupItem & { family: number })[] = [];
      for (let f = 0; f < 400; f++) {
        const p = basePrompt(rand);
        const members = 1 + Math.floor(rand() * 4);
        for (let m = 0; m < members; m++) items.push({ key: `${f}/${m}`, prompt: m === 0 ? p : variant(p, rand), goldHash: `g${f}/${m}`, family: f });
      }
      const grouping = await groupItems(items.sort(() => rand() - 0.5), { threshold: 0.6 });
      const splitsOf = new Map<number, Set<string>>();
      for (const it of items) {
        const split = groupSplit(grouping.groupOf(it.key)!, shares);
        (splitsOf.get(it.family) ?? splitsOf.set(it.family, new Set()).get(it.family)!).add(split);
      }
      const crossing = [...splitsOf.values()].filter((s) => s.size > 1).length;
      expect(crossing).toBe(0);
      // and unrelated prompts are not lumped together: most families stay their own group
      expect(grouping.groups).toBeGreaterThan(350);
    }
  });

  it('identical gold and equal --split-key values join a group, whatever the prompts', async () => {
    const g = await groupItems(
      [
        { key: 'a', prompt: 'create a redshift cluster with two nodes', goldHash: 'same' },
        { key: 'b', prompt: 'lambda function behind an api gateway', goldHash: 'same' },
        { key: 'c', prompt: 'an sqs queue with a dead letter queue', goldHash: 'c', userKey: 'family-1' },
        { key: 'd', prompt: 'route53 zone and an A record', goldHash: 'd', userKey: 'family-1' },
        { key: 'e', prompt: 'a vpc with two private subnets', goldHash: 'e' },
      ],
      { threshold: 0.6 },
    );
    expect(g.groupOf('a')).toEqual(g.groupOf('b'));
    expect(g.groupOf('c')).toEqual(g.groupOf('d'));
    expect(g.groupOf('c')!.anchor).toBe('k:family-1');
    expect(g.groupOf('e')).not.toEqual(g.groupOf('a'));
    expect(g.groups).toBe(3);
    expect(g.largest!.size).toBe(2);
  });

  it('unrelated groups that share common words do not share an anchor (and so a split) by accident', async () => {
    const rand = prng(11);
    const items = Array.from({ length: 500 }, (_, i) => ({ key: String(i), prompt: `create a ${basePrompt(rand)} for the account`, goldHash: String(i) }));
    const g = await groupItems(items, { threshold: 0.6 });
    const anchors = new Set(items.map((it) => g.groupOf(it.key)!.anchor));
    expect(anchors.size).toBe(g.groups);
    const counts = { train: 0, val: 0, test: 0 };
    for (const it of items) counts[groupSplit(g.groupOf(it.key)!, shares)]++;
    expect(counts.train).toBeGreaterThan(350);
    expect(counts.test).toBeGreaterThan(20);
  });

  it('a record keeps its split when unrelated records are added or removed (property, 10 rounds)', async () => {
    const rand = prng(7);
    const base = Array.from({ length: 300 }, (_, i) => ({ key: `b${i}`, prompt: basePrompt(rand), goldHash: `b${i}` }));
    const first = await groupItems(base, { threshold: 0.6 });
    const before = new Map(base.map((it) => [it.key, groupSplit(first.groupOf(it.key)!, shares)]));
    let same = 0;
    let total = 0;
    for (let round = 0; round < 10; round++) {
      const corpus = [...base.filter(() => rand() > 0.3), ...Array.from({ length: 200 }, (_, i) => ({ key: `n${round}/${i}`, prompt: basePrompt(rand), goldHash: `n${round}/${i}` }))];
      const g = await groupItems(corpus.sort(() => rand() - 0.5), { threshold: 0.6 });
      for (const it of corpus) {
        if (!before.has(it.key)) continue;
        total++;
        if (groupSplit(g.groupOf(it.key)!, shares) === before.get(it.key)) same++;
      }
    }
    // a record moves only if a new near-duplicate of it arrives and brings a smaller anchor: random
    // prompts from a 600-word vocabulary almost never are
    expect(same / total).toBeGreaterThan(0.99);
  });

  it('follows the configured shares on a large sample, and a salt draws another split', () => {
    const n = 20000;
    const counts = { train: 0, val: 0, test: 0 };
    for (let i = 0; i < n; i++) counts[assignSplit(`prompt number ${i}`, shares)]++;
    expect(counts.train / n).toBeGreaterThan(0.78);
    expect(counts.train / n).toBeLessThan(0.82);
    expect(counts.val / n).toBeGreaterThan(0.09);
    expect(counts.test / n).toBeGreaterThan(0.09);
    const prompts = Array.from({ length: 200 }, (_, i) => `p${i}`);
    expect(prompts.map((p) => assignSplit(p, { ...shares, salt: 'x' }))).not.toEqual(prompts.map((p) => assignSplit(p, shares)));
    expect(promptUnit('Create an S3  bucket\n')).toBe(promptUnit('create an s3 bucket'));
  });
});

describe('no chaining through the estimate, and shares on a varied corpus', () => {
  /** two prompts of `shared` common words and `own` words each: exact Jaccard shared / (shared + 2 own) */
  function pairAt(rand: () => number, shared: number, own: number, tag: string): [string, string] {
    const common = Array.from({ length: shared }, (_, i) => `${tag}c${i}x${Math.floor(rand() * 1e6)}`);
    const a = Array.from({ length: own }, (_, i) => `${tag}a${i}`);
    const b = Array.from({ length: own }, (_, i) => `${tag}b${i}`);
    return [[...common, ...a].join(' '), [...common, ...b].join(' ')];
  }

  it('pairs just below the threshold never join (the signature estimate joined some by chance)', async () => {
    const rand = prng(21);
    const items: GroupItem[] = [];
    for (let i = 0; i < 300; i++) {
      // 11 shared, 2 own each: J = 11/15 = 0.733; threshold 0.75
      const [a, b] = pairAt(rand, 11, 2, `p${i}`);
      items.push({ key: `${i}a`, prompt: a }, { key: `${i}b`, prompt: b });
    }
    expect(jaccard(items[0]!.prompt, items[1]!.prompt)).toBeCloseTo(11 / 15, 5);
    const g = await groupItems(items, { threshold: 0.75 });
    expect(g.groups).toBe(600);
    expect(g.multiMember).toBe(0);
    // and at a threshold the pairs reach, every pair joins and nothing else does
    const joined = await groupItems(items, { threshold: 0.7 });
    expect(joined.groups).toBe(300);
    expect(joined.largest!.size).toBe(2);
  });

  it('a corpus of varied prompts: templated siblings, planted near-duplicates; no pair at the threshold spans two splits, shares within 3 points', async () => {
    const rand = prng(5);
    const items: GroupItem[] = [];
    const TOPICS = ['website', 'versioning', 'logging', 'lifecycle', 'replication', 'encryption', 'policy', 'acl'];
    for (let f = 0; f < 1200; f++) {
      const p = basePrompt(rand);
      const members = 1 + Math.floor(rand() * 3);
      for (let m = 0; m < members; m++) items.push({ key: `f${f}/${m}`, prompt: m === 0 ? p : variant(p, rand) });
      // a templated sibling now and then: the same sentence about another topic (one word differs)
      if (f % 10 === 0) items.push({ key: `t${f}`, prompt: `create a bucket and an example ${TOPICS[f % TOPICS.length]} resource for the bucket ${f % 7}` });
    }
    const threshold = 0.6;
    const g = await groupItems(items, { threshold });
    const split = new Map(items.map((it) => [it.key, groupSplit(g.groupOf(it.key)!, shares)]));
    // every pair, exactly (word sets made once: jaccard() per pair would take seconds)
    const sets = items.map((it) => new Set(words(it.prompt)));
    let crossing = 0;
    let nearPairs = 0;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        let common = 0;
        for (const w of sets[i]!) if (sets[j]!.has(w)) common++;
        if (common / (sets[i]!.size + sets[j]!.size - common) < threshold) continue;
        nearPairs++;
        if (split.get(items[i]!.key) !== split.get(items[j]!.key)) crossing++;
      }
    }
    expect(nearPairs).toBeGreaterThan(1000);
    expect(crossing).toBe(0);
    const counts = { train: 0, val: 0, test: 0 };
    for (const s of split.values()) counts[s]++;
    expect(Math.abs(counts.train / items.length - shares.train)).toBeLessThan(0.03);
    expect(Math.abs(counts.val / items.length - shares.val)).toBeLessThan(0.03);
    expect(Math.abs(counts.test / items.length - shares.test)).toBeLessThan(0.03);
    // the templated siblings are near-duplicates of each other (one group, as the guarantee needs) and
    // of nothing else; the planted families stay their own size
    expect(g.groupOf('t0')!.size).toBe(120);
    for (const it of items) if (it.key.startsWith('f')) expect(g.groupOf(it.key)!.size).toBeLessThanOrEqual(3);
  });
});
