export * from './stage';
export * from './syntax';
export { validateModule, verifyCode, snippetFor, type ModuleFile, type ValidateOptions, type VerifyResult } from './validate';
export { loadSchemaSet, type SchemaSet, type BlockSchema, type AttributeSchema, type BlockTypeSchema } from './schemas';
