import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { hclParser } from '@tfpairs/hcl';
import { IAC_EVAL_CSV, requireShared } from '../../../test/paths';
import { bleuStats, brevityPenalty, ngramScore, weightedNgramStats } from './bleu';
import { codebleu, codebleuStats, corpusCodeBleu, scoreStats } from './codebleu';
import { dataflowEdges, dataflowMatchCounts, normaliseDataflow } from './dataflow';
import { HCL_KEYWORDS } from './keywords';
import { subtreeSexps, syntaxMatchCounts } from './syntax';
import { whitespaceTokens } from './tokens';

const tok = (s: string) => whitespaceTokens(s);

describe('tokens (Python str.split())', () => {
  it('splits on runs of Python whitespace, no empty tokens', () => {
    expect(tok('  a  b\n\tc\x1fd ')).toEqual(['a', 'b', 'c', 'd']);
    expect(tok('a\ufeffb')).toEqual(['a\ufeffb']); // not whitespace to Python
    expect(tok('')).toEqual([]);
  });
});

describe('BLEU-4 (CodeXGLUE bleu.py, smoothing method1)', () => {
  it('hand-computed: clipped precisions 3/4, 1/3, 0/2 -> 0.1/2, 0/1 -> 0.1/1, brevity exp(1 - 5/4)', () => {
    const s = bleuStats(tok('a b c d e'), tok('a b x d'));
    expect(s).toEqual({ numerators: [3, 1, 0, 0], denominators: [4, 3, 2, 1] });
    const expected = Math.exp(1 - 5 / 4) * Math.pow(0.75 * (1 / 3) * (0.1 / 2) * (0.1 / 1), 0.25);
    expect(ngramScore(s, 5, 4)).toBeCloseTo(expected, 12);
  });

  it('clips repeated n-grams to the reference count; denominators are at least 1', () => {
    const s = bleuStats(tok('the cat'), tok('the the the'));
    expect(s.numerators[0]).toBe(1);
    expect(s.denominators).toEqual([3, 2, 1, 1]);
  });

  it('no unigram match scores 0; empty hypothesis has brevity 0; longer hypothesis has brevity 1', () => {
    expect(ngramScore(bleuStats(tok('a b'), tok('c d')), 2, 2)).toBe(0);
    expect(brevityPenalty(5, 0)).toBe(0);
    expect(brevityPenalty(5, 6)).toBe(1);
    expect(brevityPenalty(5, 5)).toBe(1);
  });

  it('identical texts of four or more tokens score 1; shorter ones do not (the reference smooths the missing 4-gram)', () => {
    const t = tok('resource "a" "b" { }');
    expect(ngramScore(bleuStats(t, t), t.length, t.length)).toBeCloseTo(1, 12);
    const short = tok('a b c');
    expect(ngramScore(bleuStats(short, short), 3, 3)).toBeCloseTo(Math.pow(0.1, 0.25), 12);
  });
});

describe('weighted n-gram match (recall, keyword weights on unigrams only)', () => {
  it('hand-computed: keyword `resource` weighs 1, other tokens 0.2', () => {
    const ref = tok('resource "x" "y" { }');
    const hyp = tok('resource "x" "z" { }');
    const s = weightedNgramStats(ref, hyp, (t) => (HCL_KEYWORDS.has(t) ? 1 : 0.2));
    expect(s.numerators[0]).toBeCloseTo(1.6, 12); // resource 1 + "x" { } 0.2 each
    expect(s.denominators[0]).toBeCloseTo(1.8, 12); // resource 1 + four tokens 0.2 each
    expect(s.numerators.slice(1)).toEqual([2, 0, 0]); // `resource "x"` and `{ }`
    expect(s.denominators.slice(1)).toEqual([4, 3, 2]);
    const expected = Math.pow((1.6 / 1.8) * (2 / 4) * (0.1 / 3) * (0.1 / 2), 0.25);
    expect(ngramScore(s, 5, 5)).toBeCloseTo(expected, 12);
  });

  it('is recall: extra candidate tokens do not lower the n-gram ratios, only brevity could', () => {
    const ref = tok('a b c d');
    const s = weightedNgramStats(ref, tok('a b c d e f g'), () => 1);
    for (let i = 0; i < 4; i++) expect(s.numerators[i]! / s.denominators[i]!).toBeCloseTo(1, 12);
    // the reference quirk kept: the unigram denominator is max(1, weighted sum), so a short reference
    // of non-keywords (4 x 0.2 = 0.8) cannot reach a unigram recall of 1
    const light = weightedNgramStats(ref, ref, () => 0.2);
    expect(light.numerators[0]! / light.denominators[0]!).toBeCloseTo(0.8, 12);
  });
});

