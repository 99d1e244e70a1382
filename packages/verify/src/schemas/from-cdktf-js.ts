/**
 * Second, build-time source for the derived schema: the JavaScript that cdktf generated next to the
 * `.jsii` assembly (`lib/<module>/index.js`). The assembly lacks three things validation needs, and
 * the generated code states them literally:
 * - computed-only attributes (`arn`, `id` of data sources, ...): getters `get arn() { return
 *   this.getStringAttribute('arn'); }`, with the generator's comment `// arn - computed: true,
 *   optional: false, required: false` (the provider's own flags);
 * - list vs set vs single nesting: `synthesizeHclAttributes()` / `<struct>ToHclTerraform()` list every
 *   argument as `{ isBlock, type: "simple" | "list" | "set" | "map" | "struct", storageClassType }`;
 * - the computed flag of configurable arguments (same comments).
 * Names still come only from the assembly's doc anchors; the JS names are cross-checked against them.
 *
 * Parsed with the TypeScript compiler's parser (a real JS parser), not with regular expressions.
 */
import ts from 'typescript';
import { anchorName, type ExtractionIssue, type ExtractionResult, type JsiiAssembly, type JsiiType } from './from-jsii';
import type { AttributeSchema, BlockSchema } from './types';

export interface AttributeFlags {
  computed: boolean;
  optional: boolean;
  required: boolean;
}

/** `this.getStringAttribute('arn')` and friends, or `this._x = new Y(this, "x", wrapsSet)`. */
export interface GeneratedAttribute {
  tfName: string;
  /** `String`, `Number`, `Boolean`, `List`, `NumberList`, `StringMap`, ... or `interpolation` */
  getterKind?: string;
  /** the getter wraps the value in `cdktf.Fn.tolist(...)`: the attribute is a set */
  tolist?: boolean;
  /** constructor of a complex value: `cdktf.StringMap`, `FooList`, `FooOutputReference`, `FooMap` */
  complexClass?: string;
  wrapsSet?: boolean;
  flags?: AttributeFlags;
}

export interface HclArgument {
  isBlock: boolean;
  /** "simple" | "list" | "set" | "map" | "struct" */
  type: string;
  storageClassType: string;
}

export interface GeneratedClass {
  name: string;
  extendsName: string;
  /** by terraform name */
  attributes: Map<string, GeneratedAttribute>;
  /** from `synthesizeHclAttributes()` */
  hcl?: Map<string, HclArgument>;
  /** for `...List` / `...Map` classes: the class their `get()` returns */
  elementClass?: string;
}

export interface GeneratedModule {
  file: string;
  classes: Map<string, GeneratedClass>;
  /** `<struct>ToHclTerraform` functions' argument tables, by function name */
  hclFunctions: Map<string, Map<string, HclArgument>>;
}

const FLAGS_COMMENT = /^\/\/\s*(\S+) - computed: (true|false), optional: (true|false), required: (true|false)\s*$/;

function leadingFlags(text: string, node: ts.Node): { tfName: string; flags: AttributeFlags } | undefined {
  for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
    const m = FLAGS_COMMENT.exec(text.slice(range.pos, range.end));
    if (m) return { tfName: m[1]!, flags: { computed: m[2] === 'true', optional: m[3] === 'true', required: m[4] === 'true' } };
  }
  return undefined;
}

function stringArg(call: ts.CallExpression | ts.NewExpression, i: number): string | undefined {
  const a = call.arguments?.[i];
  return a && ts.isStringLiteral(a) ? a.text : undefined;
}

/** `{ name: { value, isBlock: true, type: "set", storageClassType: "X" }, ... }` */
function hclTable(obj: ts.ObjectLiteralExpression): Map<string, HclArgument> {
  const table = new Map<string, HclArgument>();
  for (const p of obj.properties) {
    if (!ts.isPropertyAssignment(p) || !ts.isObjectLiteralExpression(p.initializer)) continue;
    const key = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
    if (!key) continue;
    const field = (n: string): ts.Expression | undefined => {
      const f = (p.initializer as ts.ObjectLiteralExpression).properties.find(
        (q): q is ts.PropertyAssignment => ts.isPropertyAssignment(q) && ts.isIdentifier(q.name) && q.name.text === n,
      );
      return f?.initializer;
    };
    const isBlock = field('isBlock');
    const type = field('type');
    const storage = field('storageClassType');
    table.set(key, {
      isBlock: isBlock?.kind === ts.SyntaxKind.TrueKeyword,
      type: type && ts.isStringLiteral(type) ? type.text : '?',
      storageClassType: storage && ts.isStringLiteral(storage) ? storage.text : '?',
    });
  }
  return table;
}

