/**
 * cty's type system (github.com/zclconf/go-cty/cty), the types terraform's language works with.
 *
 * Types are plain immutable objects compared structurally with `typeEquals`. The primitive and dynamic
 * types are singletons (`T.string`, `T.number`, `T.bool`, `T.dynamic`), so `t === T.string` is a valid
 * (and the fastest) test for them. Build the others with `listOf`, `setOf`, `mapOf`, `tupleOf`,
 * `objectOf`. `dynamic` is cty's DynamicPseudoType: as a type constraint it means "any type"; as a
 * value's type it only occurs on unknown or null values whose type is not known yet.
 */

export type PrimitiveKind = 'string' | 'number' | 'bool';

export interface PrimitiveType {
  readonly kind: PrimitiveKind;
}
export interface DynamicType {
  readonly kind: 'dynamic';
}
export interface ListType {
  readonly kind: 'list';
  readonly elem: Type;
}
export interface SetType {
  readonly kind: 'set';
  readonly elem: Type;
}
export interface MapType {
  readonly kind: 'map';
  readonly elem: Type;
}
export interface TupleType {
  readonly kind: 'tuple';
  readonly elems: readonly Type[];
}
export interface ObjectType {
  readonly kind: 'object';
  /** attribute types; iterate in `names` order (sorted, as cty iterates) */
  readonly attrs: ReadonlyMap<string, Type>;
  /** attribute names, sorted by code unit (cty sorts attribute names) */
  readonly names: readonly string[];
  /**
   * Attributes marked `optional(...)` in a type constraint (cty.ObjectWithOptionalAttrs). Only type
   * constraints carry this; values' object types never do. Empty set when none.
   */
  readonly optional: ReadonlySet<string>;
}

export type Type = PrimitiveType | DynamicType | ListType | SetType | MapType | TupleType | ObjectType;
export type CollectionType = ListType | SetType | MapType;

const NO_OPTIONAL: ReadonlySet<string> = new Set();

/** The singleton primitive types and cty.DynamicPseudoType. */
export const T = {
  string: Object.freeze({ kind: 'string' }) as PrimitiveType,
  number: Object.freeze({ kind: 'number' }) as PrimitiveType,
  bool: Object.freeze({ kind: 'bool' }) as PrimitiveType,
  dynamic: Object.freeze({ kind: 'dynamic' }) as DynamicType,
} as const;

export function listOf(elem: Type): ListType {
  return { kind: 'list', elem };
}
export function setOf(elem: Type): SetType {
  return { kind: 'set', elem };
}
export function mapOf(elem: Type): MapType {
  return { kind: 'map', elem };
}
export function tupleOf(elems: readonly Type[]): TupleType {
  return { kind: 'tuple', elems };
}
const EMPTY_TUPLE: TupleType = Object.freeze({ kind: 'tuple', elems: Object.freeze([]) as readonly Type[] }) as TupleType;
/** `tuple([])`, the type of `[]` */
export const emptyTuple = EMPTY_TUPLE;

/**
 * An object type. `attrs` may be a Map or a plain record; `optional` lists attributes that a type
 * constraint marks `optional(...)` (ignored for value types).
 */
export function objectOf(attrs: ReadonlyMap<string, Type> | Readonly<Record<string, Type>>, optional?: Iterable<string>): ObjectType {
  const entries = attrs instanceof Map ? [...attrs.entries()] : Object.entries(attrs as Record<string, Type>);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const opt = optional ? new Set(optional) : NO_OPTIONAL;
  return { kind: 'object', attrs: new Map(entries), names: entries.map((e) => e[0]), optional: opt.size ? opt : NO_OPTIONAL };
}
/** `object({})`, the type of `{}` */
export const emptyObject: ObjectType = objectOf({});

export function isPrimitive(t: Type): t is PrimitiveType {
  return t.kind === 'string' || t.kind === 'number' || t.kind === 'bool';
}
export function isCollection(t: Type): t is CollectionType {
  return t.kind === 'list' || t.kind === 'set' || t.kind === 'map';
}
/** list, set and tuple: the "sequence-like" types a splat or `for` over indices works on */
export function isSequence(t: Type): t is ListType | SetType | TupleType {
  return t.kind === 'list' || t.kind === 'set' || t.kind === 'tuple';
}

/** Structural type equality (cty Type.Equals); optional-attribute markers count. */
export function typeEquals(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return true;
    case 'list':
    case 'set':
    case 'map':
      return typeEquals(a.elem, (b as CollectionType).elem);
    case 'tuple': {
      const be = (b as TupleType).elems;
      if (a.elems.length !== be.length) return false;
      for (let i = 0; i < be.length; i++) if (!typeEquals(a.elems[i]!, be[i]!)) return false;
      return true;
    }
    case 'object': {
      const bo = b as ObjectType;
      if (a.names.length !== bo.names.length) return false;
      for (const n of a.names) {
        const bt = bo.attrs.get(n);
        if (!bt || !typeEquals(a.attrs.get(n)!, bt)) return false;
        if (a.optional.has(n) !== bo.optional.has(n)) return false;
      }
      return true;
    }
  }
}