describe('syntax (AST subtree) match', () => {
  it('our s-expressions are tree-sitter\'s own (Node.toString) for the root of every shared gold', async () => {
    const rows = parse(readFileSync(requireShared(IAC_EVAL_CSV)), { columns: true, bom: true }) as Record<string, string>[];
    const parser = await hclParser();
    let compared = 0;
    for (const r of rows) {
      const code = r['Reference output']!.trim();
      const tree = parser.parse(code)!;
      const hasComment = /#|\/\/|\/\*/.test(code);
      const own = tree.rootNode.toString();
      tree.delete();
      if (hasComment) continue; // ours leave comments out, as the reference strips them first
      expect((await subtreeSexps(code))[0]).toBe(own);
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('hand-computed: `a = 1, b = 2` vs `a = 1, b = "x"`: 6 of 8 reference subtrees (names do not count, duplicates do)', async () => {
    const ref = await subtreeSexps('a = 1\nb = 2\n');
    const cand = await subtreeSexps('z = 1\nb = "x"\n');
    const attr = '(attribute (identifier) (expression (literal_value (numeric_lit))))';
    expect(ref).toEqual([
      `(config_file (body ${attr} ${attr}))`,
      `(body ${attr} ${attr})`,
      attr,
      '(expression (literal_value (numeric_lit)))',
      '(literal_value (numeric_lit))',
      attr,
      '(expression (literal_value (numeric_lit)))',
      '(literal_value (numeric_lit))',
    ]);
    expect(syntaxMatchCounts(ref, cand)).toEqual({ matched: 6, total: 8 });
  });

  it('comments are not part of the tree; a body holding only a comment has no children', async () => {
    expect(await subtreeSexps('a = 1 # one\n')).toEqual(await subtreeSexps('a = 1\n'));
    expect(await subtreeSexps('x {\n  # nothing\n}\n')).toEqual(await subtreeSexps('x {\n}\n'));
  });
});

const REF_FLOW = `
resource "aws_s3_bucket" "b" {
  bucket = var.name
}
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({ a = aws_s3_bucket.b.arn, n = var.name })
}
`;

describe('dataflow match', () => {
  it('hand-computed edges and their normalised form (sources named before the target)', async () => {
    const edges = await dataflowEdges(REF_FLOW);
    expect(edges.map((e) => [e.name, e.relationship, e.from])).toEqual([
      ['aws_s3_bucket.b.bucket', 'comesFrom', ['var.name']],
      ['aws_s3_bucket_policy.p.bucket', 'comesFrom', ['aws_s3_bucket.b.id']],
      ['aws_s3_bucket_policy.p.policy', 'computedFrom', ['aws_s3_bucket.b.arn', 'var.name']],
    ]);
    expect(normaliseDataflow(edges)).toEqual(['var_1 comesFrom [var_0]', 'var_3 comesFrom [var_2]', 'var_5 computedFrom [var_4, var_0]']);
  });

  it('renaming every identifier consistently keeps dataflow at 1; dropping one source loses that edge', async () => {
    const renamed = REF_FLOW.replaceAll('"b"', '"main"').replaceAll('.b.', '.main.').replaceAll('"p"', '"pol"').replaceAll('var.name', 'var.bucket_name');
    const ref = normaliseDataflow(await dataflowEdges(REF_FLOW));
    expect(dataflowMatchCounts(ref, normaliseDataflow(await dataflowEdges(renamed)))).toEqual({ matched: 3, total: 3 });
    expect((await codebleu(REF_FLOW, renamed)).dataflowMatch).toBe(1);
    const fewer = REF_FLOW.replace(', n = var.name', '');
    expect(dataflowMatchCounts(ref, normaliseDataflow(await dataflowEdges(fewer)))).toEqual({ matched: 2, total: 3 });
  });

  it('for-bound names are not edges; locals, modules, data, each/count and nested blocks are', async () => {
    const edges = await dataflowEdges(`
locals {
  names = [for s in var.list : upper(s)]
}
module "m" {
  source = "./m"
  n      = local.names
}
data "aws_ami" "u" {
  owners = [module.m.owner]
}
resource "aws_instance" "w" {
  count = 2
  ami   = data.aws_ami.u.id
  tags  = { i = count.index }
  ebs_block_device {
    volume_size = var.size
  }
}
`);
    expect(edges.map((e) => `${e.name} ${e.relationship} ${e.from.join(',')}`)).toEqual([
      'local.names computedFrom var.list',
      'module.m.n comesFrom local.names',
      'data.aws_ami.u.owners computedFrom module.m.owner',
      'aws_instance.w.ami comesFrom data.aws_ami.u.id',
      'aws_instance.w.tags computedFrom count.index',
      'aws_instance.w.ebs_block_device.volume_size comesFrom var.size',
    ]);
  });

  it('each candidate edge matches one reference edge only', () => {
    expect(dataflowMatchCounts(['e', 'e'], ['e'])).toEqual({ matched: 1, total: 2 });
  });
});

describe('CodeBLEU', () => {
  it('identical code scores 1.0 on every shared gold reference', async () => {
    const rows = parse(readFileSync(requireShared(IAC_EVAL_CSV)), { columns: true, bom: true }) as Record<string, string>[];
    for (const r of rows) {
      const gold = r['Reference output']!;
      const s = await codebleu(gold, gold);
      expect(s.codebleu, gold.slice(0, 80)).toBeCloseTo(1, 12);
    }
  });

  it('is the weighted sum of the four components (weights configurable)', async () => {
    const cand = REF_FLOW.replace('var.name\n', '"fixed"\n');
    const s = await codebleu(REF_FLOW, cand);
    expect(s.codebleu).toBeCloseTo(0.25 * (s.ngramMatch + s.weightedNgramMatch + s.syntaxMatch + s.dataflowMatch!), 12);
    // the first edge is gone, and since names are numbered over the whole graph the later two no longer
    // line up either (the reference normalises the same way): 1 of 3
    expect(s.dataflowMatch).toBeCloseTo(1 / 3, 12);
    const w = await codebleu(REF_FLOW, cand, { weights: [1, 0, 0, 0] });
    expect(w.codebleu).toBeCloseTo(s.ngramMatch, 12);
  });

  it('an empty reference dataflow: 1 by default (the codebleu package), 0 as CodeXGLUE, or reweighted', async () => {
    const code = 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n';
    const stats = await codebleuStats(code, code);
    expect(stats.dataflow).toEqual({ matched: 0, total: 0 });
    expect(scoreStats(stats).dataflowMatch).toBeNull();
    expect(scoreStats(stats).codebleu).toBeCloseTo(1, 12);
    expect(scoreStats(stats, { emptyDataflow: 'zero' }).codebleu).toBeCloseTo(0.75, 12);
    expect(scoreStats(stats, { emptyDataflow: 'reweight' }).codebleu).toBeCloseTo(1, 12);
    // a real 0 stays 0 (the codebleu package's `or 1` would make it 1)
    const none = await codebleu(REF_FLOW, REF_FLOW.replaceAll('var.name', '"n"').replace('aws_s3_bucket.b.id', '"i"').replace('aws_s3_bucket.b.arn', '"a"'));
    expect(none.dataflowMatch).toBe(0);
  });

  it('corpus scores micro-average the statistics, as CodeXGLUE does (not the mean of sentence scores)', async () => {
    const a = await codebleuStats('a = 1\nb = 2\n', 'a = 1\nb = 2\n');
    const b = await codebleuStats(REF_FLOW, REF_FLOW.replace('var.name\n', '"x"\n'));
    const corpus = corpusCodeBleu([a, b])!;
    expect(corpus.syntaxMatch).toBeCloseTo((a.syntax.matched + b.syntax.matched) / (a.syntax.total + b.syntax.total), 12);
    expect(corpus.dataflowMatch).toBeCloseTo(1 / 3, 12); // the first has no edges and adds nothing
    expect(corpusCodeBleu([])).toBeNull();
  });
});
