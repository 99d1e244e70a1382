/**
 * terraform's JSON configuration syntax (`*.tf.json`, hcl/json): the file is decoded into the same
 * positioned tree (`@tfpairs/hcl/tree`) as native files, so every later check works on both. In JSON
 * an object property is a block or an argument depending on the schema; the block types (and their
 * label counts) of terraform's own language are listed here, everything else is an argument. Strings
 * are templates (`"${var.x}"`), except where terraform reads keywords or references (`depends_on`,
 * `type`, `provider`, `ignore_changes`, moved/import/removed addresses...), where they are expressions.
 * Hand-written: no npm JSON parser reports positions (line, column, byte) of every value, and HCL's
 * JSON error messages are terraform's.
 */
import type { Diagnostic, Range } from '@tfpairs/core';
import { parseFile, type Attribute, type Block, type Body, type Expr, type ParsedFile } from '@tfpairs/hcl/tree';
import { SourceFile } from '@tfpairs/hcl/source';
import { nameSuggestion } from './didyoumean';

type JsonValue =
  | { kind: 'object'; props: JsonProp[]; start: number; end: number }
  | { kind: 'array'; items: JsonValue[]; start: number; end: number }
  | { kind: 'string'; value: string; start: number; end: number }
  | { kind: 'number' | 'bool' | 'null'; value: number | boolean | null; start: number; end: number };
interface JsonProp {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonValue;
}

class JsonSyntaxError extends Error {
  constructor(readonly summary: string, readonly detail: string, readonly at: number) {
    super(summary);
  }
}

class JsonReader {
  i = 0;
  constructor(private readonly t: string) {}
  ws(): void {
    while (this.i < this.t.length && /[ \t\r\n]/.test(this.t[this.i]!)) this.i++;
  }
  value(): JsonValue {
    this.ws();
    const c = this.t[this.i];
    const start = this.i;
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string(), start, end: this.i };
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(this.t.slice(this.i, this.i + 64));
    if (!m) throw new JsonSyntaxError('Invalid JSON keyword', 'There is a syntax error in the given JSON.', this.i);
    this.i += m[1]!.length;
    const w = m[1]!;
    if (w === 'true' || w === 'false') return { kind: 'bool', value: w === 'true', start, end: this.i };
    if (w === 'null') return { kind: 'null', value: null, start, end: this.i };
    return { kind: 'number', value: Number(w), start, end: this.i };
  }
  string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.t.length && this.t[this.i] !== '"') {
      if (this.t[this.i] === '\\') this.i++;
      if (this.t[this.i] === '\n') break;
      this.i++;
    }
    if (this.t[this.i] !== '"') throw new JsonSyntaxError('Invalid JSON string', 'A JSON string must be terminated by a closing quote on the same line.', start);
    this.i++;
    try {
      return JSON.parse(this.t.slice(start, this.i)) as string;
    } catch {
      throw new JsonSyntaxError('Invalid JSON string', 'The string contains an invalid escape sequence.', start);
    }
  }
  object(): JsonValue {
    const start = this.i++;
    const props: JsonProp[] = [];
    this.ws();
    if (this.t[this.i] === '}') return { kind: 'object', props, start, end: ++this.i };
    for (;;) {
      this.ws();
      if (this.t[this.i] !== '"') throw new JsonSyntaxError('Invalid JSON object property name', 'A JSON object property name must be a string.', this.i);
      const keyStart = this.i;
      const key = this.string();
      const keyEnd = this.i;
      this.ws();
      if (this.t[this.i] !== ':') throw new JsonSyntaxError('Missing property value colon', 'JSON uses a colon as its name/value delimiter.', this.i);
      this.i++;
      props.push({ key, keyStart, keyEnd, value: this.value() });
      this.ws();
      if (this.t[this.i] === ',') {
        const comma = this.i++;
        this.ws();
        if (this.t[this.i] === '}') throw new JsonSyntaxError('Trailing comma in object', 'JSON does not permit a trailing comma after the final property in an object.', comma);
        continue;
      }
      if (this.t[this.i] === '}') return { kind: 'object', props, start, end: ++this.i };
      throw new JsonSyntaxError('Missing attribute seperator comma', 'A comma must appear between each property definition in an object.', this.i);
    }
  }
  array(): JsonValue {
    const start = this.i++;
    const items: JsonValue[] = [];
    this.ws();
    if (this.t[this.i] === ']') return { kind: 'array', items, start, end: ++this.i };
    for (;;) {
      items.push(this.value());
      this.ws();
      if (this.t[this.i] === ',') {
        const comma = this.i++;
        this.ws();
        if (this.t[this.i] === ']') throw new JsonSyntaxError('Trailing comma in array', 'JSON does not permit a trailing comma after the final value in an array.', comma);
        continue;
      }
      if (this.t[this.i] === ']') return { kind: 'array', items, start, end: ++this.i };
      throw new JsonSyntaxError('Missing array element separator', 'A comma must appear between each value in an array.', this.i);
    }
  }
}

