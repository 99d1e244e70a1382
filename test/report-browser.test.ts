import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '@tfpairs/core';
import { reportCommand } from '@tfpairs/report/cli';
import { diagAt, draft, task, writeRun } from '@tfpairs/report/testing';
import { REPO } from './paths';
import { cli } from './cli';

/**
 * Opens report.html in Debian's headless Chromium (installed by scripts/ci-chromium.sh), with background
 * networking off and every host name unresolvable, and records Chromium's net log: the page must render
 * every chart as SVG and the drop table, and must not ask for anything over the network.
 */
const run = promisify(execFile);
const CHROMIUM = '/usr/bin/chromium';
const SAMPLE = ['data/sample/tasks.jsonl', 'data/sample/iac-eval-style.csv', 'data/sample/tasks-folder'];

interface Opened {
  readonly dom: string;
  readonly png: Buffer;
  /** URL requests the page itself made (Chromium's own update/time pings are `not an origin`) */
  readonly pageRequests: readonly string[];
  /** every URL request in the net log */
  readonly allRequests: readonly { url: string; initiator: string }[];
}

async function openInChromium(url: string, height = 2200): Promise<Opened> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ci-chromium.sh (apt-get install chromium)`);
  const dir = mkdtempSync(join(tmpdir(), 'tfpairs-chromium-'));
  const png = join(dir, 'shot.png');
  const netlog = join(dir, 'net.json');
  const { stdout } = await run(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
      '--disable-domain-reliability',
      '--no-pings',
      '--metrics-recording-only',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--log-net-log=${netlog}`,
      `--window-size=1280,${height}`,
      `--screenshot=${png}`,
      '--dump-dom',
      url,
    ],
    { timeout: 90_000, maxBuffer: 256 << 20 },
  );
  const text = readFileSync(netlog, 'utf8');
  // Chromium may stop before closing the events array
  const log = JSON.parse(text.trimEnd().endsWith('}') ? text : `${text.trimEnd().replace(/,$/, '')}]}`) as {
    constants: { logEventTypes: Record<string, number> };
    events: { type: number; params?: { url?: string; initiator?: string } }[];
  };
  const startJob = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  const allRequests = log.events
    .filter((e) => e.type === startJob && e.params?.url)
    .map((e) => ({ url: e.params!.url!, initiator: e.params!.initiator ?? '' }));
  return {
    dom: stdout,
    png: readFileSync(png),
    pageRequests: allRequests.filter((r) => r.initiator !== 'not an origin').map((r) => r.url),
    allRequests,
  };
}

/**
 * Decodes an 8-bit RGB/RGBA PNG with node:zlib and returns its pixels' distinct colours. Hand-written:
 * Node has no image decoder, and the format (chunks, one zlib stream, five row filters) is small.
 */
function pngColours(png: Buffer): { width: number; height: number; colours: Map<number, number> } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      channels = { 2: 3, 6: 4 }[data[9]!] ?? 0;
      expect(channels).toBeGreaterThan(0);
      expect(data[12]).toBe(0); // not interlaced
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = Buffer.alloc(stride);
  const row = Buffer.alloc(stride);
  const colours = new Map<number, number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? row[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      let v = line[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = v & 0xff;
    }
    for (let x = 0; x < stride; x += channels) {
      const key = (row[x]! << 16) | (row[x + 1]! << 8) | row[x + 2]!;
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
    row.copy(prev);
  }
  return { width, height, colours };
}

