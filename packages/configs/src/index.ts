export { diskFileSystem, memoryFileSystem, normalisePath, joinPath, type ConfigFileSystem, type DirEntry } from './fs';
export { moduleFiles, isIgnoredFile, type ConfigFile, type FileRole } from './files';
export { parseJsonConfig, type JsonParseResult } from './json';
export { applyOverrides, mergeBodies, type MergeResult } from './override';
export { decodeConfigBytes } from './encoding';
export { nameSuggestion } from './didyoumean';
export { loadConfig, allModules, parseConfigFile, isLocalSource, sourceKind, type ConfigModule, type ModuleCall, type ModulesManifest, type LoadConfigOptions } from './tree';
