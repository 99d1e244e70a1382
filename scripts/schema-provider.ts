/**
 * A schema-only terraform provider: a gRPC server speaking terraform's plugin protocol 5 that answers
 * GetSchema from a `terraform providers schema -json` file, accepts every configuration, plans a create
 * as the configuration plus unknown computed attributes (what an SDKv2 provider without defaults
 * does), and reads data sources with placeholder known values (terraform 1.11 rejects unknown data
 * source results). Terraform reaches it without `init` through TF_REATTACH_PROVIDERS; it is the tool
 * that lets scripts/record-plan-oracle.ts record real terraform plans of AWS configurations offline.
 *
 *   npx tsx scripts/schema-provider.ts --schema FILE [--overlay data/schemas/computed/aws-6.25.0.computed.json] [--socket PATH]
 *
 * Prints go-plugin's handshake line (`1|5|unix|SOCKET|grpc|`) on stdout once it listens, then the
 * TF_REATTACH_PROVIDERS value on stderr.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { BlockSchema, ProvidersSchemaJson } from '../packages/verify/src/schemas/types';
import { applyOverlay, type ComputedOverlay } from '../packages/plan/src/overlay';
import { Bin, Float, decode, encode, UNKNOWN, type Msg } from './lib/tfplugin5-msgpack';

import { DATA_PLACEHOLDER } from '../packages/plan/src/score';
export { DATA_PLACEHOLDER };

type Obj = { [k: string]: Msg };
interface TypeSchema {
  version: number;
  block: BlockSchema;
}

export interface ProviderSchemas {
  address: string;
  provider: TypeSchema;
  resources: Map<string, TypeSchema>;
  dataSources: Map<string, TypeSchema>;
}

/** Reads one provider's schemas from a `providers schema -json` file, with the computed overlay applied. */
export function readProviderSchemas(file: string, overlay?: ComputedOverlay, address?: string): ProviderSchemas {
  const raw = readFileSync(file);
  const doc = JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')) as ProvidersSchemaJson;
  const addr = address ?? Object.keys(doc.provider_schemas)[0];
  const p = addr ? doc.provider_schemas[addr] : undefined;
  if (!addr || !p) throw new Error(`${file}: no provider schema${address ? ` for ${address}` : ''}`);
  const useOverlay = overlay && overlay.address === addr ? overlay : undefined;
  const load = (entries: Record<string, { version?: number; block: BlockSchema }> | undefined, kind: 'resource_schemas' | 'data_source_schemas') => {
    const out = new Map<string, TypeSchema>();
    for (const [type, s] of Object.entries(entries ?? {})) {
      const o = useOverlay?.[kind][type];
      out.set(type, { version: o ? o.version : (s.version ?? 0), block: applyOverlay(s.block, o) });
    }
    return out;
  };
  return {
    address: addr,
    provider: { version: p.provider?.version ?? 0, block: p.provider?.block ?? {} },
    resources: load(p.resource_schemas, 'resource_schemas'),
    dataSources: load(p.data_source_schemas, 'data_source_schemas'),
  };
}

const NESTING = { single: 1, list: 2, set: 3, map: 4, group: 5 } as const;

function blockMessage(block: BlockSchema, version: number): unknown {
  return {
    version,
    attributes: Object.entries(block.attributes ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, a]) => ({
        name,
        type: Buffer.from(JSON.stringify(a.type ?? 'dynamic')),
        description: a.description ?? '',
        required: !!a.required,
        optional: !!a.optional,
        computed: !!a.computed,
        sensitive: !!a.sensitive,
        deprecated: !!a.deprecated,
      })),
    block_types: Object.entries(block.block_types ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, bt]) => ({
        type_name: name,
        block: blockMessage(bt.block, 0),
        nesting: NESTING[bt.nesting_mode] ?? 2,
        min_items: bt.min_items ?? 0,
        max_items: bt.max_items ?? 0,
      })),
    deprecated: !!block.deprecated,
  };
}