/** Anything in the page that would make a browser fetch from the network. */
function externalReferences(html: string): string[] {
  const patterns = [
    /\b(?:src|href|xlink:href|action|formaction|poster|data|srcset|background)\s*=\s*["']?\s*(?:https?:|ftp:|wss?:)?\/\/[^"'\s>]*/gi,
    /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*\)/gi,
    /@import\s+["']?(?:https?:)?\/\//gi,
    /\bfetch\(|XMLHttpRequest|new WebSocket|EventSource\(/g,
  ];
  return patterns.flatMap((p) => html.match(p) ?? []);
}

function figures(html: string): { id: string; body: string }[] {
  return [...html.matchAll(/<figure class="chart" data-chart="([^"]+)">([\s\S]*?)<\/figure>/g)].map((m) => ({ id: m[1]!, body: m[2]! }));
}

function quietIO(): CliIO {
  return { stdin: process.stdin, stdout: { write: () => true }, stderr: { write: () => true }, cwd: REPO, env: {} };
}

describe('report.html in headless Chromium', () => {
  let out: string;
  let reportPath: string;
  let manifest: { counts: { dropped: number; input: number } };
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'tfpairs-report-'));
    // `build` writes the report at the end of the run and prints its path
    const { stderr } = await cli(['build', '--offline', ...SAMPLE.flatMap((i) => ['--input', i]), '--out', out], { cwd: REPO });
    reportPath = join(out, 'report.html');
    expect(stderr).toContain(`report: ${reportPath}`);
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  });

  it('renders every chart as SVG and the drop table, offline, and the screenshot is not blank', async () => {
    const source = readFileSync(reportPath, 'utf8');
    expect(source).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(externalReferences(source)).toEqual([]);
    const inFile = figures(source);
    expect(inFile.map((f) => f.id)).toEqual(expect.arrayContaining(['funnel', 'drops', 'verdicts']));

    const page = await openInChromium(pathToFileURL(reportPath).href);
    // every chart of the file is in the rendered DOM, as an SVG with drawn marks
    const rendered = figures(page.dom);
    expect(rendered.map((f) => f.id)).toEqual(inFile.map((f) => f.id));
    for (const f of rendered) {
      expect(f.body, f.id).toMatch(/^<svg [^>]*class="marks"/);
      expect(f.body, f.id).toMatch(/class="mark-(rect|path|symbol|text)[^"]*role-mark/);
    }
    // the drop table: one row per dropped record, each linking to its story
    const table = /<table id="drop-table">([\s\S]*?)<\/table>/.exec(page.dom)?.[1] ?? '';
    const rows = table.match(/<tr><td><a href="#rec-\d+">/g) ?? [];
    expect(rows).toHaveLength(manifest.counts.dropped);
    expect(page.dom).toMatch(/<input type="search" id="drop-search"/);
    for (let i = 0; i < manifest.counts.dropped; i++) expect(page.dom).toContain(`<details id="rec-${i}">`);

    // nothing left the machine: the page made no request at all, and refers to nothing outside
    expect(page.pageRequests).toEqual([]);
    expect(externalReferences(page.dom)).toEqual([]);

    // the screenshot shows a page with charts: many colours, not one flat background
    writeFileSync(join(out, 'report.png'), page.png);
    const { width, height, colours } = pngColours(page.png);
    expect([width, height]).toEqual([1280, 2200]);
    expect(colours.size).toBeGreaterThan(100);
    const background = Math.max(...colours.values());
    expect(background / (width * height)).toBeLessThan(0.97);
    // the verdict and drop colours of the charts are on screen
    const near = (rgb: number) => [...colours.keys()].some((k) => Math.abs((k >> 16) - (rgb >> 16)) + Math.abs(((k >> 8) & 255) - ((rgb >> 8) & 255)) + Math.abs((k & 255) - (rgb & 255)) < 12);
    expect(near(0xc62828)).toBe(true);
    expect(near(0x2e7d32)).toBe(true);
  });

  it('runs its inline script: a #link opens the record, ?q= filters the drop table', async () => {
    const url = `${pathToFileURL(reportPath).href}?q=duplicate#rec-0`;
    const page = await openInChromium(url, 900);
    expect(page.dom).toMatch(/<details id="rec-0" open="">/);
    const body = /<table id="drop-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page.dom)![1]!;
    const rows = body.split('</tr>').filter((r) => r.includes('<tr'));
    const shown = rows.filter((r) => !r.startsWith('<tr hidden'));
    expect(rows.length).toBe(manifest.counts.dropped);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(rows.length);
    expect(shown.every((r) => r.includes('duplicate'))).toBe(true);
    expect(page.dom).toContain(`<span id="drop-shown">${shown.length}</span>`);
    expect(page.pageRequests).toEqual([]);
  });

  it('renders the comparison section of two runs', async () => {
    const a = mkdtempSync(join(tmpdir(), 'tfpairs-report-a-'));
    const b = mkdtempSync(join(tmpdir(), 'tfpairs-report-b-'));
    const g = 'resource "aws_s3_bucket" "g" {}\n';
    await writeRun(a, [task({ prompt: 'bucket', gold: g, line: 1, candidates: [draft('a', 'resource "x" "y" {}\n', 'm', [diagAt('error', 'Unsupported argument', 1)])] })]);
    await writeRun(b, [task({ prompt: 'bucket', gold: g, line: 1, candidates: [draft('b', 'resource "x" "z" {}\n', 'm', [])] })]);
    expect(await reportCommand([b, '--compare', a], quietIO())).toBe(0);
    const page = await openInChromium(pathToFileURL(join(b, 'report.html')).href);
    expect(page.dom).toContain('<section id="compare">');
    const ids = figures(page.dom).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['compare-pass', 'compare-lines', 'compare-transitions']));
    for (const f of figures(page.dom)) expect(f.body, f.id).toMatch(/^<svg [^>]*class="marks"/);
    expect(page.pageRequests).toEqual([]);
  });

  it('the net-log check does catch a page that loads from the network (control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfpairs-control-'));
    const page = join(dir, 'leaky.html');
    writeFileSync(page, '<!DOCTYPE html><html><body><img src="https://example.com/pixel.png"><p>leaky</p></body></html>');
    const opened = await openInChromium(pathToFileURL(page).href, 300);
    expect(opened.pageRequests).toEqual(['https://example.com/pixel.png']);
    expect(externalReferences(readFileSync(page, 'utf8'))).toHaveLength(1);
  });
});
