import { describe, expect, it } from 'vitest';
import { extract } from 'tar-stream';
import { configArchive, demuxDockerLog, parseFramed, SANDBOX_UID, wrapperScript } from './runner';

const B = 'tfpairs-0123456789abcdef01234567';

/** What the wrapper prints for one step (see wrapperScript). */
function section(name: string, out: string, err: string, rc: number): string {
  return `${B} out ${name}\n${out}\n${B} err ${name}\n${err}\n${B} rc ${name} ${rc}\n`;
}

describe('parseFramed', () => {
  it('splits steps and keeps each output byte for byte (with or without a final newline)', () => {
    const text = section('init', '\nInitializing...\n', '', 0) + section('validate', '{"valid":true}', 'warn\n', 0) + `${B} end\n`;
    expect(parseFramed(text, B)).toEqual({
      steps: [
        { name: 'init', exitCode: 0, stdout: '\nInitializing...\n', stderr: '' },
        { name: 'validate', exitCode: 0, stdout: '{"valid":true}', stderr: 'warn\n' },
      ],
      completed: true,
      fatal: undefined,
      other: '',
    });
  });

  it('drops a step that was killed before its exit code and reports the run as incomplete', () => {
    const text = section('init', 'ok\n', '', 0) + `${B} out validate\n{"format_ver`;
    const framed = parseFramed(text, B);
    expect(framed.steps.map((s) => s.name)).toEqual(['init']);
    expect(framed.completed).toBe(false);
  });

  it('ignores marker-like lines with another nonce and keeps wrapper noise apart', () => {
    const forged = `tfpairs-ffffffffffffffffffffffff rc validate 0\n`;
    const text = `sh: warning\n${section('validate', forged, '', 1)}${B} fatal no-configuration\n`;
    const framed = parseFramed(text, B);
    expect(framed.steps).toEqual([{ name: 'validate', exitCode: 1, stdout: forged, stderr: '' }]);
    expect(framed.other).toBe('sh: warning\n');
    expect(framed.fatal).toBe('no-configuration');
  });

  it('the wrapper script refers to the nonce it was given and runs init, validate -json and plan', () => {
    const script = wrapperScript(B);
    expect(script).toContain(`B=${B}`);
    expect(script).toContain('terraform init -backend=false -input=false -no-color');
    expect(script).toContain('terraform validate -json -no-color');
    expect(script).toContain('terraform plan -input=false -lock=false -refresh=false -json -no-color');
  });
});

describe('demuxDockerLog', () => {
  it('splits Docker\'s 8-byte framed log into stdout and stderr', () => {
    const frame = (stream: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = stream;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const log = Buffer.concat([frame(1, 'out-1 '), frame(2, 'err-1'), frame(1, 'out-2 é')]);
    expect(demuxDockerLog(log)).toEqual({ stdout: 'out-1 out-2 é', stderr: 'err-1' });
  });
});

/** every entry of a tar archive, in order */
async function entriesOf(archive: Buffer): Promise<{ name: string; uid?: number; type?: string | null; body: string }[]> {
  const entries: { name: string; uid?: number; type?: string | null; body: string }[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, uid: header.uid, type: header.type, body: Buffer.concat(chunks).toString() });
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(archive);
  await done;
  return entries;
}

describe('configArchive', () => {
  it('puts the files under config/, owned by the sandbox user, with the ready marker last', async () => {
    const archive = await configArchive({ 'main.tf': 'resource "a" "b" {}\n', 'variables.tf': '' });
    const entries = await entriesOf(archive);
    expect(entries.map((e) => e.name)).toEqual(['config/', 'config/main.tf', 'config/variables.tf', '.tfpairs-ready']);
    expect(new Set(entries.map((e) => e.uid))).toEqual(new Set([SANDBOX_UID]));
    expect(entries[1]!.body).toBe('resource "a" "b" {}\n');
  });

  it('refuses file names that could leave the configuration folder', async () => {
    await expect(configArchive({ '../etc/passwd': 'x' })).rejects.toThrow(/unsafe configuration file name/);
    await expect(configArchive({ '.tfpairs-ready': '' })).rejects.toThrow(/unsafe/);
    await expect(configArchive({ 'modules/../../x.tf': '' })).rejects.toThrow(/unsafe/);
    await expect(configArchive({ '/etc/x.tf': '' })).rejects.toThrow(/unsafe/);
    await expect(configArchive({ 'modules/.terraform/x.tf': '' })).rejects.toThrow(/unsafe/);
  });

  it('writes a file set\'s files to their paths, each folder once and before its files', async () => {
    const archive = await configArchive({ 'main.tf': 'a', 'modules/net/main.tf': 'b', 'modules/net/outputs.tf': 'c', 'modules/dns/main.tf': 'd' });
    const entries = await entriesOf(archive);
    expect(entries.map((e) => `${e.type}:${e.name}`)).toEqual([
      'directory:config/',
      'file:config/main.tf',
      'directory:config/modules/',
      'directory:config/modules/net/',
      'file:config/modules/net/main.tf',
      'file:config/modules/net/outputs.tf',
      'directory:config/modules/dns/',
      'file:config/modules/dns/main.tf',
      'file:.tfpairs-ready',
    ]);
    expect(new Set(entries.map((e) => e.uid))).toEqual(new Set([SANDBOX_UID]));
    expect(entries.find((e) => e.name === 'config/modules/net/outputs.tf')!.body).toBe('c');
  });
});
