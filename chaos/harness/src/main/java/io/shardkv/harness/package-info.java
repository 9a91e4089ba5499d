/**
 * The harnesses that run real ShardKV clusters on this machine (docs/real-cluster.md): above the
 * server (module shardkv-node), below the command line (shardkv-cli) and the chaos suite.
 *
 * <ul>
 *   <li>{@link io.shardkv.harness.LocalCluster}: server JVMs on 127.0.0.1 from one cluster.conf
 *       ({@code bin/shardkv local-cluster}, {@code demo}, {@code bench}, {@code chaos run --local}, the
 *       end-to-end tests).</li>
 *   <li>{@link io.shardkv.harness.ChaosRun}: clients + nemesis + history + linearizability check
 *       against such a cluster ({@code bin/shardkv demo}, the end-to-end test).</li>
 *   <li>{@link io.shardkv.harness.ProcessLiveness}: the one rule for "is the process behind this pid
 *       file still running".</li>
 * </ul>
 */
package io.shardkv.harness;
