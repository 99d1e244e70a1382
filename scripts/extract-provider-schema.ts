/**
 * Builds the bundled provider schema(s) in `data/schemas/` from a prebuilt CDKTF provider package.
 *
 *   npx tsx scripts/extract-provider-schema.ts [--package @cdktf/provider-aws@21] [--tarball FILE]
 *       [--out data/schemas] [--compare ../shared/data/provider-schemas/aws-4.36.1.schema.json.gz]
 *
 * The package (~390 MB unpacked) is a build-time tool, never a dependency: it is fetched with
 * `npm pack` into a temporary folder (or read from --tarball), streamed once, and deleted.
 * Output: `<out>/<host>/<namespace>/<type>/<version>.json.gz` (a `providers schema -json` document)
 * and `<version>.index.json` (byte ranges for lazy lookups), plus a comparison report on stdout.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { serialiseBundled } from '../packages/verify/src/schemas/bundled';
import { compareSchemas } from '../packages/verify/src/schemas/compare';
import { extractFromJsii, type JsiiAssembly } from '../packages/verify/src/schemas/from-jsii';
import { enrichFromJs, parseGeneratedJs, type GeneratedModule } from '../packages/verify/src/schemas/from-cdktf-js';
import { readSchemaFile } from '../packages/verify/src/schemas/schema-file';
import type { ProvidersSchemaJson } from '../packages/verify/src/schemas/types';
import { parseProvidersSchema, readMaybeGzip } from '../packages/verify/src/schemas/schema-file';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    package: { type: 'string', default: '@cdktf/provider-aws@21' },
    tarball: { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'data/schemas') },
    compare: { type: 'string', default: join(repoRoot, '../shared/data/provider-schemas/aws-4.36.1.schema.json.gz') },
    'no-js': { type: 'boolean', default: false },
    examples: { type: 'string', default: '12' },
  },
});

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

function fetchTarball(spec: string, dir: string): string {
  log(`npm pack ${spec} (build-time download into ${dir}) ...`);
  const out = execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const file = out.trim().split('\n').pop();
  if (!file) throw new Error(`npm pack ${spec} printed no file name`);
  return join(dir, file);
}

interface PackageContents {
  jsii: JsiiAssembly;
  packageJson: { name: string; version: string; cdktf?: { provider?: { name?: string; version?: string } } };
  readme: string;
  modules: Map<string, GeneratedModule>;
}

/** Streams the tarball once: keeps .jsii, package.json, README, and parses each lib/<module>/index.js. */
async function readPackage(tarball: string, withJs: boolean): Promise<PackageContents> {
  const extract = tarExtract();
  createReadStream(tarball).pipe(createGunzip()).pipe(extract);
  let jsii: Buffer | undefined;
  let packageJson: string | undefined;
  let readme = '';
  const modules = new Map<string, GeneratedModule>();
  for await (const entry of extract) {
    const name = entry.header.name;
    const jsModule = /^package\/lib\/([^/]+)\/index\.js$/.exec(name)?.[1];
    const wanted = name === 'package/.jsii' || name === 'package/package.json' || name === 'package/README.md' || (withJs && jsModule);
    if (!wanted) {
      entry.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    if (name === 'package/.jsii') jsii = bytes;
    else if (name === 'package/package.json') packageJson = bytes.toString('utf8');
    else if (name === 'package/README.md') readme = bytes.toString('utf8');
    else if (jsModule) modules.set(jsModule, parseGeneratedJs(`lib/${jsModule}/index.js`, bytes.toString('utf8')));
  }
  if (!jsii) throw new Error(`${tarball} has no package/.jsii`);
  if (!packageJson) throw new Error(`${tarball} has no package/package.json`);
  log(`read .jsii (${(jsii.length / 1e6).toFixed(1)} MB) and ${modules.size} generated JS modules`);
  return { jsii: JSON.parse(jsii.toString('utf8')) as JsiiAssembly, packageJson: JSON.parse(packageJson), readme, modules };
}

function pct(n: number, of: number): string {
  return of === 0 ? 'n/a' : `${((100 * n) / of).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tfpairs-extract-'));
  try {
    const tarball = args.tarball ? resolve(args.tarball) : fetchTarball(args.package!, tmp);
    const pkg = await readPackage(tarball, !args['no-js']);
    const result = extractFromJsii(pkg.jsii);
    const readmeVersion = /provider version (\d+\.\d+\.\d+)/.exec(pkg.readme)?.[1];
    log(`${pkg.packageJson.name}@${pkg.packageJson.version}: ${result.address} ${result.version} (README says ${readmeVersion ?? '?'})`);
    const declared = pkg.packageJson.cdktf?.provider;
    log(`package.json declares ${declared?.name ?? '?'} ${declared?.version ?? '?'}`);
    for (const [what, v] of [['README', readmeVersion], ['package.json', declared?.version]] as const) {
      if (v && v !== result.version) throw new Error(`docs links say ${result.version} but the ${what} says ${v}`);
    }
    if (declared?.name && declared.name.toLowerCase() !== result.address) {
      throw new Error(`docs links say ${result.address} but package.json says ${declared.name}`);
    }
    const enrichment = args['no-js'] ? undefined : enrichFromJs(pkg.jsii, result, pkg.modules);

    const { gz, json, index } = serialiseBundled(result.address, result.version, result.schema);
    // the output must read back through the same reader users' files go through
    parseProvidersSchema('(derived)', json);
    const folder = join(args.out!, ...result.address.split('/'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${result.version}.json.gz`), gz);
    writeFileSync(join(folder, `${result.version}.index.json`), `${JSON.stringify(index)}\n`);
    const resources = Object.keys(result.schema.resource_schemas ?? {}).length;
    const dataSources = Object.keys(result.schema.data_source_schemas ?? {}).length;
    console.log(`# ${result.address} ${result.version} from ${pkg.packageJson.name}@${pkg.packageJson.version}`);
    console.log(`resource types: ${resources}, data sources: ${dataSources}, provider block: ${result.schema.provider ? 'yes' : 'no'}`);
    console.log(`files: ${result.version}.json.gz ${(gz.length / 1e6).toFixed(2)} MB (uncompressed ${(json.length / 1e6).toFixed(2)} MB), index ${(Buffer.byteLength(JSON.stringify(index)) / 1e3).toFixed(0)} kB`);
    console.log(`mapped properties: ${JSON.stringify(result.counts)}`);
    if (enrichment) console.log(`from the generated JS: ${JSON.stringify(enrichment.counts)}`);
    const allIssues = [...result.issues, ...(enrichment?.issues ?? [])];
    console.log(`issues: ${allIssues.length}`);
    for (const issue of allIssues.slice(0, Number(args.examples))) console.log(`  ${issue.where}: ${issue.problem}`);

    if (args.compare && existsSync(args.compare)) {
      const reference = readSchemaFile(args.compare);
      const refDoc = JSON.parse(readMaybeGzip(args.compare).toString('utf8')) as ProvidersSchemaJson;
      const refProvider = refDoc.provider_schemas[Object.keys(refDoc.provider_schemas).find((k) => k.endsWith(`/${result.address.split('/').pop()}`)) ?? ''];
      if (reference.length > 0 && refProvider) {
        const c = compareSchemas(result.schema, refProvider);
        const n = Number(args.examples);
        console.log(`\n## against ${args.compare}`);
        console.log(`shared types: ${c.sharedResourceTypes} resources, ${c.sharedDataSourceTypes} data sources; only in reference: ${c.onlyInReferenceTypes}; only in derived: ${c.onlyInDerivedTypes}`);
        const argTotal = c.arguments.agree + c.arguments.onlyInReference.length;
        console.log(`arguments (configurable in reference): ${c.arguments.agree}/${argTotal} agree (${pct(c.arguments.agree, argTotal)}); required-ness agrees on ${c.requiredAgree}/${c.arguments.agree} (${pct(c.requiredAgree, c.arguments.agree)})`);
        const blockTotal = c.blocks.agree + c.blocks.onlyInReference.length;
        console.log(`blocks: ${c.blocks.agree}/${blockTotal} agree (${pct(c.blocks.agree, blockTotal)}); nesting mode ${c.nestingModeAgree}/${c.blocks.agree}; max_items ${c.maxItemsAgree}/${c.blocks.agree}; content unknown (opaque): ${c.opaqueBlocks}`);
        const compTotal = c.computedOnly.agree + c.computedOnly.onlyInReference.length;
        console.log(`computed-only attributes: ${c.computedOnly.agree}/${compTotal} present (${pct(c.computedOnly.agree, compTotal)})`);
        console.log(`block/attribute kind mismatches: ${c.kindMismatch.length}`);
        for (const [title, list] of [
          ['arguments only in 4.x', c.arguments.onlyInReference],
          ['arguments only in derived', c.arguments.onlyInDerived],
          ['blocks only in 4.x', c.blocks.onlyInReference],
          ['kind mismatches', c.kindMismatch],
          ['computed-only missing', c.computedOnly.onlyInReference],
        ] as const) {
          console.log(`${title} (${list.length})${n > 0 ? `: ${list.slice(0, n).join(', ')}${list.length > n ? ', ...' : ''}` : ''}`);
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  log(`extract-provider-schema: ${(e as Error).message}`);
  process.exit(1);
});
