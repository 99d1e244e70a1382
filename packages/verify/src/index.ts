export * from './stage';
export { validateModule, verifyCode, snippetFor, type ModuleFile, type ValidateOptions, type VerifyResult } from './validate';
export { validateJson } from './cli';
export { renderTerraformDiagnostic } from './render';
export { loadSchemaSet, type SchemaSet, type BlockSchema, type AttributeSchema, type BlockTypeSchema } from './schemas';
