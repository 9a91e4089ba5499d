package io.shardkv.chaos.workload;

/**
 * @param concurrency client threads
 * @param keyCount keys worked on at once (the threads split into this many groups)
 * @param opsPerKey ops on one key before its group moves to a fresh key (keeps each key's history
 *     small enough to check)
 */
public record WorkloadOptions(int concurrency, int keyCount, int opsPerKey) {}