/** The `const attrs = {...}` table inside a function or method body. */
function findAttrsTable(body: ts.Node): Map<string, HclArgument> | undefined {
  let found: Map<string, HclArgument> | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === 'attrs' && n.initializer && ts.isObjectLiteralExpression(n.initializer)) {
      found = hclTable(n.initializer);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}

/** `this.getXAttribute('name')`, possibly inside `cdktf.Fn.tolist(...)`. */
function getterCall(expr: ts.Expression): { kind: string; tfName: string; tolist: boolean } | undefined {
  let e = expr;
  let tolist = false;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'tolist' && e.arguments[0]) {
    tolist = true;
    e = e.arguments[0];
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return undefined;
  if (e.expression.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const method = e.expression.name.text;
  const tfName = stringArg(e, 0);
  if (!tfName) return undefined;
  const m = /^get(\w*)Attribute$/.exec(method);
  if (m) return { kind: m[1]!, tfName, tolist };
  if (method === 'interpolationForAttribute') return { kind: 'interpolation', tfName, tolist };
  return undefined;
}

function expressionName(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${expressionName(e.expression)}.${e.name.text}`;
  return '?';
}

export function parseGeneratedJs(file: string, text: string): GeneratedModule {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const classes = new Map<string, GeneratedClass>();
  const hclFunctions = new Map<string, Map<string, HclArgument>>();
  for (const stmt of source.statements) {
    if (ts.isFunctionDeclaration(stmt) && stmt.name && stmt.body && stmt.name.text.endsWith('ToHclTerraform')) {
      const table = findAttrsTable(stmt.body);
      if (table) hclFunctions.set(stmt.name.text, table);
      continue;
    }
    if (!ts.isClassDeclaration(stmt) || !stmt.name) continue;
    const heritage = stmt.heritageClauses?.[0]?.types[0]?.expression;
    const cls: GeneratedClass = {
      name: stmt.name.text,
      extendsName: heritage ? expressionName(heritage) : '',
      attributes: new Map(),
    };
    const add = (a: GeneratedAttribute): void => {
      const prev = cls.attributes.get(a.tfName);
      cls.attributes.set(a.tfName, { ...prev, ...a, flags: a.flags ?? prev?.flags });
    };
    for (const member of stmt.members) {
      if (ts.isConstructorDeclaration(member) && member.body) {
        for (const s of member.body.statements) {
          // this._x = new Y(this, "x", wrapsSet)
          if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression)) continue;
          const rhs = s.expression.right;
          if (!ts.isNewExpression(rhs) || rhs.arguments?.[0]?.kind !== ts.SyntaxKind.ThisKeyword) continue;
          const tfName = stringArg(rhs, 1);
          if (!tfName) continue;
          const flags = leadingFlags(text, s);
          const wraps = rhs.arguments[2];
          add({
            tfName,
            complexClass: expressionName(rhs.expression),
            wrapsSet: wraps?.kind === ts.SyntaxKind.TrueKeyword,
            flags: flags?.tfName === tfName ? flags.flags : undefined,
          });
        }
      } else if (ts.isGetAccessorDeclaration(member) && member.body) {
        const ret = member.body.statements[0];
        if (!ret || !ts.isReturnStatement(ret) || !ret.expression) continue;
        const call = getterCall(ret.expression);
        if (!call) continue;
        const flags = leadingFlags(text, member);
        add({ tfName: call.tfName, getterKind: call.kind, tolist: call.tolist, flags: flags?.tfName === call.tfName ? flags.flags : undefined });
      } else if (ts.isMethodDeclaration(member) && member.body && ts.isIdentifier(member.name)) {
        if (member.name.text === 'synthesizeHclAttributes') cls.hcl = findAttrsTable(member.body);
        if (member.name.text === 'get') {
          const ret = member.body.statements.find(ts.isReturnStatement);
          if (ret?.expression && ts.isNewExpression(ret.expression)) cls.elementClass = expressionName(ret.expression.expression);
        }
      }
    }
    classes.set(cls.name, cls);
  }
  return { file, classes, hclFunctions };
}

const MAP_CLASSES: Record<string, unknown> = {
  'cdktf.StringMap': ['map', 'string'],
  'cdktf.NumberMap': ['map', 'number'],
  'cdktf.BooleanMap': ['map', 'bool'],
  'cdktf.AnyMap': ['map', 'dynamic'],
  'cdktf.StringMapList': ['list', ['map', 'string']],
  'cdktf.NumberMapList': ['list', ['map', 'number']],
  'cdktf.BooleanMapList': ['list', ['map', 'bool']],
  'cdktf.AnyMapList': ['list', ['map', 'dynamic']],
  'cdktf.StringListMap': ['map', ['list', 'string']],
  'cdktf.NumberListMap': ['map', ['list', 'number']],
};

const GETTER_TYPES: Record<string, unknown> = {
  String: 'string',
  Number: 'number',
  Boolean: 'bool',
  List: ['list', 'string'],
  NumberList: ['list', 'number'],
  StringMap: ['map', 'string'],
  NumberMap: ['map', 'number'],
  BooleanMap: ['map', 'bool'],
  AnyMap: ['map', 'dynamic'],
  interpolation: 'dynamic',
};

export interface EnrichmentReport {
  counts: Record<string, number>;
  issues: ExtractionIssue[];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Adds what the generated JS knows to the schema derived from the assembly (in place): computed
 * flags, computed-only attributes, and list/set/single nesting.
 */
export function enrichFromJs(
  assembly: JsiiAssembly,
  result: ExtractionResult,
  modules: ReadonlyMap<string, GeneratedModule>,
): EnrichmentReport {
  const counts: Record<string, number> = {};
  const issues: ExtractionIssue[] = [];
  const count = (key: string, n = 1): void => {
    counts[key] = (counts[key] ?? 0) + n;
  };
  const moduleOf = (t: JsiiType | undefined): GeneratedModule | undefined => {
    const dir = /^src\/([^/]+)\/index\.ts$/.exec(t?.locationInModule?.filename ?? '')?.[1];
    return dir ? modules.get(dir) : undefined;
  };

  const objectType = (mod: GeneratedModule, className: string, depth: number): unknown => {
    const cls = mod.classes.get(className);
    if (!cls || depth > 30) return 'dynamic';
    const attrs: Record<string, unknown> = {};
    for (const a of cls.attributes.values()) attrs[a.tfName] = attributeType(mod, a, depth + 1);
    return ['object', attrs];
  };

  const attributeType = (mod: GeneratedModule, a: GeneratedAttribute, depth: number): unknown => {
    if (a.getterKind) {
      const t = GETTER_TYPES[a.getterKind];
      if (t === undefined) {
        count('unknown getter kind');
        issues.push({ where: `${mod.file}:${a.tfName}`, problem: `unknown getter get${a.getterKind}Attribute, typed dynamic` });
        return 'dynamic';
      }
      return a.tolist && Array.isArray(t) && t[0] === 'list' ? ['set', t[1]] : t;
    }
    const c = a.complexClass ?? '';
    if (MAP_CLASSES[c]) return MAP_CLASSES[c];
    const cls = mod.classes.get(c);
    if (!cls) {
      count('unknown complex class');
      issues.push({ where: `${mod.file}:${a.tfName}`, problem: `unknown complex class ${c}, typed dynamic` });
      return 'dynamic';
    }
    if (cls.extendsName === 'cdktf.ComplexList' && cls.elementClass) {
      return [a.wrapsSet ? 'set' : 'list', objectType(mod, cls.elementClass, depth)];
    }
    if (cls.extendsName === 'cdktf.ComplexMap' && cls.elementClass) return ['map', objectType(mod, cls.elementClass, depth)];
    if (cls.extendsName === 'cdktf.ComplexObject') return objectType(mod, c, depth);
    count('unknown complex class');
    issues.push({ where: `${mod.file}:${a.tfName}`, problem: `complex class ${c} extends ${cls.extendsName}, typed dynamic` });
    return 'dynamic';
  };

  /** Applies one generated class (+ its hcl table) to one block of the derived schema. */
  const enrichBlock = (
    mod: GeneratedModule,
    block: BlockSchema,
    cls: GeneratedClass | undefined,
    hcl: Map<string, HclArgument> | undefined,
    structFqn: string,
    where: string,
  ): void => {
    if (!cls) {
      count('block without generated class');
      issues.push({ where, problem: 'no generated class found; computed attributes unknown' });
    }
    if (!hcl) count('block without hcl table');
    const attrs = (block.attributes ??= {});
    const blockTypes = block.block_types ?? {};
    // arguments: nesting modes, set-ness, block/attribute agreement
    for (const [name, arg] of hcl ?? []) {
      const bt = blockTypes[name];
      const at = attrs[name];
      if (!bt && !at) {
        count('hcl argument missing from assembly');
        issues.push({ where: `${where}.${name}`, problem: 'in the generated JS but not in the assembly' });
        continue;
      }
      count('hcl argument matched by name');
      if (bt && !arg.isBlock) {
        count('block per assembly, attribute per JS');
        issues.push({ where: `${where}.${name}`, problem: 'documented as a block but generated as an attribute' });
      }
      if (at && arg.isBlock) {
        count('attribute per assembly, block per JS');
        issues.push({ where: `${where}.${name}`, problem: 'generated as a block but not documented as one' });
      }
      if (bt) {
        if (arg.type === 'set') bt.nesting_mode = 'set';
        else if (arg.type === 'struct') {
          // single nesting implies at most one; a required one keeps min_items 1, as terraform prints it
          bt.nesting_mode = 'single';
          delete bt.max_items;
        } else if (arg.type === 'map') bt.nesting_mode = 'map';
      } else if (at && arg.type === 'set' && Array.isArray(at.type) && at.type[0] === 'list') {
        at.type = ['set', at.type[1]];
      }
    }
    // computed flags and computed-only attributes
    const nestedStructs = new Map<string, string>();
    for (const p of assembly.types[structFqn]?.properties ?? []) {
      const r = p.type.union ? p.type.union.types.find((x) => x.fqn !== 'cdktf.IResolvable') ?? p.type : p.type;
      const fqn = r.fqn ?? r.collection?.elementtype.fqn;
      const anchor = anchorName(p);
      if (fqn && anchor) nestedStructs.set(anchor, fqn);
    }
    for (const a of cls?.attributes.values() ?? []) {
      const existing = attrs[a.tfName];
      const bt = blockTypes[a.tfName];
      if (bt) {
        const nestedFqn = nestedStructs.get(a.tfName);
        const nestedType = nestedFqn ? assembly.types[nestedFqn] : undefined;
        if (nestedType) {
          const nestedCls = mod.classes.get(`${nestedType.name}OutputReference`);
          const nestedHcl = mod.hclFunctions.get(`${lowerFirst(nestedType.name)}ToHclTerraform`);
          enrichBlock(mod, bt.block, nestedCls, nestedHcl, nestedFqn!, `${where}.${a.tfName}`);
        }
        continue;
      }
      if (existing) {
        if (a.flags?.computed) {
          existing.computed = true;
          count('argument marked computed');
        }
        if (a.flags && a.flags.required !== (existing.required === true)) {
          count('required-ness differs from JS comment');
          issues.push({ where: `${where}.${a.tfName}`, problem: `required per ${existing.required ? 'assembly' : 'JS'} only` });
        }
        continue;
      }
      // not configurable: a computed-only attribute
      if (a.flags && (a.flags.optional || a.flags.required)) {
        count('configurable per JS but not in assembly');
        issues.push({ where: `${where}.${a.tfName}`, problem: 'configurable per the JS comment, missing from the assembly' });
        continue;
      }
      const added: AttributeSchema = { type: attributeType(mod, a, 0), computed: true };
      attrs[a.tfName] = added;
      count('computed-only attribute added');
    }
    if (Object.keys(attrs).length === 0) delete block.attributes;
  };

  const byFqn = new Map(result.entities.map((e) => [e.classFqn, e]));
  for (const [fqn, e] of byFqn) {
    const classType = assembly.types[fqn];
    const mod = moduleOf(classType);
    if (!mod || !classType) {
      count('entity without generated module');
      issues.push({ where: e.name, problem: 'no generated JS module found' });
      continue;
    }
    const cls = mod.classes.get(classType.name);
    const block =
      e.kind === 'provider'
        ? result.schema.provider?.block
        : e.kind === 'resource'
          ? result.schema.resource_schemas?.[e.name]?.block
          : result.schema.data_source_schemas?.[e.name]?.block;
    if (!block) continue;
    if (e.kind === 'provider') {
      // provider config attributes are never computed, and its class has no attribute getters
      const hcl = new Map([...(cls?.hcl ?? [])].filter(([name]) => name !== 'alias'));
      const noGetters: GeneratedClass = { name: classType.name, extendsName: '', attributes: new Map() };
      enrichBlock(mod, block, noGetters, hcl, e.configFqn, `provider.${e.name}`);
      continue;
    }
    enrichBlock(mod, block, cls, cls?.hcl, e.configFqn, `${e.kind === 'data' ? 'data.' : ''}${e.name}`);
  }
  return { counts, issues };
}
