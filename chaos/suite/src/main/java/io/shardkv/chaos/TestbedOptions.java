package io.shardkv.chaos;

import io.shardkv.chaos.clock.ClockMode;
import io.shardkv.chaos.db.ServerDistribution;
import io.shardkv.chaos.db.ShardKvDb;
import io.shardkv.chaos.db.Topology;
import io.shardkv.server.process.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@link Testbeds} builds a testbed.
 *
 * @param runDir the run's directory: the run-local known_hosts and the files generated for the
 *     hosts (cluster config, launchers) go there
 * @param shape how many groups and replicas, and the ports (default: a config center of 3 and two
 *     shard groups of 3 on ports 7000+ / admin 8000+)
 * @param settings the cluster config's settings (default: those of docs/config.md)
 * @param clocks which clock faults ({@link ClockMode#AUTO}: fake clocks on hosts that share this
 *     machine's kernel, real ones elsewhere)
 * @param fakeMonotonic with fake clocks: does the servers' monotonic clock move with the offset too
 *     (default true: the issue asks for both; false mimics a VM, where only the wall clock steps)
 * @param remoteRoot hosts from a host list: each host's ShardKV home is {@code remoteRoot/NAME}
 *     (default /var/lib/shardkv-chaos); lab hosts use their own directory in the lab
 * @param distribution the jars to ship; null: the running JVM's classpath (under bin/shardkv that
 *     is exactly what {@code mvn -B -DskipTests package} built)
 * @param jvmOptions the server JVMs' options
 * @param setupTimeout how long {@code db().setup()} waits for leaders and joins
 */
public record TestbedOptions(Path runDir, Topology.Shape shape, ClusterConfig.Settings settings, ClockMode clocks,
    boolean fakeMonotonic, String remoteRoot, ServerDistribution distribution, List<String> jvmOptions,
    Duration setupTimeout) {

  public static TestbedOptions defaults(Path runDir) {
    return new TestbedOptions(runDir, Topology.Shape.defaults(), Topology.defaultSettings(), ClockMode.AUTO, true,
        "/var/lib/shardkv-chaos", null, ShardKvDb.Options.DEFAULT_JVM_OPTIONS, Duration.ofSeconds(120));
  }

  public TestbedOptions withShape(Topology.Shape s) {
    return new TestbedOptions(runDir, s, settings, clocks, fakeMonotonic, remoteRoot, distribution, jvmOptions, setupTimeout);
  }

  public TestbedOptions withSettings(ClusterConfig.Settings s) {
    return new TestbedOptions(runDir, shape, s, clocks, fakeMonotonic, remoteRoot, distribution, jvmOptions, setupTimeout);
  }

  public TestbedOptions withClocks(ClockMode c) {
    return new TestbedOptions(runDir, shape, settings, c, fakeMonotonic, remoteRoot, distribution, jvmOptions, setupTimeout);
  }

  public TestbedOptions withFakeMonotonic(boolean b) {
    return new TestbedOptions(runDir, shape, settings, clocks, b, remoteRoot, distribution, jvmOptions, setupTimeout);
  }

  public TestbedOptions withRemoteRoot(String r) {
    return new TestbedOptions(runDir, shape, settings, clocks, fakeMonotonic, r, distribution, jvmOptions, setupTimeout);
  }

  public TestbedOptions withDistribution(ServerDistribution d) {
    return new TestbedOptions(runDir, shape, settings, clocks, fakeMonotonic, remoteRoot, d, jvmOptions, setupTimeout);
  }

  public TestbedOptions withJvmOptions(List<String> o) {
    return new TestbedOptions(runDir, shape, settings, clocks, fakeMonotonic, remoteRoot, distribution, List.copyOf(o), setupTimeout);
  }

  public TestbedOptions withSetupTimeout(Duration d) {
    return new TestbedOptions(runDir, shape, settings, clocks, fakeMonotonic, remoteRoot, distribution, jvmOptions, d);
  }
}
