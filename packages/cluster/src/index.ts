export { formatShard, parseShardSpec, shardOfManifest, ShardSpecError, type ShardSpec } from './shard';
export { compareKeys, recordOrder, sourceOrder, type OrderKey } from './order';
export { loadShards, mergeShards, MergeError, type MergeOptions, type MergeResult, type ShardOutput } from './merge';
export {
  execCommand,
  jobStates,
  parseJobId,
  parseScontrolJobs,
  shardBuildArgs,
  shardDir,
  shellQuote,
  SlurmError,
  slurmScripts,
  submit,
  waitForMerge,
  type Exec,
  type JobState,
  type SlurmPlan,
  type WaitResult,
} from './slurm';
export { K8S_DEFAULTS, k8sJobs, type K8sPlan } from './k8s';