/** block types terraform's schemas declare, by context, with their label counts */
const BLOCKS: Record<string, Record<string, number>> = {
  file: { terraform: 0, provider: 1, variable: 1, locals: 0, output: 1, module: 1, resource: 2, data: 2, ephemeral: 2, moved: 0, import: 0, removed: 0, check: 1 },
  test: { run: 1, variables: 0, provider: 1, mock_provider: 1, override_resource: 0, override_data: 0, override_module: 0 },
  resource: { lifecycle: 0, connection: 0, provisioner: 1, dynamic: 1 },
  data: { lifecycle: 0, dynamic: 1 },
  ephemeral: { lifecycle: 0, dynamic: 1 },
  lifecycle: { precondition: 0, postcondition: 0 },
  variable: { validation: 0 },
  output: { precondition: 0 },
  terraform: { required_providers: 0, backend: 1, cloud: 0, provider_meta: 1 },
  cloud: { workspaces: 0 },
  check: { data: 2, assert: 0 },
  removed: { lifecycle: 0, provisioner: 1, connection: 0 },
  provisioner: { connection: 0 },
  run: { assert: 0, variables: 0, module: 0, plan_options: 0, expect_failures: 0 },
  import: {},
  moved: {},
};
/** arguments whose strings are keywords or references, not templates */
const EXPRESSION_ARGS: Record<string, ReadonlySet<string>> = {
  variable: new Set(['type']),
  resource: new Set(['provider']),
  data: new Set(['provider']),
  ephemeral: new Set(['provider']),
  lifecycle: new Set(['ignore_changes', 'replace_triggered_by']),
  moved: new Set(['from', 'to']),
  import: new Set(['to', 'provider']),
  removed: new Set(['from']),
  provisioner: new Set(['when', 'on_failure']),
  terraform: new Set(['experiments']),
  run: new Set(['command']),
};
/** arguments holding a list of references */
const REFERENCE_LISTS = new Set(['depends_on', 'ignore_changes', 'replace_triggered_by', 'experiments', 'expect_failures']);

export interface JsonParseResult {
  readonly file: ParsedFile;
  readonly diags: Diagnostic[];
}

/** Decodes a `.tf.json` (or `.tftest.json`) file into the positioned tree; syntax errors come back as diagnostics. */
export async function parseJsonConfig(filename: string, text: string, opts: { test?: boolean } = {}): Promise<JsonParseResult> {
  const source = new SourceFile(filename, text);
  const diags: Diagnostic[] = [];
  const empty: ParsedFile = { source, body: { attributes: [], blocks: [], range: source.range(0, text.length) }, hasErrors: true };
  let root: JsonValue;
  try {
    const reader = new JsonReader(text);
    root = reader.value();
    reader.ws();
    if (reader.i < text.length) throw new JsonSyntaxError('Extraneous data after value', 'Extra characters appear after the JSON value.', reader.i);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    diags.push({ severity: 'error', summary: e.summary, detail: e.detail, range: source.range(e.at, e.at + 1) });
    return { file: empty, diags };
  }
  if (root.kind !== 'object') {
    diags.push({ severity: 'error', summary: 'Incorrect JSON value type', detail: 'The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.', range: source.range(root.start, root.start + 1) });
    return { file: empty, diags };
  }
  const conv = new JsonConverter(source, diags);
  const body = await conv.body(root, opts.test ? 'test' : 'file', true);
  return { file: { source, body: { ...body, range: source.range(0, text.length) }, hasErrors: diags.length > 0 }, diags };
}

class JsonConverter {
  constructor(private readonly source: SourceFile, private readonly diags: Diagnostic[]) {}

  range(start: number, end: number): Range {
    return this.source.range(start, end);
  }

  async body(obj: Extract<JsonValue, { kind: 'object' }>, context: string, strictBlocks: boolean): Promise<Body> {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    const blockTypes = BLOCKS[context] ?? {};
    for (const p of obj.props) {
      // "//" properties are comments in terraform's JSON syntax
      if (p.key === '//') continue;
      const keyRange = this.range(p.keyStart, p.keyEnd);
      const labels = blockTypes[p.key];
      if (labels !== undefined && !(context === 'file' && p.key === 'locals')) {
        await this.blocks(p, labels, keyRange, blocks);
        continue;
      }
      if (context === 'file' && p.key === 'locals') {
        // locals: one object (or an array of objects) of local values
        for (const o of p.value.kind === 'array' ? p.value.items : [p.value]) {
          if (o.kind !== 'object') continue;
          const inner = await this.body(o, 'locals', false);
          blocks.push(this.block('locals', keyRange, [], [], o, inner));
        }
        continue;
      }
      if (strictBlocks) {
        const s = nameSuggestion(p.key, Object.keys(blockTypes));
        this.diags.push({ severity: 'error', summary: 'Extraneous JSON object property', detail: `No argument or block type is named ${JSON.stringify(p.key)}.${s ? ` Did you mean ${JSON.stringify(s)}?` : ''}`, range: keyRange });
        continue;
      }
      const asExpression = EXPRESSION_ARGS[context]?.has(p.key) ?? false;
      const expr = await this.expr(p.value, asExpression, REFERENCE_LISTS.has(p.key));
      attributes.push({ name: p.key, nameRange: keyRange, expr, range: this.range(p.keyStart, p.value.end) });
    }
    // the body's MissingItemRange is its closing brace in JSON
    const close = this.range(obj.end - 1, obj.end - 1);
    return { attributes, blocks, range: close };
  }