const schemaMessage = (s: TypeSchema) => ({ version: s.version, block: blockMessage(s.block, s.version) });

const isObj = (v: Msg): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Bin) && !(v instanceof Float);

/** Every nested-block object of a block value, by nesting mode. */
function eachNested(value: Msg, mode: string, fn: (o: Obj) => Obj): Msg {
  if (value === null || value === UNKNOWN) return value;
  if (mode === 'single' || mode === 'group') return isObj(value) ? fn(value) : value;
  if (Array.isArray(value)) return value.map((e) => (isObj(e) ? fn(e) : e));
  if (mode === 'map' && isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, e]) => [k, isObj(e) ? fn(e) : e]));
  return value;
}

/** The planned new state of a create: computed attributes the configuration leaves null become unknown. */
export function planCreate(block: BlockSchema, value: Obj): Obj {
  const out: Obj = { ...value };
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    if (a.computed && (out[name] === null || out[name] === undefined)) out[name] = UNKNOWN;
  }
  for (const [name, bt] of Object.entries(block.block_types ?? {})) {
    if (name in out) out[name] = eachNested(out[name]!, bt.nesting_mode, (o) => planCreate(bt.block, o));
  }
  return out;
}

/** A known stand-in value of a cty type (JSON form) for a data source result. */
export function placeholder(type: unknown): Msg {
  if (type === 'string') return DATA_PLACEHOLDER;
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (type === 'dynamic') return [new Bin(Buffer.from('"string"')), DATA_PLACEHOLDER];
  if (Array.isArray(type)) {
    const [kind, inner] = type as [string, unknown];
    if (kind === 'list' || kind === 'set') return [placeholder(inner)];
    if (kind === 'map') return {};
    if (kind === 'object') return Object.fromEntries(Object.entries(inner as Record<string, unknown>).map(([k, t]) => [k, placeholder(t)]));
    if (kind === 'tuple') return (inner as unknown[]).map(placeholder);
  }
  return null;
}

/** A data source's state: the configuration with computed nulls replaced by known placeholders. */
export function readData(block: BlockSchema, value: Obj): Obj {
  const out: Obj = { ...value };
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    if (a.computed && (out[name] === null || out[name] === undefined)) out[name] = placeholder(a.type);
  }
  for (const [name, bt] of Object.entries(block.block_types ?? {})) {
    if (name in out) out[name] = eachNested(out[name]!, bt.nesting_mode, (o) => readData(bt.block, o));
  }
  return out;
}

const dyn = (v: { msgpack?: Buffer } | null | undefined): Msg => (v?.msgpack && v.msgpack.length ? decode(v.msgpack) : null);
const error = (summary: string, detail = '') => ({ diagnostics: [{ severity: 1, summary, detail }] });

/**
 * The Provider service. `only` (consulted on every GetSchema) narrows the schema to the types a
 * configuration names: terraform decodes the whole schema on every run, ~10x slower for all of AWS.
 */
