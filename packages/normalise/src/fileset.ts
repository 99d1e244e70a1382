/**
 * The multi-file format of a task with local modules (txtar's `-- path --` lines). The format itself
 * lives in `@tfpairs/configs/fileset`, under every stage and check that reads an artifact's code as
 * files; normalise re-exports it for the stages above (ingest, write) that import it from here.
 */
export { SINGLE_FILE, filesOfCode, isFileSet, isSetPath, mapCodeFiles, parseFileSet, renderFileSet, type SetFile } from '@tfpairs/configs/fileset';
