/**
 * Deterministic simulation infrastructure, independent of what the simulated nodes run (the Raft
 * simulation in {@code sim.raft} uses it; the sharded KV simulation can too).
 *
 * <ul>
 *   <li>{@link io.shardkv.server.sim.SimRandom}: the one seeded PRNG (SplitMix64, defined here so a
 *       seed replays on any JDK); components get derived streams with {@code fork(label)}.</li>
 *   <li>{@link io.shardkv.server.sim.SimScheduler}: virtual clock (simulated ms) and event queue ordered
 *       by (time, sequence number), so ties are deterministic.</li>
 *   <li>{@link io.shardkv.server.sim.SimNetwork}: any message type; per-link drop, delay, long delay,
 *       duplication (reordering follows from delays); directed blocked links for arbitrary and
 *       asymmetric partitions; counts.</li>
 *   <li>{@link io.shardkv.server.sim.SimDisk}: the {@code RaftStorage} contract exactly — buffered
 *       writes, durable on flush, a crash keeps a PRNG-chosen prefix of the unflushed calls.</li>
 *   <li>{@link io.shardkv.server.sim.SimCluster}: hosts node incarnations (ticks, delivery, crash,
 *       restart, pause); actions scheduled with {@code later} die with their incarnation, which is
 *       how a flush that takes simulated time is lost by a crash.</li>
 *   <li>{@link io.shardkv.server.sim.Nemesis}: injects {@link io.shardkv.server.sim.FaultKind}s on a
 *       PRNG-driven schedule and counts them.</li>
 *   <li>{@link io.shardkv.server.sim.TraceDigest}: SHA-256 over the ordered event stream
 *       (time|source|kind|contents), plus recent lines for failure dumps.</li>
 *   <li>{@link io.shardkv.server.sim.SeedSweep}: one world per seed, in parallel, results in seed
 *       order.</li>
 * </ul>
 *
 * <p>Determinism rules followed here: no wall clock, no threads, no {@code HashMap} iteration over
 * identity-hashed keys inside a run; wall/CPU clocks are read only around a run for speed figures.
 */
package io.shardkv.server.sim;