export function providerService(schemas: ProviderSchemas, only?: () => ReadonlySet<string> | undefined): grpc.UntypedServiceImplementation {
  let fullResponse: unknown;
  const unary = (fn: (req: any) => unknown) => (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
    try {
      cb(null, fn(call.request));
    } catch (e) {
      cb(null, error('schema-only provider failed', String((e as Error).stack ?? e)));
    }
  };
  return {
    GetSchema: unary(() => {
      const types = only?.();
      const build = () => ({
        provider: schemaMessage(schemas.provider),
        resource_schemas: Object.fromEntries([...schemas.resources].filter(([t]) => !types || types.has(t)).map(([t, s]) => [t, schemaMessage(s)])),
        data_source_schemas: Object.fromEntries([...schemas.dataSources].filter(([t]) => !types || types.has(t)).map(([t, s]) => [t, schemaMessage(s)])),
        diagnostics: [],
        server_capabilities: { plan_destroy: true, get_provider_schema_optional: false },
      });
      if (types) return build();
      fullResponse ??= build();
      return fullResponse;
    }),
    PrepareProviderConfig: unary((req) => ({ prepared_config: req.config, diagnostics: [] })),
    ValidateResourceTypeConfig: unary(() => ({ diagnostics: [] })),
    ValidateDataSourceConfig: unary(() => ({ diagnostics: [] })),
    Configure: unary(() => ({ diagnostics: [] })),
    Stop: unary(() => ({ Error: '' })),
    UpgradeResourceState: unary((req) => {
      const json = req.raw_state?.json as Buffer | undefined;
      return { upgraded_state: { msgpack: encode(json && json.length ? (JSON.parse(json.toString('utf8')) as Msg) : null) }, diagnostics: [] };
    }),
    PlanResourceChange: unary((req) => {
      const s = schemas.resources.get(req.type_name);
      if (!s) return error(`unknown resource type ${req.type_name}`);
      const proposed = dyn(req.proposed_new_state);
      const prior = dyn(req.prior_state);
      // destroy (proposed null) and updates are passed through: fresh plans only create
      const planned = isObj(proposed) && prior === null ? planCreate(s.block, proposed) : proposed;
      return { planned_state: { msgpack: encode(planned) }, diagnostics: [], legacy_type_system: true };
    }),
    ReadDataSource: unary((req) => {
      const s = schemas.dataSources.get(req.type_name);
      if (!s) return error(`unknown data source ${req.type_name}`);
      const config = dyn(req.config);
      return { state: { msgpack: encode(isObj(config) ? readData(s.block, config) : config) }, diagnostics: [] };
    }),
  };
}

const LIB = fileURLToPath(new URL('./lib/', import.meta.url));

/** Starts the server on a unix socket; resolves once it listens. */
export async function startSchemaProvider(schemas: ProviderSchemas, socket: string, only?: () => ReadonlySet<string> | undefined): Promise<{ server: grpc.Server; reattach: string }> {
  const opts = { keepCase: true, longs: Number, enums: Number, bytes: Buffer, defaults: true, oneofs: true };
  const plugin = grpc.loadPackageDefinition(protoLoader.loadSync(join(LIB, 'tfplugin5.proto'), opts)) as any;
  const health = grpc.loadPackageDefinition(protoLoader.loadSync(join(LIB, 'tfplugin5-health.proto'), opts)) as any;
  const server = new grpc.Server({ 'grpc.max_send_message_length': -1, 'grpc.max_receive_message_length': -1 });
  server.addService(plugin.tfplugin5.Provider.service, providerService(schemas, only));
  server.addService(health.grpc.health.v1.Health.service, { Check: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 1 }) });
  if (existsSync(socket)) rmSync(socket);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  const reattach = JSON.stringify({ [schemas.address]: { Protocol: 'grpc', ProtocolVersion: 5, Pid: process.pid, Test: true, Addr: { Network: 'unix', String: socket } } });
  return { server, reattach };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.findIndex((a) => a === `--${name}` || a === `-${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const schemaFile = flag('schema');
  if (!schemaFile) {
    console.error('usage: schema-provider.ts --schema FILE [--overlay FILE] [--socket PATH]');
    process.exit(1);
  }
  const overlayFile = flag('overlay');
  const overlay = overlayFile ? (JSON.parse(readFileSync(overlayFile, 'utf8')) as ComputedOverlay) : undefined;
  const socket = flag('socket') ?? join(tmpdir(), `tfpairs-schema-provider-${process.pid}.sock`);
  const { reattach } = await startSchemaProvider(readProviderSchemas(schemaFile, overlay), socket);
  process.stdout.write(`1|5|unix|${socket}|grpc|\n`);
  process.stderr.write(`TF_REATTACH_PROVIDERS='${reattach}'\n`);
}