/** Whether `dynamic` occurs anywhere inside the type (cty Type.HasDynamicTypes). */
export function hasDynamic(t: Type): boolean {
  switch (t.kind) {
    case 'dynamic':
      return true;
    case 'list':
    case 'set':
    case 'map':
      return hasDynamic(t.elem);
    case 'tuple':
      return t.elems.some(hasDynamic);
    case 'object':
      for (const v of t.attrs.values()) if (hasDynamic(v)) return true;
      return false;
    default:
      return false;
  }
}

/**
 * cty's FriendlyName, the wording of terraform's messages: `string`, `number`, `bool`, `list of string`,
 * `set of number`, `map of bool`, `tuple`, `object`, `dynamic`.
 */
export function friendlyName(t: Type): string {
  switch (t.kind) {
    case 'list':
      return `list of ${friendlyName(t.elem)}`;
    case 'set':
      return `set of ${friendlyName(t.elem)}`;
    case 'map':
      return `map of ${friendlyName(t.elem)}`;
    default:
      return t.kind;
  }
}

/** cty's FriendlyNameForConstraint: like friendlyName but `any` for the dynamic type. */
export function friendlyConstraintName(t: Type): string {
  switch (t.kind) {
    case 'dynamic':
      return 'any type';
    case 'list':
      return `list of ${friendlyConstraintName(t.elem)}`;
    case 'set':
      return `set of ${friendlyConstraintName(t.elem)}`;
    case 'map':
      return `map of ${friendlyConstraintName(t.elem)}`;
    default:
      return t.kind;
  }
}

/**
 * The type in terraform's type-expression syntax (hcl typeexpr.TypeString): `list(string)`,
 * `object({a=number})`, `tuple([string,bool])`, `any` for dynamic.
 */
export function typeString(t: Type): string {
  switch (t.kind) {
    case 'dynamic':
      return 'any';
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${typeString(t.elem)})`;
    case 'tuple':
      return `tuple([${t.elems.map(typeString).join(',')}])`;
    case 'object':
      return `object({${t.names.map((n) => (t.optional.has(n) ? `${n}=optional(${typeString(t.attrs.get(n)!)})` : `${n}=${typeString(t.attrs.get(n)!)}`)).join(',')}})`;
    default:
      return t.kind;
  }
}

/**
 * The type as terraform's JSON type encoding writes it (cty's Type.MarshalJSON, used in plan JSON
 * variable types and `terraform providers schema`): `"string"`, `["list","string"]`,
 * `["object",{"a":"number"}]`, `["tuple",["string"]]`, `"dynamic"`.
 */
export function typeToJson(t: Type): unknown {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map':
      return [t.kind, typeToJson(t.elem)];
    case 'tuple':
      return ['tuple', t.elems.map(typeToJson)];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const n of t.names) o[n] = typeToJson(t.attrs.get(n)!);
      return t.optional.size ? ['object', o, [...t.optional].sort()] : ['object', o];
    }
    default:
      return t.kind;
  }
}

/** The inverse of typeToJson; undefined for anything that is not a JSON-encoded cty type. */
export function typeFromJson(j: unknown): Type | undefined {
  if (typeof j === 'string') {
    if (j === 'string' || j === 'number' || j === 'bool' || j === 'dynamic') return T[j];
    return undefined;
  }
  if (!Array.isArray(j) || j.length < 2) return undefined;
  const [k, arg, opt] = j as [unknown, unknown, unknown];
  if (k === 'list' || k === 'set' || k === 'map') {
    const e = typeFromJson(arg);
    return e && { kind: k, elem: e };
  }
  if (k === 'tuple' && Array.isArray(arg)) {
    const elems: Type[] = [];
    for (const a of arg) {
      const e = typeFromJson(a);
      if (!e) return undefined;
      elems.push(e);
    }
    return tupleOf(elems);
  }
  if (k === 'object' && arg && typeof arg === 'object' && !Array.isArray(arg)) {
    const attrs = new Map<string, Type>();
    for (const [n, a] of Object.entries(arg)) {
      const e = typeFromJson(a);
      if (!e) return undefined;
      attrs.set(n, e);
    }
    return objectOf(attrs, Array.isArray(opt) ? (opt as string[]) : undefined);
  }
  return undefined;
}

/** The element type of a collection, or undefined for anything else. */
export function elementType(t: Type): Type | undefined {
  return isCollection(t) ? t.elem : undefined;
}

/** An object type's attribute type (undefined when absent or not an object type). */
export function attributeType(t: Type, name: string): Type | undefined {
  return t.kind === 'object' ? t.attrs.get(name) : undefined;
}

/** The object type with its optional-attribute markers removed, recursively (what values carry). */
export function withoutOptional(t: Type): Type {
  switch (t.kind) {
    case 'list':
    case 'set':
    case 'map': {
      const e = withoutOptional(t.elem);
      return e === t.elem ? t : { kind: t.kind, elem: e };
    }
    case 'tuple':
      return tupleOf(t.elems.map(withoutOptional));
    case 'object': {
      const attrs = new Map<string, Type>();
      for (const n of t.names) attrs.set(n, withoutOptional(t.attrs.get(n)!));
      return objectOf(attrs);
    }
    default:
      return t;
  }
}
