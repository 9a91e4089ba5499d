package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's classpath (cli and everything it depends on: what bin/shardkv runs with
 * cli/target/lib) holds no benchmark-only code: not the etcd harness of bench/, not jetcd, which
 * only bench/ may depend on (README, Dependencies).
 */
class LauncherClasspathTest {
  @Test
  void neitherTheEtcdHarnessNorJetcdIsOnTheLaunchersClasspath() {
    for (String benchmarkOnly : List.of("io.shardkv.bench.EtcdBench", "io.etcd.jetcd.Client")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(benchmarkOnly, false, getClass().getClassLoader()),
          benchmarkOnly + " is benchmark-only and must stay out of the cli module's dependencies");
    }
  }
}