  block(type: string, typeRange: Range, labels: string[], labelRanges: Range[], obj: Extract<JsonValue, { kind: 'object' }>, body: Body): Block {
    const open = this.range(obj.start, obj.start + 1);
    return { type, typeRange, labels, labelRanges, openBraceRange: open, body, defRange: open, range: this.range(obj.start, obj.end) };
  }

  /** `"resource": {"type": {"name": {...}}}` — labels are nested keys; arrays give several blocks */
  async blocks(p: JsonProp, labelCount: number, typeRange: Range, out: Block[]): Promise<void> {
    const walk = async (v: JsonValue, labels: string[], labelRanges: Range[]): Promise<void> => {
      if (v.kind === 'array') {
        for (const item of v.items) await walk(item, labels, labelRanges);
        return;
      }
      if (v.kind !== 'object') {
        const what = labels.length < labelCount ? `Either a JSON object or a JSON array of objects is required, representing the labels of one or more ${JSON.stringify(p.key)} blocks.` : `Either a JSON object or a JSON array is required, representing the contents of one or more ${JSON.stringify(p.key)} blocks.`;
        this.diags.push({ severity: 'error', summary: 'Incorrect JSON value type', detail: what, range: this.range(v.start, v.start + 1) });
        return;
      }
      if (labels.length < labelCount) {
        for (const lp of v.props) await walk(lp.value, [...labels, lp.key], [...labelRanges, this.range(lp.keyStart, lp.keyEnd)]);
        return;
      }
      const body = await this.body(v, p.key, false);
      out.push(this.block(p.key, typeRange, labels, labelRanges, v, body));
    };
    await walk(p.value, [], []);
  }

  async expr(v: JsonValue, asExpression: boolean, referenceList: boolean): Promise<Expr> {
    const range = this.range(v.start, v.end);
    switch (v.kind) {
      case 'string':
        if (asExpression) return this.parsed(v, false);
        if (!v.value.includes('${') && !v.value.includes('%{')) return { kind: 'template', parts: [{ kind: 'literal', value: v.value, range }], range, heredoc: false };
        return this.parsed(v, true);
      case 'number':
      case 'bool':
      case 'null':
        return { kind: 'literal', value: v.value, range };
      case 'array': {
        const items: Expr[] = [];
        for (const item of v.items) items.push(await this.expr(item, referenceList, false));
        return { kind: 'tuple', items, range };
      }
      case 'object': {
        const items: { key: Expr; value: Expr }[] = [];
        for (const p of v.props) {
          const keyRange = this.range(p.keyStart, p.keyEnd);
          items.push({ key: { kind: 'template', parts: [{ kind: 'literal', value: p.key, range: keyRange }], range: keyRange, heredoc: false }, value: await this.expr(p.value, false, false) });
        }
        return { kind: 'object', items, range };
      }
    }
  }

  /**
   * A JSON string parsed by the native parser at its own position: the file's text is blanked (one
   * space per character, newlines kept, so lines and columns stay) except `a=` just before the string,
   * then every range is mapped back through the real file (bytes differ where characters were blanked).
   */
  async parsed(v: Extract<JsonValue, { kind: 'string' }>, template: boolean): Promise<Expr> {
    const text = this.source.text;
    const whole = this.range(v.start, v.end);
    const lineStart = text.lastIndexOf('\n', v.start - 1) + 1;
    if (v.start - lineStart < 2) return { kind: 'template', parts: [{ kind: 'literal', value: v.value, range: whole }], range: whole, heredoc: false };
    const blank = (s: string) => s.replace(/[^\n]/gu, ' ');
    const raw = text.slice(v.start, v.end);
    const inner = template ? raw : ` ${raw.slice(1, -1)} `;
    const synthetic = blank(text.slice(0, v.start - 2)) + 'a=' + inner + blank(text.slice(v.end));
    const parsed = await parseFile(this.source.filename, synthetic);
    const attr = parsed.body.attributes[0];
    if (!attr || parsed.hasErrors) return { kind: 'template', parts: [{ kind: 'literal', value: v.value, range: whole }], range: whole, heredoc: false };
    return remapRanges(attr.expr, this.source);
  }
}

/** every Range inside a value, recomputed from its line and column against `source` */
function remapRanges<T>(value: T, source: SourceFile): T {
  if (Array.isArray(value)) return value.map((x) => remapRanges(x, source)) as T;
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('filename' in o && 'start' in o && 'end' in o) {
    const at = (p: { line: number; column: number }) => source.pos(source.offsetOf(p.line, p.column));
    return { filename: o.filename, start: at(o.start as { line: number; column: number }), end: at(o.end as { line: number; column: number }) } as T;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = remapRanges(x, source);
  return out as T;
}
