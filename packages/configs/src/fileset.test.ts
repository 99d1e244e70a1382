import { describe, expect, it } from 'vitest';
import { filesOfCode, isFileSet, mapCodeFiles, parseFileSet, renderFileSet } from './fileset';

const SET = '-- main.tf --\nmodule "m" {\n  source = "./modules/m"\n}\n-- modules/m/main.tf --\nresource "terraform_data" "x" {}\n';

describe('the file-set format', () => {
  it('reads each file under its path and renders the same text back', () => {
    const files = parseFileSet(SET)!;
    expect(files).toEqual([
      { path: 'main.tf', text: 'module "m" {\n  source = "./modules/m"\n}\n' },
      { path: 'modules/m/main.tf', text: 'resource "terraform_data" "x" {}\n' },
    ]);
    expect(renderFileSet(files)).toBe(SET);
    // CRLF and trailing blank lines do not change the files
    expect(parseFileSet(SET.replace(/\n/g, '\r\n').replace('-- modules', '\r\n\r\n-- modules'))).toEqual(files);
  });

  it('is never ordinary HCL: a set starts with its first marker', () => {
    expect(isFileSet('resource "a" "b" {}\n')).toBe(false);
    expect(isFileSet(`# files\n${SET}`)).toBe(false);
    expect(filesOfCode('resource "a" "b" {}\n')).toEqual([{ path: 'main.tf', text: 'resource "a" "b" {}\n' }]);
  });

  it('admits only plain relative paths, each once: anything else is judged as the one file it is', () => {
    for (const path of ['../x.tf', '/etc/x.tf', 'modules/../../x.tf', 'modules/./x.tf', '.terraform/x.tf', 'a//b.tf', 'a\\b.tf']) {
      expect({ path, set: parseFileSet(`-- ${path} --\nx = 1\n`) }).toEqual({ path, set: null });
    }
    expect(parseFileSet('-- main.tf --\na = 1\n-- main.tf --\nb = 2\n')).toBeNull();
    expect(parseFileSet('-- modules/my module/main.tf --\na = 1\n')).toEqual([{ path: 'modules/my module/main.tf', text: 'a = 1\n' }]);
  });

  it('changes each file of a set in order, and a one-file code as main.tf', async () => {
    const seen: string[] = [];
    const upper = async (text: string, path: string) => (seen.push(path), text.toUpperCase());
    expect(parseFileSet(await mapCodeFiles(SET, upper))!.map((f) => f.text)).toEqual(['MODULE "M" {\n  SOURCE = "./MODULES/M"\n}\n', 'RESOURCE "TERRAFORM_DATA" "X" {}\n']);
    expect(await mapCodeFiles('a = 1\n', upper)).toBe('A = 1\n');
    expect(seen).toEqual(['main.tf', 'modules/m/main.tf', 'main.tf']);
  });
});
